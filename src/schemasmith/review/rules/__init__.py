"""Every review rule; importing this package registers them all (one module per small family)."""

from . import (  # noqa: F401 - imported for their @rule registrations
    constraints,
    dialects,
    foreign_keys,
    functions,
    indexes,
    keys,
    naming,
    operations,
    redundancy,
    security,
    tenancy,
    types,
    views,
)
