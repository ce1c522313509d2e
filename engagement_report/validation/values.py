"""Vectorised parsers for the cell values of the spreadsheets city offices export.

Every cell reaches us as text (or missing): the xlsx reader renders real date cells as
``2021-01-05 10:00:00`` and numbers as ``44200``; CSV cells are read as strings. People
type dates and numbers in many local ways, so each parser recognises a closed set of forms
and reports the rest as *invalid*, which is kept apart from *missing* (an empty cell).

The parsers must keep up with a million-row export, so nothing loops over rows in Python:
cells are classified by anchored regular expressions run by Arrow's RE2 kernels (called
directly, so pandas never falls back to Python's ``re`` row by row; ``[0-9]``, not ``\\d``,
so no non-ASCII digit passes), each date family is rewritten as ISO text, and that is read
by Arrow's strict ISO cast or, when it balks, by pandas' ISO-8601 parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_NAT = np.datetime64("NaT", "ns")
# Excel's 1900 date system counts days from 1899-12-30 (it believes 1900 was a leap year).
_EXCEL_EPOCH = np.datetime64("1899-12-30", "ms")
# Serials outside 1954..2119 are far likelier a count typed into the date column.
_EXCEL_LOW, _EXCEL_HIGH = 20_000.0, 80_000.0

# Whitespace besides the ASCII space, spelled out: RE2's ``\s`` misses the Unicode ones.
_OTHER_SPACES = "\t\n\r\v\f\u00a0\u2007\u2009\u202f"
_ODD_SPACE = "[" + _OTHER_SPACES + "]|  "  # what needs folding into single spaces
_SPACES = "[ " + _OTHER_SPACES + "]+"
_CLOCK = r"[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?"
_TIME = "(?:" + _CLOCK + ")?"
_DM = "[0-9]{1,2}"
_YEAR = "(?:[0-9]{2}){1,2}"  # four digits, or two (the POSIX %y pivot applies)
_ISO_DATE = "[0-9]{4}-" + _DM + "-" + _DM
_ISO_NAIVE = "^" + _ISO_DATE + _TIME + "$"
_ISO_ZONED = "^" + _ISO_DATE + _CLOCK + "(?:Z| ?UTC|[+-][0-9]{2}(?::?[0-9]{2})?)$"
_YMD_HEAD = "^([0-9]{4})[./](" + _DM + ")[./]"
_YMD_OTHER = _YMD_HEAD + _DM + _TIME + "$"  # 2021.01.05, 2021/01/05
_DOTTED = "^" + _DM + r"\." + _DM + r"\." + _YEAR + _TIME + "$"
_SLASHED = "^" + _DM + "/" + _DM + "/" + _YEAR + "(?:" + _CLOCK + "(?: ?[AaPp][Mm])?)?$"
_SERIAL = r"^[0-9]+(?:\.[0-9]+)?$"
_LETTERS = "[а-яёәғқңөұүһі]"
_NAMED_MONTH = (
    "(?i)^(?P<d>[0-9]{1,2}) (?P<mon>" + _LETTERS + r"+)\.? (?P<y>[0-9]{4})(?: ?г\.?)?"
    r"(?:,? (?P<t>[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?))?$"
)
# Per month: Russian genitive, nominative and abbreviated names, then the Kazakh name.
_MONTH_NAMES = (
    "января январь янв қаңтар|февраля февраль фев ақпан|марта март мар наурыз|"
    "апреля апрель апр сәуір|мая май мамыр|июня июнь июн маусым|июля июль июл шілде|"
    "августа август авг тамыз|сентября сентябрь сен сент қыркүйек|октября октябрь окт қазан|"
    "ноября ноябрь ноя нояб қараша|декабря декабрь дек желтоқсан"
)
_MONTHS = {name: n for n, names in enumerate(_MONTH_NAMES.split("|"), 1) for name in names.split()}


@dataclass(frozen=True)
class ParsedDates:
    """Result of :func:`parse_dates`; both series share the index of the input cells."""

    values: pd.Series  # datetime64[ns], naive local time; NaT where missing or invalid
    invalid: pd.Series  # bool: the cell had text that could not be read as a date
    month_first: bool  # the column rule read slashed values month-first (AM/PM ones always are)


@dataclass(frozen=True)
class ParsedNumbers:
    """Result of :func:`parse_numbers`; both series share the index of the input cells."""

    values: pd.Series  # float64; NaN where missing or invalid
    invalid: pd.Series  # bool: the cell had text that is not a number


def _stripped(cells: pd.Series) -> pa.Array:
    """The cells as one Arrow string array, stripped, with null for every blank cell."""
    arrow = pa.array(cells.astype(pd.StringDtype("pyarrow")).array)
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks()
    # utf8_trim_whitespace also trims the non-breaking spaces spreadsheets are full of.
    stripped = pc.utf8_trim_whitespace(arrow)
    empty = pc.equal(stripped, "")
    return pc.if_else(empty, None, stripped) if pc.any(empty).as_py() else stripped


def clean_text(cells: pd.Series) -> pd.Series:
    """Strip each cell; empty or whitespace-only cells become ``<NA>`` (dtype ``string``)."""
    text = pd.arrays.ArrowStringArray(_stripped(cells))
    return pd.Series(text, index=cells.index, name=cells.name)


def is_blank(frame: pd.DataFrame) -> pd.Series:
    """True for each row of ``frame`` with no cell holding anything but whitespace."""
    filled = np.zeros(len(frame), dtype=bool)
    for position in range(frame.shape[1]):  # by position: column labels may repeat
        filled |= _stripped(frame.iloc[:, position]).is_valid().to_numpy(zero_copy_only=False)
    return pd.Series(~filled, index=frame.index)


def _matches(strings: pa.Array, pattern: str) -> np.ndarray:
    """Whether each string matches ``pattern`` (RE2 syntax); False for nulls."""
    hit = pc.fill_null(pc.match_substring_regex(strings, pattern), False)
    return np.asarray(hit.to_numpy(zero_copy_only=False))


def _split(
    text: pa.Array, todo: np.ndarray, pattern: str
) -> tuple[np.ndarray, pa.Array, np.ndarray]:
    """Positions among ``todo`` whose text matches ``pattern``, their text, and the rest."""
    sub = text if len(todo) == len(text) else text.take(pa.array(todo))
    hit = _matches(sub, pattern)
    return todo[hit], _subset(sub, hit), todo[~hit]


def _subset(strings: pa.Array, keep: np.ndarray) -> pa.Array:
    """The strings where ``keep`` is set, without a copy when that is all of them."""
    return strings if keep.all() else strings.filter(pa.array(keep))


def _to_ns(values: np.ndarray) -> np.ndarray:
    """Narrow pandas' datetimes to nanoseconds, with NaT for what nanoseconds cannot hold."""
    if values.dtype == np.dtype("datetime64[ns]"):
        return values
    # Compare in the values' own unit: casting an out-of-range value first would overflow.
    low = np.datetime64("1678-01-01").astype(values.dtype)
    high = np.datetime64("2261-12-31").astype(values.dtype)
    return np.where((values >= low) & (values <= high), values, _NAT).astype("datetime64[ns]")


def _iso(strings: pa.Array, timezone: str | None = None) -> np.ndarray:
    """Parse ISO-8601 text; with ``timezone``, the text carries a zone and is converted."""
    zoned = timezone is not None
    try:  # Arrow's strict cast is several times faster, but refuses the whole batch when
        # one value is unpadded or impossible; pandas then reads it value by value.
        stamps = pc.cast(strings, pa.timestamp("ns", "UTC" if zoned else None))
        parsed = pd.Series(stamps.to_numpy(zero_copy_only=False))
        parsed = parsed.dt.tz_localize("UTC") if zoned else parsed
    except pa.ArrowInvalid:
        series = pd.Series(pd.arrays.ArrowStringArray(strings))
        parsed = pd.to_datetime(series, format="ISO8601", errors="coerce", utc=zoned)
    if zoned:
        parsed = parsed.dt.tz_convert(timezone).dt.tz_localize(None)
    return _to_ns(parsed.to_numpy())


def _dmy_to_iso(strings: pa.Array, sep: str, month_first: bool) -> pa.Array:
    """Rewrite ``d<sep>m<sep>y`` (or ``m<sep>d<sep>y``) dates as ISO, leaving the time as is.

    The family's pattern has already checked the text, so these rewrites need not; they
    touch only the date, as every extra capture group slows RE2's rewrite noticeably.
    """
    head = "^([0-9]{1,2})" + sep + "([0-9]{1,2})" + sep
    day, month = (r"\2", r"\1") if month_first else (r"\1", r"\2")
    out = pc.replace_substring_regex(strings, head + "([0-9]{4})", rf"\3-{month}-{day}")
    short = pc.match_substring_regex(out, "^[0-9]{1,2}" + sep)  # two-digit years are left
    if pc.any(short).as_py():
        two = out.filter(short)
        for digits, century in (("[0-6]", "20"), ("[7-9]", "19")):  # as strptime's %y does
            two = pc.replace_substring_regex(
                two, head + f"({digits}[0-9])", rf"{century}\3-{month}-{day}"
            )
        out = pc.replace_with_mask(out, short, two)
    return out


def _twelve_hour(values: np.ndarray, pm: np.ndarray) -> np.ndarray:
    """Turn times read from a 12-hour clock (hours 1..12) into 24-hour ones."""
    hour = np.full(len(values), -1)
    known = ~np.isnat(values)
    hour[known] = (values[known] - values[known].astype("datetime64[D]")) // np.timedelta64(1, "h")
    shift = np.where(pm & (hour < 12), 12, 0) - np.where(~pm & (hour == 12), 12, 0)
    shifted = values + shift.astype("timedelta64[h]")
    return np.where((hour >= 1) & (hour <= 12), shifted, _NAT)


def _slashed(strings: pa.Array) -> tuple[np.ndarray, bool]:
    """Read slashed dates, day-first unless the column only makes sense month-first."""
    # The pattern lets letters end a slashed value only as an AM/PM marker, and a 12-hour
    # clock means a US-style date. Slicing is much cheaper than another regex pass.
    tail = pc.ascii_upper(pc.utf8_slice_codeunits(strings, -2))
    pm = np.asarray(pc.equal(tail, "PM").to_numpy(zero_copy_only=False))
    marker = pm | np.asarray(pc.equal(tail, "AM").to_numpy(zero_copy_only=False))
    first_big = _matches(strings, "^(?:1[3-9]|[2-9][0-9])/").any()
    second_big = _matches(strings, "^[0-9]{1,2}/(?:1[3-9]|[2-9][0-9])/").any()
    month_first = bool(second_big and not first_big)
    if marker.any():  # drop the marker (and the space before it) for the ISO parser
        timed = pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(_subset(strings, marker), 0, -2))
        strings = pc.replace_with_mask(strings, pa.array(marker), timed)
    us_style = marker | month_first
    out = np.full(len(strings), _NAT)
    for read_month_first, style in ((True, us_style), (False, ~us_style)):
        if style.any():
            out[style] = _iso(_dmy_to_iso(_subset(strings, style), "/", read_month_first))
    if marker.any():
        out[marker] = _twelve_hour(out[marker], pm[marker])
    return out, month_first


def _named_month(strings: pa.Array) -> pa.Array:
    """Rewrite ``5 января 2021`` (optionally ``г.`` and a time) as ISO text."""
    parts = pc.extract_regex(strings, _NAMED_MONTH)
    names = pd.Series(pd.arrays.ArrowStringArray(pc.utf8_lower(pc.struct_field(parts, "mon"))))
    number = names.map(_MONTHS).fillna(0).to_numpy(dtype="int64")  # month 0 fails to parse
    kind = strings.type  # Arrow joins only strings of one type
    year, day, time = (pc.struct_field(parts, field) for field in ("y", "d", "t"))
    date = pc.binary_join_element_wise(
        year, pc.cast(pa.array(number), kind), day, pa.scalar("-", kind)
    )
    with_time = pc.binary_join_element_wise(date, time, pa.scalar(" ", kind))
    return pc.if_else(pc.equal(time, ""), date, with_time)


def _excel_serial(strings: pa.Array) -> np.ndarray:
    """Read Excel 1900-system serial day numbers, rounded to the millisecond Excel keeps."""
    days = np.asarray(pc.cast(strings, pa.float64()).to_numpy(zero_copy_only=False))
    ok = (days >= _EXCEL_LOW) & (days <= _EXCEL_HIGH)
    millis = np.rint(np.where(ok, days, 0.0) * 86_400_000).astype("int64")
    moments = (_EXCEL_EPOCH + millis.astype("timedelta64[ms]")).astype("datetime64[ns]")
    return np.where(ok, moments, _NAT)


# Each family of date forms: its pattern, and its parser taking the matching cells and the
# timezone, giving their values and whether it read them month-first.
_DateParser = Callable[[pa.Array, str], tuple[np.ndarray, bool]]
_FAMILIES: tuple[tuple[str, _DateParser], ...] = (
    (_ISO_NAIVE, lambda s, tz: (_iso(s), False)),
    (_ISO_ZONED, lambda s, tz: (_iso(pc.replace_substring_regex(s, " ?UTC$", "Z"), tz), False)),
    (_DOTTED, lambda s, tz: (_iso(_dmy_to_iso(s, r"\.", month_first=False)), False)),
    (_SLASHED, lambda s, tz: _slashed(s)),
    (_SERIAL, lambda s, tz: (_excel_serial(s), False)),
    (_YMD_OTHER, lambda s, tz: (_iso(pc.replace_substring_regex(s, _YMD_HEAD, r"\1-\2-")), False)),
    (_NAMED_MONTH, lambda s, tz: (_iso(_named_month(s)), False)),
)


def parse_dates(cells: pd.Series, timezone: str = "Asia/Almaty") -> ParsedDates:
    """Read a column of date cells in any of the forms offices use.

    Accepted (surrounding whitespace ignored): ISO dates and date-times, optionally with
    fractional seconds and ``Z``/``UTC``/``+06:00`` (converted to ``timezone``, then naive);
    day-first dotted ``05.01.2021`` and ``05.01.21`` with optional ``hh:mm[:ss]``; slashed
    ``05/01/2021`` (day-first unless the column only makes sense month-first; a value with
    AM/PM is always US-style month-first); ``2021.01.05``; Excel serial day numbers in
    20000..80000; Russian or Kazakh month names (``5 января 2021 г.``). Blank cells are
    missing; any other text is invalid, as are impossible dates like ``31.02.2021``.
    """
    text = _stripped(cells)
    odd = _matches(text, _ODD_SPACE)
    if odd.any():  # rare: fold tabs, line breaks and runs of spaces into one space
        folded = pc.replace_substring_regex(_subset(text, odd), _SPACES, " ")
        text = pc.replace_with_mask(text, pa.array(odd), folded)

    families = list(_FAMILIES)
    present = text.is_valid().to_numpy(zero_copy_only=False)
    todo = np.flatnonzero(present)
    if len(todo):
        # A column is nearly always one form: try the first value's family first, so the
        # bulk of the column is not pushed through the patterns of the other families.
        first = text.slice(todo[0], 1)
        families.sort(key=lambda family: not _matches(first, family[0])[0])

    out = np.full(len(text), _NAT)
    month_first = False
    for pattern, parse in families:
        if not len(todo):
            break
        positions, strings, todo = _split(text, todo, pattern)
        if len(positions):
            out[positions], family_month_first = parse(strings, timezone)
            month_first |= family_month_first
    index, name = cells.index, cells.name
    return ParsedDates(
        values=pd.Series(out, index=index, name=name),
        invalid=pd.Series(present & np.isnat(out), index=index, name=name),
        month_first=month_first,
    )


# Each rule: a pattern, the grouping characters to drop, and whether a comma is decimal.
_SIGN = "^[+-]?"
_NUMBER_RULES: tuple[tuple[str, str | None, bool], ...] = (
    (_SIGN + r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$", None, False),  # 1234, 3.5
    # 1 234 and 1 234,5 with any of the spaces Excel and Word put between digit groups
    (
        _SIGN + "[0-9]{1,3}(?:[ \u00a0\u2007\u2009\u202f][0-9]{3})+(?:[.,][0-9]+)?$",
        "[^0-9.,+-]",
        True,
    ),
    # 12,5: in Russian and Kazakh a single comma is the decimal one, so 1,234 is 1.234
    (_SIGN + "[0-9]*,[0-9]+$", None, True),
    (_SIGN + r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$", ",", False),  # 1,234,567 and 1,234.5
    (_SIGN + r"[0-9]{1,3}(?:(?:\.[0-9]{3})+,[0-9]+|(?:\.[0-9]{3}){2,})$", r"\.", True),  # 1.234,5
)


def parse_numbers(cells: pd.Series) -> ParsedNumbers:
    """Read numbers written with spaces, commas or dots as separators; see _NUMBER_RULES."""
    text = pc.replace_substring(_stripped(cells), "\u2212", "-")  # the typographic minus sign
    present = text.is_valid().to_numpy(zero_copy_only=False)
    values = np.full(len(text), np.nan)
    todo = np.flatnonzero(present)
    for pattern, grouping, comma_is_decimal in _NUMBER_RULES:
        if not len(todo):
            break
        positions, strings, todo = _split(text, todo, pattern)
        if grouping is not None:
            strings = pc.replace_substring_regex(strings, grouping, "")
        if comma_is_decimal:
            strings = pc.replace_substring(strings, ",", ".")
        values[positions] = pc.cast(strings, pa.float64()).to_numpy(zero_copy_only=False)
    values[np.isinf(values)] = np.nan  # 1e400 is no count or amount anyone typed
    invalid = present & np.isnan(values)
    index, name = cells.index, cells.name
    return ParsedNumbers(
        values=pd.Series(values, index=index, name=name),
        invalid=pd.Series(invalid, index=index, name=name),
    )


def normalize_labels(cells: pd.Series) -> pd.Series:
    """Tidy category labels so that spellings of one label count as one.

    Trims and collapses whitespace, shows integers typed as floats as integers (``7.0`` →
    ``7``), and merges labels differing only in letter case into the column's most frequent
    spelling (ties: the first in sorted order). Blank cells become ``<NA>``.
    """
    # Work on the distinct values only: a column has far fewer labels than rows.
    codes, uniques = pd.factorize(cells.astype(pd.StringDtype("pyarrow")))
    labels = pd.Series(uniques, dtype=pd.StringDtype("pyarrow"))
    labels = labels.str.replace(_SPACES, " ", regex=True).str.strip()
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
    result = pd.array(canonical, dtype=pd.StringDtype("pyarrow")).take(codes, allow_fill=True)
    return pd.Series(result, index=cells.index, name=cells.name)
