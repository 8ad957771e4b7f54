"""One sentence pattern at a time: what the rules designer makes of it, and why."""

from __future__ import annotations

import pytest

from schemasmith.design.extract_words import (
    number_of,
    participle,
    plural,
    singular,
    split_list,
    table_name,
)
from schemasmith.design.requirements import parse_requirements
from schemasmith.design.rules_designer import RulesDesigner
from schemasmith.model.document import Conventions


def propose(*bullets: str, stories: tuple[str, ...] = (), scale: str | None = None):
    text = "# Test — requirements\n\nA test product.\n\n" + "\n".join(f"- {bullet}" for bullet in bullets) + "\n"
    if stories:
        text += "\n## User stories\n\n" + "\n".join(f"- {story}" for story in stories) + "\n"
    if scale:
        text += f"\n## Scale\n\n{scale}\n"
    return RulesDesigner().propose(parse_requirements(text), Conventions())


def columns(proposal, table: str) -> dict[str, tuple[str, bool]]:
    return {
        name: (column.type, column.nullable)
        for name, column in proposal.design.tables[table].columns.items()
        if name not in ("id", "created_at", "updated_at")
    }


def foreign_keys(proposal, table: str) -> dict[str, tuple[str, str, bool]]:
    table_ = proposal.design.tables[table]
    return {fk.columns[0]: (fk.references.table, fk.on_delete, table_.columns[fk.columns[0]].nullable) for fk in table_.foreign_keys}


# --- attributes and their types -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "name", "portable"),
    [
        ("a unique email address", "email", "varchar(320)"),
        ("a title", "title", "varchar(200)"),
        ("a name", "name", "text"),
        ("a unique name", "name", "varchar(200)"),
        ("a description", "description", "text"),
        ("a URL", "url", "text"),
        ("a link to the paper or website", "url", "text"),
        ("an optional website", "website", "text"),
        ("a score", "score", "numeric(12,4)"),
        ("a price", "price", "numeric(10,2)"),
        ("free-form metadata", "metadata", "json"),
        ("a list of simple tags", "tags", "text[]"),
        ("a due date", "due_date", "date"),
        ("a release date", "released_on", "date"),
        ("the date of the visit", "visited_on", "date"),
        ("the date it was tested", "tested_on", "date"),
        ("the time it was opened", "opened_at", "timestamptz"),
        ("the year it was built", "year_built", "smallint"),
        ("a date of birth", "date_of_birth", "date"),
        ("a planned arrival time", "planned_arrival_at", "timestamptz"),
        ("a weight in kilograms", "weight_kg", "numeric(10,2)"),
        ("the size in bytes", "size_bytes", "integer"),
        ("a capacity", "capacity", "integer"),
        ("the number of servings", "servings", "integer"),
        ("a phone number", "phone_number", "varchar(50)"),
        ("whether it is internal", "internal", "boolean"),
        ("a latitude", "latitude", "double"),
        ("a text", "body", "text"),
    ],
)
def test_attribute_types_follow_meaning(item, name, portable):
    proposal = propose(f"A widget has {item}.")
    assert columns(proposal, "widgets")[name][0] == portable


def test_optional_unique_and_ranges():
    proposal = propose("A spot has a name, a unique code, an optional caption, a rating from 1 to 5, a latitude and longitude.")
    table = proposal.design.tables["spots"]
    assert columns(proposal, "spots") == {
        "name": ("text", False), "code": ("varchar(32)", False), "caption": ("text", True),
        "rating": ("smallint", False), "latitude": ("double", False), "longitude": ("double", False),
    }
    assert [unique.columns for unique in table.unique] == [["code"]]
    assert [check.expression for check in table.checks] == [
        "rating BETWEEN 1 AND 5", "latitude BETWEEN -90 AND 90", "longitude BETWEEN -180 AND 180",
    ]
    assert table.columns["caption"].comment == "Optional."


def test_unique_email_is_unique_whatever_its_case():
    proposal = propose("Users sign up with a name and a unique email address.")
    users = proposal.design.tables["users"]
    assert users.unique == []
    assert [(index.expressions, index.unique) for index in users.indexes] == [(["lower(email)"], True)]


def test_values_in_parentheses_are_an_enum_named_entity_attribute():
    proposal = propose("A task has a status (todo, in-progress, done) and a priority (low, medium, high, urgent).")
    assert proposal.design.enums == {
        "task_status": ["todo", "in-progress", "done"],
        "task_priority": ["low", "medium", "high", "urgent"],
    }
    status = proposal.design.tables["tasks"].columns["status"]
    assert status.type == "enum:task_status" and status.default.value == "todo"
    assert proposal.design.tables["tasks"].columns["priority"].default is None


def test_values_after_a_colon_are_an_enum_too():
    proposal = propose("A ticket has a severity: minor, major or critical.")
    assert proposal.design.enums == {"ticket_severity": ["minor", "major", "critical"]}


def test_an_open_list_of_examples_is_not_an_enum():
    proposal = propose("A benchmark has an optional category (knowledge, coding, math, …).")
    category = proposal.design.tables["benchmarks"].columns["category"]
    assert proposal.design.enums == {}
    assert (category.type, category.nullable, category.comment) == ("varchar(100)", True, "e.g. knowledge, coding, math")


def test_metadata_examples_in_parentheses_describe_the_json():
    proposal = propose("A model has free-form metadata that differs from model to model (context window, pricing).")
    metadata = proposal.design.tables["models"].columns["metadata"]
    assert metadata.type == "json" and metadata.default.value == "{}"
    assert proposal.design.enums == {}


def test_who_did_it_is_text_without_people_and_a_reference_with_them():
    without = propose("A result records a score and who reported it.")
    assert columns(without, "results")["reported_by"] == ("text", False)
    with_people = propose("Users sign up with a name.", "A result records a score and who reported it.")
    assert foreign_keys(with_people, "results") == {"reported_by_id": ("users", "set null", True)}


def test_a_role_noun_refers_to_the_people_of_the_design():
    proposal = propose("Users sign up with a name.", "A task has a title and an optional assignee.")
    assert foreign_keys(proposal, "tasks") == {"assignee_id": ("users", "set null", True)}
    without_people = propose("A task has a title and an optional assignee.")
    assert columns(without_people, "tasks")["assignee"] == ("text", True)


def test_the_thing_that_did_it_becomes_a_lookup():
    proposal = propose("Each model has a unique name and the organization that released it.")
    organizations = proposal.design.tables["organizations"]
    assert organizations.kind == "lookup"
    assert [unique.columns for unique in organizations.unique] == [["name"]]
    assert foreign_keys(proposal, "models") == {"organization_id": ("organizations", "restrict", False)}


def test_a_condition_in_a_list_is_reported_not_stored():
    proposal = propose("A ticket has a subject and a rating, once it is solved.")
    assert set(columns(proposal, "tickets")) == {"subject", "rating"}
    assert [item.why for item in proposal.unread] == ["'once it is solved' is a condition, not something a ticket holds"]


def test_a_clause_inside_a_list_is_read_as_a_clause():
    proposal = propose("Recipes have a title.", "A category has a unique name and a recipe may be in several categories.")
    assert proposal.design.tables["recipe_categories"].kind == "junction"
    assert proposal.unread == []


# --- relationships --------------------------------------------------------------------------------


def test_have_is_one_to_many_owned_with_the_reason_quoted():
    proposal = propose("Organizations have projects.", "Projects have many tasks.")
    assert foreign_keys(proposal, "projects") == {"organization_id": ("organizations", "cascade", False)}
    assert foreign_keys(proposal, "tasks") == {"project_id": ("projects", "cascade", False)}
    reason = proposal.design.tables["tasks"].foreign_keys[0].reason
    assert '"Projects have many tasks." (line 6)' in reason
    assert any(question.startswith("tasks.project_id: will this become M:N?") for question in proposal.questions)


def test_belongs_to_is_one_to_many():
    proposal = propose("A student has a name.", "Students belong to exactly one class.")
    assert foreign_keys(proposal, "students") == {"class_id": ("classes", "cascade", False)}


def test_member_of_several_is_a_junction_with_the_role_as_payload():
    proposal = propose(
        "Organizations have many members, and each member has a role in that organization: owner, admin or member.",
        "A user can be a member of several organizations.",
    )
    memberships = proposal.design.tables["memberships"]
    assert memberships.kind == "junction"
    assert memberships.primary_key == ["organization_id", "user_id"]
    assert memberships.columns["role"].type == "enum:membership_role"
    assert "updated_at" in memberships.columns  # the role can change
    assert foreign_keys(proposal, "memberships") == {
        "organization_id": ("organizations", "cascade", False),
        "user_id": ("users", "cascade", False),
    }
    assert "members" not in proposal.design.tables


def test_mark_as_is_a_junction_named_by_the_mark():
    proposal = propose("A spot has a name.", "Users can mark spots as favourites.")
    favourites = proposal.design.tables["favourites"]
    assert favourites.kind == "junction" and favourites.primary_key == ["user_id", "spot_id"]
    assert "updated_at" not in favourites.columns
    assert "never changed" in favourites.rationale


def test_have_plus_many_on_the_other_side_is_many_to_many():
    proposal = propose('Spots have tags such as "vegan" or "late night"; a tag can be on many spots.')
    assert proposal.design.tables["tags"].kind == "lookup"
    assert proposal.design.tables["spot_tags"].primary_key == ["spot_id", "tag_id"]
    assert "tags" not in {fk.references.table for fk in proposal.design.tables["spots"].foreign_keys}
    assert proposal.design.tables["tags"].columns["name"].comment == "e.g. vegan, late night"


def test_subtasks_one_level_deep_are_a_self_reference_with_max_depth():
    proposal = propose("A task has a title.", "Tasks can have subtasks with the same fields, nested one level deep and no deeper.")
    tasks = proposal.design.tables["tasks"]
    assert foreign_keys(proposal, "tasks") == {"parent_id": ("tasks", "cascade", True)}
    assert [(trigger.kind, trigger.depth) for trigger in tasks.triggers if trigger.kind == "max_depth"] == [("max_depth", 1)]
    deeper = propose("A folder has a name.", "Folders can have subfolders, nested three levels deep.")
    assert [trigger.depth for trigger in deeper.design.tables["folders"].triggers if trigger.kind == "max_depth"] == [3]
    unbounded = propose("A folder has a name.", "Folders can have subfolders.")
    assert [trigger.kind for trigger in unbounded.design.tables["folders"].triggers] == ["updated_at"]
    assert any("how deep" in question for question in unbounded.questions)


def test_an_action_on_something_creates_what_it_makes():
    proposal = propose("A task has a title.", "Users can comment on tasks.", "Comments are written in markdown and can be edited.")
    assert foreign_keys(proposal, "comments") == {"task_id": ("tasks", "cascade", False), "user_id": ("users", "cascade", False)}
    assert proposal.design.tables["comments"].columns["body"].comment == "Markdown."
    reviews = propose("A spot has a name.", "Users write reviews of spots: a rating from 1 to 5 and a text.")
    assert set(columns(reviews, "reviews")) == {"spot_id", "user_id", "rating", "body"}


def test_an_actor_reachable_through_the_owner_is_not_repeated():
    proposal = propose("Users write reviews of spots: a text.", "Users can upload photos to a review; a photo has a URL.")
    assert foreign_keys(proposal, "photos") == {"review_id": ("reviews", "cascade", False)}
    assert any("photos: can a user other than" in question for question in proposal.questions)


def test_deleting_removes_makes_the_foreign_keys_cascade():
    proposal = propose(
        "A benchmark has a name.",
        "A benchmark result records the score of one model on one benchmark.",
        "Each model has a name.",
        "Deleting a model removes its results.",
    )
    assert foreign_keys(proposal, "benchmark_results") == {
        "model_id": ("models", "cascade", False),
        "benchmark_id": ("benchmarks", "restrict", False),
    }
    reason = next(fk.reason for fk in proposal.design.tables["benchmark_results"].foreign_keys if fk.columns == ["model_id"])
    assert "Deleting a model removes its results" in reason


def test_deleting_what_is_not_there_is_reported():
    proposal = propose("A model has a name.", "Deleting a model removes its screenshots.")
    assert [item.line for item in proposal.unread] == [6]
    assert "screenshots" in proposal.unread[0].why


def test_at_most_once_is_a_composite_unique_key():
    proposal = propose("Users write reviews of spots: a text.", "A user reviews a spot at most once.")
    assert [unique.columns for unique in proposal.design.tables["reviews"].unique] == [["user_id", "spot_id"]]


def test_never_twice_on_the_same_date_adds_the_date_to_the_key():
    proposal = propose(
        "A model has a name.", "A benchmark has a name.",
        "A result records the score of one model on one benchmark and the date it was tested.",
        "The same model and benchmark can be tested again on another date, but never twice on the same date.",
    )
    assert [unique.columns for unique in proposal.design.tables["results"].unique] == [["model_id", "benchmark_id", "tested_on"]]


def test_a_change_log_is_append_only():
    proposal = propose("Users sign up with a name.", "A task has a title.",
                       "Every change to a task is recorded in an activity feed: who changed what, and when.")
    log = proposal.design.tables["task_activity"]
    assert "updated_at" not in log.columns and "created_at" in log.columns
    assert columns(proposal, "task_activity") == {"task_id": ("uuid", False), "actor_id": ("uuid", True), "change": ("json", False)}
    assert "Append-only" in log.rationale
    assert proposal.unread == []


def test_a_compound_name_used_by_its_head_is_named_by_the_head():
    proposal = propose("A taco spot has a name.", "Users can mark spots as favourites.")
    assert "spots" in proposal.design.tables and "taco_spots" not in proposal.design.tables
    kept = propose("A use case has a description.")
    assert "use_cases" in kept.design.tables


def test_the_product_itself_is_not_a_table():
    proposal = propose("The school has teachers, each with a full name and an optional phone number.")
    assert set(proposal.design.tables) == {"teachers"}
    assert columns(proposal, "teachers") == {"full_name": ("text", False), "phone_number": ("varchar(50)", True)}


# --- user stories -----------------------------------------------------------------------------------


def test_stories_become_queries_and_indexes():
    proposal = propose(
        "Projects have tasks.",
        "A task has a title, a status (todo, done), a priority (low, high) and an optional due date.",
        stories=(
            "As a manager, I want to see all tasks of a project ordered by priority and then by creation time.",
            "As a manager, I want the number of tasks per status in a project.",
            "As a member, I want to search task titles within a project.",
        ),
    )
    sql = {query.id: query.sql for query in proposal.design.queries}
    assert sql == {
        "tasks_project_ordered_priority": "SELECT t.id, t.title, t.priority FROM tasks t WHERE t.project_id = :project_id ORDER BY t.priority DESC, t.created_at",
        "number_tasks_per_status": "SELECT t.status, count(*) AS count FROM tasks t WHERE t.project_id = :project_id GROUP BY t.status ORDER BY t.status",
        "search_task_titles_project": "SELECT t.id, t.title FROM tasks t WHERE t.project_id = :project_id AND to_tsvector('simple', t.title) @@ plainto_tsquery('simple', :words)",
    }
    story = proposal.design.queries[0].story
    assert story.startswith("As a manager, I want to see all tasks")
    indexes = {tuple(index.columns or index.expressions): index for index in proposal.design.tables["tasks"].indexes}
    assert indexes[("project_id", "priority desc", "created_at")].serves == ["tasks_project_ordered_priority", "search_task_titles_project"]
    assert indexes[("project_id", "status")].serves == ["number_tasks_per_status"]
    assert indexes[("to_tsvector('simple', title)",)].method == "gin"


def test_newest_first_with_a_name_from_the_author():
    proposal = propose(
        "Users sign up with a name.", "A spot has a name.", "Users write reviews of spots: a text.",
        stories=("As a visitor, I want all reviews of a spot, newest first, with the reviewer's name.",),
    )
    assert proposal.design.queries[0].sql == (
        "SELECT r.id, u.name AS reviewer_name FROM reviews r JOIN users u ON u.id = r.user_id"
        " WHERE r.spot_id = :spot_id ORDER BY r.created_at DESC LIMIT 50"
    )


def test_best_rated_in_a_city_averages_the_ratings():
    proposal = propose(
        "A spot has a name and a city.", "Users write reviews of spots: a rating from 1 to 5.",
        stories=("As a visitor, I want the best rated spots in a city.",),
    )
    assert proposal.design.queries[0].sql == (
        "SELECT s.id, s.name, avg(r.rating) AS avg_rating FROM spots s JOIN reviews r ON r.spot_id = s.id"
        " WHERE s.city = :city GROUP BY s.id, s.name ORDER BY avg_rating DESC LIMIT 20"
    )


def test_a_story_about_nothing_in_the_design_is_unread():
    proposal = propose("A spot has a name.", stories=("As a visitor, I want to feel welcome.",))
    assert proposal.design.queries == []
    assert [(item.line, item.why) for item in proposal.unread] == [(9, "no table of the design is named as what the story lists")]


# --- scale --------------------------------------------------------------------------------------------


def test_scale_becomes_drivers_and_expected_rows():
    proposal = propose(
        "Stores have orders.", "An order has a total.", "Orders have lines.", "A line has a quantity.",
        scale="About 40 stores; 2,000 orders a day with 3 lines each.",
    )
    assert proposal.design.growth.drivers == {"stores": 40, "orders_per_day": 2000, "lines_per_order": 3}
    assert {name: table.expected_rows for name, table in proposal.design.tables.items()} == {
        "orders": 730_000, "stores": 40, "lines": 2_190_000,
    }


def test_vague_amounts_and_assumptions_are_asked():
    proposal = propose(
        "Organizations have projects.", "Projects have tasks.",
        scale="About 500 organizations; projects have a few hundred tasks.",
    )
    assert proposal.design.growth.drivers == {"organizations": 500, "tasks_per_project": 300, "projects_per_organization": 10}
    assert any(question.startswith("projects: the Scale section gives no number; assumed 10") for question in proposal.questions)


# --- words ----------------------------------------------------------------------------------------------


def test_words_come_from_the_inflection_libraries():
    assert singular("people") == "person" and plural("person") == "people"
    assert singular("categories") == "category" and singular("status") == "status" and singular("buses") == "bus"
    assert singular("metadata") == "metadata"
    assert table_name("benchmark result") == "benchmark_results"
    assert participle("write") == "written" and participle("visit") == "visited"
    assert [number_of(text) for text in ("2,000", "twenty", "a handful", "a few hundred", "one")] == [2000, 20, 5, 300, 1]
    assert split_list("a name, a latitude and longitude, and a link to the paper or website") == [
        "a name", "a latitude", "longitude", "a link to the paper or website",
    ]


def test_what_cannot_be_deleted_restricts():
    proposal = propose("Rooms have bookings.", "A booking has a date.", "Rooms and desks that still have bookings cannot be deleted.")
    assert foreign_keys(proposal, "bookings") == {"room_id": ("rooms", "restrict", False)}
    assert [item.why for item in proposal.unread] == ["'desks' is not an entity the requirements describe"]
