"""The shared kernel: what every part of ehoks uses and nothing domain-specific — the clock
and Finnish time (``clock``), the identifiers we make (``ids``) and the national ones we check
(``oids``). It imports nothing of ehoks, so any module may import it."""
