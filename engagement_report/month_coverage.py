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

from engagement_report.dated import Dated, dated, first_day, last_day, months_of, record_days
from engagement_report.models import CleanData
from engagement_report.periods import Period
from engagement_report.questions import reported_datasets
from engagement_report.results import Covered

#: The column that places each dataset's records in a month.
DATED_BY = {"queries": "received_at", "broadcasts": "date", "press_events": "date"}
#: Every dataset with dated records (the question log's dates are press events').
DATASETS = ("queries", "broadcasts", "press_events", "press_questions")


def _present(data: CleanData) -> tuple[str, ...]:
    # Data built without a record of its inputs (tests, the library) counts every dataset.
    present = reported_datasets(data.present)
    return tuple(d for d in DATED_BY if not present or d in present)


def data_span(data: CleanData, days: Dated | None = None) -> tuple[date, date] | None:
    """The first day of any dated record and the last date of any kind in the data
    (answers included), or None when the data holds no dated record: of the whole data
    when only part of it was read (an archive's months: ``data.extent``). ``days``: the
    days the data holds records on, when already worked out."""
    extent = data.extent
    if extent is not None:
        # A question log's dates are press events' (its events are press events too).
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
    piece = data_days(data) if days is None else days
    firsts, lasts = [], []
    for dataset in _present(data):
        held = record_days(piece, dataset)
        first, last = first_day(held), last_day(held)
        if first is not None and last is not None:
            firsts.append(first)
            lasts.append(last)
        if dataset == "queries" and piece.answered is not None:
            lasts.append(piece.answered)
    if not firsts:
        return None
    return min(firsts), max(lasts)


def data_days(data: CleanData) -> Dated:
    """The days the data holds records on (:func:`~engagement_report.dated.dated`)."""
    return dated({d: data.frame(d) for d in DATASETS})


def month_coverage(
    data: CleanData, months: Sequence[Period], days: Dated | None = None
) -> list[dict[str, Covered]]:
    """Per month (a trend point's period, possibly cut short "to date"), per dataset
    present: how many of its days the data covers (:class:`Covered`). ``days``: the days
    the data holds records on, when already worked out (the Dask engine's)."""
    piece = data_days(data) if days is None else days
    span = data_span(data, piece)
    held = {
        dataset: months_of(record_days(piece, dataset))
        for dataset in DATED_BY
        if dataset in _present(data)
    }
    out = []
    for month in months:
        key = month.start.strftime("%Y-%m")
        row = {}
        for dataset, with_records in held.items():
            covered = 0
            if span is not None and key in with_records:
                first, last = span
                covered = max(0, (min(month.end, last) - max(month.start, first)).days + 1)
            row[dataset] = Covered(covered, month.days)
        out.append(row)
    return out
