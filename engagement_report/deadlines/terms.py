"""Each query's deadline: the answer or redirect term from registration, the data's own
deadline, a lawful extension."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from engagement_report.deadlines.calendar import WorkingCalendar, _to_days
from engagement_report.moments import LAST_MOMENT

# A day's last moment after its midnight: a deadline or cut-off day runs to its end.


@dataclass(frozen=True)
class DeadlineRules:
    """How long an office has to answer: a number of working or calendar days."""

    answer_days: int = 15
    redirect_days: int = 3
    kind: Literal["working", "calendar", "given"] = "working"  # given: the data's own only


def _clean_status(status: pd.Series) -> pd.Series:
    """Stripped, lower-case status ("" when blank), as a categorical: each spelling is
    cleaned once, however many rows share it."""
    if isinstance(status.dtype, pd.CategoricalDtype):
        codes = np.asarray(status.cat.codes, dtype=np.int64)
        spellings = list(status.cat.categories)
    else:
        codes, uniques = pd.factorize(status.astype("string"))
        spellings = list(uniques)
    cleaned = [str(value).strip().lower() for value in spellings] + [""]
    new_codes, categories = pd.factorize(pd.Index(cleaned, dtype=object))
    if "answered" not in categories:  # room for _effective_status's blank-but-answered rows
        categories = categories.append(pd.Index(["answered"], dtype=object))
    values = pd.Categorical.from_codes(
        new_codes[np.where(codes < 0, len(spellings), codes)],
        categories=pd.Index(categories, dtype=object),
    )
    return pd.Series(values, index=status.index, name=status.name)


def compute_deadlines(
    received_at: pd.Series,
    status: pd.Series,
    deadline_override: pd.Series | None,
    extended_until: pd.Series | None,
    rules: DeadlineRules,
    calendar: WorkingCalendar,
) -> pd.Series:
    """Effective deadline date of each query (normalised ``datetime64[ns]``).

    Redirected queries get the redirect term, others the answer term: working days
    after the day of registration (:meth:`WorkingCalendar.registered_on`), or calendar
    days after the date of receipt.  A non-null ``deadline_override``
    replaces the computed date; a non-null ``extended_until`` later than the
    deadline then replaces it (a lawful extension).  All Series share one index.
    """
    # On datetime64[D] days throughout (NaT for none): the dates are whole days, and a
    # million queries' terms need no pandas alignment on each step.
    is_redirect = _clean_status(status).eq("redirected").to_numpy(dtype=bool)
    if rules.kind == "given":  # no term of our own: only the data's deadline column
        deadline = np.full(len(received_at), np.datetime64("NaT"), dtype="datetime64[D]")
    elif rules.kind == "calendar":
        terms = np.where(is_redirect, rules.redirect_days, rules.answer_days)
        deadline = _to_days(received_at) + terms.astype("timedelta64[D]")
    else:
        registered = calendar.registered_days(received_at)
        deadline = calendar.working_days_after(registered, rules.answer_days)
        # The redirect term is worked out for the redirected queries alone.
        redirected = calendar.working_days_after(registered[is_redirect], rules.redirect_days)
        deadline[is_redirect] = redirected
    override = _days(deadline_override, len(received_at))
    deadline = np.where(np.isnat(override), deadline, override)
    extension = _days(extended_until, len(received_at))
    # An "extension" earlier than the term would shorten it; the law only lengthens.
    # Without any other deadline, the extension decision is the only term we know.
    later = ~np.isnat(extension) & (np.isnat(deadline) | (extension > deadline))
    deadline = np.where(later, extension, deadline)
    return pd.Series(deadline.astype("datetime64[ns]"), index=received_at.index, name="deadline")


def _days(values: pd.Series | None, size: int) -> np.ndarray:
    """The days (``datetime64[D]``) of a date column, all NaT when there is none."""
    if values is None:
        return np.full(size, np.datetime64("NaT"), dtype="datetime64[D]")
    return _to_days(values)


def _effective_status(frame: pd.DataFrame) -> pd.Series:
    """Lower-case status; blank/NA with an answer date counts as answered."""
    status = _clean_status(frame["status"])
    return status.mask(status.eq("") & frame["answered_at"].notna(), "answered")


#: :func:`deadline_inputs`' result: each query's effective status, due moment and answer.
DeadlineInputs = tuple[pd.Series, pd.Series, pd.Series]


def deadline_inputs(
    frame: pd.DataFrame, rules: DeadlineRules, calendar: WorkingCalendar
) -> DeadlineInputs:
    """What the deadline classes are decided on, whatever the cut-off: each query's
    effective status, the last moment its answer is on time, and its answer's moment.

    A deadline is a day, and an answer any time that day is on time (the moment is the
    day's last nanosecond), except a ``deadline`` value with a time of day
    (``deadline_timed``), which is that moment. An answer with no time (a bare date, read
    as midnight) is on time on its deadline's day, whatever the deadline's time."""
    status = _effective_status(frame)
    override = frame.get("deadline")
    deadline = compute_deadlines(
        frame["received_at"],
        status,
        override,
        frame.get("extended_until"),
        rules,
        calendar,
    )
    due = deadline + LAST_MOMENT
    if override is not None and "deadline_timed" in frame:
        given = pd.Series(pd.to_datetime(override).to_numpy(), index=frame.index)
        # The given deadline's own moment, unless a later extension replaced it.
        timed = frame["deadline_timed"].to_numpy(dtype=bool) & (
            deadline == given.dt.normalize()
        ).to_numpy(dtype=bool)
        if timed.any():
            due = due.mask(timed, given)
    answered = pd.Series(
        pd.to_datetime(frame["answered_at"]).to_numpy(dtype="datetime64[ns]"), index=frame.index
    )
    return status, due.rename("deadline"), answered
