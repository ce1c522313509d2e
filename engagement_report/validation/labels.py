"""Category labels (topic, channel, district, programme): spaces folded, letter-case
variants one category shown in its most frequent spelling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from engagement_report.validation.lookalike import INVISIBLE
from engagement_report.validation.text import SPACES, arrow_strings


def label_categories(cells: pd.Series | pa.Array | pa.ChunkedArray) -> pd.Categorical:
    """Tidy category labels so that spellings of one label count as one, as a
    categorical: each canonical label stored once.

    Trims and collapses whitespace, shows integers typed as floats as integers (``7.0`` →
    ``7``), and merges labels differing only in letter case into the column's most frequent
    spelling (ties: the first in sorted order). Blank cells are missing.
    Only the distinct values are tidied (a column has far fewer labels than rows), so a
    million-row column costs one dictionary encoding.
    """
    if isinstance(cells, pd.Series) and isinstance(cells.dtype, pd.CategoricalDtype):
        codes = np.asarray(cells.cat.codes, dtype=np.int64)
        uniques = arrow_strings(pd.Series(cells.cat.categories))
    else:
        encoded = pc.dictionary_encode(arrow_strings(cells))
        uniques = encoded.dictionary
        codes = np.asarray(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False))
        codes = codes.astype(np.int64)
    return tidy_labels(codes, uniques)


def tidy_labels(codes: np.ndarray, uniques: pa.Array) -> pd.Categorical:
    """:func:`label_categories` of cells already encoded: each row's code (int64, -1
    where missing) into ``uniques``, the distinct raw values.

    The labels are tidied in Arrow, and their letter-case variants merged in plain
    Python: there are a few dozen of them, where a frame and a group-by cost more than
    the work."""
    labels = pd.Series(pd.arrays.ArrowStringArray(uniques), dtype=pd.StringDtype("pyarrow"))
    labels = labels.str.replace(INVISIBLE, "", regex=True)
    labels = labels.str.replace(SPACES, " ", regex=True).str.strip()
    labels = labels.str.replace(r"^([+-]?[0-9]+)\.0+$", r"\1", regex=True)
    tidied: list[str | None] = [
        label if label else None for label in labels.to_numpy(dtype=object, na_value=None)
    ]
    # Rows per raw value (a missing row's -1 lands in the first count, dropped).
    counts = np.bincount(codes + 1, minlength=len(tidied) + 1)[1:].tolist()
    rows: dict[str, int] = {}  # rows per tidied label
    for label, count in zip(tidied, counts, strict=True):
        if label is not None:
            rows[label] = rows.get(label, 0) + count
    # Each letter-case family is shown in its most frequent spelling (ties: the first in
    # sorted order).
    shown: dict[str, str] = {}
    for label in sorted(rows, key=lambda label: (-rows[label], label)):
        shown.setdefault(label.casefold(), label)
    # Categories in order of first appearance among the raw values.
    numbers: dict[str, int] = {}
    unique_codes = [
        -1 if label is None else numbers.setdefault(shown[label.casefold()], len(numbers))
        for label in tidied
    ]
    categories = pd.Index(list(numbers), dtype=object)
    # A sentinel -1 after the last value: code -1 (missing) stays missing.
    return pd.Categorical.from_codes(
        np.append(np.array(unique_codes, dtype=np.int64), -1)[codes], categories=categories
    )


def merge_letter_case(values: pd.Series) -> pd.Series:
    """A label column joined from several sources, with categories that differ only in
    letter case merged into their most frequent spelling over all the rows (each source's
    own were merged as it was read); the column itself when there are none."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return values
    keys = pd.Index(values.cat.categories.astype(str)).str.casefold()
    if not keys.has_duplicates:
        return values
    return pd.Series(label_categories(values), index=values.index, name=values.name)
