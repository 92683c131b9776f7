"""Review cycles: the periods reviews and 360 feedback belong to (CONTRACT §3.2)."""
