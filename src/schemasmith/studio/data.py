"""The data browser: paged rows of the design's tables from `--db` (not built yet)."""

from __future__ import annotations


def add_routes(app, studio) -> None:
    """No routes until the data browser is built; the page hides its tab when --db is absent."""
