"""Checking one source table: header mapping, typed values, problems, accounting.

Every check is a vectorised mask over the whole table; a row is rejected by
its first error, and every row ends in exactly one of: used, duplicate
(decided later, across sources), blank, total row, rejected.

A million-row sheet is checked without a Python loop over its rows: each column is
stripped (or, for statuses and categories, dictionary-encoded) once, in Arrow, and
whatever needs Python — folding a status, tidying a label — runs on the distinct values
only. Columns that arrive typed (dates, numbers and dictionaries from Parquet) are taken
as they are; text goes through the parsers of :mod:`.values`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    arrow_strings,
    filled_cells,
    label_categories,
    parse_date_text,
    parse_number_text,
    strip_text,
)

NOT_STATED = "(not stated)"
OTHER_STATUS = "other"
STATUS_CATEGORIES = (*STATUS_CLASSES, OTHER_STATUS)

# Below this many rows a second thread costs more than it saves.
PARALLEL_ROWS = 100_000
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
    # Queries: the stripped ids dictionary-encoded (row order), for finding repeats.
    query_ids: pa.DictionaryArray | None = None

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


def fold_key(text: str) -> str:
    """Fold a status or label as :func:`header_key` does (case, ``ё``, underscores, spaces)."""
    return " ".join(text.casefold().replace("ё", "е").replace("_", " ").split())


def _categorical(values: pd.Categorical | None, index: pd.Index) -> pd.Series:
    if values is None:
        values = pd.Categorical.from_codes(
            np.full(len(index), -1), categories=pd.Index([], dtype=object)
        )
    return pd.Series(values, index=index)


class _Cells:
    """A source's cells, each column stripped or dictionary-encoded at most once."""

    def __init__(
        self,
        frame: pd.DataFrame,
        encode: frozenset[int] = frozenset(),
        wanted: frozenset[int] = frozenset(),
    ) -> None:
        self.frame = frame
        self.width = frame.shape[1]
        self.rows = len(frame)
        self._encode = encode  # positions better encoded (few distinct values) than stripped
        self._wanted = wanted  # positions whose stripped text will be read
        self._text: dict[int, pa.Array] = {}
        self._encoded: dict[int, tuple[np.ndarray, pa.Array]] = {}
        self._filled: dict[int, np.ndarray] = {}

    def series(self, position: int) -> pd.Series:
        return self.frame.iloc[:, position]

    def kind(self, position: int) -> str:
        """``text``, ``category`` (a dictionary), ``datetime``, ``number`` or ``other``."""
        dtype = self.series(position).dtype
        if isinstance(dtype, pd.CategoricalDtype):
            return "category"
        if isinstance(dtype, pd.StringDtype) or str(dtype) in ("str", "string"):
            return "text"
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return "datetime"
        if pd.api.types.is_bool_dtype(dtype):
            return "other"
        if pd.api.types.is_numeric_dtype(dtype):
            return "number"
        return "text" if pd.api.types.is_object_dtype(dtype) else "other"

    def encoded(self, position: int) -> tuple[np.ndarray, pa.Array]:
        """Each row's code (-1 when missing) and the distinct raw values."""
        if position not in self._encoded:
            series = self.series(position)
            if isinstance(series.dtype, pd.CategoricalDtype):
                codes = np.asarray(series.cat.codes, dtype=np.int64)
                uniques = arrow_strings(pd.Series(series.cat.categories))
            else:
                encoded = pc.dictionary_encode(arrow_strings(series))
                codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                codes, uniques = codes.astype(np.int64), encoded.dictionary
            self._encoded[position] = (codes, uniques)
        return self._encoded[position]

    def text(self, position: int) -> pa.Array:
        """The whole column as stripped text, null where blank."""
        if position not in self._text:
            if position in self._encoded or self.kind(position) == "category":
                codes, uniques = self.encoded(position)
                self._text[position] = strip_text(uniques).take(_indices(codes))
            else:
                self._text[position] = strip_text(arrow_strings(self.series(position)))
        return self._text[position]

    def filled(self, position: int) -> np.ndarray:
        """Where the column's cells hold more than whitespace."""
        if position not in self._filled:
            if position in self._text:
                filled = self._text[position].is_valid().to_numpy(zero_copy_only=False)
            elif position in self._encode or self.kind(position) == "category":
                codes, uniques = self.encoded(position)
                kept = strip_text(uniques).is_valid().to_numpy(zero_copy_only=False)
                filled = np.append(kept, False)[codes]
            else:
                filled = filled_cells(self.series(position))
            self._filled[position] = np.asarray(filled, dtype=bool)
        return self._filled[position]

    def prime(self, position: int) -> None:
        """Strip or encode the column now, as it will be needed."""
        kind = self.kind(position)
        if position in self._encode or kind == "category":
            self.encoded(position)
        elif position in self._wanted and kind == "text":  # typed cells are read as they are
            self.text(position)
        self.filled(position)

    def blank(self) -> np.ndarray:
        """Rows with no cell holding anything but whitespace."""
        filled = np.zeros(self.rows, dtype=bool)
        for position in range(self.width):  # by position: column labels may repeat
            filled |= self.filled(position)
        return ~filled

    def total_rows(self) -> np.ndarray:
        """Rows whose first filled cell reads Итого, Всего, Барлығы, Жиыны or Total."""
        result = np.zeros(self.rows, dtype=bool)
        remaining = np.arange(self.rows)  # rows whose first filled cell is further right
        for position in range(self.width):
            if not len(remaining):
                break
            filled = self.filled(position)[remaining]
            rows = remaining[filled]
            if len(rows) and self.kind(position) in ("text", "category"):
                if position in self._encoded:
                    codes, uniques = self.encoded(position)
                    words = np.append(_total_words(strip_text(uniques)), False)
                    result[rows] = words[codes[rows]]
                else:
                    result[rows] = _total_words(self.text(position))[rows]
            remaining = remaining[~filled]
        return result


def _indices(codes: np.ndarray) -> pa.Array:
    return pa.array(codes, mask=codes < 0)


_TOTAL_FIRST_LETTERS = sorted({word[0] for word in TOTAL_ROW_WORDS})
_TOTAL_LONGEST = max(len(word) for word in TOTAL_ROW_WORDS)


def _total_words(strings: pa.Array) -> np.ndarray:
    """Whether each stripped string, case-folded, less trailing colons, is a total word."""
    # Cheap Arrow filters first (a total word is short, or ends in a colon, and starts with
    # one of a few letters); the exact Python rule then runs on the distinct candidates only.
    short = pc.or_kleene(
        pc.less_equal(pc.utf8_length(strings), _TOTAL_LONGEST), pc.ends_with(strings, ":")
    )
    first = pc.utf8_lower(pc.utf8_slice_codeunits(strings, 0, 1))
    candidate = pc.and_kleene(short, pc.is_in(first, pa.array(_TOTAL_FIRST_LETTERS)))
    where = np.flatnonzero(pc.fill_null(candidate, False).to_numpy(zero_copy_only=False))
    result = np.zeros(len(strings), dtype=bool)
    if len(where):
        encoded = pc.dictionary_encode(strings.take(pa.array(where)))
        words = np.array(
            [
                v is not None and v.casefold().rstrip(":").strip() in TOTAL_ROW_WORDS
                for v in encoded.dictionary.to_pylist()
            ],
            dtype=bool,
        )
        result[where] = words[encoded.indices.to_numpy(zero_copy_only=False)]
    return result


def total_rows(cells: pd.DataFrame) -> pd.Series:
    """Rows whose first filled cell reads Итого, Всего, Барлығы, Жиыны or Total."""
    return pd.Series(_Cells(cells).total_rows(), index=cells.index)


def check_table(source: SourceTable, config: Config) -> CheckedTable:
    """Map headers, type every value and collect problems for one source."""
    match = match_headers(source.headers, source.dataset, config)
    n = len(source.cells)
    index = pd.RangeIndex(n)
    cells = source.cells.set_axis(index, axis=0)
    kinds = {spec.name: spec.kind for spec in COLUMNS[source.dataset]}
    encode = frozenset(
        position
        for name, position in match.mapping.items()
        if kinds.get(name) in ("status", "category") and position < cells.shape[1]
    )
    wanted = frozenset(p for p in match.mapping.values() if p < cells.shape[1]) - encode
    table = _Cells(cells, encode, wanted | {0})  # column 0: where total rows say so
    problems = ProblemCollector(str(source.file), source.sheet, source.row_numbers.set_axis(index))
    # Each column is stripped or encoded once, before anything reads it, and the date
    # columns' text is parsed: Arrow and NumPy let go of the GIL, so on a large table
    # the columns are worked on two at a time.
    date_positions = [
        position
        for spec in COLUMNS[source.dataset]
        if spec.kind == "date"
        and (position := match.mapping.get(spec.name)) is not None
        and position < cells.shape[1]
    ]
    id_position = match.mapping.get("query_id")
    if source.dataset != "queries" or id_position is None or id_position >= cells.shape[1]:
        id_position = None
    parsed_dates, query_ids = _prepare(table, date_positions, config.timezone, id_position)
    blank_rows = table.blank()
    total = table.total_rows() & ~blank_rows
    live_rows = ~(blank_rows | total)
    blank = pd.Series(blank_rows, index=index)
    live = pd.Series(live_rows, index=index)

    mapping = {name: source.headers[pos] for name, pos in match.mapping.items()}
    columns: dict[str, pd.Series] = {}

    def position_of(name: str) -> int | None:
        position = match.mapping.get(name)
        return None if position is None or position >= cells.shape[1] else position

    for spec in COLUMNS[source.dataset]:
        position = position_of(spec.name)
        header = mapping.get(spec.name, spec.name)
        if spec.kind == "date":
            columns[spec.name] = _dates(
                table,
                position,
                index,
                header,
                spec.required,
                live,
                config,
                problems,
                parsed_dates.get(position) if position is not None else None,
            )
        elif spec.kind == "count":
            columns[spec.name] = _counts(
                table, position, index, header, spec.required, live, problems
            )
        elif spec.kind == "status":
            columns[spec.name] = _statuses(table, position, index, header, live, config, problems)
        elif spec.kind == "category":
            columns[spec.name] = _categories(
                table, position, index, spec.name, header, live, config, problems
            )
        elif position is None:
            columns[spec.name] = _missing_text(index)
        else:
            text = pd.arrays.ArrowStringArray(table.text(position))
            columns[spec.name] = pd.Series(text, index=index, dtype=pd.StringDtype("pyarrow"))

    # copy=False: the columns stay their own blocks (pandas would otherwise copy the four
    # date columns into one, 32 MB at a million rows); copy-on-write keeps them safe.
    frame = pd.DataFrame(columns, index=index, copy=False)
    if source.dataset == "queries":
        _query_rules(frame, mapping, live & ~problems.rejected_mask, problems)

    frame["_file"] = pd.Categorical.from_codes(
        np.zeros(n, dtype=np.int8), categories=pd.Index([str(source.file)], dtype=object)
    )
    frame["_sheet"] = pd.Categorical.from_codes(
        np.zeros(n, dtype=np.int8), categories=pd.Index([source.sheet or ""], dtype=object)
    )
    frame["_row"] = source.row_numbers.to_numpy()
    return CheckedTable(
        source, frame, mapping, match.ignored, blank, pd.Series(total), problems, query_ids
    )


ParsedDates = tuple[np.ndarray, np.ndarray, bool]


def _prepare(
    table: _Cells, date_positions: list[int], timezone: str, id_position: int | None
) -> tuple[dict[int, ParsedDates], pa.DictionaryArray | None]:
    """Prime every column, parse the text date columns and encode the ids.

    On a large table the work goes two columns at a time (Arrow and NumPy let go of
    the GIL); the ids are encoded while the dates are still being parsed, so finding
    repeated ids later costs no more than a pass over integer codes.
    """

    def parse(position: int) -> ParsedDates:
        return parse_date_text(table.text(position), timezone)

    def encode_ids() -> pa.DictionaryArray | None:
        if id_position is None:
            return None
        return pc.dictionary_encode(table.text(id_position))

    text_dates = [p for p in dict.fromkeys(date_positions) if table.kind(p) != "datetime"]
    if table.rows < PARALLEL_ROWS:
        for position in range(table.width):
            table.prime(position)
        return {position: parse(position) for position in text_dates}, encode_ids()
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Dates first: they are the longest work, and their text is primed on the way.
        futures = {position: pool.submit(parse, position) for position in text_dates}
        list(pool.map(table.prime, [p for p in range(table.width) if p not in futures]))
        ids = pool.submit(encode_ids)  # its text was primed just above
        parsed = {position: future.result() for position, future in futures.items()}
        query_ids = ids.result()
    for position in text_dates:
        table.prime(position)  # their filled mask, from the text made above
    return parsed, query_ids


def _missing_text(index: pd.Index) -> pd.Series:
    """A text column with nothing in it (built in Arrow: pandas fills one cell at a time)."""
    empty = pd.arrays.ArrowStringArray(pa.nulls(len(index), pa.large_string()))
    return pd.Series(empty, index=index, dtype=pd.StringDtype("pyarrow"))


def _raw(table: _Cells, position: int) -> pd.Series:
    """The cells as read, for messages and rejected.csv."""
    series = table.series(position)
    return series.reset_index(drop=True)


def _dates(
    table: _Cells,
    position: int | None,
    index: pd.Index,
    header: str,
    required: bool,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
    from_text: ParsedDates | None = None,
) -> pd.Series:
    if position is None:
        return pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    if table.kind(position) == "datetime":
        values = _naive_local(table.series(position), config.timezone).to_numpy()
        invalid_cells = np.zeros(len(index), dtype=bool)
    else:
        values, invalid_cells, _ = from_text or parse_date_text(
            table.text(position), config.timezone
        )
    raw = _raw(table, position)
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
    return parsed


def _naive_local(values: pd.Series, timezone: str) -> pd.Series:
    """Typed date-times as naive local time in nanoseconds (zoned ones converted)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(timezone).dt.tz_localize(None)
    low, high = pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31")
    values = values.where((values >= low) & (values <= high)) if len(values) else values
    return values.astype("datetime64[ns]").reset_index(drop=True)


def _counts(
    table: _Cells,
    position: int | None,
    index: pd.Index,
    header: str,
    required: bool,
    live: pd.Series,
    problems: ProblemCollector,
) -> pd.Series:
    if position is None:
        return pd.Series(pd.NA, index=index, dtype="Int64")
    if table.kind(position) == "number":
        numbers = pd.to_numeric(table.series(position), errors="coerce").astype("float64")
        values_array = numbers.to_numpy(dtype="float64", na_value=np.nan)
        invalid_cells = np.zeros(len(index), dtype=bool)
    else:
        values_array, invalid_cells = parse_number_text(table.text(position))
    raw = _raw(table, position)
    values = pd.Series(values_array, index=index)
    invalid = pd.Series(invalid_cells, index=index) & live
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
    table: _Cells,
    position: int | None,
    index: pd.Index,
    header: str,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
) -> pd.Series:
    categories = pd.Index(STATUS_CATEGORIES, dtype=object)
    if position is None:
        return _categorical(pd.Categorical.from_codes(np.full(len(index), -1), categories), index)
    # Fold and look up each distinct spelling once; the rows follow by their codes.
    codes, uniques = table.encoded(position)
    lookup = status_lookup(config)
    other = STATUS_CATEGORIES.index(OTHER_STATUS)
    unique_codes = []
    unknown_uniques = []
    for value in strip_text(uniques).to_pylist():
        if value is None:
            unique_codes.append(-1)
            unknown_uniques.append(False)
            continue
        cls = lookup.get(fold_key(value))
        unique_codes.append(other if cls is None else STATUS_CATEGORIES.index(cls))
        unknown_uniques.append(cls is None)
    row_codes = np.append(np.array(unique_codes, dtype=np.int64), -1)[codes]
    unknown = pd.Series(np.append(np.array(unknown_uniques, dtype=bool), False)[codes], index=index)
    unknown &= live
    # An unknown spelling is "other" only in rows that count (blank and total rows never do).
    row_codes[(row_codes == other) & ~unknown.to_numpy()] = -1
    problems.add(
        unknown,
        "unknown_status",
        "warning",
        header,
        _raw(table, position),
        f"'{{value}}' in {header} is not a known status: the query counts as received but "
        "not as answered; add the spelling under [statuses] in the config",
    )
    return _categorical(pd.Categorical.from_codes(row_codes, categories), index)


def _categories(
    table: _Cells,
    position: int | None,
    index: pd.Index,
    name: str,
    header: str,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
) -> pd.Series:
    if position is None:
        return _categorical(None, index)
    # The distinct raw values (a dictionary's are distinct) are tidied, not the rows.
    codes, uniques = table.encoded(position)
    labels = label_categories(
        pd.Series(pd.Categorical.from_codes(codes, categories=_unique_index(uniques)))
    )
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
    series = _categorical(labels, index)
    problems.add(
        series.isna() & live,
        "blank_category",
        "warning",
        header,
        None,
        f"{header} is empty; the row is counted under '{NOT_STATED}'",
    )
    return series


def _unique_index(uniques: pa.Array) -> pd.Index:
    return pd.Index(uniques.to_pylist(), dtype=object)


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
    # not an answer before receipt. (NumPy days: NaT compares false, as in pandas.)
    answered = answered_at.to_numpy(dtype="datetime64[ns]")
    received = received_at.to_numpy(dtype="datetime64[ns]")
    answered_day = answered.astype("datetime64[D]")
    bare_date = answered == answered_day.astype("datetime64[ns]")
    before = (answered_day < received.astype("datetime64[D]")) | (
        ~bare_date & (answered < received)
    )
    early = pd.Series(~np.isnat(answered) & before, index=frame.index) & usable
    # Only the rows flagged are written out as text for the messages.
    shown = _missing_text(frame.index)
    if early.any():
        shown[early] = answered_at[early].dt.strftime("%Y-%m-%d %H:%M").astype("string")
    problems.add(
        early,
        "answered_before_received",
        "warning",
        mapping.get("answered_at", "answered_at"),
        shown,
        "the answer date {value} is before the date received; the query is kept but left out "
        "of response times: check both dates",
    )
    frame["response_ok"] = answered_at.notna() & frame["received_at"].notna() & ~early
