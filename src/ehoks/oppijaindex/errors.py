from __future__ import annotations

from ehoks.errors import BadRequest


class OppijaNotFound(BadRequest):
    def __init__(self, oid: str) -> None:
        super().__init__(f"Oppija `{oid}` not found in Oppijanumerorekisteri")
