"""The lint-migration rules (SM1xx), one function each; importing the package registers them."""

from . import compatibility, constraints, locks, rewrites  # noqa: F401
