"""Authentication and authorisation: token verification, the Principal, permissions, API keys."""
