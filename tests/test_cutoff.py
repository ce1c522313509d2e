"""One cut-off for every figure, and comparisons only between like and like (issue 13).

Hand-built queries answered before, on and after the cut-off; the sample's January 2021
report adding up; a month-to-date run; comparison periods with gaps in the data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from engagement_report import pipeline
from engagement_report.analysis import analyse
from engagement_report.cli import app
from engagement_report.config import Config
from engagement_report.errors import UsageError
from engagement_report.export import summary_records
from engagement_report.periods import Window, parse_period, window_for

TODAY = date(2021, 3, 1)

# Cut-off 31 January 2021 (the month's last day).
QUERIES = """\
query_id,received_at,answered_at,status,topic
before,2021-01-05 09:00,2021-01-10 09:00,answered,Roads
on,2021-01-20 10:00,2021-01-31 12:00,answered,Roads
last_minute,2021-01-25 10:00,2021-01-31 23:59,answered,Roads
after,2021-01-28 10:00,2021-02-01 00:01,answered,Roads
forwarded_after,2021-01-29 10:00,2021-02-03 11:00,redirected,Parks
undated,2021-01-12 10:00,,answered,Parks
open,2021-01-30 11:00,,in_progress,Parks
"""


@pytest.fixture
def data(write_inputs: Callable[..., Path]) -> pipeline.CleanData:
    return pipeline.load_and_validate([write_inputs(queries=QUERIES)], Config())


# --- the window ---------------------------------------------------------------------


def test_the_window_of_a_period_over_and_of_one_not_yet_over() -> None:
    january = parse_period("2021-01")
    over = window_for(january, TODAY)
    assert (over.period, over.cutoff, over.to_date) == (january, date(2021, 1, 31), False)
    cut = window_for(parse_period("2021-02"), date(2021, 2, 14))
    assert (cut.period.start, cut.period.end, cut.cutoff) == (
        date(2021, 2, 1),
        date(2021, 2, 14),
        date(2021, 2, 14),
    )
    assert cut.to_date and cut.whole.label == "2021-02"
    # The same part of the earlier periods, with as long to answer.
    assert (cut.previous().period.start, cut.previous().period.end) == (
        date(2021, 1, 1),
        date(2021, 1, 14),
    )
    assert cut.previous().cutoff == date(2021, 1, 14)
    assert (cut.year_ago().period.start, cut.year_ago().period.end) == (
        date(2020, 2, 1),
        date(2020, 2, 14),
    )
    # --as-of after the end: every earlier period taken as long after its own end.
    late = window_for(january, TODAY, as_of=date(2021, 2, 5))
    assert late.period == january and late.previous().cutoff == date(2021, 1, 5)
    # --as-of inside the period: counted up to it.
    early = window_for(january, TODAY, as_of=date(2021, 1, 20))
    assert early.period.end == date(2021, 1, 20) and early.to_date
    with pytest.raises(ValueError, match="before the period"):
        window_for(january, TODAY, as_of=date(2020, 12, 31))
    with pytest.raises(UsageError, match="--as-of"):
        pipeline.window(january, Config(), TODAY, date(2020, 12, 31))


def test_a_whole_month_compares_with_the_whole_earlier_months() -> None:
    # All of January (31 days) and all of February 2020 (29 days) against February 2021,
    # not their first 28 days; a month in the past taken with as long after its end.
    february = window_for(parse_period("2021-02"), TODAY)
    assert february.previous().period == parse_period("2021-01")
    assert february.previous().cutoff == date(2021, 1, 31)
    assert february.year_ago().period == parse_period("2020-02")
    assert february.year_ago().cutoff == date(2020, 2, 29)
    june = window_for(parse_period("2021-06"), TODAY, as_of=date(2021, 7, 10))
    assert june.previous().period == parse_period("2021-05")
    assert june.previous().cutoff == date(2021, 6, 10)


def test_a_month_cut_short_compares_with_no_more_than_the_earlier_month_has() -> None:
    # 1-30 March against February (28 days): the whole of February, not 2 March.
    cut = window_for(parse_period("2021-03"), date(2021, 3, 30))
    assert cut.previous().period == parse_period("2021-02")
    assert cut.previous().cutoff == date(2021, 2, 28)


# --- answered as of the cut-off -----------------------------------------------------


def test_answers_before_on_and_after_the_cut_off(data: pipeline.CleanData) -> None:
    figures = pipeline.compute(data, parse_period("2021-01"), Config(), TODAY)
    q = figures.queries
    assert figures.cutoff == date(2021, 1, 31)
    assert q.received == 7
    # before, on (12:00), last_minute (23:59 on the cut-off day) and the undated one.
    assert q.answered == 4
    # after (00:01 the next day), forwarded_after and open: open at the cut-off.
    assert (q.in_progress, q.redirected, q.rejected, q.other_status) == (3, 0, 0, 0)
    assert q.answered_share == pytest.approx(4 / 7)
    assert q.closed_undated == 1
    # Response times of the three dated answers by the cut-off: 5 d; 11 d 2 h;
    # 6 d 13 h 59 min. The answer of 1 February is not among them.
    assert q.responses_measured == 3
    assert q.median_response_days == pytest.approx(6 + (13 * 60 + 59) / 1440)
    d = figures.deadlines
    assert d is not None
    # The undated answer is closed, as its status says, but nothing says when: a deadline
    # class of its own, neither on time, late nor open (it was open_not_due before).
    assert (d.on_time, d.late, d.open_not_due, d.open_overdue) == (3, 0, 3, 0)
    assert d.closed_undated == q.closed_undated == 1
    assert d.redirected_open == 1
    # The export says five were answered in the end (four of them by the cut-off).
    assert figures.answered_by_export == 5 and figures.export_date == date(2021, 2, 3)
    roads = {row.category: row for row in figures.by_topic}["Roads"]
    assert (roads.received, roads.answered) == (4, 3)


def test_a_later_cut_off_counts_the_later_answers(data: pipeline.CleanData) -> None:
    figures = pipeline.compute(data, parse_period("2021-01"), Config(), TODAY, date(2021, 2, 5))
    q = figures.queries
    assert (q.answered, q.redirected, q.in_progress) == (5, 1, 1)
    assert q.responses_measured == 4


def test_the_trend_and_the_summary_say_the_same(data: pipeline.CleanData) -> None:
    window = pipeline.window(parse_period("2021-01"), Config(), TODAY)
    analysis = analyse(data, window, Config())
    january = analysis.months[-1]
    assert (january.received, january.answered) == (7, 4)
    assert january.answered_share == analysis.figures.queries.answered_share
    records = {
        r.metric: r.value
        for r in summary_records(analysis.figures)
        if r.dimension == "total" and r.dataset == "queries"
    }
    assert (records["answered"], records["in_progress"], records["on_time"]) == (4, 3, 3)


def test_the_report_says_the_cut_off_and_the_export_figure(
    data: pipeline.CleanData, write_inputs: Callable[..., Path], tmp_path: Path
) -> None:
    result = pipeline.build(
        [write_inputs(queries=QUERIES)],
        Config(),
        period="2021-01",
        out=tmp_path / "out",
        today=TODAY,
    )
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    for text in (md, html):
        assert "As of January 31, 2021: a query answered after that day counts as open." in text
        assert "Answered by the date of the export (February 3, 2021" in text
        assert (
            "1 queries answered, rejected or redirected without an answer date: counted here"
            in text
        )
        assert "Cut-off: every figure is as of the end of January 31, 2021." in text
    assert result.figures.queries.answered == 4


def test_the_cut_off_in_russian_and_kazakh(
    write_inputs: Callable[..., Path], tmp_path: Path
) -> None:
    inputs = write_inputs(queries=QUERIES)
    for lang, words in (("ru", "По состоянию на 31 января 2021"), ("kk", "күнгі жағдай бойынша")):
        out = tmp_path / lang
        pipeline.build([inputs], Config(), period="2021-01", out=out, today=TODAY, lang=lang)
        assert words in (out / "report.md").read_text(encoding="utf-8")


def test_fail_on_is_measured_at_the_cut_off(
    write_inputs: Callable[..., Path], tmp_path: Path
) -> None:
    inputs = write_inputs(queries=QUERIES)
    result = pipeline.build(
        [inputs],
        Config(),
        period="2021-01",
        out=tmp_path / "out",
        today=TODAY,
        fail_on=["answered_share<0.6"],
    )
    # 4 of 7 by the cut-off (57%); the export's 5 of 7 (71%) would have passed.
    assert [r.check.name for r in result.failed_checks] == ["answered_share"]
    assert result.failed_checks[0].value == pytest.approx(4 / 7)


# --- the sample's January 2021 adds up ------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_data: Path) -> pipeline.CleanData:
    return pipeline.load_and_validate([sample_data], Config())


def test_the_sample_january_adds_up(sample: pipeline.CleanData) -> None:
    window = pipeline.window(parse_period("2021-01"), Config(), TODAY)
    analysis = analyse(sample, window, Config())
    q, d = analysis.figures.queries, analysis.figures.deadlines
    assert d is not None and q.closed_undated == 0
    closed = q.answered + q.rejected + q.redirected
    still_open = q.in_progress + q.other_status
    assert closed + still_open == q.received == 1774
    assert closed == d.on_time + d.late + d.closed_undated
    assert still_open == d.open_not_due + d.open_overdue
    assert q.answered == 1230  # 1,701 by the export's date: 471 answered in February
    assert analysis.figures.answered_by_export == 1701
    assert analysis.months[-1].answered == q.answered
    assert q.answered_share == pytest.approx(1230 / 1774)
    cards = {h.key: h for h in analysis.headlines}
    assert cards["answered_share"].value == q.answered_share


# --- month to date ----------------------------------------------------------------------


def _received(sample_data: Path, first: str, last: str) -> int:
    frame = pd.read_csv(sample_data / "queries.csv", parse_dates=["received_at"])
    days = frame["received_at"].dt.normalize()
    return int(((days >= first) & (days <= last)).sum())


def test_month_to_date_is_compared_with_the_same_days(
    sample: pipeline.CleanData, sample_data: Path
) -> None:
    today = date(2021, 2, 14)
    window = pipeline.window(parse_period("this-month", today=today), Config(), today)
    analysis = analyse(sample, window, Config())
    figures = analysis.figures
    assert (figures.period.start, figures.period.end) == (date(2021, 2, 1), date(2021, 2, 14))
    assert figures.queries.received == _received(sample_data, "2021-02-01", "2021-02-14")
    received = {h.key: h for h in analysis.headlines}["received"]
    assert received.vs_previous.base == _received(sample_data, "2021-01-01", "2021-01-14")
    assert received.vs_year_ago.base == _received(sample_data, "2020-02-01", "2020-02-14")
    assert analysis.months[-1].month.end == date(2021, 2, 14)


def test_month_to_date_report_and_summary(sample_data: Path, tmp_path: Path) -> None:
    args = ["--period", "this-month", "--today", "2021-02-14"]
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(sample_data), *args, "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "Period: February 1 – 14, 2021 (month to date)" in md
    assert "# Public engagement report, February 2021" in md
    assert "As of February 14, 2021" in md
    assert (
        "Compared with the previous period (January 1 – 14, 2021) and a year earlier"
        " (February 1 – 14, 2020)." in md
    )
    assert "| February 2021 (to date) (provisional) |" in md
    summary = CliRunner().invoke(app, ["summary", str(sample_data), *args])
    assert summary.exit_code == 0, summary.stderr
    rows = list(csv.DictReader(io.StringIO(summary.stdout, newline="")))
    assert {(r["period_start"], r["period_end"]) for r in rows} == {("2021-02-01", "2021-02-14")}


# --- gaps in the data -------------------------------------------------------------------


def _monthly(skip: set[str], first: str = "2020-01", last: str = "2021-12") -> str:
    """Ten queries on the 10th of each month but the skipped ones, all answered next day."""
    lines = ["query_id,received_at,answered_at,status"]
    for month in pd.period_range(first, last, freq="M"):
        if str(month) in skip:
            continue
        for i in range(10):
            day = month.to_timestamp() + pd.Timedelta(days=9, hours=10 + i % 5)
            answer = day + pd.Timedelta(days=1)
            lines.append(f"{month}-{i},{day:%Y-%m-%d %H:%M},{answer:%Y-%m-%d %H:%M},answered")
    return "\n".join(lines) + "\n"


@pytest.fixture
def gappy(write_inputs: Callable[..., Path]) -> pipeline.CleanData:
    # July 2020 holds no query at all, inside a year that is otherwise covered.
    return pipeline.load_and_validate([write_inputs(queries=_monthly({"2020-07"}))], Config())


def _cards(data: pipeline.CleanData, period: str, today: date = date(2022, 3, 1)) -> dict:
    window = pipeline.window(parse_period(period, today=today), Config(), today)
    return {h.key: h for h in analyse(data, window, Config()).headlines}


def test_a_year_with_an_empty_month_is_incomplete(gappy: pipeline.CleanData) -> None:
    received = _cards(gappy, "2021")["received"]
    assert received.value == 120
    change = received.vs_year_ago
    assert change.verdict == "no_data" and change.absolute is None and change.base is None
    assert change.incomplete is not None
    assert (change.incomplete.held, change.incomplete.units, change.incomplete.unit) == (
        11,
        12,
        "month",
    )
    # 2021 against 2020 is not compared; a complete year is.
    assert _cards(gappy, "2021-Q1")["received"].vs_year_ago.base == 30


def test_the_empty_month_itself_has_no_comparable_data(gappy: pipeline.CleanData) -> None:
    cards = _cards(gappy, "2020-08")
    assert cards["received"].vs_previous.verdict == "no_data"
    assert cards["received"].vs_previous.incomplete is None  # nothing at all: "no comparable data"
    assert cards["answered_share"].vs_previous.verdict == "no_data"
    assert _cards(gappy, "2021-07")["received"].vs_year_ago.verdict == "no_data"


def test_an_incomplete_comparison_reads_so_in_the_report(
    write_inputs: Callable[..., Path], tmp_path: Path
) -> None:
    inputs = write_inputs(queries=_monthly({"2020-07"}))
    today = date(2022, 3, 1)
    pipeline.build([inputs], Config(), period="2021", out=tmp_path / "y", today=today)
    md = (tmp_path / "y" / "report.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if line.startswith("| Queries received |"))
    assert "incomplete: 11 of 12 months" in row
    assert "%" not in row.split("|")[4] and "▲" not in row.split("|")[4]
    pipeline.build([inputs], Config(), period="2020-08", out=tmp_path / "m", today=today)
    md = (tmp_path / "m" / "report.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if line.startswith("| Queries received |"))
    assert row.split("|")[3].strip() == "no comparable data"


def test_a_registry_begun_mid_month_is_incomplete_by_days(
    write_inputs: Callable[..., Path],
) -> None:
    # Queries from 10 January 2020 on: 1-14 January holds data on 5 of its 14 days.
    data = pipeline.load_and_validate([write_inputs(queries=_monthly(set()))], Config())
    today = date(2020, 2, 14)
    cards = _cards(data, "this-month", today)
    incomplete = cards["received"].vs_previous.incomplete
    assert incomplete is not None
    assert (incomplete.held, incomplete.units, incomplete.unit) == (5, 14, "day")


def test_a_share_of_a_small_sample_gets_no_verdict(write_inputs: Callable[..., Path]) -> None:
    text = "query_id,received_at,answered_at,status\n"
    text += "d1,2020-12-02 10:00,2020-12-03 10:00,answered\n"
    text += "d2,2020-12-03 10:00,,in_progress\n"
    text += "".join(f"j{i},2021-01-0{i + 1} 10:00,2021-01-1{i} 10:00,answered\n" for i in range(6))
    data = pipeline.load_and_validate([write_inputs(queries=text)], Config())
    share = _cards(data, "2021-01", TODAY)["answered_share"].vs_previous
    # 100% of 6 against 50% of 2: up 50 points, but 2 < min_category_size (5).
    assert share.direction == "up" and share.absolute == pytest.approx(0.5)
    assert share.verdict == "too_few"


def test_trend_months_are_as_of_the_report_cut_off(write_inputs: Callable[..., Path]) -> None:
    # A December query answered on 20 January: answered in the trend of a January report
    # (cut-off 31 January), though not by 31 December, and December's comparison card
    # (taken as of 31 December, as long after its end as January) says it was open.
    text = QUERIES + "dec,2020-12-30 10:00,2021-01-20 10:00,answered,Roads\n"
    data = pipeline.load_and_validate([write_inputs(queries=text)], Config())
    window = pipeline.window(parse_period("2021-01"), Config(), TODAY)
    analysis = analyse(data, window, Config())
    december = analysis.months[-2]
    assert (december.received, december.answered, december.answered_share) == (1, 1, 1.0)
    received = {h.key: h for h in analysis.headlines}["received"]
    assert received.vs_previous.base == 1
    share = {h.key: h for h in analysis.headlines}["answered_share"]
    assert share.vs_previous.base == 0.0
    # Months without a query hold no figures (None), not zeros.
    assert sum(p.received or 0 for p in analysis.months) == 8
    assert isinstance(window, Window)


def _daily_until_14_february(write_inputs: Callable[..., Path]) -> pipeline.CleanData:
    """A query a day from 1 January to 14 February 2021; broadcasts on five days."""
    lines = ["query_id,received_at,answered_at,status"]
    for day in pd.date_range("2021-01-01", "2021-02-14"):
        lines.append(f"q{day:%m%d},{day:%Y-%m-%d} 10:00,{day:%Y-%m-%d} 15:00,answered")
    broadcasts = "date,program,questions_answered\n" + "".join(
        f"{day},Akimat LIVE,10\n"
        for day in ("2021-01-01", "2021-01-07", "2021-01-14", "2021-02-04", "2021-02-11")
    )
    folder = write_inputs(queries="\n".join(lines) + "\n", broadcasts=broadcasts)
    return pipeline.load_and_validate([folder], Config())


def test_a_weekly_dataset_is_compared_month_to_date(write_inputs: Callable[..., Path]) -> None:
    # The last broadcast (11 February) is three days before today: no gap in the data.
    data = _daily_until_14_february(write_inputs)
    cards = _cards(data, "this-month", date(2021, 2, 14))
    assert cards["broadcasts"].vs_previous.base == 3  # 1, 7 and 14 January
    assert cards["broadcasts"].value == 2
    assert cards["received"].vs_previous.base == 14


def test_an_export_older_than_today_is_no_comparable_data(
    write_inputs: Callable[..., Path],
) -> None:
    # Run on 20 February on data that ends on the 14th: 1-20 February holds 14 of its
    # 20 days, 1-20 January all 20. Comparing would read as a fall of 6 queries.
    data = _daily_until_14_february(write_inputs)
    received = _cards(data, "this-month", date(2021, 2, 20))["received"]
    assert received.value == 14
    assert received.vs_previous.verdict == "no_data" and received.vs_previous.base is None


def test_the_html_report_says_the_same(write_inputs: Callable[..., Path], tmp_path: Path) -> None:
    inputs = write_inputs(queries=_monthly({"2020-07"}))
    pipeline.build([inputs], Config(), period="2021", out=tmp_path / "y", today=date(2022, 3, 1))
    html = (tmp_path / "y" / "report.html").read_text(encoding="utf-8")
    assert "incomplete: 11 of 12 months" in html
    assert "As of December 31, 2021: a query answered after that day counts as open." in html
    pipeline.build(
        [inputs], Config(), period="this-month", out=tmp_path / "m", today=date(2021, 8, 14)
    )
    html = (tmp_path / "m" / "report.html").read_text(encoding="utf-8")
    # The visible header says the period in words (the print footer in <style> is not it).
    header = html.split("<header")[1].split("</header>")[0]
    assert "(month to date)" in header and "2021-08" not in header
    # 1-14 August against 1-14 July 2021 and 1-14 August 2020: 10 queries each, compared.
    card = html.split('id="h-headline"')[1].split('<div class="card">')[1]
    assert "Queries received" in card and "no comparable data" not in card
    assert card.count('class="delta no_change"') == 2  # 10 against 10: "no change"


def test_summary_by_month_of_a_year_not_yet_over(sample_data: Path) -> None:
    args = ["summary", str(sample_data), "--period", "this-year", "--today", "2021-02-14"]
    result = CliRunner().invoke(app, [*args, "--by", "month"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    spans = sorted({(r["period_start"], r["period_end"]) for r in rows})
    # January as of its last day; February up to today; nothing of March onwards.
    assert spans == [("2021-01-01", "2021-01-31"), ("2021-02-01", "2021-02-14")]


@pytest.mark.parametrize("month", ["2020-02", "2020-06", "2020-12", "2021-01", "2021-02"])
def test_every_sample_month_adds_up(sample: pipeline.CleanData, month: str) -> None:
    q_d = pipeline.compute(sample, parse_period(month), Config(), TODAY)
    q, d = q_d.queries, q_d.deadlines
    assert d is not None
    assert q.answered + q.rejected + q.redirected == d.on_time + d.late + d.closed_undated
    assert q.in_progress + q.other_status == d.open_not_due + d.open_overdue
    assert q.answered + q.rejected + q.redirected + q.in_progress + q.other_status == q.received
