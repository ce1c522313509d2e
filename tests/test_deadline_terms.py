"""Each query's deadline worked out on whole days (``compute_deadlines``) against the rule
read plainly, one query at a time: the term from registration (working days) or from
receipt (calendar days), the redirect term for a redirected query, the data's own
deadline instead, a later extension instead of either; blanks anywhere."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from helpers import is_working_day, next_working_day
from hypothesis import given, settings
from hypothesis import strategies as st

from engagement_report.deadlines import DeadlineRules, WorkingCalendar, compute_deadlines

KZ = WorkingCalendar()
START = datetime(2020, 12, 1)

moments = st.one_of(
    st.none(),
    st.integers(0, 90 * 24 * 60).map(lambda minutes: START + timedelta(minutes=minutes)),
)
days = st.one_of(st.none(), st.integers(0, 120).map(lambda n: START + timedelta(days=n)))
queries = st.lists(
    st.tuples(moments, st.sampled_from(["answered", "Redirected ", "in_progress", ""]), days, days),
    min_size=1,
    max_size=30,
)


def _by_hand(
    received: datetime | None,
    status: str,
    given_deadline: datetime | None,
    extended: datetime | None,
    rules: DeadlineRules,
) -> date | None:
    """One query's deadline, the rule read plainly."""
    term = rules.redirect_days if status.strip().lower() == "redirected" else rules.answer_days
    deadline: date | None = None
    if received is not None and rules.kind == "calendar":
        deadline = received.date() + timedelta(days=term)
    elif received is not None and rules.kind == "working":
        day = received.date()
        if not _working(day) or received.time() >= time(18, 0):
            day = _next_working(day)  # registered on the next working day
        for _ in range(term):
            day = _next_working(day)
        deadline = day
    if given_deadline is not None:
        deadline = given_deadline.date()
    if extended is not None and (deadline is None or extended.date() > deadline):
        deadline = extended.date()
    return deadline


def _working(day: date) -> bool:
    return is_working_day(KZ, day)


def _next_working(day: date) -> date:
    return next_working_day(KZ, day)


@given(rows=queries, kind=st.sampled_from(["working", "calendar", "given"]))
@settings(max_examples=60, deadline=None)
def test_each_deadline_is_the_rule_read_plainly(rows: list[tuple], kind: str) -> None:
    rules = DeadlineRules(kind=kind)  # type: ignore[arg-type]
    received, status, given_deadline, extended = (
        pd.Series([row[i] for row in rows], index=range(10, 10 + len(rows))) for i in range(4)
    )
    got = compute_deadlines(
        pd.to_datetime(received),
        status,
        pd.to_datetime(given_deadline),
        pd.to_datetime(extended),
        rules,
        KZ,
    )
    assert got.dtype == "datetime64[ns]" and got.name == "deadline"
    assert got.index.equals(received.index)
    expected = [_by_hand(*row, rules) for row in rows]
    assert [None if pd.isna(d) else d.date() for d in got] == expected
    known = got.dropna()
    assert (known.dt.normalize() == known).all()  # whole days
