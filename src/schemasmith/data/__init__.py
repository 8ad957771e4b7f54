"""Data: constraint-correct mock data at any scale (seed), and verified copies between databases.

Every generated value is a pure function of (seed, table, column, row index): a child row can
compute its parent's key from the parent's row index without anything being stored, chunks can
be generated in any order, and the same seed gives the same data.
"""
