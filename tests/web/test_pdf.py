"""The PDF renderer on its own: a real PDF with the text of the page, tagged for assistive
technology, and no fetching from outside the package's static folder."""

from __future__ import annotations

import io

import pypdf
import pytest

from ehoks.web.pdf import render_pdf

PAGE = """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Utvecklingsplan</title>
<link rel="stylesheet" href="pdf.css"></head><body class="pdf">
<h1>Utvecklingsplan för kunnandet</h1>
<details><summary>Krav på yrkesskicklighet</summary><p>Studeranden kan planera sitt arbete.</p>
</details><p>Åäö – 25 kp</p></body></html>"""


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_a_page_becomes_a_tagged_pdf_with_its_text():
    pdf = render_pdf(PAGE)
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert "Utvecklingsplan för kunnandet" in text
    assert "Åäö – 25 kp" in text
    # The content of a collapsed section is in the document too.
    assert "Studeranden kan planera sitt arbete." in text
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog  # tagged (PDF/UA-1)
    assert catalog["/Lang"] == "sv"


@pytest.mark.parametrize(
    "href", ["https://example.org/x.css", "file:///etc/passwd", "../../../../etc/passwd"]
)
def test_nothing_is_fetched_from_outside_the_static_folder(href, caplog):
    page = PAGE.replace('href="pdf.css"', f'href="{href}"').replace(
        "</body>", f'<img src="{href}"></body>'
    )
    pdf = render_pdf(page)  # the reference is dropped, the document still made
    assert "Utvecklingsplan" in _text(pdf)
    assert "root:" not in _text(pdf)
