"""Which SQL dialect a `.sql` file is written in, told from its content, with the evidence.

Import applies a `.sql` file to a real database of its dialect, so picking the wrong one gives a
baffling error from that database ("near DATABASE: syntax error" for a MySQL dump applied to
SQLite). This module reads the telling constructs of each dialect (MySQL's backticks, `ENGINE=`
and `AUTO_INCREMENT`; PostgreSQL's `$$` bodies, `::` casts and pg_dump headers; SQLite's
`AUTOINCREMENT`, `WITHOUT ROWID` and `PRAGMA`), outside string literals and comments, and keeps
where each was first seen so a refusal can say why it thinks what it thinks.

It never parses SQL and never raises: any text gets a guess, possibly "no telling evidence".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

POSTGRES, SQLITE, MYSQL = "postgres", "sqlite", "mysql"
#: How each dialect is called in messages.
DISPLAY = {POSTGRES: "PostgreSQL", SQLITE: "SQLite", MYSQL: "MySQL/MariaDB"}

#: A clue counts at most this many times: a thousand `::` casts are not a thousand times surer.
_CAP = 5
#: The winner must have at least this score, and this many times the runner-up's, to be "clear".
_CLEAR_SCORE = 4
_CLEAR_RATIO = 2

# One pass over the text finds what is not code: comments, string literals, quoted names.
# Every alternative is linear (unrolled loops, no nested quantifiers) and an unterminated one
# runs to the end of the text instead of failing, so no input makes the scan slow or raise.
_TOKENS = re.compile(
    r"""
      (?P<mysql_exec>/\*![0-9]*)                             # MySQL's executable comment: code
    | (?P<block>/\*[^*]*\*+(?:[^/*][^*]*\*+)*/|/\*.*\Z)      # /* … */
    | (?P<line>--[^\n]*)                                     # -- …
    | (?P<hash>(?m:^)[ \t]*\#[^\n]*)                         # MySQL's # comment, at a line start
    | (?P<dollar>(?<![\w$])\$(?P<tag>(?:[A-Za-z_][A-Za-z0-9_]*)?)\$(?:.*?(?P<closed>\$(?P=tag)\$)|.*\Z))
    | (?P<string>'[^'\\]*(?:(?:\\.|'')[^'\\]*)*(?:'|\Z))     # '…' with '' or \' inside
    | (?P<double>"[^"]*(?:""[^"]*)*(?:"|\Z))                 # "name"
    | (?P<backtick>`[^`]*(?:``[^`]*)*(?:`|\Z))               # `name`
    """,
    re.S | re.X,
)


@dataclass(frozen=True)
class Clue:
    """One telling construct: which dialect it points to, what it is, where it was first seen."""

    dialect: str
    label: str
    line: int
    count: int
    weight: int

    @property
    def score(self) -> int:
        return self.weight * min(self.count, _CAP)

    def __str__(self) -> str:
        more = f" and {self.count - 1} other place{'s' if self.count > 2 else ''}" if self.count > 1 else ""
        return f"{self.label} on line {self.line}{more}"


@dataclass(frozen=True)
class DialectGuess:
    """What a SQL text looks like: the likeliest dialect (None without evidence) and why."""

    dialect: str | None
    scores: dict[str, int] = field(default_factory=dict)
    clues: tuple[Clue, ...] = ()

    @property
    def clear(self) -> bool:
        """The evidence points one way: enough of it, and far more than for any other dialect."""
        if self.dialect is None:
            return False
        top = self.scores.get(self.dialect, 0)
        runner_up = max((score for name, score in self.scores.items() if name != self.dialect), default=0)
        return top >= _CLEAR_SCORE and top >= _CLEAR_RATIO * runner_up

    @property
    def name(self) -> str:
        return DISPLAY.get(self.dialect or "", "no particular dialect")

    def evidence(self, dialect: str | None = None, limit: int = 4) -> str:
        """`backtick-quoted names on line 19 and 40 other places, ENGINE= on line 30`: the strongest clues, by line."""
        chosen = dialect or self.dialect
        clues = sorted((clue for clue in self.clues if clue.dialect == chosen), key=lambda clue: (-clue.score, clue.line))
        shown = sorted(clues[:limit], key=lambda clue: clue.line)
        text = ", ".join(str(clue) for clue in shown)
        if len(clues) > limit:
            text += f", and {len(clues) - limit} other sign(s)"
        return text

    def describe(self) -> str:
        """`MySQL/MariaDB (backticks on line 19, …)`, or a sentence saying nothing told."""
        if self.dialect is None:
            return "no particular dialect (nothing in it is specific to PostgreSQL, SQLite or MySQL)"
        return f"{self.name} ({self.evidence()})"


# (dialect, label, weight, words one of which the pattern needs (lowercase, `|` between),
# pattern, test on the match or None). Patterns run on the code with
# comments, strings and quoted names blanked out (their line breaks kept), so a word in a
# comment or in data (`N'Use Your Illusion'`) tells nothing.
_Check = Callable[[re.Match[str]], bool] | None


def _not_after_as(match: re.Match[str]) -> bool:
    return not re.search(r"\bAS\s*$", match.string[max(0, match.start() - 8) : match.start()], re.I)


_CODE_CLUES: list[tuple[str, str, int, str, re.Pattern[str], _Check]] = [
    # MySQL / MariaDB
    (MYSQL, "ENGINE=", 5, "engine", re.compile(r"\bENGINE\s*=", re.I), None),
    (MYSQL, "AUTO_INCREMENT", 5, "auto_increment", re.compile(r"\bAUTO_INCREMENT\b", re.I), None),
    (MYSQL, "USE <database>", 3, "use", re.compile(r"^[ \t]*USE\s+(?:\w+|\x01)\s*;", re.I | re.M), None),
    (MYSQL, "CREATE DATABASE", 1, "database", re.compile(r"\bCREATE\s+DATABASE\b", re.I), None),
    (
        MYSQL,
        "CREATE DATABASE IF NOT EXISTS",
        3,
        "database|schema",
        re.compile(r"\bCREATE\s+(?:DATABASE|SCHEMA)\s+IF\s+NOT\s+EXISTS\b", re.I),
        None,
    ),
    (MYSQL, "UNSIGNED", 4, "unsigned", re.compile(r"\bUNSIGNED\b", re.I), None),
    (MYSQL, "ZEROFILL", 4, "zerofill", re.compile(r"\bZEROFILL\b", re.I), None),
    (
        MYSQL,
        "a utf8/latin1 collation or character set",
        4,
        "utf8|latin1|ascii|binary",
        re.compile(r"\b(?:COLLATE|CHARSET|CHARACTER\s+SET)\s*=?\s*(?:utf8|latin1|ascii|binary)\w*", re.I),
        None,
    ),
    (MYSQL, "ON UPDATE CURRENT_TIMESTAMP", 5, "current_timestamp", re.compile(r"\bON\s+UPDATE\s+CURRENT_TIMESTAMP\b", re.I), None),
    (
        MYSQL,
        "MySQL-only types such as TINYINT or LONGTEXT",
        3,
        "tiny|medium|long",
        re.compile(r"\b(?:TINYINT|MEDIUMINT|TINYTEXT|MEDIUMTEXT|LONGTEXT|TINYBLOB|MEDIUMBLOB|LONGBLOB)\b", re.I),
        None,
    ),
    (
        MYSQL,
        "integer display widths such as INT(11)",
        3,
        "int",
        re.compile(r"\b(?:INT|INTEGER|BIGINT|SMALLINT)\s*\(\s*\d+\s*\)", re.I),
        None,
    ),
    (MYSQL, "an inline ENUM(…) column type", 2, "enum", re.compile(r"\bENUM\s*\(", re.I), _not_after_as),
    (MYSQL, "LOCK TABLES", 5, "lock", re.compile(r"\b(?:UN)?LOCK\s+TABLES\b", re.I), None),
    (MYSQL, "@variables", 4, "@", re.compile(r"(?<![\w@])@@?[A-Za-z_]\w*"), None),
    (
        MYSQL,
        "SET FOREIGN_KEY_CHECKS or SQL_MODE",
        5,
        "foreign_key_checks|sql_mode|unique_checks",
        re.compile(r"\bSET\s+(?:GLOBAL\s+|SESSION\s+)?(?:FOREIGN_KEY_CHECKS|SQL_MODE|UNIQUE_CHECKS)\b", re.I),
        None,
    ),
    (
        MYSQL,
        "an inline KEY name (…) in a table",
        2,
        "key",
        re.compile(r"^[ \t]*(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?KEY\s+(?:\w+|\x01)\s*\(", re.I | re.M),
        None,
    ),
    # PostgreSQL
    (POSTGRES, "::casts", 4, "::", re.compile(r"(?<!:)::(?!:)\s*[A-Za-z_\x01]"), None),
    (POSTGRES, "CREATE EXTENSION", 5, "extension", re.compile(r"\bCREATE\s+EXTENSION\b", re.I), None),
    (POSTGRES, "search_path", 5, "search_path|set_config", re.compile(r"\bSET\s+search_path\b|\bset_config\s*\(", re.I), None),
    (POSTGRES, "pg_catalog", 5, "pg_catalog", re.compile(r"\bpg_catalog\s*\.", re.I), None),
    (POSTGRES, "a psql command such as \\c", 5, "\\", re.compile(r"^[ \t]*\\[A-Za-z]+", re.M), None),
    (
        POSTGRES,
        "PostgreSQL settings such as SET statement_timeout",
        4,
        "timeout|client_|standard_conforming|check_function_bodies|xmloption|row_security|default_ta|default_with_oids",
        re.compile(
            r"\bSET\s+(?:statement_timeout|lock_timeout|idle_in_transaction_session_timeout|client_encoding|standard_conforming_strings|"
            r"check_function_bodies|xmloption|client_min_messages|row_security|default_tablespace|default_table_access_method|"
            r"default_with_oids|transaction_timeout)\b",
            re.I,
        ),
        None,
    ),
    (POSTGRES, "SERIAL columns", 3, "serial", re.compile(r"\b(?:SMALL|BIG)?SERIAL\b", re.I), None),
    (
        POSTGRES,
        "PostgreSQL types such as jsonb, timestamptz or bytea",
        3,
        "jsonb|timestamptz|timetz|bytea|tsvector|tsquery|inet|cidr|macaddr|int4range|tstzrange|regclass|citext",
        re.compile(r"\b(?:JSONB|TIMESTAMPTZ|TIMETZ|BYTEA|TSVECTOR|TSQUERY|INET|CIDR|MACADDR|INT4RANGE|TSTZRANGE|REGCLASS|CITEXT)\b", re.I),
        None,
    ),
    (POSTGRES, "WITH TIME ZONE", 3, "zone", re.compile(r"\bWITH(?:OUT)?\s+TIME\s+ZONE\b", re.I), None),
    (
        POSTGRES,
        "array types such as text[]",
        3,
        "[",
        re.compile(r"\b(?:text|integer|int|bigint|varchar|uuid|jsonb|\x01)\s*\[\s*\]", re.I),
        None,
    ),
    (POSTGRES, "CREATE TYPE or DOMAIN", 3, "type|domain", re.compile(r"\bCREATE\s+(?:TYPE|DOMAIN)\b", re.I), None),
    (POSTGRES, "CREATE SEQUENCE", 2, "sequence", re.compile(r"\bCREATE\s+SEQUENCE\b", re.I), None),
    (POSTGRES, "CREATE SCHEMA", 1, "schema", re.compile(r"\bCREATE\s+SCHEMA\b", re.I), None),
    (
        POSTGRES,
        "GENERATED … AS IDENTITY",
        3,
        "identity",
        re.compile(r"\bGENERATED\s+(?:ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY\b", re.I),
        None,
    ),
    (POSTGRES, "COMMENT ON", 4, "comment", re.compile(r"\bCOMMENT\s+ON\b", re.I), None),
    (POSTGRES, "GIN/GiST/BRIN indexes", 4, "gin|gist|brin", re.compile(r"\bUSING\s+(?:gin|gist|brin|spgist)\b", re.I), None),
    (POSTGRES, "OWNER TO", 4, "owner", re.compile(r"\bOWNER\s+TO\b", re.I), None),
    (POSTGRES, "ALTER TABLE ONLY", 4, "only", re.compile(r"\bALTER\s+TABLE\s+ONLY\b", re.I), None),
    (POSTGRES, "LANGUAGE plpgsql", 5, "plpgsql", re.compile(r"\bLANGUAGE\s+plpgsql\b", re.I), None),
    (POSTGRES, "EXECUTE FUNCTION", 4, "execute", re.compile(r"\bEXECUTE\s+(?:FUNCTION|PROCEDURE)\b", re.I), None),
    (POSTGRES, "nextval()", 4, "nextval", re.compile(r"\bnextval\s*\(", re.I), None),
    (POSTGRES, "table inheritance or partitions", 3, "inherits|partition", re.compile(r"\bINHERITS\s*\(|\bPARTITION\s+OF\b", re.I), None),
    (POSTGRES, "row-level security", 4, "policy|security", re.compile(r"\bCREATE\s+POLICY\b|\bROW\s+LEVEL\s+SECURITY\b", re.I), None),
    (POSTGRES, "CREATE MATERIALIZED VIEW", 4, "materialized", re.compile(r"\bCREATE\s+MATERIALIZED\s+VIEW\b", re.I), None),
    (POSTGRES, "CREATE TYPE … AS ENUM", 2, "enum", re.compile(r"\bAS\s+ENUM\b", re.I), None),
    (POSTGRES, "RETURNS trigger", 4, "trigger|setof", re.compile(r"\bRETURNS\s+(?:trigger|SETOF)\b", re.I), None),
    # SQLite
    (SQLITE, "AUTOINCREMENT", 5, "autoincrement", re.compile(r"\bAUTOINCREMENT\b", re.I), None),
    (SQLITE, "WITHOUT ROWID", 5, "rowid", re.compile(r"\bWITHOUT\s+ROWID\b", re.I), None),
    (SQLITE, "PRAGMA", 5, "pragma", re.compile(r"\bPRAGMA\b", re.I), None),
    (SQLITE, "STRICT tables", 5, "strict", re.compile(r"\)\s*STRICT\s*(?:,|;)", re.I), None),
    (SQLITE, "sqlite_ tables", 5, "sqlite_", re.compile(r"\bsqlite_(?:master|schema|sequence|stat\d)\b", re.I), None),
    (SQLITE, "CREATE VIRTUAL TABLE", 5, "virtual", re.compile(r"\bCREATE\s+VIRTUAL\s+TABLE\b", re.I), None),
    (
        SQLITE,
        "INSERT OR REPLACE/IGNORE",
        4,
        "replace|ignore|abort|fail|rollback",
        re.compile(r"\bINSERT\s+OR\s+(?:REPLACE|IGNORE|ABORT|FAIL|ROLLBACK)\b", re.I),
        None,
    ),
    (
        SQLITE,
        "ON CONFLICT REPLACE/IGNORE in a constraint",
        4,
        "conflict",
        re.compile(r"\bON\s+CONFLICT\s+(?:REPLACE|IGNORE|ABORT|FAIL|ROLLBACK)\b", re.I),
        None,
    ),
    (SQLITE, "INTEGER PRIMARY KEY", 2, "integer", re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\b", re.I), None),
    (SQLITE, "[bracket-quoted] names", 2, "[", re.compile(r"(?<![\w\]\[])\[[A-Za-z_][A-Za-z0-9_ ]*\](?!\s*\[)"), None),
    # NVARCHAR and DATETIME are neither PostgreSQL's nor standard: SQLite and MySQL files both use them.
    (SQLITE, "NVARCHAR or DATETIME", 1, "nvarchar|datetime", re.compile(r"\b(?:NVARCHAR|DATETIME)\b", re.I), None),
    (MYSQL, "NVARCHAR or DATETIME", 1, "nvarchar|datetime", re.compile(r"\b(?:NVARCHAR|DATETIME)\b", re.I), None),
]

# Clues read in the comments: the headers dump tools write.
_COMMENT_CLUES: list[tuple[str, str, int, re.Pattern[str]]] = [
    (POSTGRES, "a pg_dump header", 8, re.compile(r"--\s*(?:PostgreSQL database dump|Dumped (?:from database|by pg_dump) version)", re.I)),
    (MYSQL, "a mysqldump header", 8, re.compile(r"--\s*(?:MySQL dump|MariaDB dump|Server version\s*\d)", re.I)),
    (MYSQL, "# comments", 1, re.compile(r"^[ \t]*#", re.M)),
]


#: MySQL's `DELIMITER $$`: the statement terminator it sets (often `$$` or `//`) is not a quote.
_DELIMITER = re.compile(r"^[ \t]*DELIMITER[ \t]+(\S+)", re.I | re.M)


def _blank(text: str) -> str:
    """`text` with every character but line breaks dropped (line numbers survive)."""
    return "\n" * text.count("\n")


def guess_sql_dialect(sql: str) -> DialectGuess:
    """The dialect `sql` looks written for, with the clues that say so. Never raises."""
    if not isinstance(sql, str):
        return DialectGuess(None)
    delimiters = [(sql.count("\n", 0, match.start()) + 1, match[1]) for match in _DELIMITER.finditer(sql)]
    for terminator in {text for _, text in delimiters if text != ";"}:
        sql = sql.replace(terminator, " " * len(terminator))

    code_parts: list[str] = []
    comments: list[tuple[int, str]] = []  # (line, text)
    position, line = 0, 1
    backticks: list[int] = []
    dollars: list[int] = []
    exec_comments: list[int] = []
    for match in _TOKENS.finditer(sql):
        code_parts.append(sql[position : match.start()])
        line += sql.count("\n", position, match.start())
        token = match.group()
        kind = next(
            name
            for name in ("mysql_exec", "block", "line", "hash", "dollar", "string", "double", "backtick")
            if match.group(name) is not None
        )
        if kind == "mysql_exec":
            exec_comments.append(line)
            code_parts.append(" ")
        elif kind in ("block", "line", "hash"):
            comments.append((line, token))
            code_parts.append(" " + _blank(token))
        elif kind == "dollar":
            if match.group("closed") is not None:  # an unclosed `$$` is no evidence of anything
                dollars.append(line)
            code_parts.append(" '' " + _blank(token))
        elif kind == "string":
            code_parts.append(" '' " + _blank(token))
        else:  # a quoted name: \x01 stands for it, so `KEY \x01 (` still reads as a key
            if kind == "backtick":
                backticks.append(line)
            code_parts.append(" \x01 " + _blank(token))
        line += token.count("\n")
        position = match.end()
    code_parts.append(sql[position:])
    code = "".join(code_parts)
    starts = [0] + [newline.end() for newline in re.finditer("\n", code)]

    clues: list[Clue] = []

    def add(dialect: str, label: str, weight: int, lines: list[int]) -> None:
        if lines:
            clues.append(Clue(dialect, label, min(lines), len(lines), weight))

    add(MYSQL, "DELIMITER", 5, [number for number, _ in delimiters])
    add(MYSQL, "backtick-quoted names", 3, backticks)
    add(MYSQL, "/*!…*/ version comments", 5, exec_comments)
    add(POSTGRES, "$$-quoted bodies", 5, dollars)
    lowered = code.lower()
    for dialect, label, weight, needles, pattern, check in _CODE_CLUES:
        if not any(needle in lowered for needle in needles.split("|")):
            continue  # the pattern cannot match; scanning the code for it is most of the cost
        lines = [bisect_right(starts, m.start()) for m in pattern.finditer(code) if check is None or check(m)]
        add(dialect, label, weight, lines)
    for dialect, label, weight, pattern in _COMMENT_CLUES:
        lines = [first + text.count("\n", 0, m.start()) for first, text in comments for m in pattern.finditer(text)]
        add(dialect, label, weight, lines)

    scores: dict[str, int] = {}
    for clue in clues:
        scores[clue.dialect] = scores.get(clue.dialect, 0) + clue.score
    if not scores:
        return DialectGuess(None, {}, ())
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    best = ranked[0][0] if len(ranked) == 1 or ranked[0][1] > ranked[1][1] else None
    return DialectGuess(best, scores, tuple(sorted(clues, key=lambda clue: clue.line)))
