"""Real databases: the embedded PostgreSQL server, scratch databases, connections by URL."""
