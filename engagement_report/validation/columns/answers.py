"""The rules that read two columns of a query: a blank status with an answer date, and
response times."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engagement_report.schema import CLOSING_STATUSES
from engagement_report.validation.columns.shared import missing_text
from engagement_report.validation.problems import ProblemCollector


def query_rules(
    frame: pd.DataFrame,
    mapping: dict[str, str],
    usable: pd.Series,
    problems: ProblemCollector,
    timed: dict[str, np.ndarray],
    timezone: str,
) -> None:
    """The rules that read two columns of a query: a blank status with an answer date is
    answered; the response time (``response_days``, see :func:`response_days`); an answer
    dated before receipt is reported and left out of response times.

    ``timed``: which values of each date column carry a time of day."""
    status = frame["status"]
    answered_at = frame["answered_at"]
    # A blank status with an answer date is an answered query (the office left the cell empty).
    frame["status"] = status.mask(status.isna() & answered_at.notna(), "answered")
    no_status = frame["status"].isna() & usable
    header = mapping.get("status", "status")
    problems.add(
        no_status,
        "missing_status",
        "warning",
        header,
        None,
        f"{header} is empty and there is no answer date: counted as received, not answered",
    )
    open_dated(frame, mapping, usable, problems)
    closed_undated(frame, mapping, usable, problems)
    days = response_days(
        frame["received_at"].to_numpy(dtype="datetime64[ns]"),
        answered_at.to_numpy(dtype="datetime64[ns]"),
        timed["received_at"] & timed["answered_at"],
        timezone,
    )
    early = pd.Series(days < 0, index=frame.index) & usable
    # Only the rows flagged are written out as text for the messages.
    shown = missing_text(frame.index)
    if early.any():
        shown[early] = answered_at[early].dt.strftime("%Y-%m-%d %H:%M").astype("string")
    problems.add(
        early,
        "answered_before_received",
        "warning",
        mapping.get("answered_at", "answered_at"),
        shown,
        "the answer date {value} is before the date received; the query is kept but left out "
        "of response times: check both dates",
    )
    frame["response_ok"] = answered_at.notna() & frame["received_at"].notna() & ~early
    frame["response_days"] = pd.Series(days, index=frame.index).where(frame["response_ok"])
    frame["answered_timed"] = timed["answered_at"]
    frame["deadline_timed"] = timed["deadline"]


def open_dated(
    frame: pd.DataFrame, mapping: dict[str, str], usable: pd.Series, problems: ProblemCollector
) -> None:
    """Say once per source, at the first such row, how many queries in progress carry an
    answer date. The status wins: the query is open, and the date (a last update such as
    Open311's updated_datetime, or a status left stale) is no answer in any figure."""
    dated = frame["status"].eq("in_progress").fillna(False) & frame["answered_at"].notna()
    dated &= usable
    count = int(dated.sum())
    if not count:
        return
    first = dated & (dated.cumsum() == 1)
    header = mapping.get("answered_at", "answered_at")
    status = mapping.get("status", "status")
    shown = missing_text(frame.index)
    shown[first] = frame["answered_at"][first].dt.strftime("%Y-%m-%d %H:%M").astype("string")
    queries = "query" if count == 1 else "queries"
    problems.add(
        first,
        "open_with_answer_date",
        "warning",
        header,
        shown,
        f"{count} {queries} in progress by {status} carry a date in {header} (the first "
        "here, {value}): they count as open, and the date is not taken as an answer (not "
        "answered, no response time, not closed on time or late); if they were answered, "
        "correct the status (said once per file)",
    )


def closed_undated(
    frame: pd.DataFrame, mapping: dict[str, str], usable: pd.Series, problems: ProblemCollector
) -> None:
    """Name each row whose status closes the query but that has no answer date (an empty
    cell, or one that is no date, warned as such too): it
    counts in deadline class ``closed_undated`` (whether on time is unknown), so the
    office can add the dates. Not where the input has no answer date column at all: then
    no query has one, and a warning on every closed row would single out none."""
    if "answered_at" not in mapping:
        return
    undated = frame["status"].isin(CLOSING_STATUSES).fillna(False) & frame["answered_at"].isna()
    undated &= usable
    header = mapping["answered_at"]
    status = mapping.get("status", "status")
    # The status categorical itself: a warning reads the text of its first rows alone, so
    # the million rows are not written out as strings.
    problems.add(
        undated,
        "closed_without_answer_date",
        "warning",
        header,
        frame["status"],
        f"{status} says {{value}} but {header} holds no answer date: counted as closed, in "
        "deadline class closed_undated (neither on time, late nor open), without a response "
        "time; add the date it was answered or forwarded",
    )


def response_days(
    received: np.ndarray, answered: np.ndarray, both_timed: np.ndarray, timezone: str
) -> np.ndarray:
    """Each query's response time in days (NaN without both dates; negative: answered
    before receipt).

    Where both dates carry a time, the time elapsed between the two moments, in fractional
    days: the local clock times are placed in ``timezone`` and subtracted in UTC, so an
    answer across a clock change is not an hour off. Where either is a bare date, the
    number of calendar days between the two dates (answered the same day: 0).
    """
    out = np.full(len(received), np.nan)
    both = ~np.isnat(received) & ~np.isnat(answered)
    dated = both & ~both_timed
    out[dated] = (
        answered[dated].astype("datetime64[D]") - received[dated].astype("datetime64[D]")
    ).astype(np.int64)
    moments = both & both_timed
    if moments.any():
        start, end = (_utc(values[moments], timezone) for values in (received, answered))
        # As Timedelta.total_seconds() / 86400 computes it, to the last bit.
        out[moments] = ((end - start).astype(np.int64) / 1_000_000_000) / 86400.0
    return out


def _utc(local: np.ndarray, timezone: str) -> np.ndarray:
    """Naive local clock times as UTC instants (``datetime64[ns]``).

    An hour the clocks repeat in autumn is read as its second (standard-time) pass; a time
    the clocks skip in spring is moved forward past the gap."""
    stamps = pd.DatetimeIndex(local).tz_localize(
        timezone, ambiguous=np.zeros(len(local), dtype=bool), nonexistent="shift_forward"
    )
    return np.asarray(stamps.tz_convert("UTC").tz_localize(None).asi8).view("datetime64[ns]")
