"""What the backlog needs of a month of queries, kept in the manifest at import time.

A report's backlog and the ages of its open queries count queries whenever received, so
without these counts every earlier month of an archive would be opened for each report.
A month's queries enter those figures at any later moment only through when each closed
(:func:`views.closing_moments`): received before the moment, a query is open at it
exactly when it closed at it or later, or never did. So the counts of a month's queries
by the day they closed (those closed within the month itself in one count, since no
later moment sees them open), with the latest moment of receipt, say all a later backlog
or age count can say of them, for any cut-off: the counts are of the rows, not of a
moment. Each partition's counts are worked out from the rows it is written with
(:func:`month_history`), so a month imported again, or rewritten because a query moved
out of it, carries its own new counts; counts written by code that defined closing
otherwise (another :data:`DEFINITION`) are not used, and the month is read instead.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from engagement_report import views
from engagement_report.archive.layout import OpenHistory
from engagement_report.deadlines.classes import CLOSING_STATUSES
from engagement_report.models import OpenBefore

_FORMAT = "closing days 1"


def _definition() -> str:
    """A digest of what decides the counts: the code of closing moments, the closing
    statuses and this module's counting, so counts kept by other code are never used."""
    digest = hashlib.sha256(_FORMAT.encode())
    digest.update(repr(sorted(CLOSING_STATUSES)).encode())
    for function in (views.closing_moments, month_history):
        try:
            digest.update(inspect.getsource(function).encode())
        except (OSError, TypeError):  # no source to read: the tool's version stands for it
            from engagement_report import __version__

            digest.update(f"{function.__qualname__} of {__version__}".encode())
    return digest.hexdigest()[:16]


def month_history(rows: pd.DataFrame, month: str) -> OpenHistory:
    """The counts of ``rows``, a month's queries (received in ``month``, ``YYYY-MM``)."""
    received, closed = views.closing_moments(rows)
    after = np.datetime64(f"{month}-01", "M") + np.timedelta64(1, "M")
    next_month = after.astype("datetime64[ns]").view(np.int64)
    never = closed == np.iinfo(np.int64).max
    late = closed[(closed >= next_month) & ~never]
    days, counts = np.unique(
        late.view("datetime64[ns]").astype("datetime64[D]"), return_counts=True
    )
    latest = (
        np.datetime_as_string(received.max().view("datetime64[ns]"), unit="ns")
        if len(received)
        else None
    )
    return OpenHistory(
        definition=DEFINITION,
        received=len(received),
        latest_received=latest,
        never=int(never.sum()),
        closed_on=tuple((str(d), int(n)) for d, n in zip(days, counts, strict=True)),
    )


DEFINITION = _definition()


def usable(history: OpenHistory | None) -> bool:
    """Whether counts kept in the manifest say what reading the month would."""
    return history is not None and history.definition == DEFINITION


def open_before(histories: Iterable[OpenHistory], since: date) -> OpenBefore:
    """The counts of months before ``since`` added up, for moments from ``since`` on."""
    received = never = 0
    latest: pd.Timestamp | None = None
    closed: dict[date, int] = {}
    for history in histories:
        received += history.received
        never += history.never
        if history.latest_received is not None:
            moment = pd.Timestamp(history.latest_received)
            latest = moment if latest is None else max(latest, moment)
        for text, n in history.closed_on:
            day = date.fromisoformat(text)
            if day >= since:
                closed[day] = closed.get(day, 0) + n
    return OpenBefore(since, received, latest, never, tuple(sorted(closed.items())))
