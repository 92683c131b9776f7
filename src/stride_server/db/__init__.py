"""Database access: the engine and pool, the embedded server, tenant-scoped transactions, migrations."""
