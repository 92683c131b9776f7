"""The API explorer (GET /explorer): a static page driven by the public manifest (§6)."""
