"""The workload: queries (parse, resolve, join count), coverage (validation level 2), the load
model (level 3), the index advisor with its `--verify` measurement, and the EXPLAIN reader."""
