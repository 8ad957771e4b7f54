"""Reading requirement documents: title, description, statements with lines and sections, stories, scale."""

from __future__ import annotations

from pathlib import Path

from schemasmith.design.requirements import parse_requirements, read_requirements

SHARED = Path(__file__).resolve().parents[2].parent / "shared"  # as tests/conftest.py names it
EXAMPLES = SHARED / "examples"


def test_taskhub_document_is_read_with_lines_and_sections():
    requirements = read_requirements(EXAMPLES / "project-management.md")
    assert requirements.title == "TaskHub — requirements"
    assert requirements.product == "TaskHub"
    assert requirements.description == "A project management tool for small companies."
    first = requirements.statements[0]
    assert first.line == 7
    assert first.section == "What it must support"
    assert first.text.startswith("Organizations have many members")
    # two sentences of one bullet are two statements on the same line and block
    line_nine = [statement for statement in requirements.statements if statement.line == 9]
    assert [statement.text for statement in line_nine] == [
        "Organizations have projects.",
        "A project has a name, a description, a status (active, archived, completed) and an optional due date.",
    ]
    assert line_nine[0].block == line_nine[1].block
    assert requirements.file.endswith("project-management.md")
    assert requirements.where(9).endswith("project-management.md:9")


def test_user_stories_have_role_want_and_line():
    requirements = read_requirements(EXAMPLES / "project-management.md")
    stories = requirements.stories
    assert len(stories) == 5
    assert stories[0].role == "project manager"
    assert stories[0].want == "see all tasks of a project ordered by priority and then by creation time"
    assert stories[0].line == 17
    assert stories[4].want == "a dashboard with the number of tasks per status in a project"
    assert all(story.section == "User stories" for story in stories)
    # stories are not statements
    assert not any(statement.text.startswith("As a") for statement in requirements.statements)


def test_scale_section_is_kept_apart():
    requirements = read_requirements(EXAMPLES / "project-management.md")
    assert len(requirements.scale) == 1
    scale = requirements.scale[0]
    assert scale.line == 25  # a paragraph over two lines starts on its first
    assert scale.text.startswith("About 500 organizations") and scale.text.endswith("activity entries.")


def test_documents_without_sections_or_scale():
    requirements = read_requirements(EXAMPLES / "taco-reviews.md")
    assert requirements.product == "TacoQuest"
    assert requirements.scale == []
    assert requirements.statements[0].section is None
    assert [statement.line for statement in requirements.statements] == [5, 6, 7, 7, 8, 9, 10]
    assert [story.role for story in requirements.stories] == ["visitor", "user", "visitor"]


def test_markdown_details():
    text = """# Shop: requirements

A shop.
It sells things.

## Facts

1. Customers have orders. Each order has a total,
   computed at checkout.
* A product has a name (e.g. "Mug") and a price.

```
- not a requirement
```

Products are grouped in categories, i.e. shelves.

## Stories

- As an admin, I want to list orders, so that I can ship them.

## Volumes

Up to 300 orders a day.
"""
    requirements = parse_requirements(text)
    assert requirements.title == "Shop: requirements"
    assert requirements.product == "Shop"
    assert requirements.description == "A shop. It sells things."
    texts = [statement.text for statement in requirements.statements]
    assert texts == [
        "Customers have orders.",
        "Each order has a total, computed at checkout.",
        'A product has a name (e.g. "Mug") and a price.',
        "Products are grouped in categories, i.e. shelves.",
    ]
    assert [statement.line for statement in requirements.statements] == [8, 8, 10, 16]
    assert requirements.statements[2].kind == "bullet" and requirements.statements[3].kind == "paragraph"
    story = requirements.stories[0]
    assert (story.role, story.want, story.benefit) == ("admin", "list orders", "I can ship them")
    assert [statement.text for statement in requirements.scale] == ["Up to 300 orders a day."]
    assert requirements.where(8) == "line 8"


def test_scale_sentences_outside_a_scale_section():
    requirements = parse_requirements("# X\n\nAn app.\n\n- Users have notes.\n- About 2,000 users sign up each month.\n")
    assert [statement.text for statement in requirements.scale] == ["About 2,000 users sign up each month."]
    assert [statement.text for statement in requirements.statements] == ["Users have notes."]


def test_a_document_without_title():
    requirements = parse_requirements("- Users have notes.\n", file="notes-app.md")
    assert requirements.title == "Notes App"
    assert requirements.description == ""
    assert requirements.statements[0].line == 1
