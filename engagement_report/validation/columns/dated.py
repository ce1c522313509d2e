"""Date columns: typed date cells as they are, text parsed, missing and impossible dates
reported."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engagement_report.config import Config
from engagement_report.validation.cells import Cells
from engagement_report.validation.columns.shared import raw_cells
from engagement_report.validation.dates import AMBIGUOUS, parse_date_text, with_time
from engagement_report.validation.problems import ProblemCollector

ParsedDates = tuple[np.ndarray, np.ndarray, str]


@dataclass(frozen=True)
class DateColumn:
    """A date column read: its values, which carry a time of day, how slashed values were
    read (``DMY``, ``MDY``, ``ambiguous`` or ``""``)."""

    values: pd.Series
    timed: np.ndarray
    reading: str = ""


def date_column(
    table: Cells,
    position: int | None,
    index: pd.Index,
    header: str,
    required: bool,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
    from_text: ParsedDates | None = None,
    name: str = "",
) -> DateColumn:
    """A date column read (text parsed, typed cells as they are); missing and impossible dates
    reported, an error where the column is required."""
    if position is None:
        empty = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
        return DateColumn(empty, np.zeros(len(index), dtype=bool))
    reading = ""
    if table.kind(position) == "datetime":
        values = naive_local(table.series(position), config.timezone).to_numpy()
        invalid_cells = np.zeros(len(index), dtype=bool)
        timed = with_time(None, values)
    else:
        text = table.date_text(position, config.dates.words.get(name, ()))
        values, invalid_cells, reading = from_text or parse_date_text(
            text, config.timezone, config.dates.order_for(name)
        )
        timed = with_time(text, values)
    raw = raw_cells(table, position)
    parsed = pd.Series(values, index=index)
    invalid = pd.Series(invalid_cells, index=index) & live
    missing = parsed.isna() & ~invalid & live
    if required:
        problems.add(
            invalid,
            "invalid_date",
            "error",
            header,
            raw,
            f"'{{value}}' in {header} is not a date; write it as DD.MM.YYYY, YYYY-MM-DD "
            "(with hh:mm if known) or use an Excel date cell",
        )
        problems.add(
            missing,
            "missing_date",
            "error",
            header,
            raw,
            f"{header} is empty: without it the row cannot be placed in a period; fill in the date",
        )
    else:
        problems.add(
            invalid,
            "invalid_date",
            "warning",
            header,
            raw,
            f"'{{value}}' in {header} is not a date and is read as empty; "
            "write it as DD.MM.YYYY or YYYY-MM-DD",
        )
        parsed = parsed.mask(invalid)
    return DateColumn(parsed, timed & parsed.notna().to_numpy(), reading)


def ambiguous_order(
    column: DateColumn, header: str, raw: pd.Series, live: pd.Series, problems: ProblemCollector
) -> None:
    """Say once, at the column's first dated row, that its slashed dates read two ways."""
    if column.reading != AMBIGUOUS:
        return
    first = column.values.notna() & live
    first &= first.cumsum() == 1
    problems.add(
        first,
        "ambiguous_date_order",
        "warning",
        header,
        raw,
        f"slashed dates in {header} such as '{{value}}' read both day-first and month-first "
        "and nothing in the file says which: they are read day-first (DD/MM/YYYY). If they "
        'are US-style, set order = "MDY" under [dates] in the config (said once per file)',
    )


def naive_local(values: pd.Series, timezone: str) -> pd.Series:
    """Typed date-times as naive local time in nanoseconds (zoned ones converted)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(timezone).dt.tz_localize(None)
    low, high = pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31")
    inside = len(values) == 0 or (values.min() >= low and values.max() <= high)
    if not inside:  # only a column with a date out of that range is masked (and copied)
        values = values.where((values >= low) & (values <= high))
    return values.astype("datetime64[ns]").reset_index(drop=True)
