"""`schemasmith lint-migration`: check hand-written PostgreSQL migrations against the schema they run on.

statements.py reads files into statements (SQL via pglast, Alembic revisions run offline),
replay.py runs them in order on a scratch copy of the schema and records what each one found
there, actions.py says what each statement does in the words of `migrate.safety.FACTS`,
rules/ turns that into findings, rewrites.py writes the safe form, report.py prints them.
"""
