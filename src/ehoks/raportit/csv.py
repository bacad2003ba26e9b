"""CSV as Finnish spreadsheets open it: UTF-8 with a byte order mark (so Excel does not read it
as Windows-1252), ``;`` between cells (the list separator of a Finnish locale, where ``,`` is the
decimal separator), text cells in double quotes with inner quotes doubled, numbers bare, CRLF
line ends.

A cell a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return: CSV injection) gets a leading apostrophe, so it is shown as text.
Output is produced a chunk of rows at a time, for a streamed response.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

BOM = "\ufeff"
SEPARATOR = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | None


def safe(value: Cell) -> Cell:
    """The cell as written: text that could start a formula is prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def chunks(header: Sequence[str], batches: Iterable[Iterable[Sequence[Cell]]]) -> Iterator[bytes]:
    """The file, encoded: the BOM and header first, then one chunk per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=SEPARATOR, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n"
    )
    buffer.write(BOM)
    writer.writerow([safe(cell) for cell in header])
    yield _drain(buffer)
    for batch in batches:
        for row in batch:
            writer.writerow(["" if cell is None else safe(cell) for cell in row])
        text = _drain(buffer)
        if text:
            yield text


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")
