"""OKRs: the rules and computed fields of Objectives and KeyResults (hooks the registry calls)."""
