"""The HOKS as a PDF: the same content as the print version, rendered by WeasyPrint.

WeasyPrint lays out HTML and CSS itself (no browser needed on the server) and writes a tagged
PDF (PDF/UA-1), so the document keeps its headings and reading order for assistive technology.
It fetches nothing over the network: its stylesheet is read from this package's static folder
and any other address is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ehoks.errors import EhoksError

STATIC_DIR = Path(__file__).parent / "static"


class PdfFailed(EhoksError):
    status_code = 500

    def __init__(self) -> None:
        super().__init__("The PDF could not be made")


def _static_fetcher() -> Any:
    """A fetcher that serves only this package's static files, read from disk; every other
    address (network, other files) is refused and its reference dropped from the document."""
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = STATIC_DIR.resolve()

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or not path.is_relative_to(root) or not path.is_file():
                raise ValueError(f"refused to fetch {url!r} for a PDF")
            kind = "text/css" if path.suffix == ".css" else "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return StaticOnly()


def render_pdf(html: str) -> bytes:
    """``html`` (a whole document whose stylesheet links are relative to the static folder) as
    PDF bytes."""
    # WeasyPrint loads Pango at import: import it on first use, not when the app starts.
    from weasyprint import HTML

    try:
        document = HTML(
            string=html,
            base_url=STATIC_DIR.resolve().as_uri() + "/",
            url_fetcher=_static_fetcher(),
        )
        pdf: bytes | None = document.write_pdf(pdf_variant="pdf/ua-1")
    except (OSError, ValueError) as exc:
        raise PdfFailed() from exc
    if pdf is None:
        raise PdfFailed()
    return pdf
