"""Platform endpoints: applications, API keys, the token exchange and tenant settings (§1.2)."""
