"""What one review run was asked for beyond its profile: rules switched off, severities, the tenant.

The value the rules see through their context; settings.py reads it from the configuration
(and checks the rule codes against the catalogue, which the rules themselves never need).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .finding import Severity


@dataclass(frozen=True)
class ReviewSettings:
    profile: str | None = None
    fail_on: str | None = None
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    tenant_table: str | None = None
    tenant_key: str | None = None
