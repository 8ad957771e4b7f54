"""The rendering layer: operations as SQL per dialect (postgres, sqlite) or as Alembic revisions."""
