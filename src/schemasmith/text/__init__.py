"""Text helpers every layer shares: English words, identifiers, redaction, statement splitting.

One home for each, so a fix (a plural rule, a password pattern, a quoting edge case) reaches every
command at once. Each submodule has one job; import from the submodule.
"""
