"""The CSV format: UTF-8 with BOM, ``;`` separated, text quoted with inner quotes doubled,
numbers bare, CRLF, formula injection guarded, a chunk per batch, and readable back with
Python's csv module."""

from __future__ import annotations

import csv as stdlib_csv
import io

import pytest

from ehoks.raportit import csv


def parse(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(stdlib_csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_bom_separator_quoting_and_line_ends():
    data = b"".join(csv.chunks(["Nimi", "Määrä"], [[['Åke; "Ökö"', 3], [None, 12]]]))
    assert data == ('\ufeff"Nimi";"Määrä"\r\n"Åke; ""Ökö""";3\r\n"";12\r\n'.encode())
    assert parse(data) == [["Nimi", "Määrä"], ['Åke; "Ökö"', "3"], ["", "12"]]


def test_line_breaks_inside_a_cell_stay_in_the_cell():
    data = b"".join(csv.chunks(["a"], [[["rivi 1\nrivi 2"]]]))
    assert parse(data) == [["a"], ["rivi 1\nrivi 2"]]


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x")', "+358 40 123", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe(value):
    data = b"".join(csv.chunks([value], [[[value]]]))
    header, row = parse(data)
    assert header == row == ["'" + value]


def test_numbers_and_ordinary_text_are_left_alone():
    assert csv.safe(-5) == -5
    assert csv.safe("Esimerkki Oy") == "Esimerkki Oy"
    assert csv.safe("6.12.2026") == "6.12.2026"


def test_one_chunk_per_batch_after_the_header():
    batches: list[list[list[csv.Cell]]] = [[["a", 1], ["b", 2]], [], [["c", 3]]]
    produced = list(csv.chunks(["x", "y"], iter(batches)))
    assert len(produced) == 3  # header, the first batch, the last (an empty batch writes nothing)
    assert parse(b"".join(produced))[1:] == [["a", "1"], ["b", "2"], ["c", "3"]]


def test_batches_are_consumed_lazily():
    consumed = []

    def batches():
        for number in range(3):
            consumed.append(number)
            yield [[number]]

    stream = csv.chunks(["n"], batches())
    next(stream)
    assert consumed == []
    next(stream)
    assert consumed == [0]
