"""SQL dialects: each renders a design as DDL and says what of a design it can hold."""
