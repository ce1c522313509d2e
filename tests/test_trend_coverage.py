"""The trend marks months without data as "no data" and part-months as partial (issue 18).

Los Angeles' 311 extract holds requests received 27-31 December 2017 only: its trend
showed eleven months of zeros and a December read as a whole month. Now the months
before the data starts and after it ends have no figures (a gap, "no data") and December
is "partial: 5 of 31 days".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engagement_report import pipeline
from engagement_report.analysis import trend
from engagement_report.cli import app
from engagement_report.config import Config, load_config
from engagement_report.month_coverage import data_span, month_coverage
from engagement_report.periods import parse_period, window_for
from engagement_report.render.charts import trend_charts
from engagement_report.results import Covered

ROOT = Path(__file__).resolve().parent.parent
LA = ROOT / "tests" / "data" / "real" / "la311_2017_dec27_31.csv"
LA_CONFIG = ROOT / "examples" / "la311.toml"


def _build(out: Path, *extra: str) -> None:
    result = CliRunner().invoke(
        app,
        [
            "build",
            str(LA),
            "--config",
            str(LA_CONFIG),
            "--period",
            "2017-12",
            "--out",
            str(out),
            "--today",
            "2026-01-01",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.stderr


def _trend(paths: list[Path], config: Config, period: str, today: str) -> list:
    data = pipeline.load_and_validate(paths, config)
    window = window_for(parse_period(period), date.fromisoformat(today))
    return list(trend(data, window, config))


# --- Los Angeles: 27-31 December 2017 -------------------------------------------------


def test_la_december_is_partial_and_the_months_before_have_no_data() -> None:
    points = _trend([LA], load_config(LA_CONFIG), "2017-12", "2026-01-01")
    assert points[0].month.label == "2017-01"
    december = points[-1]
    assert december.month.label == "2017-12"
    assert december.covered == {"queries": Covered(5, 31)}
    assert december.coverage("queries") == "partial"
    assert december.partial == Covered(5, 31)
    # 8 requests a day over five days; 7 closed by 31 December (rows 13, 25, 31, 34-36, 39)
    assert (december.received, december.answered) == (40, 7)
    for point in points[:-1]:
        assert point.coverage("queries") == "none", point.month.label
        assert point.received is None and point.answered is None
        assert point.answered_share is None and point.on_time_share is None
        assert point.partial is None


def test_la_months_after_the_data_ends_have_no_data_though_answers_are_dated_then() -> None:
    # Answers run to 3 May 2018, but no request was received after 31 December 2017:
    # January-March 2018 hold no data, not zero requests.
    points = _trend([LA], load_config(LA_CONFIG), "2017-12-01..2018-03-31", "2026-01-01")
    by_month = {p.month.label: p for p in points}
    assert by_month["2017-12"].covered["queries"] == Covered(5, 31)
    for label in ("2018-01", "2018-02", "2018-03", "2017-11", "2017-04"):
        assert by_month[label].coverage("queries") == "none", label
        assert by_month[label].received is None, label


def test_la_span_runs_from_the_first_request_to_the_last_answer() -> None:
    data = pipeline.load_and_validate([LA], load_config(LA_CONFIG))
    assert data_span(data) == (date(2017, 12, 27), date(2018, 5, 3))


def test_la_report_says_partial_and_no_data(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(out)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| December 2017 (partial: 5 of 31 days) | 40 | 7 | 17.5% | — |" in md
    assert "| November 2017 | no data | no data | no data | no data |" in md
    # The heading says it too: December's figures are five days' worth.
    assert "**The data covers only 5 of the 31 days of this month" in md.split("## ")[0]
    section = md.split("## Trend: the last 12 months")[1].split("\n## ")[0]
    assert "| 0 |" not in section  # no month of zeros
    assert section.count("no data | no data | no data | no data |") == 11
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<tr class="partial"><th scope="row">December 2017 <span class="mark">' in html
    assert "(partial: 5 of 31 days)" in html
    assert '<td class="num no-data">no data</td>' in html
    # The chart shades the partial month and draws no point for the months without data.
    chart = (out / "charts" / "trend.svg").read_text(encoding="utf-8")
    assert chart.count('class="partial-month"') == 1
    assert "Shaded: a month the data covers only in part. A gap: no data." in chart


# --- hand-built: a start and an end inside months, and a gap --------------------------

QUERIES = """\
query_id,received_at,answered_at,status
Q-1,2021-01-10 10:00,2021-01-12 10:00,answered
Q-2,2021-01-20 10:00,,in progress
Q-3,2021-03-05 10:00,2021-03-09 10:00,answered
Q-4,2021-03-18 10:00,,in progress
"""
BROADCASTS = """\
date,program,questions_answered
2021-03-04,Akimat LIVE,10
"""


@pytest.fixture
def gapped(write_inputs) -> list:
    folder = write_inputs(queries=QUERIES, broadcasts=BROADCASTS)
    return _trend([folder], Config(), "2021-03", "2021-06-01")


def test_first_and_last_months_are_partial_by_the_data_span(gapped: list) -> None:
    by_month = {p.month.label: p for p in gapped}
    # The data runs from 10 January to 18 March (Q-4, the last date of any kind).
    assert by_month["2021-01"].covered["queries"] == Covered(22, 31)  # 10..31 January
    assert by_month["2021-03"].covered["queries"] == Covered(18, 31)  # 1..18 March
    assert (by_month["2021-01"].received, by_month["2021-01"].answered) == (2, 1)
    assert (by_month["2021-03"].received, by_month["2021-03"].answered) == (2, 1)


def test_a_month_without_a_record_has_no_data(gapped: list) -> None:
    by_month = {p.month.label: p for p in gapped}
    # February: inside the span, but the registry holds no query of it.
    assert by_month["2021-02"].covered["queries"] == Covered(0, 28)
    assert by_month["2021-02"].received is None
    # Broadcasts: only March holds one; January has none, not zero questions.
    assert by_month["2021-01"].coverage("broadcasts") == "none"
    assert by_month["2021-01"].questions_answered is None
    assert by_month["2021-03"].covered["broadcasts"] == Covered(18, 31)
    assert by_month["2021-03"].questions_answered == 10
    assert by_month["2020-12"].coverage("queries") == "none"


def test_months_cut_short_to_date_are_judged_on_their_own_days(write_inputs) -> None:
    folder = write_inputs(queries=QUERIES)
    data = pipeline.load_and_validate([folder], Config())
    [march] = month_coverage(data, [parse_period("2021-03-01..2021-03-15")])
    assert march == {"queries": Covered(15, 15)}  # the data reaches 18 March


def test_the_charts_leave_gaps_and_say_so_in_words(gapped: list) -> None:
    trend_chart, share_chart = trend_charts(gapped, "en")
    assert "Received: no data;" in trend_chart.alt_text
    assert "2 (partial month)" in trend_chart.alt_text
    assert trend_chart.svg.count('class="partial-month"') == 2
    assert "50.0% (partial month)" in share_chart.alt_text


@pytest.mark.parametrize(
    ("lang", "no_data", "partial"),
    [
        ("ru", "нет данных", "неполный: 5 из 31 дн."),
        ("kk", "деректер жоқ", "толық емес: 31 күннің 5 күні"),
    ],
)
def test_the_marks_are_translated(tmp_path: Path, lang: str, no_data: str, partial: str) -> None:
    out = tmp_path / lang
    _build(out, "--lang", lang)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert no_data in md
    assert partial in md
