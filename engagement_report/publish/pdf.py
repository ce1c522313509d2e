"""``report.pdf``: the HTML report laid out for A4 paper by WeasyPrint.

The PDF is the HTML report itself (same content, charts as vectors: WeasyPrint draws the
inline SVG), laid out by the report's own print stylesheet (A4, the title, the period
and "page N of M" in a running footer, page breaks before the major parts only, every
table column on the page), with DejaVu Sans first in the font list, since it carries
every Cyrillic and Kazakh letter (ә ғ қ ң ө ұ ү һ і). WeasyPrint
(the ``[pdf]`` extra) needs Pango on the system (Debian: ``libpango-1.0-0
libpangoft2-1.0-0``, and ``fonts-dejavu-core``).

WeasyPrint stamps no time into the file here, so the same HTML gives the same bytes.
"""

from __future__ import annotations

import logging

from engagement_report.errors import UsageError

PDF_NAME = "report.pdf"

_INSTALL = (
    "a PDF needs WeasyPrint and Pango: pip install 'engagement-report[pdf]' and, on Debian, "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
)


def paper_css() -> str:
    """The stylesheet laid over the report for WeasyPrint: DejaVu Sans first.

    The page itself (A4, margins, the running footer with the title, the period and
    "page N of M") is the report's own print stylesheet, so Chromium's print gives the
    same pages.
    """
    # WeasyPrint takes these as user styles: !important lets them win over the report's own.
    return """
body { font-family: "DejaVu Sans", "Noto Sans", "Liberation Sans", sans-serif !important; }
"""


def check_available() -> None:
    """Raise :class:`UsageError` (exit 2) saying what to install when WeasyPrint cannot run."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the package is there, Pango is not
        raise UsageError(_INSTALL) from None


def pdf_bytes(html: str) -> bytes:
    """The PDF of the self-contained ``html`` report (no file or network is fetched)."""
    check_available()
    from weasyprint import CSS, HTML

    def no_fetching(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
        # The report is self-contained; anything else would be a request to the network.
        raise ValueError(f"not fetched: {url}")

    # WeasyPrint reports CSS it does not support (grid, print-color-adjust) as warnings.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, url_fetcher=no_fetching, base_url=".")
    return bytes(document.write_pdf(stylesheets=[CSS(string=paper_css())]))
