"""The 12-month trend's figures are the period's figures (issue 15: one definition).

Each month of the trend is finished from that month's partial aggregates by the same
functions as a period's figures, so a monthly report's own month in its trend is the
report's headline, and every other month is what a report of that month (as of the
same cut-off) would say. The hypothesis test draws data, cut-offs and deadline rules:
a trend counted by code of its own that drifts from the figures fails it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement_report import pipeline
from engagement_report.aggregates import combine, pieces, window_partial
from engagement_report.analysis import (
    analyse,
    compute,
    figure_rules,
    partial_requests,
    trend,
    trend_requests,
)
from engagement_report.config import Config, load_config
from engagement_report.models import CleanData
from engagement_report.periods import Window, parse_period
from engagement_report.results import Figures, TrendPoint

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TODAY = date(2026, 1, 1)

#: Each figure a trend point shows, as the period's figures hold it.
HEADLINE: dict[str, Callable[[Figures], object]] = {
    "received": lambda f: f.queries.received,
    "answered": lambda f: f.queries.answered,
    "answered_share": lambda f: f.queries.answered_share,
    "on_time_share": lambda f: f.deadlines.on_time_share if f.deadlines else None,
    "still_due": lambda f: f.deadlines.open_not_due if f.deadlines else 0,
    "broadcasts": lambda f: f.broadcasts.broadcasts,
    "questions_answered": lambda f: f.broadcasts.questions_answered,
    "press_events": lambda f: f.press.press_events,
    "publications": lambda f: f.press.publications,
    "backlog": lambda f: f.backlog,
}


def test_every_figure_of_a_trend_point_is_compared() -> None:
    # A figure added to the trend must say which headline figure it is.
    shown = {f.name for f in dataclasses.fields(TrendPoint)} - {"month", "covered"}
    assert shown == set(HEADLINE)


#: The dataset each figure is of: a month without its data shows none of them.
DATASET = {
    "broadcasts": "broadcasts",
    "questions_answered": "broadcasts",
    "press_events": "press_events",
    "publications": "press_events",
}


def _assert_same(point: TrendPoint, figures: Figures) -> None:
    for name, of in HEADLINE.items():
        if name == "backlog" or point.coverage(DATASET.get(name, "queries")) != "none":
            assert getattr(point, name) == of(figures), (point.month.label, name)
        else:
            assert getattr(point, name) in (None, 0), (point.month.label, name)


@cache
def _sample() -> CleanData:
    return pipeline.load_and_validate([SAMPLE], load_config(None), cache=False, today=TODAY)


@pytest.mark.parametrize(
    ("text", "as_of"),
    [
        ("2020-01", None),
        ("2020-07", None),
        ("2021-02", None),
        ("2021-02", date(2021, 2, 14)),  # month to date: answers after the 14th are open
        ("2020-12", date(2021, 1, 20)),  # a lag after the month: later answers count
    ],
)
def test_the_trends_own_month_is_the_reports_headline_on_the_sample(
    text: str, as_of: date | None
) -> None:
    config = load_config(None)
    data = _sample()
    report = pipeline.window(parse_period(text), config, TODAY, as_of)
    analysis = analyse(data, report, config)
    last = analysis.months[-1]
    assert last.month == report.period
    assert last.received  # the sample holds queries in every month it covers
    _assert_same(last, analysis.figures)


def test_a_quarters_months_add_up_to_its_counts_on_the_sample() -> None:
    config = load_config(None)
    report = pipeline.window(parse_period("2020-Q3"), config, TODAY)
    analysis = analyse(_sample(), report, config)
    months = analysis.months[-3:]
    figures = analysis.figures
    assert sum(p.received or 0 for p in months) == figures.queries.received
    assert sum(p.answered or 0 for p in months) == figures.queries.answered
    assert sum(p.broadcasts or 0 for p in months) == figures.broadcasts.broadcasts
    assert sum(p.still_due for p in months) == (figures.deadlines.open_not_due)  # type: ignore[union-attr]


QUERIES = """\
query_id,received_at,answered_at,status,deadline
Q-1,2021-02-10 10:00,2021-02-11 10:00,answered,2021-02-20
Q-2,2021-03-01 09:00,2021-03-03 09:00,answered,2021-03-10
Q-3,2021-03-02 09:00,2021-03-25 09:00,answered,2021-03-10
Q-4,2021-03-05 12:00,2021-03-06 12:00,rejected,2021-03-15
Q-5,2021-03-08 08:00,,in progress,2021-03-12
Q-6,2021-03-12 08:00,,in progress,2021-04-01
Q-7,2021-03-15 08:00,2021-03-16 08:00,answered,
"""
BROADCASTS = """\
date,program,questions_answered
2021-03-04,Akimat LIVE,10
2021-03-19,Akimat LIVE,6
"""
PRESS = """\
date,title,speakers,journalist_questions,publications
2021-03-03,Briefing,2,5,40
2021-03-11,Briefing,1,3,
"""


@pytest.mark.parametrize("kind", ["working", "calendar", "given"])
def test_the_trends_own_month_is_the_reports_headline_on_a_hand_built_registry(
    write_inputs, kind: str
) -> None:
    folder = write_inputs(queries=QUERIES, broadcasts=BROADCASTS, press_events=PRESS)
    config = dataclasses.replace(
        Config(), deadlines=dataclasses.replace(Config().deadlines, kind=kind)
    )
    data = pipeline.load_and_validate([folder], config, cache=False, today=TODAY)
    # March to the 20th, as of the 20th: Q-3's answer on the 25th is not in yet.
    report = pipeline.window(parse_period("2021-03"), config, TODAY, date(2021, 3, 20))
    analysis = analyse(data, report, config)
    march = analysis.months[-1]
    _assert_same(march, analysis.figures)
    # Counted by hand: six received in March to the 20th, Q-2 and Q-7 answered by then.
    assert (march.received, march.answered, march.answered_share) == (6, 2, 2 / 6)
    assert (march.broadcasts, march.questions_answered) == (2, 16)
    assert (march.press_events, march.publications) == (2, None)  # one did not record it
    if kind == "given":
        # Q-2 and Q-4 (rejected) closed on time; Q-7 has no term; Q-3 (answered after the
        # cut-off) and Q-5 open past theirs; Q-6 still within its term.
        assert (march.on_time_share, march.still_due) == (1.0, 1)


_KINDS = ("working", "calendar", "given")


@given(
    month=st.sampled_from(["2020-03", "2020-08", "2020-12", "2021-01", "2021-02"]),
    lag=st.integers(-20, 45),
    kind=st.sampled_from(_KINDS),
    keep=st.integers(1, 8),
    seed=st.integers(0, 2**16),
    earlier=st.integers(0, 10),
)
@settings(max_examples=25, deadline=None)
def test_every_trend_month_is_what_its_own_report_says(
    month: str, lag: int, kind: str, keep: int, seed: int, earlier: int
) -> None:
    """Random registries (a share of the sample's rows, statuses shuffled among them so
    answers fall before and after the cut-off), cut-offs inside and after the month, and
    each deadline rule: the trend's last month and an earlier one equal the figures of
    that month as of the report's cut-off."""
    config = dataclasses.replace(
        load_config(None), deadlines=dataclasses.replace(Config().deadlines, kind=kind)
    )
    sample = _sample()
    queries = sample.queries.sample(frac=keep / 20, random_state=seed)
    shuffled = queries["status"].sample(frac=1.0, random_state=seed + 1).to_numpy()
    data = dataclasses.replace(
        sample,
        queries=queries.assign(status=shuffled),
        broadcasts=sample.broadcasts.sample(frac=keep / 20, random_state=seed),
        press_events=sample.press_events.sample(frac=keep / 20, random_state=seed),
    )
    whole = parse_period(month)
    cutoff = max(whole.start, whole.end + timedelta(days=lag))
    report = pipeline.window(whole, config, TODAY, cutoff)
    points = trend(data, report, config)
    for point in (points[earlier], points[-1]):
        own = Window(point.month, point.month, report.cutoff)
        _assert_same(point, compute(data, own, config))


def _month_by_month(data: CleanData, requests: list, config: Config) -> dict:
    """The requested windows' partial aggregates added up month by month, as
    ``combined_on_dask`` does with one task per month."""
    frames = {d: data.frame(d) for d in ("queries", "broadcasts", "press_events")}
    rules = figure_rules(config)
    out = {}
    for piece, detail in requests:
        parts = []
        for month in piece.period.months():
            inside = {
                d: f[(f[c] >= str(month.start)) & (f[c] < str(month.end + timedelta(days=1)))]
                for (d, f), c in zip(frames.items(), ("received_at", "date", "date"), strict=True)
            }
            parts.append(window_partial(inside, piece, rules, detail=detail))
        out[piece, detail] = combine(parts)
    return out


def test_the_trend_from_partials_worked_out_elsewhere_reads_no_rows(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    config = load_config(None)
    data = _sample()
    report = pipeline.window(parse_period("2020-11"), config, TODAY)
    requests = partial_requests(report, report=True)
    assert set(trend_requests(report)) <= set(requests)  # the Dask engine's tasks
    combined = _month_by_month(data, requests, config)
    expected = trend(data, report, config)

    def no_rows(*args: object, **kwargs: object) -> None:
        raise AssertionError("the trend counted rows though its partials were given")

    monkeypatch.setattr(pieces, "partial", no_rows)
    assert trend(data, report, config, combined=combined) == expected


def test_the_trend_takes_a_monthly_reports_own_month_from_its_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from engagement_report.analysis import months

    config = load_config(None)
    data = pipeline.load_and_validate([SAMPLE], config, cache=False, today=TODAY)
    asked: list[Window] = []
    real = months.window_partial

    def recorded(frames, piece, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(piece)
        return real(frames, piece, *args, **kwargs)

    monkeypatch.setattr(months, "window_partial", recorded)
    month = pipeline.window(parse_period("2021-01"), config, TODAY)
    shared = analyse(data, month, config)
    # The last month of the trend is the report's window (its rows, its cut-off): its
    # partial aggregates are the figures' own, not worked out again.
    assert (month.at(month.period).period, month.at(month.period).cutoff) == (
        month.period,
        month.cutoff,
    )
    assert len(asked) == 11 and all(piece.period != month.period for piece in asked)
    alone = trend(data, month, config)  # nothing handed over: all twelve worked out
    assert len(asked) == 23 and asked[-1].period == month.period
    assert shared.months == alone
    assert shared.months[-1].received == shared.figures.queries.received
    # A quarter's window is no month's: each of its trend's months is worked out.
    asked.clear()
    quarter = pipeline.window(parse_period("2021-Q1"), config, TODAY)
    analyse(data, quarter, config)
    assert len(asked) == 12
