"""Importers: turn DDL or a live database into a design document, through a real database."""
