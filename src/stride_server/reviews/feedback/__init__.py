"""360 feedback: requests, anonymous answers, their release when a cycle closes, and the anonymized
summary (CONTRACT §3.4, §3.4a)."""
