"""The caller's pending actions across reviews, feedback and cycles (CONTRACT §3.5)."""
