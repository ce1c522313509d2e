"""Whole-number columns (questions answered, publications): text, fractions, negatives,
implausible figures and blanks reported."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engagement_report.validation.cells import Cells
from engagement_report.validation.columns.shared import raw_cells
from engagement_report.validation.numbers import parse_number_text
from engagement_report.validation.problems import ProblemCollector


def count_column(
    table: Cells,
    position: int | None,
    index: pd.Index,
    header: str,
    required: bool,
    live: pd.Series,
    problems: ProblemCollector,
) -> pd.Series:
    """A whole-number column read; text that is not a number, fractions, negatives and blanks
    reported."""
    if position is None:
        return pd.Series(pd.NA, index=index, dtype="Int64")
    if table.kind(position) == "number":
        numbers = pd.to_numeric(table.series(position), errors="coerce").astype("float64")
        values_array = numbers.to_numpy(dtype="float64", na_value=np.nan)
        invalid_cells = np.zeros(len(index), dtype=bool)
    else:
        values_array, invalid_cells = parse_number_text(table.text(position))
    raw = raw_cells(table, position)
    values = pd.Series(values_array, index=index)
    invalid = pd.Series(invalid_cells, index=index) & live
    fractional = values.notna() & (values % 1 != 0) & live
    negative = values.notna() & (values < 0) & live
    implausible = values.notna() & (values > MAX_COUNT) & live
    missing = values.isna() & ~invalid & live
    problems.add(
        invalid,
        "invalid_number",
        "error",
        header,
        raw,
        f"'{{value}}' in {header} is not a number; write a whole number such as 12",
    )
    problems.add(
        negative,
        "negative_count",
        "error",
        header,
        raw,
        f"{header} is {{value}}: a count cannot be negative; correct the figure",
    )
    problems.add(
        implausible,
        "implausible_count",
        "error",
        header,
        raw,
        f"{header} is {{value}}: more than {MAX_COUNT_TEXT} for one row is not plausible "
        "(a typo, or a figure from another column); correct the figure",
    )
    problems.add(
        fractional & ~negative & ~implausible,
        "fractional_count",
        "error",
        header,
        raw,
        f"{header} is {{value}}: a count must be a whole number",
    )
    if required:
        problems.add(
            missing,
            "missing_count",
            "error",
            header,
            raw,
            f"{header} is empty; write the count (0 if there were none)",
        )
    good = values.where(~(invalid | negative | fractional | implausible))
    return good.round().astype("Int64")


# The most one row can count (questions on one broadcast, publications after one press
# event). Far above any real figure, and a million rows of it still sum inside int64:
# 1e19 once ended in an overflow, two of 9e18 summed to a negative total.
MAX_COUNT = 1_000_000


MAX_COUNT_TEXT = f"{MAX_COUNT:,}".replace(",", " ")
