"""Events, webhooks and reminders (§8): the outbox, webhook endpoints and their delivery."""
