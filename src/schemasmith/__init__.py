"""schemasmith: design and evolve relational databases; the AI proposes, the tool verifies."""

__version__ = "0.1.0"
