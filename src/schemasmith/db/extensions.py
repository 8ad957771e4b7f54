"""PostgreSQL extensions: which ones a script needs, which ones a server has, and the proof script.

A script needs an extension when it creates it (`CREATE EXTENSION`) or uses one of the names an
extension brings (a function such as `uuid_generate_v4()`, a type such as `geometry`, an operator
class such as `gin_trgm_ops`). Before a script is applied, `prepare_script` compares that with
the server's `pg_available_extensions`:

- an extension the server has but the script only uses is created first (a design document does
  not record extensions yet, so the DDL generated from it does not create them);
- on a proof (a scratch database), an extension whose every use has a built-in equivalent on the
  server (`pgcrypto` for `gen_random_uuid()`, `uuid-ossp` for `uuid_generate_v4()`) is skipped and
  its calls replaced for that proof only; `ProofScript.restore` maps what the catalog then says
  back to the user's text, so an imported design keeps the user's functions exactly;
- anything else raises `MissingExtensionError`, naming the extension, the lines that need it
  and the way out (`--db`, or `SCHEMASMITH_PG_URL`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import SourceError
from ..text.redaction import redact_url
from ..text.statements import line_of, split_psql_script

#: The names each well-known extension brings, to find the statements that need it.
EXTENSION_NAMES: dict[str, dict[str, frozenset[str]]] = {
    "uuid-ossp": {
        "functions": frozenset({
            "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v3", "uuid_generate_v4", "uuid_generate_v5",
            "uuid_nil", "uuid_ns_dns", "uuid_ns_url", "uuid_ns_oid", "uuid_ns_x500",
        }),
    },
    "pgcrypto": {
        "functions": frozenset({
            "gen_random_uuid", "crypt", "gen_salt", "digest", "hmac", "gen_random_bytes", "encrypt", "decrypt",
            "encrypt_iv", "decrypt_iv", "pgp_sym_encrypt", "pgp_sym_decrypt", "pgp_pub_encrypt", "pgp_pub_decrypt",
            "pgp_sym_encrypt_bytea", "pgp_sym_decrypt_bytea", "pgp_pub_encrypt_bytea", "pgp_pub_decrypt_bytea",
            "pgp_key_id", "armor", "dearmor", "pgp_armor_headers",
        }),
    },
    "postgis": {
        "types": frozenset({"geometry", "geography", "box2d", "box3d"}),
        "function_prefixes": frozenset({"st_"}),
    },
    "pg_trgm": {
        "functions": frozenset({"similarity", "word_similarity", "strict_word_similarity", "show_trgm"}),
        "opclasses": frozenset({"gin_trgm_ops", "gist_trgm_ops"}),
    },
    "citext": {"types": frozenset({"citext"})},
    "hstore": {"types": frozenset({"hstore"})},
    "vector": {
        "types": frozenset({"vector", "halfvec", "sparsevec"}),
        "opclasses": frozenset({"vector_l2_ops", "vector_ip_ops", "vector_cosine_ops", "vector_l1_ops"}),
    },
    "btree_gist": {"opclasses": frozenset({"gist_int4_ops", "gist_int8_ops", "gist_text_ops", "gist_uuid_ops"})},
}


@dataclass(frozen=True)
class BuiltinSubstitute:
    """A function of an extension that PostgreSQL has built in, under the same or another name."""

    extension: str
    function: str
    builtin: str  # the built-in function's name
    since: int  # the first PostgreSQL major version that has it


#: Uses of an extension that need no extension on a recent enough server.
BUILTIN_SUBSTITUTES = (
    BuiltinSubstitute("pgcrypto", "gen_random_uuid", "gen_random_uuid", 13),
    BuiltinSubstitute("uuid-ossp", "uuid_generate_v4", "gen_random_uuid", 13),
)


@dataclass(frozen=True)
class ExtensionUse:
    """One place in a script that needs an extension."""

    extension: str
    line: int
    what: str  # `CREATE EXTENSION pgcrypto`, `crypt()`, `type geometry`, `operator class gin_trgm_ops`
    function: str | None = None  # the called function's name, for a call
    start: int = -1  # offset of the call in the script (calls only)
    end: int = -1
    qualifier: str | None = None  # the schema a call names (`public.uuid_generate_v4()`)


@dataclass
class ScriptNeeds:
    """The extensions a script creates and the places that use them."""

    created: dict[str, int] = field(default_factory=dict)  # extension → line of its CREATE EXTENSION
    uses: list[ExtensionUse] = field(default_factory=list)
    #: (start, end) of statements about an extension (CREATE/ALTER/DROP/COMMENT ON EXTENSION), by extension.
    statements: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    #: Functions and types the script defines itself: a use of such a name needs no extension.
    defined: set[str] = field(default_factory=set)

    def extensions(self) -> list[str]:
        """Every extension the script needs, in the order the script first mentions it."""
        order = list(self.created) + [use.extension for use in self.uses]
        return list(dict.fromkeys(order))

    def uses_of(self, extension: str) -> list[ExtensionUse]:
        return [use for use in self.uses if use.extension == extension]


@dataclass
class ServerExtensions:
    """What one database on one server has: its version, the extensions it can create and has."""

    version: int  # server_version_num // 10000
    version_text: str
    available: dict[str, str | None]  # name → default_version
    installed: set[str]
    label: str  # how messages name the server: `the embedded PostgreSQL 18`, `the server at …`


@dataclass
class ProofScript:
    """A script as it is applied, with what was changed for the proof and how to map it back."""

    sql: str
    notes: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)  # statements run before the script
    replacements: dict[str, str] = field(default_factory=dict)  # text in the proof → the user's text
    skipped: list[str] = field(default_factory=list)  # extensions the script creates that the proof went without

    def restore(self, text: str) -> str:
        """Catalog text read back from the proof, with every substituted call as the user wrote it."""
        for proof_text, original in self.replacements.items():
            text = text.replace(proof_text, original)
        return text


class MissingExtensionError(SourceError):
    """The script needs an extension the server does not have, and nothing built in stands for it."""


# --- what a script needs ------------------------------------------------------------------------


def _extension_of_function(name: str) -> str | None:
    for extension, names in EXTENSION_NAMES.items():
        if name in names.get("functions", ()) or any(name.startswith(prefix) for prefix in names.get("function_prefixes", ())):
            return extension
    return None


def _extension_of(kind: str, name: str) -> str | None:
    return next((extension for extension, names in EXTENSION_NAMES.items() if name in names.get(kind, ())), None)


_CALL_END = re.compile(r"\s*\(\s*\)")


def _statement_needs(sql: str, start: int, text: str, needs: ScriptNeeds) -> None:
    """Add what one statement creates and uses to `needs` (a statement pglast cannot read adds nothing)."""
    import pglast
    from pglast import ast
    from pglast.enums import ObjectType
    from pglast.visitors import Visitor

    try:
        parsed = pglast.parse_sql(text)
    except pglast.parser.ParseError:
        return
    line = line_of(sql, start)

    class Finder(Visitor):
        def visit_CreateExtensionStmt(self, ancestors, node):
            needs.created.setdefault(node.extname, line)
            needs.statements.setdefault(node.extname, []).append((start, start + len(text)))

        def visit_CreateFunctionStmt(self, ancestors, node):
            needs.defined.add(node.funcname[-1].sval.lower())

        def visit_CreateEnumStmt(self, ancestors, node):
            needs.defined.add(node.typeName[-1].sval.lower())

        def visit_CreateDomainStmt(self, ancestors, node):
            needs.defined.add(node.domainname[-1].sval.lower())

        def visit_CompositeTypeStmt(self, ancestors, node):
            needs.defined.add(node.typevar.relname.lower())

        def visit_AlterExtensionStmt(self, ancestors, node):
            needs.statements.setdefault(node.extname, []).append((start, start + len(text)))

        def visit_CommentStmt(self, ancestors, node):
            if node.objtype == ObjectType.OBJECT_EXTENSION and isinstance(node.object, ast.String):
                needs.statements.setdefault(node.object.sval, []).append((start, start + len(text)))

        def visit_FuncCall(self, ancestors, node):
            name = node.funcname[-1].sval.lower()
            extension = _extension_of_function(name)
            if extension is None:
                return
            at = start + node.location
            qualifier = node.funcname[0].sval if len(node.funcname) > 1 else None
            call = _CALL_END.match(sql, sql.find("(", at) if not node.args else len(sql))
            end = call.end() if call and not node.args else -1
            needs.uses.append(ExtensionUse(extension, line_of(sql, at), f"{name}()", name, at, end, qualifier))

        def visit_TypeName(self, ancestors, node):
            name = node.names[-1].sval.lower()
            extension = _extension_of("types", name)
            if extension is not None:
                needs.uses.append(ExtensionUse(extension, line_of(sql, start + max(node.location, 0)), f"type {name}"))

        def visit_IndexElem(self, ancestors, node):
            for part in node.opclass or ():
                extension = _extension_of("opclasses", part.sval.lower())
                if extension is not None:
                    needs.uses.append(ExtensionUse(extension, line, f"operator class {part.sval.lower()}"))

    Finder()(parsed)


def script_needs(sql: str) -> ScriptNeeds:
    """The extensions a psql script creates, and the places that use an extension's names."""
    needs = ScriptNeeds()
    for kind, start, end in split_psql_script(sql):
        text = sql[start:end]
        if kind == "statement" and _MENTIONS.search(text):
            _statement_needs(sql, start, text, needs)
    builtins = {item.function for item in BUILTIN_SUBSTITUTES if item.builtin == item.function}
    needs.uses = [
        use for use in needs.uses
        if use.what.removeprefix("type ").removesuffix("()") not in needs.defined
        # `gen_random_uuid()` needs pgcrypto only in a script that says so (built in since 13)
        and not (use.function in builtins and use.qualifier is None and use.extension not in needs.created)
    ]
    return needs


def _mention_pattern() -> re.Pattern[str]:
    words = {"extension"}
    for names in EXTENSION_NAMES.values():
        for kind, values in names.items():
            words.update(values if kind != "function_prefixes" else ())
    prefixes = "|".join(sorted(prefix for names in EXTENSION_NAMES.values() for prefix in names.get("function_prefixes", ())))
    return re.compile(r"\b(?:" + "|".join(sorted(words)) + r")\b|\b(?:" + prefixes + r")\w+\s*\(", re.IGNORECASE)


#: A cheap test that a statement may mention an extension at all (most DDL is not parsed twice).
_MENTIONS = _mention_pattern()


# --- what a server has --------------------------------------------------------------------------


def server_extensions(url: str) -> ServerExtensions:
    """The version and extensions of the server (and database) at `url`."""
    import psycopg

    from .embedded import is_embedded_url
    from .urls import libpq_url

    try:
        with psycopg.connect(libpq_url(url), connect_timeout=10) as connection:
            number = int(connection.execute("SHOW server_version_num").fetchone()[0])
            version_text = str(connection.execute("SHOW server_version").fetchone()[0]).split()[0]
            available = dict(connection.execute("SELECT name, default_version FROM pg_available_extensions ORDER BY name").fetchall())
            installed = {row[0] for row in connection.execute("SELECT extname FROM pg_extension").fetchall()}
    except psycopg.Error as error:
        raise SourceError(f"cannot read the extensions of {redact_url(url)}: {str(error).strip()}") from None
    major = number // 10000
    server = redact_url(url).split("?", 1)[0].rsplit("/", 1)[0]  # the server, not the (scratch) database
    label = f"the embedded PostgreSQL {major}" if is_embedded_url(url) else f"the server at {server} (PostgreSQL {version_text})"
    return ServerExtensions(major, version_text, available, installed, label)


def available_extensions(url: str) -> dict[str, str | None]:
    """`SELECT name, default_version FROM pg_available_extensions` on the server at `url`."""
    return server_extensions(url).available


# --- the script a server is given -----------------------------------------------------------------

WAY_OUT = (
    "prove it on a server that has {extensions}: pass --db URL of such a server, or set"
    " SCHEMASMITH_PG_URL=postgresql://… to make it the default server of every command"
)


def _substitute_for(use: ExtensionUse, version: int) -> BuiltinSubstitute | None:
    return next(
        (item for item in BUILTIN_SUBSTITUTES
         if item.extension == use.extension and item.function == use.function and version >= item.since and use.end >= 0),
        None,
    )


def _replacement_name(sql: str, substitute: BuiltinSubstitute, version: int) -> str | None:
    """The built-in to call in the proof: one the script does not call itself, so the catalog's
    text maps back to the user's exactly (`uuidv4()`, PostgreSQL 18, when the script also calls
    `gen_random_uuid()`); None when there is none."""
    if substitute.builtin == substitute.function:
        return substitute.builtin
    for name, since in ((substitute.builtin, substitute.since), ("uuidv4", 18)):
        if version >= since and not re.search(rf"\b{name}\s*\(", sql, re.IGNORECASE):
            return name
    return None


def _substitutions(sql: str, extension: str, uses: list[ExtensionUse], server: ServerExtensions):
    """(edits, replacements, note) when every use of a missing `extension` has a built-in; else None."""
    edits: list[tuple[int, int, str]] = []
    replacements: dict[str, str] = {}
    shown: dict[str, str] = {}
    for use in uses:
        substitute = _substitute_for(use, server.version)
        if substitute is None:
            return None
        name = _replacement_name(sql, substitute, server.version)
        if name is None:
            return None
        if name == use.function and use.qualifier is None:
            continue  # the built-in is what the script calls: nothing to change
        edits.append((use.start, use.end, f"{name}()"))
        if name != use.function:
            replacements[f"{name}()"] = f"{use.function}()"
        shown[f"{use.function}()"] = f"{name}()"
    where = server.label
    if not shown:
        used = ", ".join(dict.fromkeys(use.what for use in uses)) or "nothing"
        note = (f"{extension} is not available on {where}; the script uses {used} of it, which PostgreSQL has built in:"
                f" proved without the extension (the design keeps {extension})")
    else:
        swapped = "; ".join(f"the built-in {new} in place of {old}" for old, new in shown.items())
        note = f"{extension} is not available on {where}; proved with {swapped} (the design keeps {extension})"
    return edits, replacements, note


def _missing_message(label: str, missing: dict[str, list[str]], server: ServerExtensions) -> str:
    names = sorted(missing)
    lines = [f"{label}: needs the PostgreSQL extension{'s' if len(names) > 1 else ''} {', '.join(names)},"
             f" which {server.label} does not have:"]
    for extension in names:
        for place in missing[extension]:
            lines.append(f"  {place}" + (f"  ({extension})" if len(names) > 1 else ""))
    lines.append("  " + WAY_OUT.format(extensions=", ".join(names)))
    return "\n".join(lines)


def _places(label: str, needs: ScriptNeeds, extension: str) -> list[str]:
    places: dict[int, list[str]] = {}
    if extension in needs.created:
        places.setdefault(needs.created[extension], []).append(f"CREATE EXTENSION {extension}")
    for use in needs.uses_of(extension):
        places.setdefault(use.line, []).append(use.what)
    return [f"{label}:{line}: {', '.join(dict.fromkeys(whats))}" for line, whats in sorted(places.items())]


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def prepare_script(sql: str, url: str, label: str, *, proof: bool = False) -> ProofScript:
    """The script to give the server at `url`, checked against the extensions it has.

    `proof` says the database is a scratch one, where a missing extension may be stood in for by
    a built-in (never in a user's database). Raises MissingExtensionError for the rest.
    """
    needs = script_needs(sql)
    if not needs.extensions():
        return ProofScript(sql)
    server = server_extensions(url)
    result = ProofScript(sql)
    edits: list[tuple[int, int, str]] = []
    missing: dict[str, list[str]] = {}
    for extension in needs.extensions():
        if extension in server.installed:
            continue
        if extension in server.available:
            if extension not in needs.created:
                result.preamble.append(f'CREATE EXTENSION IF NOT EXISTS "{extension}"')
                uses = ", ".join(dict.fromkeys(use.what for use in needs.uses_of(extension)))
                result.notes.append(f"the script uses {uses} of {extension} without creating it: created {extension} first"
                                    f" on {server.label}")
            continue
        substituted = _substitutions(sql, extension, needs.uses_of(extension), server) if proof else None
        if substituted is None:
            missing[extension] = _places(label, needs, extension)
            continue
        changes, replacements, note = substituted
        edits.extend(changes)
        edits.extend((start, end, _blank(sql[start:end])) for start, end in needs.statements.get(extension, []))
        result.replacements.update(replacements)
        result.notes.append(note)
        result.skipped.append(extension)
    if missing:
        raise MissingExtensionError(_missing_message(label, missing, server))
    for start, end, text in sorted(edits, reverse=True):
        sql = sql[:start] + text + sql[end:]
    result.sql = sql
    return result
