"""Every figure's definition in words, and the row-level rules the figures share.

``METRICS`` is the single source of the definitions: the README's table, each
report's methodology note and the summary contract all read it. What a query was at the
cut-off (:func:`at_cutoff`), which response times count (:func:`response_days`) and how a
category is told (:func:`category_codes`) are decided here, once per row; the figures
themselves are counted in :mod:`engagement_report.aggregates`, as partial aggregates any
engine combines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from engagement_report.periods import Period
from engagement_report.validation.rows import NOT_STATED

DEFAULT_MIN_CATEGORY_SIZE = 5

#: Response-time bins in whole calendar days (a part day not counted): same day, up to
#: three days, the first week, the second, the third (about the legal 15 working days),
#: the rest of the month, and over 30 days. ``None`` as the top: no upper bound.
RESPONSE_BINS: tuple[tuple[int, int | None], ...] = (
    (0, 0),
    (1, 3),
    (4, 7),
    (8, 14),
    (15, 21),
    (22, 30),
    (31, None),
)


@dataclass(frozen=True)
class Metric:
    """A figure's name, dataset and definition in words."""

    dataset: str
    name: str
    definition: str
    # The input it is computed from, where that is another dataset's (the question log's).
    source: str = ""

    @property
    def needs(self) -> str:
        """The dataset whose input the figure needs."""
        return self.source or self.dataset


METRICS: tuple[Metric, ...] = (
    Metric(
        "queries",
        "received",
        "queries whose date received falls in the period, each query counted once (rows sharing a query_id are one query, the last row wins)",
    ),
    Metric(
        "queries",
        "answered",
        "received queries answered by the cut-off: status answered with an answer date on or before the cut-off day, or no answer date at all (a blank status with an answer date counts as answered)",
    ),
    Metric(
        "queries",
        "in_progress",
        "received queries open at the cut-off: status in progress, or answered, rejected or forwarded only after the cut-off day",
    ),
    Metric("queries", "rejected", "received queries rejected by the cut-off"),
    Metric("queries", "redirected", "received queries forwarded to another body by the cut-off"),
    Metric(
        "queries",
        "other_status",
        "received queries with a blank or unknown status: counted as received, never as answered",
    ),
    Metric("queries", "answered_share", "answered / received; empty when nothing was received"),
    Metric(
        "queries",
        "median_response_days",
        "median of (answer date − date received) in days over queries answered by the cut-off with both dates and the answer not before receipt (those are left out, with a warning): where both carry a time of day, the time elapsed between the two moments, counted in UTC so that a clock change adds or takes no hour, in fractional days; where either is a bare date (a date cell or a date written without a time; a written 00:00 is a time), the number of calendar days between the two dates",
    ),
    Metric(
        "queries",
        "p90_response_days",
        "90th percentile (linear interpolation) of the same response times",
    ),
    Metric(
        "queries",
        "q1_response_days",
        "first quartile (25th percentile, linear interpolation) of the same response times",
    ),
    Metric(
        "queries",
        "q3_response_days",
        "third quartile (75th percentile, linear interpolation) of the same response times",
    ),
    Metric(
        "queries",
        "responses",
        "per response-time bin (dimension response_days: 0, 1-3, 4-7, 8-14, 15-21, 22-30, 31+ whole days elapsed, a part day not counted): how many of the same response times fall in it",
    ),
    Metric(
        "queries",
        "backlog",
        "queries open at the end of the period's last day counted, whenever received: received by then and not answered, rejected or forwarded by then (a closing status without an answer date counts as closed; any other status without one as open)",
    ),
    Metric(
        "queries",
        "open_queries",
        "per age (dimension age_working_days: 0-15, 16-30, 31+): the queries open at the end of the cut-off day, whenever received, by working days from registration to the cut-off, counted as the answer term counts them",
    ),
    Metric("queries", "share_of_received", "per category: the category's received / all received"),
    Metric("broadcasts", "broadcasts", "live broadcasts aired in the period"),
    Metric("broadcasts", "questions_answered", "citizens' questions answered on air, summed"),
    Metric(
        "broadcasts",
        "questions_per_broadcast",
        "questions_answered / broadcasts; empty when there were no broadcasts",
    ),
    Metric(
        "broadcasts",
        "tv_segments",
        "TV segments aired after the broadcasts, summed; empty when the data has no such column",
    ),
    Metric(
        "press_events",
        "press_events",
        "press conferences, briefings and interviews held in the period: the rows of the press-events sheet, and the question log's events (one date and one event name) on days the sheet does not list",
    ),
    Metric(
        "press_events",
        "speakers",
        "speakers at those events, summed (an event of the question log: its distinct named speakers); empty (not recorded) when an event of the period has no count",
    ),
    Metric(
        "press_events",
        "journalist_questions",
        "journalists' questions answered, summed (an event of the question log: its questions); empty (not recorded) when an event of the period has no count",
    ),
    Metric(
        "press_events",
        "publications",
        "publications that followed the events, summed; empty (not recorded) when an event of the period has no count",
    ),
    Metric(
        "press_events",
        "publications_per_event",
        "publications / press_events; empty when there were none",
    ),
    Metric(
        "press_events",
        "questions_per_event",
        "journalist_questions / press_events; empty when there were none",
    ),
    Metric(
        "press_events",
        "outlets",
        "media outlets whose journalists asked, distinct per event and summed, from the question log (on a day the press-events sheet lists, the log's events of that day); empty (not recorded) when an event of the period has none recorded",
        "press_questions",
    ),
    Metric(
        "press_events",
        "share_of_questions",
        "per outlet, speaker or topic of the question log: its questions / the log's questions in the period",
        "press_questions",
    ),
    Metric(
        "queries",
        "on_time",
        "received queries answered, rejected or redirected on or before their deadline, as of the cut-off",
    ),
    Metric(
        "queries", "late", "received queries answered, rejected or redirected after their deadline"
    ),
    Metric(
        "queries",
        "open_not_due",
        "received queries not closed at the cut-off whose deadline has not passed",
    ),
    Metric(
        "queries",
        "open_overdue",
        "received queries not closed at the cut-off whose deadline has passed",
    ),
    Metric(
        "queries",
        "closed_undated",
        "received queries answered, rejected or redirected without any answer date: closed, but unknown whether on time; in none of on_time, late, open_not_due, open_overdue or the shares",
    ),
    Metric("queries", "on_time_share", "on_time / (on_time + late); empty when none was closed"),
    Metric(
        "queries",
        "on_time_share_of_due",
        "on_time / (on_time + late + open_overdue): the queries answered within the legal term, of every query whose term has run out by the cut-off (those still open count against it, those still within their term are left out); empty when none is due",
    ),
    Metric(
        "queries",
        "extended",
        "received queries whose deadline was lawfully extended (extended_until)",
    ),
    Metric(
        "queries",
        "median_response_working_days",
        "median number of working days from receipt to answer, over answered queries closed by the cut-off",
    ),
    Metric(
        "queries",
        "redirected_on_time",
        "redirected queries forwarded within the forwarding term (also counted in on_time)",
    ),
    Metric(
        "queries",
        "redirected_late",
        "redirected queries forwarded after the forwarding term (also counted in late)",
    ),
    Metric(
        "queries",
        "redirected_open",
        "redirected queries not yet forwarded at the cut-off (also counted in open_not_due or open_overdue; one with no forwarding date at all is closed_undated)",
    ),
    Metric(
        "queries",
        "rated",
        "queries answered by the cut-off that carry a citizen's rating on the scale (a rating "
        "off the scale is a warning and counts as none; a rating of a query answered only "
        "after the cut-off did not exist then)",
    ),
    Metric("queries", "rated_share", "rated / answered; empty when nothing was answered"),
    Metric(
        "queries",
        "rating_mean",
        "mean of those ratings (1-5 scale; empty on a yes/no scale or when none was rated): "
        "read it beside rated_share, a mean over few queries is not the public's view",
    ),
    Metric(
        "queries",
        "satisfied_share",
        "rated queries whose rating says satisfied (at least [ratings] satisfied_from, 4 on "
        "the 1-5 scale; yes on a yes/no scale) / rated; empty when none was rated",
    ),
    Metric(
        "queries",
        "outcome_recorded",
        "queries answered by the cut-off whose outcome is recorded",
    ),
    Metric(
        "queries",
        "resolved",
        "queries answered by the cut-off whose outcome is resolved or resolved on the spot "
        "(spellings in [outcomes]; “меры приняты”, “поддержано”, “решено на месте” by default)",
    ),
    Metric(
        "queries",
        "resolved_share",
        "resolved / answered (answered is not resolved: an answer may explain or refuse); "
        "empty when nothing was answered",
    ),
    Metric(
        "queries",
        "resolved_on_the_spot",
        "queries answered by the cut-off whose outcome is resolved on the spot "
        "(also counted in resolved)",
    ),
    Metric(
        "queries",
        "repeats",
        "received queries that repeat an answered one: an earlier query with the same "
        "applicant key or the same address (both hashed as read) and the same topic was "
        "answered within [repeats] window_days (default 30) before this one arrived",
    ),
    Metric("queries", "repeat_share", "repeats / received; empty when nothing was received"),
    Metric(
        "queries",
        "received_per_10k",
        "per district: received × 10,000 / the district's residents ([population] in the "
        "config, with the figures' year and source); empty for a district it does not list",
    ),
    Metric(
        "queries",
        "overdue_marked",
        "received queries that the export itself marks overdue (its overdue_mark column, 115.бел's Просрочено); empty when the export carries no mark",
    ),
    Metric(
        "queries",
        "overdue_mark_disagreements",
        "received queries whose own overdue mark disagrees with the deadline class computed as of the export's date (the latest date in the data, when the mark was made): marked overdue but answered on time or not yet due, or marked not overdue but answered late or overdue; a query with no mark or no deadline is not compared. Per query_id: 1 for each query that disagrees",
    ),
)


# Figures of the export's own overdue mark: only where the export carries one.
MARK_METRICS = ("overdue_marked", "overdue_mark_disagreements")


def share(part: float, whole: float) -> float | None:
    """``part / whole``, or None when the whole is zero (undefined, not 0)."""
    return float(part) / float(whole) if whole else None


def in_period(dates: pd.Series, period: Period) -> pd.Series:
    """Rows whose date (the day, time ignored) falls inside the period."""
    return pd.Series(_inside(dates, period), index=dates.index, name=dates.name)


def _inside(dates: pd.Series, period: Period) -> np.ndarray:
    start = pd.Timestamp(period.start)
    end = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    if dates.dtype == "datetime64[ns]":
        # As nanosecond integers: NaT, the smallest, falls before every period.
        moments = dates.to_numpy().view(np.int64)
        return (moments >= start.value) & (moments < end.value)
    return ((dates >= start) & (dates < end)).to_numpy(dtype=bool)


def within(frame: pd.DataFrame, column: str, period: Period) -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` falls in the period (the frame itself if all do)."""
    inside = _inside(frame[column], period)
    return frame if inside.all() else frame[inside]


def at_cutoff(queries: pd.DataFrame, cutoff: date) -> pd.DataFrame:
    """The queries as they stood at the end of the ``cutoff`` day.

    A query answered, rejected or forwarded after that day was open then: its status
    reads ``in_progress`` and it has no answer date yet. A closing status without any
    answer date is taken as the export says (see aggregates' ``closed_undated``).
    """
    end = np.datetime64(pd.Timestamp(cutoff) + pd.Timedelta(days=1), "ns")
    later = queries["answered_at"].to_numpy(dtype="datetime64[ns]") >= end
    if not later.any():
        return queries
    status = queries["status"]
    if isinstance(status.dtype, pd.CategoricalDtype) and "in_progress" not in status.cat.categories:
        status = status.cat.add_categories(["in_progress"])
    return queries.assign(
        status=status.mask(later, "in_progress"),
        answered_at=queries["answered_at"].mask(later),
        response_ok=queries["response_ok"].mask(later, False).astype(bool),
    )


def response_days(queries: pd.DataFrame) -> pd.Series:
    """Response time in days of answered queries with usable dates (the time rules are
    validation.columns.response_days's: elapsed time between two moments, calendar days
    where either date has no time)."""
    rows = measurable(queries)
    days = queries["response_days"].to_numpy(dtype=float)[rows]
    return pd.Series(days, index=queries.index[rows], dtype=float)


def measurable(queries: pd.DataFrame) -> np.ndarray:
    """Answered queries with usable dates: those whose response time counts (the rows of
    :func:`response_days`, by position)."""
    return queries["response_ok"].to_numpy(dtype=bool) & queries["status"].eq("answered").fillna(
        False
    ).to_numpy(dtype=bool)


def bin_label(low: int, high: int | None) -> str:
    """``0``, ``1-3``, ``31+``: a bin's name in the summary and the reports."""
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{high}"


def bin_counts(
    values: np.ndarray,
    bins: tuple[tuple[int, int | None], ...],
    weights: np.ndarray | None = None,
) -> tuple[int, ...]:
    """How many whole-number ``values`` fall in each bin (values below the first are left
    out); ``weights``: how often each value occurs (a tally's counts), else once each."""
    edges = np.array([low for low, _ in bins] + [np.iinfo(np.int64).max], dtype=np.int64)
    if not len(values):
        return (0,) * len(bins)
    counts = np.histogram(values.astype(np.int64), bins=edges, weights=weights)[0]
    return tuple(int(c) for c in counts)


def response_spread(
    days: pd.Series | np.ndarray, weights: np.ndarray | None = None
) -> tuple[int, ...]:
    """Measured response times per :data:`RESPONSE_BINS`, in whole days elapsed
    (2.9 days is 2 days: the bins of a fractional time are those of its whole days);
    ``weights``: how often each time occurs (a tally's counts), else once each."""
    return bin_counts(np.floor(np.asarray(days, dtype=float)), RESPONSE_BINS, weights)


def category_codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's category as an integer code into the returned labels; blank is '(not stated)'.

    A categorical column gives its codes as they are; text is factorised once. A label that
    reads '(not stated)' is the same category as a blank one.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.cat.codes, dtype=np.int64)
        labels = [str(label) for label in values.cat.categories]
    else:
        codes, uniques = pd.factorize(values.astype("string"))
        codes = codes.astype(np.int64)
        labels = [str(label) for label in uniques]
    missing = codes < 0
    if missing.any():
        if NOT_STATED in labels:
            codes = np.where(missing, labels.index(NOT_STATED), codes)
        else:
            codes = np.where(missing, len(labels), codes)
            labels.append(NOT_STATED)
    return codes, labels
