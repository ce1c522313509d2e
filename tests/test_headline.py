"""The report's headline: whose report and which period in words, main points, four lead
cards (issue 17), in en, ru and kk.

Babel writes CLDR's spaces: a thin space (U+2009) round the dash of an English span, a
narrow no-break space (U+202F) before «г.» and «ж.», so a year never parts from them.
HTML keeps them; Markdown, which collapses every run of white space to one space (a
newline would end a table row), writes plain spaces.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engagement_report import pipeline
from engagement_report.config import Config, ReportConfig
from engagement_report.render.filters import date_range, month_span, period_words


@pytest.mark.parametrize(
    ("locale", "month", "span", "across"),
    [
        (
            "en",
            "January 2021",
            "January 1\u2009–\u200931, 2021",
            "December 27, 2020\u2009–\u2009January 31, 2021",
        ),
        (
            "ru",
            "январь 2021\u202fг.",
            # CLDR's Russian interval has an em dash (1—31): a range takes an en dash.
            "1–31 января 2021\u202fг.",
            "27 декабря 2020\u202fг. – 31 января 2021\u202fг.",
        ),
        (
            "kk",
            "2021 жылғы қаңтар",
            "2021\u202fж. 1–31 қаңтар",
            "2020\u202fж. 27 желтоқсан – 2021\u202fж. 31 қаңтар",
        ),
    ],
)
def test_periods_in_words(locale: str, month: str, span: str, across: str) -> None:
    assert period_words(date(2021, 1, 1), date(2021, 1, 31), "month", locale=locale) == month
    assert date_range(date(2021, 1, 1), date(2021, 1, 31), locale=locale) == span
    assert date_range(date(2020, 12, 27), date(2021, 1, 31), locale=locale) == across
    assert period_words(date(2021, 1, 1), date(2021, 12, 31), "year", locale=locale) == "2021"


@pytest.mark.parametrize(
    ("locale", "year", "across"),
    [
        ("en", "March\u2009–\u2009December 2020", "March 2020\u2009–\u2009February 2021"),
        ("ru", "март\u00a0– декабрь 2020\u202fг.", "март 2020\u202fг. – февраль 2021\u202fг."),
        ("kk", "2020 жылғы наурыз – желтоқсан", "2020 жылғы наурыз – 2021 жылғы ақпан"),
    ],
)
def test_spans_of_months(locale: str, year: str, across: str) -> None:
    # The trend charts' text: «с март 2020 г. по февраль 2021 г..» was Russian's before.
    assert month_span(date(2020, 3, 1), date(2020, 12, 31), locale=locale) == year
    assert month_span(date(2020, 3, 1), date(2021, 2, 28), locale=locale) == across
    one = month_span(date(2020, 3, 1), date(2020, 3, 31), locale=locale)
    assert one == period_words(date(2020, 3, 1), date(2020, 3, 31), "month", locale=locale)


def test_quarter_in_words() -> None:
    assert period_words(date(2021, 1, 1), date(2021, 3, 31), "quarter") == "1st quarter 2021"
    assert period_words(date(2021, 1, 1), date(2021, 3, 31), "quarter", locale="ru") == (
        "1-й квартал 2021\u202fг."
    )


OFFICE = {"en": "Akimat of Almaty", "ru": "Акимат города Алматы", "kk": "Алматы қаласының әкімдігі"}
TITLE = {"ru": "Отчёт о работе с обращениями"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_data: Path) -> dict[str, Path]:
    config = Config(report=ReportConfig(title=TITLE, office=OFFICE))
    out = {}
    for lang in ("en", "ru", "kk"):
        folder = tmp_path_factory.mktemp(lang)
        pipeline.build(
            [sample_data], config, period="2021-01", out=folder, lang=lang, today=date(2021, 6, 1)
        )
        out[lang] = folder
    return out


def _read(built: dict[str, Path], lang: str, name: str) -> str:
    return (built[lang] / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "heading", "period"),
    [
        ("en", "# Public engagement report, January 2021", "Period: January 1 – 31, 2021"),
        (
            "ru",
            "# Отчёт о работе с обращениями, январь 2021 г.",
            "Период: 1–31 января 2021 г.",
        ),
        (
            "kk",
            "# Халықпен өзара іс-қимыл туралы есеп, 2021 жылғы қаңтар",
            "Кезең: 2021 ж. 1–31 қаңтар",
        ),
    ],
)
def test_title_office_and_period_in_words(
    built: dict[str, Path], lang: str, heading: str, period: str
) -> None:
    md = _read(built, lang, "report.md")
    assert md.startswith(heading + "\n\n**" + OFFICE[lang] + "**\n\n" + period + "\n")
    html = _read(built, lang, "report.html")
    assert f'<p class="office">{OFFICE[lang]}</p>' in html
    assert f"<h1>{heading[2:]}</h1>".replace(" г.", "\u202fг.") in html
    top = md.split("## ")[0] + md.split("## ")[1]  # the title and the main points
    assert "2021-01" not in top


def test_main_points_and_four_lead_cards(built: dict[str, Path]) -> None:
    md = _read(built, "en", "report.md")
    points = md.split("## Main points\n\n")[1].split("\n\n")[0].splitlines()
    assert 2 <= len(points) <= 3 and all(p.startswith("- ") for p in points)
    # January 2021 as of 31 January: the sample's own figures (tests/test_published_figures).
    assert points[1].startswith("- Answered within the legal term: ")
    html = _read(built, "en", "report.html")
    cards = html.split('id="h-headline"')[1].split("</section>")[0]
    assert cards.count('<div class="card">') == 4
    names = ["Queries received", "On time within the legal term, of queries due"]
    names += ["Overdue now", "Median response time, days"]
    for name in names:
        assert f'<div class="name">{name}</div>' in cards
    for section, line in (
        ("h-queries", "Answered share: "),
        ("h-broadcasts", "Live broadcasts: "),
        ("h-press", "Press events: "),
    ):
        body = html.split(f'id="{section}"')[1].split("</section>")[0]
        assert f'<p class="lead-line"><strong>{line}' in body, section


@pytest.mark.parametrize(
    ("lang", "main", "due"),
    [
        ("ru", "## Главное", "В установленный законом срок дан ответ на "),
        ("kk", "## Басты тұжырымдар", "Заңда белгіленген мерзімде жауап берілгені — "),
    ],
)
def test_main_points_are_translated(built: dict[str, Path], lang: str, main: str, due: str) -> None:
    md = _read(built, lang, "report.md")
    assert main in md and due in md
