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
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from engagement_report.validation.lookalike import INVISIBLE

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
    ambiguous: bool = False  # slashed values read either way, read day-first for want of a rule


@dataclass(frozen=True)
class ParsedNumbers:
    """Result of :func:`parse_numbers`; both series share the index of the input cells."""

    values: pd.Series  # float64; NaN where missing or invalid
    invalid: pd.Series  # bool: the cell had text that is not a number


def arrow_strings(cells: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """The cells as one Arrow string array, as they are (typed cells written as text)."""
    if isinstance(cells, pd.Series):
        array = cells.array
        if isinstance(array, pd.arrays.ArrowStringArray) or (
            isinstance(array, pd.arrays.ArrowExtensionArray)
            and pa.types.is_string(array._pa_array.type)
        ):
            arrow: pa.Array | pa.ChunkedArray = array._pa_array  # no copy
        else:
            arrow = pa.array(cells.astype(pd.StringDtype("pyarrow")).array)
    else:
        arrow = cells
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks() if arrow.num_chunks != 1 else arrow.chunk(0)
    if pa.types.is_string_view(arrow.type):
        arrow = arrow.cast(pa.large_string())
    elif not (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
        arrow = pa.array(pd.Series(arrow.to_pandas()).astype(pd.StringDtype("pyarrow")).array)
        arrow = arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow
    return arrow


def strip_text(strings: pa.Array) -> pa.Array:
    """Strip each string (Unicode whitespace, non-breaking spaces too); null for blank ones."""
    stripped = pc.utf8_trim_whitespace(strings)
    empty = pc.equal(stripped, "")
    if pc.any(empty).as_py():
        return pc.if_else(empty, None, stripped)
    if _text_bytes(stripped) == _text_bytes(strings):
        return strings  # nothing was trimmed: keep the cells' own text, not a second copy
    return stripped


def _text_bytes(strings: pa.Array) -> int:
    """Bytes of text the strings hold (read from their offsets, not their buffers' size)."""
    if not len(strings):
        return 0
    kind = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    offsets = np.frombuffer(strings.buffers()[1], dtype=kind)
    return int(offsets[strings.offset + len(strings)] - offsets[strings.offset])


def text_array(cells: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """The cells as one Arrow string array, stripped, with null for every blank cell."""
    return strip_text(arrow_strings(cells))


_stripped = text_array


def clean_text(cells: pd.Series) -> pd.Series:
    """Strip each cell; empty or whitespace-only cells become ``<NA>`` (dtype ``string``)."""
    text = pd.arrays.ArrowStringArray(_stripped(cells))
    return pd.Series(text, index=cells.index, name=cells.name)


def filled_cells(cells: pd.Series) -> np.ndarray:
    """True where a cell holds more than whitespace (typed cells: where they are not missing)."""
    dtype = cells.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = filled_cells(pd.Series(dtype.categories))
        codes = np.asarray(cells.cat.codes)
        return (codes >= 0) & np.append(categories, False)[codes]
    if not _is_text(dtype):
        return np.asarray(cells.notna())
    strings = arrow_strings(cells)
    # A blank cell is missing, empty or only whitespace; no string is built to find out.
    blank = pc.or_kleene(pc.equal(pc.utf8_length(strings), 0), pc.utf8_is_space(strings))
    return ~np.asarray(pc.fill_null(blank, True).to_numpy(zero_copy_only=False))


def _is_text(dtype: object) -> bool:
    return (
        isinstance(dtype, pd.StringDtype)
        or pd.api.types.is_object_dtype(dtype)
        or str(dtype) in ("str", "string")
    )


def is_blank(frame: pd.DataFrame) -> pd.Series:
    """True for each row of ``frame`` with no cell holding anything but whitespace."""
    filled = np.zeros(len(frame), dtype=bool)
    for position in range(frame.shape[1]):  # by position: column labels may repeat
        filled |= filled_cells(frame.iloc[:, position])
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
        # one value is unpadded or impossible; the rest is then read apart (see below).
        stamps = pc.cast(strings, pa.timestamp("ns", "UTC" if zoned else None))
        parsed = pd.Series(stamps.to_numpy(zero_copy_only=False))
        parsed = parsed.dt.tz_localize("UTC") if zoned else parsed
    except pa.ArrowInvalid:
        if not zoned:
            return _iso_by_layout(strings)
        series = pd.Series(pd.arrays.ArrowStringArray(strings))
        parsed = pd.to_datetime(series, format="ISO8601", errors="coerce", utc=zoned)
    if zoned:
        parsed = parsed.dt.tz_convert(timezone).dt.tz_localize(None)
    return _to_ns(parsed.to_numpy())


def _iso_by_layout(strings: pa.Array) -> np.ndarray:
    """Naive ISO text that Arrow's cast refused as a batch: values of a fixed layout read
    from their digits (an impossible one is NaT), any other by pandas, one by one."""
    out, fixed = _fixed_layout(strings)
    rest = np.flatnonzero(~fixed)
    if len(rest):
        series = pd.Series(pd.arrays.ArrowStringArray(strings.take(pa.array(rest))))
        parsed = pd.to_datetime(series, format="ISO8601", errors="coerce")
        out[rest] = _to_ns(parsed.to_numpy())
    return out


_DIGITS_ISO = (0, 1, 2, 3, 5, 6, 8, 9)  # yyyy-mm-dd
_DIGITS_DOTTED = (0, 1, 3, 4, 6, 7, 8, 9)  # dd.mm.yyyy
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
# _to_ns keeps what nanoseconds can hold, 1678-01-01 .. 2261-12-31 (midnight), in seconds:
_LOW_S = int(np.datetime64("1678-01-01", "s").astype(np.int64))
_HIGH_S = int(np.datetime64("2261-12-31", "s").astype(np.int64))


def _fixed_layout(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Read the two layouts nearly every date column uses straight from their digits.

    ``yyyy-mm-dd`` (how the xlsx reader renders date cells, and ISO exports) and
    ``dd.mm.yyyy`` (Russian-locale Excel), each alone or followed by `` hh:mm`` or
    `` hh:mm:ss`` (or ``T``): the strings of one length are one byte matrix in Arrow's
    buffer, whose digits and separators are checked and read column by column. These are
    exactly the strings of those shapes that the ISO and dotted families accept, read to
    the same values (NaT for an impossible date or time, such as 31.02 or 24:00).
    Returns the values and which strings had one of the layouts; the rest are left.
    """
    n = len(strings)
    fixed = np.zeros(n, dtype=bool)
    values = np.full(n, _NAT)
    lengths = np.asarray(pc.fill_null(pc.binary_length(strings), 0).to_numpy(zero_copy_only=False))
    for length in (10, 16, 19):
        same = lengths == length
        if not same.any():
            continue
        where = np.flatnonzero(same)
        chosen = strings if len(where) == n else strings.take(pa.array(where))
        good, stamps = _read_layout(chosen, length)
        fixed[where[good]] = True
        values[where[good]] = stamps
    return values, fixed


def _read_layout(strings: pa.Array, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Which of these strings (all ``length`` bytes long) have a fixed layout, and the
    values of those that do."""
    kind = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    offsets = np.frombuffer(strings.buffers()[1], dtype=kind)[
        strings.offset : strings.offset + len(strings) + 1
    ]
    data = np.frombuffer(strings.buffers()[2], dtype=np.uint8)
    matrix = data[offsets[0] : offsets[-1]].reshape(len(strings), length)

    def digits(*columns: int) -> np.ndarray:
        ok = np.ones(len(matrix), dtype=bool)
        for column in columns:
            ok &= (matrix[:, column] - np.uint8(48)) <= 9  # below "0" wraps around: not <= 9
        return ok

    def char(column: int, allowed: str) -> np.ndarray:
        ok = matrix[:, column] == ord(allowed[0])
        for other in allowed[1:]:
            ok |= matrix[:, column] == ord(other)
        return ok

    def number(start: int, width: int) -> np.ndarray:
        result = matrix[:, start].astype(np.int32)
        result -= 48
        for column in range(start + 1, start + width):
            result *= 10
            result += matrix[:, column]
            result -= 48
        return result

    def field(iso_at: int, dotted_at: int, width: int) -> np.ndarray:
        if iso.all():
            return number(iso_at, width)
        if not iso.any():
            return number(dotted_at, width)
        return np.where(iso, number(iso_at, width), number(dotted_at, width))

    time_ok = np.ones(len(matrix), dtype=bool)
    if length >= 16:
        time_ok = char(10, " T") & char(13, ":") & digits(11, 12, 14, 15)
    if length == 19:
        time_ok &= char(16, ":") & digits(17, 18)
    iso = char(4, "-") & char(7, "-") & digits(*_DIGITS_ISO) & time_ok
    dotted = char(2, ".") & char(5, ".") & digits(*_DIGITS_DOTTED) & time_ok
    good = iso | dotted
    if not good.any():
        return good, np.array([], dtype="datetime64[ns]")
    if good.all():
        pick = slice(None)
    else:
        matrix = matrix[good]
        pick = good
    iso = iso[pick]
    zeros = np.zeros(len(matrix), dtype=np.int32)
    year, month, day = field(0, 6, 4), field(5, 3, 2), field(8, 0, 2)
    hour = number(11, 2) if length >= 16 else zeros
    minute = number(14, 2) if length >= 16 else zeros
    second = number(17, 2) if length == 19 else zeros
    return good, _from_parts(year, month, day, hour, minute, second)


def _from_parts(
    year: np.ndarray,
    month: np.ndarray,
    day: np.ndarray,
    hour: np.ndarray,
    minute: np.ndarray,
    second: np.ndarray,
) -> np.ndarray:
    """Date-times from their parts; NaT where a part is out of range (day 31 of February).

    The parts are small integers (int32: a million dates need a few MB per step)."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    last_day = _DAYS_IN_MONTH.astype(np.int32)[np.where(month_ok, month, 0)]
    last_day += leap & (month == 2)
    ok = month_ok & (day >= 1) & (day <= last_day) & (hour < 24) & (minute < 60) & (second < 60)
    del leap, month_ok, last_day
    # Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    y -= era * 400  # the year of the era
    days = (153 * ((month + 9) % 12) + 2) // 5 + day - 1  # the day of the year
    days += y * 365 + y // 4 - y // 100  # the day of the era
    days += era * 146_097 - 719_468
    del y, era
    seconds = days.astype(np.int64)
    seconds *= 86_400
    seconds += hour * 3600 + minute * 60 + second
    ok &= (seconds >= _LOW_S) & (seconds <= _HIGH_S)
    seconds[~ok] = 0
    seconds *= 1_000_000_000
    stamps = seconds.view("datetime64[ns]")
    stamps[~ok] = _NAT
    return stamps


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
        # The years up to the pivot are this century's, the rest the last one's; what is
        # rewritten first no longer matches ``head``, so the second pass sees the rest.
        for digits, century in ((_years_up_to(two_digit_pivot() % 100), "20"), ("[0-9]{2}", "19")):
            two = pc.replace_substring_regex(
                two, head + f"({digits})", rf"{century}\3-{month}-{day}"
            )
        out = pc.replace_with_mask(out, short, two)
    return out


# How far ahead of this year a two-digit year may point: a register holds the past and
# deadlines a little ahead, never the 2060s ("05.01.69" is 1969, then a warning).
TWO_DIGIT_YEARS_AHEAD = 10


def two_digit_pivot(today: date | None = None) -> int:
    """The last year a two-digit year can mean: ``today``'s year (default: now) plus
    :data:`TWO_DIGIT_YEARS_AHEAD`. In 2026, ``00``–``36`` are 2000–2036, ``37``–``99``
    are 1937–1999."""
    return min((today or date.today()).year + TWO_DIGIT_YEARS_AHEAD, 2099)


def _years_up_to(last: int) -> str:
    """A regex matching two-digit numbers ``00`` .. ``last``."""
    tens, units = divmod(last, 10)
    full = f"[0-{tens - 1}][0-9]|" if tens else ""
    return f"(?:{full}{tens}[0-{units}])"


def _twelve_hour(values: np.ndarray, pm: np.ndarray) -> np.ndarray:
    """Turn times read from a 12-hour clock (hours 1..12) into 24-hour ones."""
    hour = np.full(len(values), -1)
    known = ~np.isnat(values)
    hour[known] = (values[known] - values[known].astype("datetime64[D]")) // np.timedelta64(1, "h")
    shift = np.where(pm & (hour < 12), 12, 0) - np.where(~pm & (hour == 12), 12, 0)
    shifted = values + shift.astype("timedelta64[h]")
    return np.where((hour >= 1) & (hour <= 12), shifted, _NAT)


#: How slashed dates were read: day-first, month-first, or day-first although every value
#: could be read either way and no rule said which ("ambiguous").
DMY, MDY, AMBIGUOUS = "DMY", "MDY", "ambiguous"


def _slashed(strings: pa.Array, order: str | None = None) -> tuple[np.ndarray, str]:
    """Read slashed dates in the configured ``order`` (``DMY`` or ``MDY``); without one,
    day-first unless the column only makes sense month-first (AM/PM values are US-style)."""
    # The pattern lets letters end a slashed value only as an AM/PM marker, and a 12-hour
    # clock means a US-style date. Slicing is much cheaper than another regex pass.
    tail = pc.ascii_upper(pc.utf8_slice_codeunits(strings, -2))
    pm = np.asarray(pc.equal(tail, "PM").to_numpy(zero_copy_only=False))
    marker = pm | np.asarray(pc.equal(tail, "AM").to_numpy(zero_copy_only=False))
    reading = DMY
    if order is not None:
        month_first = order == MDY
        reading = order
    else:
        first_big = _matches(strings, "^(?:1[3-9]|[2-9][0-9])/").any()
        second_big = _matches(strings, "^[0-9]{1,2}/(?:1[3-9]|[2-9][0-9])/").any()
        month_first = bool(second_big and not first_big)
        if month_first:
            reading = MDY
        elif not first_big and not marker.all():
            # Nothing tells the order, and a value such as 01/02 reads two ways.
            plain = _subset(strings, ~marker)
            if _matches(plain, "^(?:0?1|0?2|0?3|0?4|0?5|0?6|0?7|0?8|0?9|1[0-2])/[0-9]").any():
                reading = AMBIGUOUS
    if marker.any():  # drop the marker (and the space before it) for the ISO parser
        timed = pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(_subset(strings, marker), 0, -2))
        strings = pc.replace_with_mask(strings, pa.array(marker), timed)
    us_style = (marker & (order is None)) | month_first
    out = np.full(len(strings), _NAT)
    for read_month_first, style in ((True, us_style), (False, ~us_style)):
        if style.any():
            out[style] = _iso(_dmy_to_iso(_subset(strings, style), "/", read_month_first))
    if marker.any():
        out[marker] = _twelve_hour(out[marker], pm[marker])
    return out, reading


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


# Each family of date forms: its pattern, and its parser taking the matching cells, the
# timezone and the configured order of slashed dates, giving their values and how slashed
# values were read ("" for the other families).
_DateParser = Callable[[pa.Array, str, str | None], tuple[np.ndarray, str]]
_FAMILIES: tuple[tuple[str, _DateParser], ...] = (
    (_ISO_NAIVE, lambda s, tz, o: (_iso(s), "")),
    (_ISO_ZONED, lambda s, tz, o: (_iso(pc.replace_substring_regex(s, " ?UTC$", "Z"), tz), "")),
    (_DOTTED, lambda s, tz, o: (_iso(_dmy_to_iso(s, r"\.", month_first=False)), "")),
    (_SLASHED, lambda s, tz, o: _slashed(s, o)),
    (_SERIAL, lambda s, tz, o: (_excel_serial(s), "")),
    (_YMD_OTHER, lambda s, tz, o: (_iso(pc.replace_substring_regex(s, _YMD_HEAD, r"\1-\2-")), "")),
    (_NAMED_MONTH, lambda s, tz, o: (_iso(_named_month(s)), "")),
)


def parse_dates(
    cells: pd.Series, timezone: str = "Asia/Almaty", order: str | None = None
) -> ParsedDates:
    """Read a column of date cells in any of the forms offices use.

    Accepted (surrounding whitespace ignored): ISO dates and date-times, optionally with
    fractional seconds and ``Z``/``UTC``/``+06:00`` (converted to ``timezone``, then naive);
    day-first dotted ``05.01.2021`` and ``05.01.21`` with optional ``hh:mm[:ss]``; slashed
    ``05/01/2021`` (day-first unless the column only makes sense month-first; a value with
    AM/PM is always US-style month-first); ``2021.01.05``; Excel serial day numbers in
    20000..80000; Russian or Kazakh month names (``5 января 2021 г.``). Blank cells are
    missing; any other text is invalid, as are impossible dates like ``31.02.2021``.
    ``order`` (``DMY`` or ``MDY``, the config's ``[dates] order``) decides how every
    slashed value is read, AM/PM ones too.
    """
    values, invalid, reading = parse_date_text(text_array(cells), timezone, order)
    index, name = cells.index, cells.name
    return ParsedDates(
        values=pd.Series(values, index=index, name=name),
        invalid=pd.Series(invalid, index=index, name=name),
        month_first=reading == MDY,
        ambiguous=reading == AMBIGUOUS,
    )


def _odd_spaces(text: pa.Array) -> np.ndarray:
    """Where a string holds whitespace other than single ASCII spaces."""
    # Two cheap kernels find the candidates (printable ASCII without a double space holds
    # no odd whitespace); the exact pattern then runs on those alone.
    plain = pc.and_kleene(pc.ascii_is_printable(text), pc.invert(pc.match_substring(text, "  ")))
    maybe = np.flatnonzero(~np.asarray(pc.fill_null(plain, True).to_numpy(zero_copy_only=False)))
    odd = np.zeros(len(text), dtype=bool)
    if len(maybe):
        odd[maybe] = _matches(text.take(pa.array(maybe)), _ODD_SPACE)
    return odd


def parse_date_text(
    text: pa.Array, timezone: str = "Asia/Almaty", order: str | None = None
) -> tuple[np.ndarray, np.ndarray, str]:
    """:func:`parse_dates` on stripped Arrow text (see :func:`text_array`).

    Returns the values (``datetime64[ns]``, NaT where missing or invalid), the invalid
    mask and how slashed values were read: ``DMY``, ``MDY``, ``ambiguous`` (day-first,
    though nothing said which) or ``""`` (there were none).
    """
    # Nearly every value has one of two fixed layouts, read from its digits at once; the
    # families below see only the rest (none of theirs but ISO and dotted takes these).
    out, fixed = _fixed_layout(text)
    present = text.is_valid().to_numpy(zero_copy_only=False)
    if fixed.all() or not (present & ~fixed).any():
        return out, present & np.isnat(out), ""
    # The rest (a few typed-in dates, usually) is taken out of the column once, and the
    # slower steps below run on it alone, never over the million rows again.
    where = np.flatnonzero(present & ~fixed)
    rest = text.take(pa.array(where))
    odd = _odd_spaces(rest)
    if odd.any():  # rare: fold tabs, line breaks and runs of spaces into one space
        folded = pc.replace_substring_regex(_subset(rest, odd), _SPACES, " ")
        rest = pc.replace_with_mask(rest, pa.array(odd), folded)

    # A column is nearly always one form: try the first value's family first, so the
    # bulk of the column is not pushed through the patterns of the other families.
    families = list(_FAMILIES)
    first = rest.slice(0, 1)
    families.sort(key=lambda family: not _matches(first, family[0])[0])

    reading = ""
    todo = np.arange(len(rest))  # positions within ``rest``
    for pattern, parse in families:
        if not len(todo):
            break
        positions, strings, todo = _split(rest, todo, pattern)
        if len(positions):
            out[where[positions]], family_reading = parse(strings, timezone, order)
            reading = family_reading or reading
    return out, present & np.isnat(out), reading


def with_time(text: pa.Array | None, values: np.ndarray) -> np.ndarray:
    """Which dates carry a time of day (``text``: the cells, None for typed date-times).

    A value off midnight has a time. One at midnight has a time only where a clock is
    written in its text (``05.01.2021 00:00``, LA's ``12:00:00 AM``), except the form an
    Excel date cell reads as (``2021-01-05 00:00:00``): a typed date-time or a date cell
    at midnight, like a bare ``05.01.2021``, is a date. A column whose every value is at
    midnight is a column of dates: none of its values has a time.
    """
    known = ~np.isnat(values)
    midnight = known & (values == values.astype("datetime64[D]"))
    timed = known & ~midnight
    if not timed.any():
        return timed
    if text is not None and midnight.any():
        where = np.flatnonzero(midnight)
        written = text.take(pa.array(where))
        clock = _matches(written, "[0-9]:[0-9]{2}")
        timed[where] = clock & ~_matches(written, "^[0-9]{4}-[0-9]{2}-[0-9]{2} 00:00:00$")
    return timed


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
    values, invalid = parse_number_text(text_array(cells))
    index, name = cells.index, cells.name
    return ParsedNumbers(
        values=pd.Series(values, index=index, name=name),
        invalid=pd.Series(invalid, index=index, name=name),
    )


def parse_number_text(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """:func:`parse_numbers` on stripped Arrow text: the values (NaN where missing or
    invalid) and the invalid mask."""
    text = pc.replace_substring(text, "\u2212", "-")  # the typographic minus sign
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
    return values, present & np.isnan(values)


def normalize_labels(cells: pd.Series) -> pd.Series:
    """Tidy category labels so that spellings of one label count as one.

    Trims and collapses whitespace, shows integers typed as floats as integers (``7.0`` →
    ``7``), and merges labels differing only in letter case into the column's most frequent
    spelling (ties: the first in sorted order). Blank cells become ``<NA>``.
    """
    labels = label_categories(cells)
    result = pd.array(labels.categories, dtype=pd.StringDtype("pyarrow")).take(
        labels.codes, allow_fill=True
    )
    return pd.Series(result, index=cells.index, name=cells.name)


def label_categories(cells: pd.Series | pa.Array | pa.ChunkedArray) -> pd.Categorical:
    """:func:`normalize_labels` as a categorical: each canonical label stored once.

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
    categories, unique_codes = _categories_of(canonical)
    # A sentinel -1 after the last value: code -1 (missing) stays missing.
    return pd.Categorical.from_codes(np.append(unique_codes, -1)[codes], categories=categories)


def _categories_of(labels: pd.Series) -> tuple[pd.Index, np.ndarray]:
    """Distinct non-missing labels, and each label's position among them (-1 if missing)."""
    codes, categories = pd.factorize(labels.astype(object).where(labels.notna(), None))
    return pd.Index(categories.astype(object), dtype=object), codes.astype(np.int64)
