"""Rate limits shared by every process of the service (fixed-window counters in the database)."""
