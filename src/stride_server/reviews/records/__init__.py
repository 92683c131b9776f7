"""Review records: a person's review in a cycle, its KPI ratings and goals (CONTRACT §3.3)."""
