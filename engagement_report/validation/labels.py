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
    labels = pd.Series(pd.arrays.ArrowStringArray(uniques), dtype=pd.StringDtype("pyarrow"))
    labels = labels.str.replace(INVISIBLE, "", regex=True)
    labels = labels.str.replace(SPACES, " ", regex=True).str.strip()
    labels = labels.str.replace(r"^([+-]?[0-9]+)\.0+$", r"\1", regex=True)
    labels = labels.mask((labels == "").fillna(False))
    counts = np.bincount(codes[codes >= 0], minlength=len(labels))
    spellings = (
        pd.DataFrame({"label": labels, "count": counts})
        .dropna()
        .groupby("label", sort=False)["count"]
        .sum()
        .reset_index()
    )
    spellings["key"] = spellings["label"].str.casefold()
    best = spellings.sort_values(["count", "label"], ascending=[False, True]).drop_duplicates("key")
    canonical = labels.str.casefold().map(best.set_index("key")["label"])
    categories, unique_codes = _categories_of(canonical)
    # A sentinel -1 after the last value: code -1 (missing) stays missing.
    return pd.Categorical.from_codes(np.append(unique_codes, -1)[codes], categories=categories)


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


def _categories_of(labels: pd.Series) -> tuple[pd.Index, np.ndarray]:
    """Distinct non-missing labels, and each label's position among them (-1 if missing)."""
    codes, categories = pd.factorize(labels.astype(object).where(labels.notna(), None))
    return pd.Index(categories.astype(object), dtype=object), codes.astype(np.int64)
