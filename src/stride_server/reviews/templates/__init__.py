"""Review templates: the KPI items a review snapshots (CONTRACT §3.1)."""
