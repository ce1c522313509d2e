"""Column readers on a pandas Series, for tests: each hands the cells to the functions the
pipeline reads columns with (Arrow text in, arrays out) and puts the results back on the
Series' index."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engagement_report.validation.dates import AMBIGUOUS, MDY, parse_date_text
from engagement_report.validation.labels import label_categories
from engagement_report.validation.numbers import parse_number_text
from engagement_report.validation.text import arrow_strings, filled_cells, strip_text


@dataclass(frozen=True)
class ParsedDates:
    """Dates read from cells; both series share the index of the input cells."""

    values: pd.Series  # datetime64[ns], naive local time; NaT where missing or invalid
    invalid: pd.Series  # bool: the cell had text that could not be read as a date
    month_first: bool  # the column rule read slashed values month-first (AM/PM ones always are)
    ambiguous: bool = False  # slashed values read either way, read day-first for want of a rule


@dataclass(frozen=True)
class ParsedNumbers:
    """Numbers read from cells; both series share the index of the input cells."""

    values: pd.Series  # float64; NaN where missing or invalid
    invalid: pd.Series  # bool: the cell had text that is not a number


def text_array(cells: pd.Series) -> object:
    """The cells as one Arrow string array, stripped, with null for every blank cell (as
    the checks hand text columns to the parsers)."""
    return strip_text(arrow_strings(cells))


def parse_dates(
    cells: pd.Series, timezone: str = "Asia/Almaty", order: str | None = None
) -> ParsedDates:
    """:func:`parse_date_text` on a Series of cells."""
    values, invalid, reading = parse_date_text(text_array(cells), timezone, order)
    index, name = cells.index, cells.name
    return ParsedDates(
        values=pd.Series(values, index=index, name=name),
        invalid=pd.Series(invalid, index=index, name=name),
        month_first=reading == MDY,
        ambiguous=reading == AMBIGUOUS,
    )


def parse_numbers(cells: pd.Series) -> ParsedNumbers:
    """:func:`parse_number_text` on a Series of cells."""
    values, invalid = parse_number_text(text_array(cells))
    index, name = cells.index, cells.name
    return ParsedNumbers(
        values=pd.Series(values, index=index, name=name),
        invalid=pd.Series(invalid, index=index, name=name),
    )


def normalize_labels(cells: pd.Series) -> pd.Series:
    """:func:`label_categories` as a Series of the tidied labels (blank cells ``<NA>``)."""
    labels = label_categories(cells)
    result = pd.array(labels.categories, dtype=pd.StringDtype("pyarrow")).take(
        labels.codes, allow_fill=True
    )
    return pd.Series(result, index=cells.index, name=cells.name)


def clean_text(cells: pd.Series) -> pd.Series:
    """:func:`text_array` as a ``string`` Series: stripped, blank cells ``<NA>``."""
    text = pd.arrays.ArrowStringArray(text_array(cells))
    return pd.Series(text, index=cells.index, name=cells.name)


def is_blank(frame: pd.DataFrame) -> pd.Series:
    """True for each row of ``frame`` with no cell holding anything but whitespace."""
    filled = np.zeros(len(frame), dtype=bool)
    for position in range(frame.shape[1]):
        filled |= filled_cells(frame.iloc[:, position])
    return pd.Series(~filled, index=frame.index)
