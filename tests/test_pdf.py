"""``report.pdf`` (``build --format pdf``): A4, the headline figures, Kazakh letters in
fonts that carry them, the period and page numbers in a running footer."""

from __future__ import annotations

import io
import re
import sys
from html import unescape
from pathlib import Path

import pypdf
import pytest
from helpers import page_fill
from typer.testing import CliRunner

from engagement_report.cli import app

KAZAKH = "әғқңөұүһі"
# A broadcast programme whose name holds һ, the one Kazakh letter the interface text lacks.
EXTRA_BROADCAST = """\
date,program,speaker,topic,questions_answered,tv_segments
2021-01-20,Жиһаз және тұрмыс,Әкімнің орынбасары,Тұрғын үй,12,3
"""


def invoke(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def built(sample_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    extra = tmp_path_factory.mktemp("extra") / "broadcasts-extra.csv"
    extra.write_text(EXTRA_BROADCAST, encoding="utf-8")
    out = tmp_path_factory.mktemp("pdf")
    done = invoke("build", sample_data, extra, "--period", "2021-01", "--lang", "kk",
                  "--format", "pdf", "--format", "html", "--out", out)  # fmt: skip
    assert done.exit_code == 0, done.output
    return out


def _pages(pdf: Path) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf.read_bytes()))
    return [" ".join(page.extract_text().replace("\xa0", " ").split()) for page in reader.pages]


def test_only_the_formats_asked_for(built: Path) -> None:
    assert {p.name for p in built.iterdir() if not p.name.startswith(".")} == {
        "report.pdf", "report.html", "manifest.json",
    }  # fmt: skip


def test_a4_pages_with_the_period_and_page_numbers_in_the_footer(built: Path) -> None:
    reader = pypdf.PdfReader(built / "report.pdf")
    assert len(reader.pages) > 3
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)  # A4 in mm
    texts = _pages(built / "report.pdf")
    for number, text in enumerate(texts, start=1):
        # The period in words, as the title has it (it read "— 2021-01").
        assert "Халықпен өзара іс-қимыл туралы есеп, 2021 жылғы қаңтар" in text
        # "page N of M" in Kazakh: "M беттің N-беті".
        assert f"{len(texts)} беттің {number}-беті" in text


def test_a_month_fills_its_pages(built: Path) -> None:
    # Pages break before the major parts only (13 to 16 A4 pages before, several a
    # fifth full): the headline; queries to press events; data quality and methodology.
    texts = _pages(built / "report.pdf")
    assert len(texts) <= 14  # 12 for the sample's January with every view so far
    html = (built / "report.html").read_text(encoding="utf-8")
    parts = re.findall(r'<section class="part"[^>]*>\s*<h2[^>]*>(.*?)</h2>', html)
    assert parts[0] == "Азаматтардың өтініштері"
    # The first page that starts with each part's heading (a later paragraph may too).
    starts = [next(i for i, text in enumerate(texts) if text.startswith(part)) for part in parts]
    assert starts[0] == 1  # the queries part starts the second page
    assert len(starts) == 2
    fills = page_fill(built / "report.pdf")
    short = [i for i, fill in enumerate(fills[:-1]) if fill < 0.5 and i + 1 not in starts]
    assert short == [], fills


def test_no_table_loses_a_column_on_paper(built: Path) -> None:
    # The trend and agenda tables lost their last columns on A4: the last header of
    # every table in the HTML is in the PDF's text (spaces and hyphens aside, since a
    # header may wrap at either).
    html = (built / "report.html").read_text(encoding="utf-8")
    last_headers = [
        unescape(re.sub(r"<[^>]+>", "", cells[-1]))
        for head in re.findall(r"<thead>(.*?)</thead>", html, re.S)
        if (cells := re.findall(r"<th[^>]*>(.*?)</th>", head, re.S))
    ]
    assert len(last_headers) >= 10
    squeezed = re.sub(r"[\s\-\u00ad]", "", " ".join(_pages(built / "report.pdf")))
    missing = [h for h in last_headers if re.sub(r"[\s\-\u00ad]", "", h) not in squeezed]
    assert missing == []
    assert "БАҚ-тағы жарияланымдар" in last_headers  # the trend table's last column


def test_the_headline_figures_are_in_the_text(built: Path) -> None:
    first = _pages(built / "report.pdf")[0]
    # Published for January 2021 (sample_data/README.md) and the sample's query figures.
    assert "1 774" in first  # queries received
    assert "Басты тұжырымдар" in first  # "Main points"
    text = " ".join(_pages(built / "report.pdf"))
    assert "69,3%" in text  # answered share (its section's lead line), Kazakh number format
    assert "24 525" in text  # publications after press events
    assert "Негізгі көрсеткіштер" in first  # "Headline figures" in Kazakh


def test_kazakh_letters_in_fonts_that_carry_them(built: Path) -> None:
    text = " ".join(_pages(built / "report.pdf"))
    assert [letter for letter in KAZAKH if letter not in text] == []
    assert "Жиһаз және тұрмыс" in text
    reader = pypdf.PdfReader(built / "report.pdf")
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(re.sub(r"^[A-Z]{6}\+", "", str(font.get_object()["/BaseFont"]).lstrip("/")))
    assert fonts and all(name.startswith("DejaVu") for name in fonts), fonts


def test_charts_are_vectors(built: Path) -> None:
    reader = pypdf.PdfReader(built / "report.pdf")
    images = sum(len(page.images) for page in reader.pages)
    assert images == 0  # the charts are drawn, not pasted as pictures
    html = (built / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html


def test_a_rebuild_gives_the_same_bytes(built: Path, sample_data: Path, tmp_path: Path) -> None:
    extra = tmp_path / "broadcasts-extra.csv"
    extra.write_text(EXTRA_BROADCAST, encoding="utf-8")
    done = invoke("build", sample_data, extra, "--period", "2021-01", "--lang", "kk",
                  "--format", "pdf", "--format", "html", "--out", tmp_path / "again")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert (tmp_path / "again" / "report.pdf").read_bytes() == (built / "report.pdf").read_bytes()


def test_without_weasyprint_pdf_is_a_usage_error(
    sample_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint → ImportError
    done = invoke("build", sample_data, "--format", "pdf", "--out", tmp_path / "out")
    assert done.exit_code == 2, done.output
    assert "pip install 'engagement-report[pdf]'" in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_footer_text_is_escaped_for_css() -> None:
    from engagement_report.render.filters import css_string, page_counters

    assert css_string('Report "A" \\ 2021-01') == '"Report \\22 A\\22  \\5c  2021-01"'
    # Nothing in a title can close the <style> element the footer is written in.
    assert css_string("</style><script>") == '"\\3c /style\\3e \\3c script\\3e "'
    assert page_counters("page {page} of {pages}") == (
        '"page " counter(page) " of " counter(pages)'
    )
    assert page_counters("{pages} беттің {page}-беті") == (
        'counter(pages) " беттің " counter(page) "-беті"'
    )
