"""The comparison layer: the operations that turn OLD into NEW, in an order that applies.

Both designs are first projected onto the dialect (`dialects.postgres.project` or
`dialects.sqlite.project`: what the database would hold of them) with their conventions'
implications written out, so a design read from a live database and one written by hand compare
by meaning. Expressions compare with `model.expressions.same_expression` after column renames
are applied to OLD's side. Objects (constraints, indexes, triggers, policies) are matched by
content first — a match under another name is a rename, not a drop and add — then by name.

The order of the list is the order of `PHASE`: drops of dependent objects before what they
depend on, renames before anything that uses the new names, creations after, data copies
before the columns they read are dropped, types last.

One module per concern (`tables`, `columns`, `constraints`, `indexes`, `triggers`, `security`,
`enums`); `keys` holds the comparison keys, computed from the model; `diff` runs them all.
This layer builds operations only: it imports `operations`, never the renderers.
"""

from .diff import Diff, diff, project
from .state import PHASE

__all__ = ["PHASE", "Diff", "diff", "project"]
