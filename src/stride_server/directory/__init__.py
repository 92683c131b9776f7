"""The directory: people, groups and memberships that every visibility rule refers to (§4)."""
