"""What every domain shares: problems (errors), ids, JSON bodies, pagination, filters, idempotency."""
