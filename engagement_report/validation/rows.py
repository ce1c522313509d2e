"""Checking one source table: header mapping, typed values, problems, accounting.

Every check is a vectorised mask over the whole table; a row is rejected by
its first error, and every row ends in exactly one of: used, duplicate
(decided later, across sources), blank, total row, rejected.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from engagement_report.config import Config
from engagement_report.loading.headers import match_headers
from engagement_report.models import SourceTable
from engagement_report.schema import (
    COLUMNS,
    STATUS_CLASSES,
    STATUS_SPELLINGS,
    TOTAL_ROW_WORDS,
    header_key,
)
from engagement_report.validation.problems import ProblemCollector
from engagement_report.validation.values import (
    clean_text,
    is_blank,
    normalize_labels,
    parse_dates,
    parse_numbers,
)

NOT_STATED = "(not stated)"
OTHER_STATUS = "other"

_RELABELS = {"topic": "topics", "channel": "channels", "district": "districts"}


@dataclass
class CheckedTable:
    """One source after checking: typed values for every row plus its masks."""

    source: SourceTable
    frame: pd.DataFrame  # canonical, typed columns + _file, _sheet, _row
    mapping: dict[str, str]
    ignored: tuple[str, ...]
    blank: pd.Series
    total: pd.Series
    problems: ProblemCollector

    @property
    def rejected(self) -> pd.Series:
        """Rows with an error (blank and total rows are never checked, so never here)."""
        return self.problems.rejected_mask

    @property
    def usable(self) -> pd.Series:
        """Rows that may be used (before duplicates are decided)."""
        return ~(self.blank | self.total | self.rejected)


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


def total_rows(cells: pd.DataFrame) -> pd.Series:
    """Rows whose first filled cell reads Итого, Всего, Барлығы, Жиыны or Total."""
    if cells.shape[1] == 0:
        return pd.Series(False, index=cells.index)
    # Column by column (a row-wise bfill transposes the frame: far slower).
    first = pd.Series(pd.NA, index=cells.index, dtype="string")
    for position in range(cells.shape[1]):
        column = cells.iloc[:, position].astype("string").str.strip()
        first = first.fillna(column.mask(column == ""))
        if first.notna().all():
            break
    folded = first.str.casefold().str.rstrip(":").str.strip()
    return folded.isin(TOTAL_ROW_WORDS).fillna(False).astype(bool)


def check_table(source: SourceTable, config: Config) -> CheckedTable:
    """Map headers, type every value and collect problems for one source."""
    match = match_headers(source.headers, source.dataset, config)
    cells = source.cells
    n = len(cells)
    index = pd.RangeIndex(n)
    cells = cells.set_axis(index, axis=0)
    problems = ProblemCollector(str(source.file), source.sheet, source.row_numbers.set_axis(index))
    blank = is_blank(cells).set_axis(index)
    total = total_rows(cells) & ~blank
    live = ~(blank | total)

    frame = pd.DataFrame(index=index)
    mapping = {name: source.headers[pos] for name, pos in match.mapping.items()}

    def column(name: str) -> pd.Series | None:
        position = match.mapping.get(name)
        if position is None or position >= cells.shape[1]:
            return None
        return cells.iloc[:, position].astype("string")

    for spec in COLUMNS[source.dataset]:
        raw = column(spec.name)
        header = mapping.get(spec.name, spec.name)
        if spec.kind == "date":
            frame[spec.name] = _dates(
                raw, index, spec.name, header, spec.required, live, config, problems
            )
        elif spec.kind == "count":
            frame[spec.name] = _counts(raw, index, header, spec.required, live, problems)
        elif spec.kind == "status":
            frame[spec.name] = _statuses(raw, index, header, live, config, problems)
        elif spec.kind == "category":
            frame[spec.name] = _categories(raw, index, spec.name, header, live, config, problems)
        else:
            frame[spec.name] = (
                clean_text(raw)
                if raw is not None
                else pd.Series(pd.NA, index=index, dtype="string")
            )

    if source.dataset == "queries":
        _query_rules(frame, mapping, live & ~problems.rejected_mask, problems)

    frame["_file"] = str(source.file)
    frame["_sheet"] = source.sheet or ""
    frame["_row"] = source.row_numbers.to_numpy()
    return CheckedTable(source, frame, mapping, match.ignored, blank, total, problems)


def _dates(
    raw: pd.Series | None,
    index: pd.Index,
    name: str,
    header: str,
    required: bool,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
) -> pd.Series:
    if raw is None:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    parsed = parse_dates(raw, config.timezone)
    values = parsed.values.set_axis(index)
    invalid = parsed.invalid.set_axis(index) & live
    missing = values.isna() & ~invalid & live
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
        values = values.mask(invalid)
    return values


def _counts(
    raw: pd.Series | None,
    index: pd.Index,
    header: str,
    required: bool,
    live: pd.Series,
    problems: ProblemCollector,
) -> pd.Series:
    if raw is None:
        return pd.Series(pd.NA, index=index, dtype="Int64")
    parsed = parse_numbers(raw)
    values = parsed.values.set_axis(index)
    invalid = parsed.invalid.set_axis(index) & live
    fractional = values.notna() & (values % 1 != 0) & live
    negative = values.notna() & (values < 0) & live
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
        fractional & ~negative,
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
    good = values.where(~(invalid | negative | fractional))
    return good.round().astype("Int64")


def _statuses(
    raw: pd.Series | None,
    index: pd.Index,
    header: str,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
) -> pd.Series:
    if raw is None:
        return pd.Series(pd.NA, index=index, dtype="string")
    text = clean_text(raw).set_axis(index)
    folded = (
        text.str.casefold().str.replace("ё", "е").str.replace("_", " ").str.split().str.join(" ")
    )
    mapped = folded.map(status_lookup(config)).astype("string")
    unknown = text.notna() & mapped.isna() & live
    problems.add(
        unknown,
        "unknown_status",
        "warning",
        header,
        raw,
        f"'{{value}}' in {header} is not a known status: the query counts as received but "
        "not as answered; add the spelling under [statuses] in the config",
    )
    return mapped.mask(unknown, OTHER_STATUS)


def _categories(
    raw: pd.Series | None,
    index: pd.Index,
    name: str,
    header: str,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
) -> pd.Series:
    if raw is None:
        return pd.Series(pd.NA, index=index, dtype="string")
    labels = normalize_labels(raw).set_axis(index).astype("string")
    relabel = getattr(config, _RELABELS[name], {}) if name in _RELABELS else {}
    if relabel:
        folded = {header_key(k): v for k, v in relabel.items()}
        # folded as header_key folds the config's keys (underscores too)
        keys = (
            labels.str.casefold()
            .str.replace("ё", "е")
            .str.replace("_", " ")
            .str.split()
            .str.join(" ")
        )
        labels = keys.map(folded).astype("string").fillna(labels)
    problems.add(
        labels.isna() & live,
        "blank_category",
        "warning",
        header,
        None,
        f"{header} is empty; the row is counted under '{NOT_STATED}'",
    )
    return labels


def _query_rules(
    frame: pd.DataFrame, mapping: dict[str, str], usable: pd.Series, problems: ProblemCollector
) -> None:
    status = frame["status"]
    answered_at = frame["answered_at"]
    # A blank status with an answer date is an answered query (the office left the cell empty).
    frame["status"] = status.mask(status.isna() & answered_at.notna(), "answered")
    no_status = frame["status"].isna() & usable
    header = mapping.get("status", "status")
    problems.add(
        no_status,
        "missing_status",
        "warning",
        header,
        None,
        f"{header} is empty and there is no answer date: counted as received, not answered",
    )
    received_at = frame["received_at"]
    # An answer written as a bare date (midnight) on the day of receipt is a same-day answer,
    # not an answer before receipt.
    bare_date = answered_at == answered_at.dt.normalize()
    early = (
        answered_at.notna()
        & (
            (answered_at.dt.normalize() < received_at.dt.normalize())
            | (~bare_date & (answered_at < received_at))
        )
        & usable
    )
    problems.add(
        early,
        "answered_before_received",
        "warning",
        mapping.get("answered_at", "answered_at"),
        answered_at.dt.strftime("%Y-%m-%d %H:%M"),
        "the answer date {value} is before the date received; the query is kept but left out "
        "of response times: check both dates",
    )
    frame["response_ok"] = answered_at.notna() & frame["received_at"].notna() & ~early
