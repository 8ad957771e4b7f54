"""The design document: classes, portable types, YAML load/save and invariants."""

from .compare import design_differences
from .document import (
    CheckConstraint,
    Column,
    Conventions,
    Default,
    Design,
    ForeignKey,
    Growth,
    Index,
    IndexKey,
    Policy,
    Query,
    Reference,
    Suppression,
    Table,
    Trigger,
    UniqueConstraint,
)
from .implied import with_implied
from .types import PortableType, parse_type
from .yamlio import design_from_data, dump_design, load_design, load_design_text, save_design

__all__ = [
    "CheckConstraint",
    "Column",
    "Conventions",
    "Default",
    "Design",
    "ForeignKey",
    "Growth",
    "Index",
    "IndexKey",
    "Policy",
    "PortableType",
    "Query",
    "Reference",
    "Suppression",
    "Table",
    "Trigger",
    "UniqueConstraint",
    "design_differences",
    "design_from_data",
    "dump_design",
    "load_design",
    "load_design_text",
    "parse_type",
    "save_design",
    "with_implied",
]
