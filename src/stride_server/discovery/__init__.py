"""Discovery: the public manifest of the Data API (the seeds' "Loading manifest…")."""
