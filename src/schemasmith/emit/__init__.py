"""Generated views of the design document: ORM models, types, diagrams and docs, one module per target."""
