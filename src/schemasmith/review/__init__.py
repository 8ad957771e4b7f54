"""Review: named rules that critique a schema like a senior DBA ("what will I regret in 18 months").

Each rule is a small function with a stable code (SS101 …), a name, a default severity and a
docstring in fixed sections; `review_design` runs them over a design and returns findings with
a location, a reason and a concrete fix (SQL for the dialect, and the design-document change).
"""

from .definition import RULES, Rule
from .engine import Review, review_design, review_source
from .finding import Finding, Severity
from .registry import all_rules, get_rule

__all__ = ["RULES", "Finding", "Review", "Rule", "Severity", "all_rules", "get_rule", "review_design", "review_source"]
