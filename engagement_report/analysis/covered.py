"""Which months of a period hold data, per dataset."""

from __future__ import annotations

import numpy as np

from engagement_report.figures import (
    in_period,
)
from engagement_report.models import CleanData
from engagement_report.periods import Period

#: Per dataset: the months of a period that hold data, and those that do not.
Coverage = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


def coverage(data: CleanData, period: Period) -> Coverage:
    """Per dataset: the months of the period that hold data, and those that do not."""
    months = [m.start.strftime("%Y-%m") for m in period.months()]
    result = {}
    for dataset, column in (
        ("queries", "received_at"),
        ("broadcasts", "date"),
        ("press_events", "date"),
    ):
        dates = data.frame(dataset)[column]
        inside = dates[in_period(dates, period)].dropna().to_numpy(dtype="datetime64[ns]")
        # Distinct months first, then text: a million dates are never formatted one by one.
        distinct = np.unique(inside.astype("datetime64[M]"))
        seen = {str(month) for month in distinct}
        result[dataset] = (
            tuple(m for m in months if m in seen),
            tuple(m for m in months if m not in seen),
        )
    return result
