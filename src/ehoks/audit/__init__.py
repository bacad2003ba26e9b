"""The audit trail (DESIGN D7): append-only, hash-chained events of every personal-data access."""
