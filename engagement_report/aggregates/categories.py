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
    times: np.ndarray,
    class_codes: np.ndarray,
) -> dict[str, CategoryPart]:
    """Each category's part of a piece (``labels``: its rows' categories; ``answered``,
    ``measured``: which rows were answered and which have a response time, by position;
    ``times``: the measured rows' response times, in their order; ``class_codes``: each
    row's deadline class, as its code)."""
    if not len(labels):
        return {}
    codes, names = category_codes(labels)
    width = len(names)
    # One count per category and deadline class, in one pass (class code -1: no class).
    kinds = len(DEADLINE_CLASSES) + 1
    by_class = np.bincount(codes * kinds + class_codes + 1, minlength=width * kinds)
    by_class = by_class.reshape(width, kinds)
    sizes = by_class.sum(axis=1)
    on_time, late, overdue = (
        by_class[:, DEADLINE_CLASSES.index(c) + 1] for c in ("on_time", "late", "open_overdue")
    )
    answers = np.bincount(codes[answered], minlength=width)
    # The measured rows grouped by category, each category's response times one slice:
    # one stable sort of the rows' small codes (NumPy sorts small integers so by radix,
    # in one pass) instead of a pass over all the rows per category.
    mine = codes[measured].astype(np.min_scalar_type(width))
    grouped = times[np.argsort(mine, kind="stable")]
    ends = np.cumsum(np.bincount(mine, minlength=width))
    starts = np.concatenate([[0], ends[:-1]])
    out = {}
    for code in np.flatnonzero(sizes):
        out[names[code]] = CategoryPart(
            int(sizes[code]),
            int(answers[code]),
            Tally.of(grouped[starts[code] : ends[code]]),
            int(on_time[code]),
            int(late[code]),
            int(overdue[code]),
        )
    return out
