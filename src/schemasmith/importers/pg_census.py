"""Which object classes a database has any of, asked in one query before the classes are read.

Most schemas have no domains, range types, views, policies or default privileges, yet reading
each class costs a round trip and a query plan (a few milliseconds apiece on a fresh connection,
a tenth of an import of 300 tables). One query of EXISTS tests says which classes are empty; the
importer skips the reader of an empty class, whose result would have been empty anyway.

Each test is the class's reader query with its row filters kept or loosened, never tightened
(extension membership, for one, is not tested): a class is skipped only when its reader could
have found nothing.
"""

from __future__ import annotations

from collections.abc import Callable

#: Class name → an EXISTS test over the schemas `:schemas` and the imported tables `:oids`.
TESTS: dict[str, str] = {
    "enums": """EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                        JOIN pg_enum e ON e.enumtypid = t.oid WHERE n.nspname = ANY(:schemas))""",
    "triggers": "EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = ANY(:oids) AND NOT t.tgisinternal)",
    "policies": "EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = ANY(:oids))",
    "schemas": "EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = ANY(:schemas) AND n.nspname <> 'public')",
    "extensions": "EXISTS (SELECT 1 FROM pg_extension e WHERE e.extname <> 'plpgsql')",
    "collations": """EXISTS (SELECT 1 FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
                             WHERE n.nspname = ANY(:schemas))""",
    "domains": """EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                          WHERE n.nspname = ANY(:schemas) AND t.typtype = 'd')""",
    "types": """EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                        LEFT JOIN pg_class c ON c.oid = t.typrelid
                        WHERE n.nspname = ANY(:schemas) AND ((t.typtype = 'c' AND c.relkind = 'c') OR t.typtype IN ('r', 'b'))
                          AND t.typname NOT LIKE '\\_%')""",
    "sequences": """EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                            WHERE n.nspname = ANY(:schemas) AND c.relkind = 'S'
                              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                              AND d.objid = c.oid AND d.deptype = 'i'))""",
    "functions": """EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                            WHERE n.nspname = ANY(:schemas))""",
    "views": """EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('v', 'm'))""",
    "default_privileges": "EXISTS (SELECT 1 FROM pg_default_acl)",
}

CENSUS = "SELECT " + ", ".join(f"{test} AS {name}" for name, test in TESTS.items())


def present(query: Callable[..., list], schemas: list[str], oids: list[int]) -> set[str]:
    """The names of the classes in TESTS that the database may have any of."""
    row = query(CENSUS, schemas=schemas, oids=oids)[0]
    return {name for name in TESTS if getattr(row, name)}
