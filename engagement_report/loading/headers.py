"""Header matching: which spreadsheet column is which canonical column.

Used twice: by the readers to find the header row below title rows, and by
validation to map headers to canonical columns. One set of rules for both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from engagement_report.config import Config
from engagement_report.schema import COLUMNS, DATASETS, header_key

HEADER_SEARCH_ROWS = 30
# Columns whose header, when the config names it, may also be another column's: a mark
# written in another column's cells (115.бел writes "Просрочено" where the answer date
# of ``status_date`` would be).
SHARED_COLUMNS = ("overdue_mark",)


@dataclass(frozen=True)
class HeaderMatch:
    """A header row's mapping for one dataset."""

    dataset: str
    mapping: dict[str, int]  # canonical column -> position in the row
    ignored: tuple[str, ...]  # headers that matched no column
    # canonical column -> positions of further headers naming it (not read)
    also: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def score(self) -> int:
        """How many canonical columns the row names."""
        return len(self.mapping)

    def missing_required(self) -> list[str]:
        """Required canonical columns that the row does not name."""
        return [c.name for c in COLUMNS[self.dataset] if c.required and c.name not in self.mapping]


def accepted_headers(dataset: str, column: str, config: Config) -> tuple[str, ...]:
    """Every header accepted for ``column``: the config's own first, then the name and aliases."""
    spec = next(c for c in COLUMNS[dataset] if c.name == column)
    own = config.columns.get(dataset, {}).get(column, ())
    return (*own, spec.name, *spec.aliases)


def _lookup(dataset: str, config: Config) -> dict[str, tuple[str, bool]]:
    """Folded header → (canonical column, whether the config names it)."""
    table: dict[str, tuple[str, bool]] = {}
    # The config's mapping wins over built-in aliases, so it is entered first.
    for column, headers in config.columns.get(dataset, {}).items():
        if column in SHARED_COLUMNS:
            continue  # matched on their own (match_headers): they may share a header
        for header in headers:
            table.setdefault(header_key(header), (column, True))
    for spec in COLUMNS[dataset]:
        for header in (spec.name, *spec.aliases):
            table.setdefault(header_key(header), (spec.name, False))
    return table


def match_headers(headers: Sequence[object], dataset: str, config: Config) -> HeaderMatch:
    """Map a row of header cells to ``dataset``'s canonical columns.

    A header the config names beats a built-in alias of the same column wherever the two
    stand; otherwise the first (leftmost) match wins, and the others are kept in
    ``also`` so that validation can warn when their values differ.
    """
    lookup = _lookup(dataset, config)
    found: list[tuple[int, str, str | None, bool]] = []  # position, text, column, configured
    filled: list[tuple[int, str]] = []
    for position, header in enumerate(headers):
        if header is None or (isinstance(header, float) and header != header):
            continue
        text = str(header).strip()
        if not text:
            continue
        filled.append((position, text))
        column, configured = lookup.get(header_key(text), (None, False))
        found.append((position, text, column, configured))
    chosen: dict[str, int] = {}
    for configured_pass in (True, False):
        for position, _, column, configured in found:
            if column is not None and configured is configured_pass and column not in chosen:
                chosen[column] = position
    for column in SHARED_COLUMNS:
        wanted = {header_key(h) for h in config.columns.get(dataset, {}).get(column, ())}
        shared = [p for p, text in filled if header_key(text) in wanted]
        if shared:
            chosen[column] = shared[0]  # the config's header wins, as above
    mapping = dict(sorted(chosen.items(), key=lambda item: item[1]))
    used = set(mapping.values())
    # A second header of a column is worth a warning unless the config chose which to read.
    chosen_by_config = {column for _, _, column, by_config in found if by_config}
    also: dict[str, tuple[int, ...]] = {}
    for position, _, column, _ in found:
        if column is not None and column not in chosen_by_config and position not in used:
            also[column] = (*also.get(column, ()), position)
    ignored = tuple(text for position, text, _, _ in found if position not in used)
    return HeaderMatch(dataset, mapping, ignored, also)


def configured_dataset(rows: Sequence[Sequence[object]], config: Config) -> str | None:
    """The one dataset whose ``[columns.<dataset>]`` in the config names a header of these
    rows, or None (none does, or several do)."""
    found = set()
    for dataset, columns in config.columns.items():
        wanted = {header_key(h) for headers in columns.values() for h in headers}
        for row in rows[:HEADER_SEARCH_ROWS]:
            if any(isinstance(cell, str) and header_key(cell.strip()) in wanted for cell in row):
                found.add(dataset)
                break
    return found.pop() if len(found) == 1 else None


def find_header_row(
    rows: Sequence[Sequence[object]], config: Config, dataset: str | None = None
) -> tuple[int, HeaderMatch] | None:
    """The first row (of the first 30) that best names a dataset's columns.

    With ``dataset`` given (the sheet's name said which), only that dataset is
    tried; otherwise the best-scoring dataset must have all its required columns
    and beat every other dataset, or the answer is ``None`` (ambiguous).
    """
    candidates = (dataset,) if dataset else DATASETS
    best: dict[str, tuple[int, HeaderMatch]] = {}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for name in candidates:
            match = match_headers(row, name, config)
            if match.score and (name not in best or match.score > best[name][1].score):
                best[name] = (index, match)
    if not best:
        return None
    if dataset:
        return best.get(dataset)
    # A dataset whose required columns are all present beats one that lacks some.
    complete = [item for item in best.values() if not item[1].missing_required()]
    ranked = sorted(complete, key=lambda item: -item[1].score)
    if not ranked or ranked[0][1].score < 2:
        return None
    top = ranked[0]
    if len(ranked) > 1 and ranked[1][1].score == top[1].score:
        return None
    return top
