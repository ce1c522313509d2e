"""``report.pdf``: the HTML report laid out for A4 paper by WeasyPrint.

The PDF is the HTML report itself (same content, charts as vectors: WeasyPrint draws the
inline SVG), with a stylesheet for paper on top: A4, the period and page numbers in a
running footer, table rows never split across pages, and DejaVu Sans first in the font
list, since it carries every Cyrillic and Kazakh letter (ә ғ қ ң ө ұ ү һ і). WeasyPrint
(the ``[pdf]`` extra) needs Pango on the system (Debian: ``libpango-1.0-0
libpangoft2-1.0-0``, and ``fonts-dejavu-core``).

WeasyPrint stamps no time into the file here, so the same HTML gives the same bytes.
"""

from __future__ import annotations

import logging
import re
from html import unescape

from engagement_report.errors import UsageError

PDF_NAME = "report.pdf"

_INSTALL = (
    "a PDF needs WeasyPrint and Pango: pip install 'engagement-report[pdf]' and, on Debian, "
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and line breaks escaped)."""
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def paper_css(footer: str) -> str:
    """The stylesheet laid over the report for A4 paper; ``footer``: the running footer's text."""
    # WeasyPrint takes these as user styles: !important lets them win over the report's own.
    return f"""
@page {{
  size: A4 !important;
  margin: 15mm 15mm 18mm !important;
  @bottom-left {{ content: {_css_string(footer)}; font: 8pt "DejaVu Sans", sans-serif; color: #555; }}
  @bottom-right {{ content: counter(page) " / " counter(pages); font: 8pt "DejaVu Sans", sans-serif; color: #555; }}
}}
body {{ font-family: "DejaVu Sans", "Noto Sans", "Liberation Sans", sans-serif !important; font-size: 9.5pt !important; }}
main {{ max-width: none !important; padding: 0 !important; }}
.cards {{ display: block !important; }}
.card {{ display: inline-block !important; vertical-align: top; width: 31.5% !important; margin: 0 1.5% 8px 0 !important; }}
table {{ font-size: 8pt !important; }}
th, td {{ padding: 2px 4px !important; }}
thead th {{ white-space: normal !important; overflow-wrap: anywhere; hyphens: auto; }}
tr, .card, figure {{ break-inside: avoid !important; }}
thead {{ display: table-header-group !important; }}
h2, h3 {{ break-after: avoid !important; }}
"""


def check_available() -> None:
    """Raise :class:`UsageError` (exit 2) saying what to install when WeasyPrint cannot run."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the package is there, Pango is not
        raise UsageError(_INSTALL) from None


def running_footer(html: str) -> str:
    """The report's own ``<title>`` (its title and period, in its language), for the footer."""
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    return " ".join(unescape(found.group(1)).split()) if found else ""


def pdf_bytes(html: str, footer: str | None = None) -> bytes:
    """The PDF of the self-contained ``html`` report (no file or network is fetched);
    ``footer`` defaults to the report's title and period (:func:`running_footer`)."""
    check_available()
    if footer is None:
        footer = running_footer(html)
    from weasyprint import CSS, HTML

    def no_fetching(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
        # The report is self-contained; anything else would be a request to the network.
        raise ValueError(f"not fetched: {url}")

    # WeasyPrint reports CSS it does not support (grid, print-color-adjust) as warnings.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, url_fetcher=no_fetching, base_url=".")
    return bytes(document.write_pdf(stylesheets=[CSS(string=paper_css(footer))]))
