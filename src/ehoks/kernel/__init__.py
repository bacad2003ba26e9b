"""The shared kernel: what every part of ehoks uses and nothing domain-specific — the clock
and Finnish time, and identifiers. It imports nothing of ehoks, so any module may import it."""
