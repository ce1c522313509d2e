"""Which months of a period hold data, per dataset."""

from __future__ import annotations

import numpy as np

from engagement_report.figures import (
    in_period,
)
from engagement_report.models import CleanData
from engagement_report.month_coverage import dates_of
from engagement_report.periods import Period

#: Per dataset: the months of a period that hold data, and those that do not.
Coverage = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]

#: The datasets whose months of data are told apart (the question log's dates are press
#: events').
DATES = ("queries", "broadcasts", "press_events", "press_questions")


def coverage(data: CleanData, period: Period) -> Coverage:
    """Per dataset: the months of the period that hold data, and those that do not."""
    months = [m.start.strftime("%Y-%m") for m in period.months()]
    result = {}
    for dataset in DATES:
        dates = dates_of(data, dataset)
        inside = dates[in_period(dates, period)].dropna().to_numpy(dtype="datetime64[ns]")
        # Distinct months first, then text: a million dates are never formatted one by one.
        distinct = np.unique(inside.astype("datetime64[M]"))
        seen = {str(month) for month in distinct}
        result[dataset] = (
            tuple(m for m in months if m in seen),
            tuple(m for m in months if m not in seen),
        )
    return result
