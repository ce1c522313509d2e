"""Category labels across imports: letter-case variants are one category, as in files.

`build` over several files merges labels that differ only in letter case into the
spelling most rows have over all the files (``validation.labels``). An archive's imports
are checked apart, so "Жильё" from January's import and "жильё" from February's would
stay two categories. Each partition records the labels it was written with and how many
rows hold each (:func:`label_counts`); a read respells every label into the spelling the
whole archive uses most (:func:`spellings`, the same rule: most rows, ties the first in
sorted order), whichever months it reads, on the command and on a Dask worker alike.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from engagement_report.archive.layout import Manifest
from engagement_report.schema import COLUMNS

#: The category columns of each dataset: the labels merged by letter case.
CATEGORY_COLUMNS = {
    dataset: tuple(spec.name for spec in specs if spec.kind == "category")
    for dataset, specs in COLUMNS.items()
}


def label_counts(rows: pd.DataFrame, dataset: str) -> dict[str, dict[str, int]]:
    """Each category column's labels in ``rows`` with how many rows hold each."""
    counts: dict[str, dict[str, int]] = {}
    for column in CATEGORY_COLUMNS.get(dataset, ()):
        if column not in rows:
            continue
        held = rows[column].dropna().astype(str).value_counts()
        counts[column] = {str(label): int(n) for label, n in sorted(held.items()) if n}
    return counts


Spellings = dict[str, dict[str, str]]  # column → casefolded label → its spelling


def spellings(manifest: Manifest, dataset: str) -> Spellings | None:
    """The spelling each label of ``dataset`` takes over the whole archive; None when a
    partition does not record its labels (written by an earlier version): the labels
    read are then merged among themselves (:func:`respell` with None)."""
    totals: dict[str, dict[str, int]] = {}
    for partition in manifest.of(dataset):
        if partition.labels is None:
            return None
        for column, counts in partition.labels.items():
            column_totals = totals.setdefault(column, {})
            for label, n in counts.items():
                column_totals[label] = column_totals.get(label, 0) + n
    chosen: Spellings = {}
    for column, counts in totals.items():
        best: dict[str, str] = {}
        for label, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            best.setdefault(label.casefold(), label)
        chosen[column] = best
    return chosen


def respell(frame: pd.DataFrame, dataset: str, chosen: Spellings | None) -> pd.DataFrame:
    """``frame`` (rows read of ``dataset``) with its labels in the archive's spellings."""
    from engagement_report.validation.labels import merge_letter_case

    for column in CATEGORY_COLUMNS.get(dataset, ()):
        if column not in frame:
            continue
        if chosen is None:
            frame[column] = merge_letter_case(frame[column])
        elif column in chosen:
            frame[column] = _respelled(frame[column], chosen[column])
    return frame


def _respelled(values: pd.Series, chosen: Mapping[str, str]) -> pd.Series:
    if not isinstance(values.dtype, pd.CategoricalDtype):
        text = values.astype("string")
        return text.map(lambda label: chosen.get(label.casefold(), label), na_action="ignore")
    categories = [str(label) for label in values.cat.categories]
    spelled = [chosen.get(label.casefold(), label) for label in categories]
    if spelled == categories:
        return values
    positions, unique = pd.factorize(pd.Index(spelled, dtype=object))
    codes = np.append(positions, -1)[np.asarray(values.cat.codes, dtype=np.int64)]
    merged = pd.Categorical.from_codes(codes, categories=pd.Index(unique, dtype=object))
    return pd.Series(merged, index=values.index, name=values.name)
