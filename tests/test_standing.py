"""The figures of queries whenever received (backlog, ages of open queries), the
longest-open list and the days each dataset holds records on, as partial aggregates: any
split of the rows into pieces (the Dask engine's are an archive's months) gives what the
whole gives, to the last query."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import backlog_at, open_ages
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement_report.analysis import coverage, deadline_rules, restrict
from engagement_report.analysis.baselines import _records
from engagement_report.config import load_config
from engagement_report.dated import DATED_BY, Dated, dated, distinct_days, latest
from engagement_report.deadlines import DEADLINE_CLASSES, WorkingCalendar, classes_at
from engagement_report.deadlines import deadline_inputs as inputs_of
from engagement_report.deadlines.classes import longest_open
from engagement_report.models import OpenBefore
from engagement_report.month_coverage import data_span, month_coverage
from engagement_report.open_list import LIMIT, OpenList
from engagement_report.periods import parse_period
from engagement_report.pipeline import load_and_validate
from engagement_report.standing import (
    Ask,
    Standing,
    ages,
    backlog,
    counted_before,
    standing,
)

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TODAY = date(2026, 1, 1)
KZ = WorkingCalendar("KZ")


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return load_and_validate([SAMPLE], load_config(None), cache=False, today=TODAY)


def _months(frame: pd.DataFrame, column: str) -> list[pd.DataFrame]:
    """The rows of ``frame`` month by month, in order (an archive's partitions)."""
    keys = frame[column].dt.strftime("%Y-%m")
    return [frame[keys == key] for key in sorted(keys.dropna().unique())]


def test_backlog_and_ages_of_monthly_pieces_are_those_of_the_whole(data) -> None:  # type: ignore[no-untyped-def]
    days = (date(2019, 12, 31), date(2020, 3, 31), date(2020, 11, 30), date(2021, 2, 28))
    ask = Ask(days, (date(2020, 6, 30), date(2021, 2, 10)))
    pieces = [standing(month, ask, KZ) for month in _months(data.queries, "received_at")]
    total = sum(pieces[1:], pieces[0])
    assert backlog(total, days) == backlog_at(data.queries, list(days))
    assert backlog(total, days)[0] is None  # before the first query: nothing known
    for cutoff in ask.cutoffs:
        assert ages(total, cutoff) == open_ages(data.queries, cutoff, KZ)
        assert sum(ages(total, cutoff) or ()) == backlog_at(data.queries, [cutoff])[0]


def test_counted_months_are_one_more_piece() -> None:
    # 7 queries received before March 2021 that the manifest counts: 2 never closed,
    # 1 closed on 2 March, 3 on 15 March (one closed before March is in neither).
    before = OpenBefore(
        date(2021, 3, 1),
        7,
        pd.Timestamp("2021-01-10 09:00").to_pydatetime(),
        2,
        ((date(2021, 3, 2), 1), (date(2021, 3, 15), 3)),
    )
    ask = Ask((date(2021, 3, 1), date(2021, 3, 10), date(2021, 3, 31)), (date(2021, 3, 10),))
    piece = counted_before(before, ask, KZ)
    assert backlog(piece, ask.days) == (6, 5, 2)
    assert ages(piece, date(2021, 3, 10)) == (0, 0, 5)  # all older than 30 working days
    assert counted_before(None, ask, KZ) == Standing()
    young = OpenBefore(date(2021, 3, 1), 1, pd.Timestamp("2021-02-28").to_pydatetime(), 1, ())
    with pytest.raises(ValueError, match="too young"):
        counted_before(young, ask, KZ)


def test_an_unknown_calendar_gives_no_ages_in_any_piece() -> None:
    queries = pd.DataFrame(
        {
            "received_at": pd.to_datetime(["2021-03-01", "2021-04-01"]),
            "answered_at": pd.to_datetime([None, None]),
            "status": ["in_progress", "in_progress"],
        }
    )
    nowhere = WorkingCalendar("XX")
    ask = Ask(cutoffs=(date(2021, 4, 30),))
    total = standing(queries.iloc[:1], ask, nowhere) + standing(queries.iloc[1:], ask, KZ)
    assert ages(total, date(2021, 4, 30)) is None
    assert open_ages(queries, date(2021, 4, 30), nowhere) is None


def _open_list(queries: pd.DataFrame, cutoff: date) -> OpenList:
    rules, calendar = deadline_rules(load_config(None))
    classes = classes_at(*inputs_of(queries, rules, calendar), cutoff)
    return OpenList.of(queries, classes, cutoff)


@pytest.mark.parametrize("ids", ["given", "blank", "none"])
def test_the_longest_open_list_of_monthly_pieces_is_that_of_the_whole(data, ids: str) -> None:  # type: ignore[no-untyped-def]
    window = parse_period("2020-01-01..2021-02-28")
    queries = restrict(data, window).queries
    if ids == "blank":  # a few blank ids, which sort last among equals
        queries = queries.assign(
            query_id=queries["query_id"].mask(np.arange(len(queries)) % 7 == 0)
        )
    if ids == "none":  # no id column: listed by position in the period's rows
        queries = queries.drop(columns="query_id")
    cutoff = date(2021, 2, 28)
    pieces = [_open_list(month, cutoff) for month in _months(queries, "received_at")]
    whole = _open_list(queries, cutoff)
    assert len(whole.listed) == LIMIT
    assert sum(pieces[1:], pieces[0]) == whole
    assert [q.query_id for q in whole.shown()] == [
        "" if pd.isna(i) else str(i)
        for i in longest_open(
            queries.reset_index(drop=True),
            classes_at(*inputs_of(queries, *deadline_rules(load_config(None))), cutoff).reset_index(
                drop=True
            ),
            cutoff,
        )["query_id"]
    ]


@given(
    st.lists(st.tuples(st.integers(0, 40), st.sampled_from("ABCD")), min_size=1, max_size=40),
    st.lists(st.integers(0, 40), max_size=4),
)
@settings(max_examples=100, deadline=None)
def test_ties_in_age_and_id_keep_the_rows_order_across_pieces(
    rows: list[tuple[int, str]], cuts: list[int]
) -> None:
    received = [pd.Timestamp("2021-01-01") + pd.Timedelta(days=day) for day, _ in rows]
    frame = pd.DataFrame({"query_id": [i for _, i in rows], "received_at": received})
    classes = pd.Series(pd.Categorical(["open_overdue"] * len(rows), categories=DEADLINE_CLASSES))
    cutoff = date(2021, 3, 1)
    bounds = sorted({0, len(rows), *(c for c in cuts if c < len(rows))})
    pieces = [
        OpenList.of(frame.iloc[a:b], classes.iloc[a:b], cutoff)
        for a, b in itertools.pairwise(bounds)
    ]
    assert sum(pieces[1:], pieces[0]) == OpenList.of(frame, classes, cutoff)
    positional = frame.drop(columns="query_id")
    pieces = [
        OpenList.of(positional.iloc[a:b], classes.iloc[a:b], cutoff)
        for a, b in itertools.pairwise(bounds)
    ]
    assert sum(pieces[1:], pieces[0]) == OpenList.of(positional, classes, cutoff)


def _frames(data) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    return {d: data.frame(d) for d in ("queries", "broadcasts", "press_events", "press_questions")}


def test_days_of_monthly_pieces_are_those_of_the_whole(data) -> None:  # type: ignore[no-untyped-def]
    frames = _frames(data)
    pieces = [
        dated({d: f for d, f in frames.items() if d != dataset} | {dataset: month})
        for dataset, column in (("queries", "received_at"), ("broadcasts", "date"))
        for month in _months(frames[dataset], column)
    ]
    total = sum(pieces, Dated())
    assert total == dated(frames)
    every = [frames["queries"]["answered_at"], *(frames[d][c] for d, c in DATED_BY.items())]
    assert latest(total) == max(values.max() for values in every).date()
    period = parse_period("2020-03-05..2020-07-20")
    assert coverage(data, period, total) == coverage(data, period)
    months = [parse_period(m) for m in ("2019-12", "2020-01", "2021-02")]
    assert month_coverage(data, months, total) == month_coverage(data, months)
    assert data_span(data, total) == data_span(data)
    assert _records(data, total) == _records(data)


def test_distinct_days_of_dates_and_times() -> None:
    values = pd.Series(
        pd.to_datetime(
            ["2021-03-02 23:59", None, "2021-03-01", "2021-03-02 00:00", "1969-12-31 10:00"],
            format="ISO8601",
        )
    )
    assert distinct_days(values).astype(str).tolist() == ["1969-12-31", "2021-03-01", "2021-03-02"]
    assert not len(distinct_days(values.iloc[1:2]))
