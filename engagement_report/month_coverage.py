"""Which days of each trend month the data covers, worked out once for the trend.

A month before a dataset's data starts, after it ends, or without a single record of
it holds **no data** for that dataset: the trend shows "no data" and draws a gap, never
a zero. A month the data as a whole begins or ends inside (Los Angeles' 311 extract holds
27-31 December 2017 only) is **partial**: its figures are shown, marked with the days
they cover, so a part-month is never read as a collapse.

The data's span runs from its first dated record (date received, aired or held) to
its last date of any kind, answers included: the day the export was taken, as near as
the data tells. Pure functions of clean data (compute stage).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from engagement_report.models import CleanData
from engagement_report.periods import Period
from engagement_report.questions import reported_datasets
from engagement_report.results import Covered

#: The column that places each dataset's records in a month.
DATED_BY = {"queries": "received_at", "broadcasts": "date", "press_events": "date"}


def dates_of(data: CleanData, dataset: str) -> pd.Series:
    """The dates of ``dataset``'s records; press events' are the sheet's and the question
    log's (its events are press events too)."""
    column = "date" if dataset == "press_questions" else DATED_BY[dataset]
    dates = data.frame(dataset)[column]
    if dataset == "press_events" and len(data.press_questions):
        dates = pd.concat([dates, data.press_questions["date"]], ignore_index=True)
    return dates


def _present(data: CleanData) -> tuple[str, ...]:
    # Data built without a record of its inputs (tests, the library) counts every dataset.
    present = reported_datasets(data.present)
    return tuple(d for d in DATED_BY if not present or d in present)


def _days(values: pd.Series) -> np.ndarray:
    return values.dropna().to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def data_span(data: CleanData) -> tuple[date, date] | None:
    """The first day of any dated record and the last date of any kind in the data
    (answers included), or None when the data holds no dated record: of the whole data
    when only part of it was read (an archive's months: ``data.extent``)."""
    extent = data.extent
    if extent is not None:
        # A question log's dates are press events' (dates_of).
        kinds = {"press_events": ("press_events", "press_questions")}
        known = [
            extent.first[kind]
            for d in _present(data)
            for kind in kinds.get(d, (d,))
            if kind in extent.first
        ]
        if not known or extent.latest is None:
            return None
        return min(known), extent.latest
    firsts, lasts = [], []
    for dataset in _present(data):
        frame = data.frame(dataset)
        days = _days(dates_of(data, dataset))
        if len(days):
            firsts.append(days.min())
            lasts.append(days.max())
        if dataset == "queries" and "answered_at" in frame:
            answered = _days(frame["answered_at"])
            if len(answered):
                lasts.append(answered.max())
    if not firsts:
        return None
    return _as_date(min(firsts)), _as_date(max(lasts))


def _as_date(day: np.datetime64) -> date:
    return date.fromisoformat(str(day))


def month_coverage(data: CleanData, months: Sequence[Period]) -> list[dict[str, Covered]]:
    """Per month (a trend point's period, possibly cut short "to date"), per dataset
    present: how many of its days the data covers (:class:`Covered`)."""
    span = data_span(data)
    held = {
        dataset: {str(m) for m in np.unique(_days(dates_of(data, dataset)).astype("datetime64[M]"))}
        for dataset in DATED_BY
        if dataset in _present(data)
    }
    out = []
    for month in months:
        key = month.start.strftime("%Y-%m")
        row = {}
        for dataset, with_records in held.items():
            days = 0
            if span is not None and key in with_records:
                first, last = span
                days = max(0, (min(month.end, last) - max(month.start, first)).days + 1)
            row[dataset] = Covered(days, month.days)
        out.append(row)
    return out
