"""Status and category columns: statuses folded into their classes, labels tidied and
relabelled by the config, unknown, blank and look-alike values reported."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engagement_report.config import Config
from engagement_report.schema import (
    STATUS_CLASSES,
    STATUS_SPELLINGS,
    drop_invisible,
    header_key,
)
from engagement_report.validation.cells import Cells
from engagement_report.validation.columns.shared import categorical, raw_cells
from engagement_report.validation.labels import tidy_labels
from engagement_report.validation.lookalike import lookalikes
from engagement_report.validation.problems import ProblemCollector

NOT_STATED = "(not stated)"


OTHER_STATUS = "other"


STATUS_CATEGORIES = (*STATUS_CLASSES, OTHER_STATUS)


_RELABELS = {"topic": "topics", "channel": "channels", "district": "districts"}


def status_lookup(config: Config) -> dict[str, str]:
    """Folded spelling → status class, the config's spellings first."""
    table: dict[str, str] = {}
    for cls, spellings in config.statuses.items():
        for spelling in spellings:
            table.setdefault(header_key(spelling), cls)
    for cls, spellings in STATUS_SPELLINGS.items():
        for spelling in spellings:
            table.setdefault(header_key(spelling), cls)
    for cls in STATUS_CLASSES:
        table.setdefault(header_key(cls), cls)
    return table


def fold_key(text: str) -> str:
    """Fold a status or label as :func:`header_key` does (case, ``ё``, underscores, spaces)."""
    folded = drop_invisible(text).casefold().replace("ё", "е").replace("_", " ")
    return " ".join(folded.split())


def status_column(
    table: Cells,
    position: int | None,
    index: pd.Index,
    header: str,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
) -> pd.Series:
    """Statuses folded into the status classes (the config's spellings first); unknown ones
    reported and kept as 'other'."""
    categories = pd.Index(STATUS_CATEGORIES, dtype=object)
    if position is None:
        return categorical(pd.Categorical.from_codes(np.full(len(index), -1), categories), index)
    # Fold and look up each distinct spelling once; the rows follow by their codes.
    lookup = status_lookup(config)
    other = STATUS_CATEGORIES.index(OTHER_STATUS)

    def code(value: str | None) -> int:
        if value is None:
            return -1
        cls = lookup.get(fold_key(value))
        return other if cls is None else STATUS_CATEGORIES.index(cls)

    def is_unknown(value: str | None) -> bool:
        return value is not None and lookup.get(fold_key(value)) is None

    row_codes = table.by_value(position, code, np.int64, -1)
    unknown = pd.Series(table.by_value(position, is_unknown, bool, False), index=index)
    unknown &= live
    # An unknown spelling is "other" only in rows that count (blank and total rows never do).
    row_codes[(row_codes == other) & ~unknown.to_numpy()] = -1
    problems.add(
        unknown,
        "unknown_status",
        "warning",
        header,
        raw_cells(table, position),
        f"'{{value}}' in {header} is not a known status: the query counts as received but "
        "not as answered; add the spelling under [statuses] in the config",
    )
    return categorical(pd.Categorical.from_codes(row_codes, categories), index)


def category_column(
    table: Cells,
    position: int | None,
    index: pd.Index,
    name: str,
    header: str,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
) -> pd.Series:
    """A category column with its labels tidied (spacing, case) and relabelled by the config;
    blanks reported."""
    if position is None:
        return categorical(None, index)
    # The distinct raw values (a dictionary's are distinct) are tidied, not the rows.
    labels = tidy_labels(*table.encoded(position))
    relabel = getattr(config, _RELABELS[name], {}) if name in _RELABELS else {}
    if relabel:
        # folded as header_key folds the config's keys (underscores too)
        folded = {header_key(k): v for k, v in relabel.items()}
        renamed = [folded.get(fold_key(str(label)), label) for label in labels.categories]
        new_codes, new_categories = pd.factorize(pd.Index(renamed, dtype=object))
        labels = pd.Categorical.from_codes(
            np.append(new_codes, -1)[labels.codes],
            categories=pd.Index(new_categories, dtype=object),
        )
    series = categorical(labels, index)
    _warn_lookalikes(series, header, live, problems)
    problems.add(
        series.isna() & live,
        "blank_category",
        "warning",
        header,
        None,
        f"{header} is empty; the row is counted under '{NOT_STATED}'",
    )
    return series


def _warn_lookalikes(
    series: pd.Series, header: str, live: pd.Series, problems: ProblemCollector
) -> None:
    """A ``lookalike_label`` warning at the first row of each label that reads like a more
    used one but is spelled with another alphabet's letters (counted apart from it)."""
    categories = [str(label) for label in series.cat.categories]
    if len(categories) < 2:
        return
    codes = series.cat.codes.to_numpy()
    alive = live.to_numpy(dtype=bool)
    counts = np.bincount(codes[alive & (codes >= 0)], minlength=len(categories))
    order = sorted(range(len(categories)), key=lambda i: (-counts[i], categories[i]))
    twins = lookalikes(categories[i] for i in order if counts[i])
    for label, twin in twins.items():
        rows = np.flatnonzero((codes == categories.index(label)) & alive)
        first = np.zeros(len(series), dtype=bool)
        first[rows[:1]] = True
        problems.add(
            pd.Series(first, index=series.index),
            "lookalike_label",
            "warning",
            header,
            series.astype(object),
            f"{{value}} looks like {twin!r} but is spelled with letters of another "
            f"alphabet (such as Cyrillic 'с' for Latin 'c'): the {len(rows)} row(s) with it "
            f"are counted as a category of their own; retype it or relabel it in the config",
        )
