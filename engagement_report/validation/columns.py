"""Checking one column of each kind: dates, counts, statuses, categories, and the rules
that read two columns of a query together (a blank status, an answer before receipt).

Each check takes the table's :class:`~engagement_report.validation.cells.Cells`, returns
the typed column and hands its findings to the source's problem collector as masks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from engagement_report.config import Config
from engagement_report.schema import (
    STATUS_CLASSES,
    STATUS_SPELLINGS,
    drop_invisible,
    header_key,
)
from engagement_report.validation.cells import Cells
from engagement_report.validation.dates import AMBIGUOUS, parse_date_text, with_time
from engagement_report.validation.labels import label_categories
from engagement_report.validation.lookalike import lookalikes
from engagement_report.validation.numbers import parse_number_text
from engagement_report.validation.problems import ProblemCollector
from engagement_report.validation.text import strip_text

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


def categorical(values: pd.Categorical | None, index: pd.Index) -> pd.Series:
    """``values`` as a Series on ``index``; an empty categorical when there are none."""
    if values is None:
        values = pd.Categorical.from_codes(
            np.full(len(index), -1), categories=pd.Index([], dtype=object)
        )
    return pd.Series(values, index=index)


ParsedDates = tuple[np.ndarray, np.ndarray, str]


@dataclass(frozen=True)
class DateColumn:
    """A date column read: its values, which carry a time of day, how slashed values were
    read (``DMY``, ``MDY``, ``ambiguous`` or ``""``)."""

    values: pd.Series
    timed: np.ndarray
    reading: str = ""


def missing_text(index: pd.Index) -> pd.Series:
    """A text column with nothing in it (built in Arrow: pandas fills one cell at a time)."""
    empty = pd.arrays.ArrowStringArray(pa.nulls(len(index), pa.large_string()))
    return pd.Series(empty, index=index, dtype=pd.StringDtype("pyarrow"))


def raw_cells(table: Cells, position: int) -> pd.Series:
    """The cells as read, for messages and rejected.csv."""
    series = table.series(position)
    return series.reset_index(drop=True)


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
        text = table.text(position)
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
    values = values.where((values >= low) & (values <= high)) if len(values) else values
    return values.astype("datetime64[ns]").reset_index(drop=True)


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
    codes, uniques = table.encoded(position)
    labels = label_categories(
        pd.Series(pd.Categorical.from_codes(codes, categories=unique_index(uniques)))
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


def unique_index(uniques: pa.Array) -> pd.Index:
    """Arrow text values as an object Index (categories as pandas keeps them)."""
    return pd.Index(uniques.to_pylist(), dtype=object)


def query_rules(
    frame: pd.DataFrame,
    mapping: dict[str, str],
    usable: pd.Series,
    problems: ProblemCollector,
    timed: dict[str, np.ndarray],
    timezone: str,
) -> None:
    """The rules that read two columns of a query: a blank status with an answer date is
    answered; the response time (``response_days``, see :func:`response_days`); an answer
    dated before receipt is reported and left out of response times.

    ``timed``: which values of each date column carry a time of day."""
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
    days = response_days(
        frame["received_at"].to_numpy(dtype="datetime64[ns]"),
        answered_at.to_numpy(dtype="datetime64[ns]"),
        timed["received_at"] & timed["answered_at"],
        timezone,
    )
    early = pd.Series(days < 0, index=frame.index) & usable
    # Only the rows flagged are written out as text for the messages.
    shown = missing_text(frame.index)
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
    frame["response_days"] = pd.Series(days, index=frame.index).where(frame["response_ok"])
    frame["answered_timed"] = timed["answered_at"]
    frame["deadline_timed"] = timed["deadline"]


def response_days(
    received: np.ndarray, answered: np.ndarray, both_timed: np.ndarray, timezone: str
) -> np.ndarray:
    """Each query's response time in days (NaN without both dates; negative: answered
    before receipt).

    Where both dates carry a time, the time elapsed between the two moments, in fractional
    days: the local clock times are placed in ``timezone`` and subtracted in UTC, so an
    answer across a clock change is not an hour off. Where either is a bare date, the
    number of calendar days between the two dates (answered the same day: 0).
    """
    out = np.full(len(received), np.nan)
    both = ~np.isnat(received) & ~np.isnat(answered)
    dated = both & ~both_timed
    out[dated] = (
        answered[dated].astype("datetime64[D]") - received[dated].astype("datetime64[D]")
    ).astype(np.int64)
    moments = both & both_timed
    if moments.any():
        start, end = (_utc(values[moments], timezone) for values in (received, answered))
        # As Timedelta.total_seconds() / 86400 computes it, to the last bit.
        out[moments] = ((end - start).astype(np.int64) / 1_000_000_000) / 86400.0
    return out


def _utc(local: np.ndarray, timezone: str) -> np.ndarray:
    """Naive local clock times as UTC instants (``datetime64[ns]``).

    An hour the clocks repeat in autumn is read as its second (standard-time) pass; a time
    the clocks skip in spring is moved forward past the gap."""
    stamps = pd.DatetimeIndex(local).tz_localize(
        timezone, ambiguous=np.zeros(len(local), dtype=bool), nonexistent="shift_forward"
    )
    return np.asarray(stamps.tz_convert("UTC").tz_localize(None).asi8).view("datetime64[ns]")
