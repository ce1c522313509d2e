"""What every column reader uses: the cells as read, an empty text column, a categorical
on the rows' index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from engagement_report.validation.cells import Cells


def categorical(values: pd.Categorical | None, index: pd.Index) -> pd.Series:
    """``values`` as a Series on ``index``; an empty categorical when there are none."""
    if values is None:
        values = pd.Categorical.from_codes(
            np.full(len(index), -1), categories=pd.Index([], dtype=object)
        )
    return pd.Series(values, index=index)


def missing_text(index: pd.Index) -> pd.Series:
    """A text column with nothing in it (built in Arrow: pandas fills one cell at a time)."""
    empty = pd.arrays.ArrowStringArray(pa.nulls(len(index), pa.large_string()))
    return pd.Series(empty, index=index, dtype=pd.StringDtype("pyarrow"))


def raw_cells(table: Cells, position: int) -> pd.Series:
    """The cells as read, for messages and rejected.csv."""
    series = table.series(position)
    return series.reset_index(drop=True)
