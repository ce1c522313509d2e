"""The export's own overdue mark, read into True (overdue), False (not overdue) or unknown.

The config's ``[overdue_mark]`` lists the system's words for overdue and for not overdue
(case and spaces ignored). A cell holding neither is no mark at all: 115.бел's column
holds "Просрочено" while a request is open and "Выполнено 11.10.2022" once it is done,
and the second says nothing about the deadline. Blank cells are no mark either.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engagement_report.config import Config
from engagement_report.schema import header_key
from engagement_report.validation.cells import Cells


def mark_column(table: Cells, position: int | None, index: pd.Index, config: Config) -> pd.Series:
    """Each row's mark: True where the system says overdue, False where it says not
    overdue, NA where it says neither (or the column is absent)."""
    values = np.full(len(index), -1, dtype=np.int8)
    if position is not None:
        overdue = {header_key(word) for word in config.overdue_mark.overdue}
        not_overdue = {header_key(word) for word in config.overdue_mark.not_overdue}

        def meaning(value: str | None) -> int:
            key = header_key(value) if value is not None else ""
            return -1 if value is None else 1 if key in overdue else 0 if key in not_overdue else -1

        values = table.by_value(position, meaning, np.int8, -1)
    marks = pd.array(values == 1, dtype="boolean")
    marks[values < 0] = pd.NA
    return pd.Series(marks, index=index, name="overdue_mark")
