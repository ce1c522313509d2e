"""Each topic's, channel's, district's or body's part of a piece (:class:`CategoryPart`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engagement_report.aggregates.model import CategoryPart
from engagement_report.deadlines import DEADLINE_CLASSES
from engagement_report.figures import category_codes
from engagement_report.tally import Tally


def category_parts(
    labels: pd.Series,
    answered: np.ndarray,
    measured: np.ndarray,
    days: pd.Series,
    class_codes: np.ndarray,
) -> dict[str, CategoryPart]:
    if not len(labels):
        return {}
    codes, names = category_codes(labels)
    width = len(names)
    sizes = np.bincount(codes, minlength=width)
    answers = np.bincount(codes[answered], minlength=width)
    on_time = np.bincount(codes[class_codes == DEADLINE_CLASSES.index("on_time")], minlength=width)
    late = np.bincount(codes[class_codes == DEADLINE_CLASSES.index("late")], minlength=width)
    overdue = np.bincount(
        codes[class_codes == DEADLINE_CLASSES.index("open_overdue")], minlength=width
    )
    values = days.to_numpy(dtype=float)
    out = {}
    for code in np.flatnonzero(sizes):
        mine = measured & (codes == code)
        out[names[code]] = CategoryPart(
            int(sizes[code]),
            int(answers[code]),
            Tally.of(values[mine]),
            int(on_time[code]),
            int(late[code]),
            int(overdue[code]),
        )
    return out
