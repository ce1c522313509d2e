"""Which months of a period hold data, per dataset."""

from __future__ import annotations

from engagement_report.dated import Dated, months_of, record_days
from engagement_report.models import CleanData
from engagement_report.month_coverage import data_days
from engagement_report.periods import Period

#: Per dataset: the months of a period that hold data, and those that do not.
Coverage = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]

#: The datasets whose months of data are told apart (the question log's dates are press
#: events').
DATES = ("queries", "broadcasts", "press_events", "press_questions")


def coverage(data: CleanData, period: Period, days: Dated | None = None) -> Coverage:
    """Per dataset: the months of the period that hold data, and those that do not.
    ``days``: the days the data holds records on, when already worked out (the Dask
    engine's)."""
    piece = data_days(data) if days is None else days
    months = [m.start.strftime("%Y-%m") for m in period.months()]
    result = {}
    for dataset in DATES:
        seen = months_of(record_days(piece, dataset), period)
        result[dataset] = (
            tuple(m for m in months if m in seen),
            tuple(m for m in months if m not in seen),
        )
    return result
