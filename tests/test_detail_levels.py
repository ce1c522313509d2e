"""The levels of detail of a window's partial aggregates (:class:`Detail`): a lighter level
holds exactly its fields of the full level's, so the figures finished from it (the
year to date's totals, the 12-month trend's months) are those of the full level, and a
trend month asked at ``Detail.CLASSES`` is the same point as one asked in full."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from helpers import CLASSES_FIELDS, TOTALS_FIELDS
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement_report import pipeline
from engagement_report.accountable_parts import AccountablePart
from engagement_report.aggregates import (
    Detail,
    Partial,
    broadcast_result,
    deadline_result,
    partial,
    press_result,
    query_result,
    window_partial,
)
from engagement_report.analysis import figure_rules, partial_requests, restrict, trend
from engagement_report.analysis.months import trend_windows
from engagement_report.config import Config, load_config
from engagement_report.models import CleanData
from engagement_report.periods import parse_period
from engagement_report.standing import Ask

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TODAY = date(2026, 1, 1)


@cache
def _sample() -> CleanData:
    return pipeline.load_and_validate([SAMPLE], load_config(None), cache=False, today=TODAY)


def _config(kind: str) -> Config:
    base = load_config(None)
    return dataclasses.replace(base, deadlines=dataclasses.replace(base.deadlines, kind=kind))


def _registry(keep: int, seed: int) -> CleanData:
    """A share of the sample's rows, statuses shuffled among them (answers before and
    after any cut-off, redirected queries answered or not) and some extended."""
    sample = _sample()
    queries = sample.queries.sample(frac=keep / 20, random_state=seed)
    shuffled = queries["status"].sample(frac=1.0, random_state=seed + 1).to_numpy()
    extended = queries["received_at"].dt.normalize() + timedelta(days=20)
    return dataclasses.replace(
        sample,
        queries=queries.assign(
            status=shuffled,
            extended_until=extended.where(queries.index.to_series() % 7 == seed % 7),
        ),
    )


@given(
    month=st.sampled_from(["2020-03", "2020-08", "2020-12", "2021-02", "2020-Q4"]),
    lag=st.integers(-20, 45),
    kind=st.sampled_from(["working", "calendar", "given"]),
    keep=st.integers(1, 20),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=40, deadline=None)
def test_a_lighter_level_holds_exactly_its_fields_of_the_full_level(
    month: str, lag: int, kind: str, keep: int, seed: int
) -> None:
    config = _config(kind)
    rules = figure_rules(config)
    period = parse_period(month)
    cutoff = max(period.start, period.end + timedelta(days=lag))
    inside = restrict(_registry(keep, seed), period)
    frames = (inside.queries, inside.broadcasts, inside.press_events)
    full, full_classes = partial(*frames, cutoff, rules, detail=Detail.FULL)
    counted, classes = partial(*frames, cutoff, rules, detail=Detail.CLASSES)
    totals, no_classes = partial(*frames, cutoff, rules, detail=Detail.TOTALS)

    for name in TOTALS_FIELDS:
        assert getattr(totals, name) == getattr(full, name), name
    assert totals.accountable == AccountablePart(
        per_broadcast=full.accountable.per_broadcast, per_event=full.accountable.per_event
    )
    # Nothing else: every other field of the totals is the empty one.
    rest = {f.name for f in dataclasses.fields(Partial)} - {*TOTALS_FIELDS, "accountable"}
    assert all(getattr(totals, name) == getattr(Partial(), name) for name in rest)
    # The deadline classes level is the totals and the classes, nothing more.
    assert counted == dataclasses.replace(
        totals, **{name: getattr(full, name) for name in CLASSES_FIELDS}
    )
    assert no_classes is None
    assert classes is not None and full_classes is not None and classes.equals(full_classes)

    # So every figure a trend month shows is the full level's.
    window = pipeline.window(period, config, TODAY, cutoff)
    for result in (query_result, broadcast_result, press_result):
        assert result(counted) == result(full)
    assert query_result(totals) == query_result(full)
    light, whole = deadline_result(counted, window, rules), deadline_result(full, window, rules)
    assert (light is None) == (whole is None)
    if light is not None and whole is not None:
        # The working days from receipt to answer are the one thing left out.
        assert dataclasses.replace(light, median_response_working_days=None) == (
            dataclasses.replace(whole, median_response_working_days=None)
        )


@pytest.mark.parametrize(("text", "kind"), [("2020-11", "working"), ("2021-02", "given")])
def test_a_trend_from_its_months_in_full_is_the_trend(text: str, kind: str) -> None:
    """The trend finished from each month's partial aggregates in full (as every month
    was before the trend asked ``Detail.CLASSES``) is the trend of the rows."""
    config = _config(kind)
    rules = figure_rules(config)
    data = _registry(14, 7)
    report = pipeline.window(parse_period(text), config, TODAY)
    frames = {d: data.frame(d) for d in ("queries", "broadcasts", "press_events")}
    expected = trend(data, report, config)
    assert any(point.on_time_share for point in expected)  # the classes are met
    in_full = {
        (piece, Detail.CLASSES): window_partial(frames, piece, rules, detail=Detail.FULL)
        for piece in trend_windows(report)
    }
    assert trend(data, report, config, combined=in_full) == expected


def test_a_reports_requests_ask_the_trend_months_deadline_classes_alone() -> None:
    config = load_config(None)
    report = pipeline.window(parse_period("2021-02-01..2021-02-10"), config, TODAY)
    requests = partial_requests(report, report=True)
    assert [r for r in requests if r[1] is Detail.CLASSES] == [
        (piece, Detail.CLASSES) for piece in trend_windows(report)
    ]
    # The period, the same part of the previous period and of a year earlier, in full;
    # the year to date and its year-earlier part, their totals.
    assert [r for r in requests if r[1] is Detail.FULL] == [
        (report, Detail.FULL),
        (report.previous(), Detail.FULL),
        (report.year_ago(), Detail.FULL),
    ]
    assert sum(r[1] is Detail.TOTALS for r in requests) == 2
    # The backlog is counted at every trend month's end and the ages at every cut-off
    # with deadline classes, as when the trend's months were asked in full (and the
    # totals asked none).
    in_full = [(piece, Detail.FULL) for piece, detail in requests if detail is not Detail.TOTALS]
    assert Ask.of(requests) == Ask.of(in_full)
    assert set(Ask.of(requests).days) >= {piece.period.end for piece in trend_windows(report)}
    assert Ask.of([(report, Detail.TOTALS)]) == Ask()
