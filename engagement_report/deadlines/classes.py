"""Whether each deadline was met as of a cut-off, and the deadline figures of a report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from engagement_report.deadlines.calendar import (
    _dates,
    _to_days,
)
from engagement_report.moments import LAST_MOMENT, NAT
from engagement_report.schema import CLOSING_STATUSES as CLOSING_STATUSES

#: ``closed_undated``: a closing status with no answer date at all. It was closed (the
#: status figures and the backlog count it closed), but nothing says when, so whether on
#: time is unknown: it is neither on time, late nor open.
DEADLINE_CLASSES = ("on_time", "late", "open_not_due", "open_overdue", "closed_undated")


def closed_undated(status: pd.Series, answered: pd.Series) -> np.ndarray:
    """Which queries have a closing status (answered, rejected, redirected) and no answer
    date: the one rule behind ``queries.closed_undated`` and the ``closed_undated`` class."""
    return _closing(status) & pd.isna(answered).to_numpy(dtype=bool)


def _closing(status: pd.Series) -> np.ndarray:
    """Which queries have a closing status (answered, rejected, redirected)."""
    if isinstance(status.dtype, pd.CategoricalDtype):
        # Each status spelling looked up once, the rows follow by their codes.
        known = np.append(status.cat.categories.isin(CLOSING_STATUSES), False)
        return known[np.asarray(status.cat.codes, dtype=np.int64)]  # code -1 (blank): False
    return status.isin(CLOSING_STATUSES).to_numpy(dtype=bool)


_OPEN_CLASSES = ("open_not_due", "open_overdue")


def classes_at(
    status: pd.Series, deadline: pd.Series, answered: pd.Series, as_of: date | np.ndarray
) -> pd.Series:
    """Deadline class of each query as of the end of ``as_of``, from :func:`deadline_inputs`.

    ``as_of`` is one date for all, or each query's own cut-off (``datetime64[ns]``, one
    per row: the trend classifies each month's queries at that month's cut-off in one pass).
    """
    # The cut-off is the end of its day. Moments compared as nanosecond integers (NaT is
    # the smallest, so each comparison first asks whether the date is known).
    if isinstance(as_of, date):
        end: np.ndarray | np.int64 = np.int64((pd.Timestamp(as_of) + LAST_MOMENT).value)
    else:
        end = (as_of.astype("datetime64[ns]") + LAST_MOMENT).view(np.int64)
    answer = answered.to_numpy(dtype="datetime64[ns]").view(np.int64)
    due = deadline.to_numpy(dtype="datetime64[ns]").view(np.int64)
    closing, dated, known = _closing(status), answer != NAT, due != NAT
    closed = closing & dated & (answer <= end)
    undated = closing & ~dated
    still_open = known & ~closed & ~undated & (end != NAT)  # a NaT cut-off: none open
    conditions = [
        known & closed & (answer <= due),
        known & closed & (answer > due),
        still_open & (due >= end),
        still_open & (due < end),
        known & undated,
    ]
    # Code -1 is NaN in a Categorical: rows without a deadline stay unclassified.
    codes = np.select(conditions, list(range(len(DEADLINE_CLASSES))), default=-1).astype(np.int8)
    values = pd.Categorical.from_codes(codes, categories=pd.Index(DEADLINE_CLASSES))
    return pd.Series(values, index=status.index, name="deadline_class")


@dataclass(frozen=True)
class DeadlineFigures:
    """Headline deadline figures of a report."""

    on_time: int
    late: int
    open_not_due: int
    open_overdue: int
    # Closed without an answer date (the ``closed_undated`` class): not on time, late or
    # open, and in neither share; shown beside them so missing dates cannot hide late answers.
    closed_undated: int
    on_time_share: float | None
    extended: int
    median_response_working_days: float | None
    redirected_on_time: int
    redirected_late: int
    redirected_open: int
    as_of: date

    @property
    def on_time_share_of_due(self) -> float | None:
        """``queries.on_time_share_of_due`` (``figures.METRICS``): on time over every query
        already due, on_time / (on_time + late + open_overdue); None when none is due."""
        due = self.on_time + self.late + self.open_overdue
        return self.on_time / due if due else None


def longest_open(
    frame: pd.DataFrame, classes: pd.Series, as_of: date, limit: int = 10
) -> pd.DataFrame:
    """The ``limit`` oldest queries still open at ``as_of`` (ids and ages only).

    ``age_days`` is calendar days from the date of receipt to ``as_of``.  Uses the
    ``query_id`` column, or the index when there is none.  No free text is copied.
    """
    is_open = classes.isin(_OPEN_CLASSES).to_numpy(dtype=bool)
    if is_open.sum() > limit:
        # Only the oldest can be listed: keep those received on or before the date of
        # the ``limit``-th oldest (ties included), so a registry's tens of thousands of
        # open ids are not all turned into Python strings and sorted.
        days = _to_days(frame["received_at"]).astype(np.int64)
        open_days = days[is_open]
        threshold = np.partition(open_days, limit - 1)[limit - 1]
        is_open = is_open & (days <= threshold)
    ids = frame["query_id"] if "query_id" in frame else frame.index.to_series()
    received = _dates(frame["received_at"][is_open], frame.index[is_open])
    ages = (pd.Timestamp(as_of) - received).dt.days
    # Only the open rows are turned into plain values (a registry holds a million ids).
    table = pd.DataFrame(
        {
            "query_id": ids[is_open].to_numpy(),
            "received_at": received.to_numpy(),
            "age_days": ages.to_numpy(),
            "deadline_class": classes[is_open].astype("string").to_numpy(),
        }
    )
    return rank_open(table, limit)


def rank_open(table: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The ``limit`` first rows of a :func:`longest_open` table (or of several put one
    after the other), oldest first, ties by id, then as they came."""
    table = table.sort_values(["age_days", "query_id"], ascending=[False, True], kind="stable")
    return table.head(limit).reset_index(drop=True)
