"""Dates as city offices type them, read for a million rows at a time.

The xlsx reader renders real date cells as ``2021-01-05 10:00:00``; CSV cells are strings.
Each date family (ISO, dotted, slashed, named months, Excel serials) is recognised by an
anchored pattern and rewritten as ISO text, read by Arrow's strict ISO cast or, when it
balks, by pandas' ISO-8601 parser; the rest is *invalid*, kept apart from *missing* (an
empty cell). The two commonest layouts take a faster path
(:mod:`~engagement_report.validation.date_layouts`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from engagement_report.moments import DAY_NS
from engagement_report.validation.date_layouts import NAT, fixed_layout
from engagement_report.validation.text import (
    SPACES,
    matches,
    odd_spaces,
    split_matching,
    subset,
)

# Excel's 1900 date system counts days from 1899-12-30 (it believes 1900 was a leap year).
_EXCEL_EPOCH = np.datetime64("1899-12-30", "ms")
# Serials outside 1954..2119 are far likelier a count typed into the date column.
_EXCEL_LOW, _EXCEL_HIGH = 20_000.0, 80_000.0
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


def _to_ns(values: np.ndarray) -> np.ndarray:
    """Narrow pandas' datetimes to nanoseconds, with NaT for what nanoseconds cannot hold."""
    if values.dtype == np.dtype("datetime64[ns]"):
        return values
    # Compare in the values' own unit: casting an out-of-range value first would overflow.
    low = np.datetime64("1678-01-01").astype(values.dtype)
    high = np.datetime64("2261-12-31").astype(values.dtype)
    return np.where((values >= low) & (values <= high), values, NAT).astype("datetime64[ns]")


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
    out, fixed = fixed_layout(strings)
    rest = np.flatnonzero(~fixed)
    if len(rest):
        series = pd.Series(pd.arrays.ArrowStringArray(strings.take(pa.array(rest))))
        parsed = pd.to_datetime(series, format="ISO8601", errors="coerce")
        out[rest] = _to_ns(parsed.to_numpy())
    return out


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
    return np.where((hour >= 1) & (hour <= 12), shifted, NAT)


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
        first_big = matches(strings, "^(?:1[3-9]|[2-9][0-9])/").any()
        second_big = matches(strings, "^[0-9]{1,2}/(?:1[3-9]|[2-9][0-9])/").any()
        month_first = bool(second_big and not first_big)
        if month_first:
            reading = MDY
        elif not first_big and not marker.all():
            # Nothing tells the order, and a value such as 01/02 reads two ways.
            plain = subset(strings, ~marker)
            if matches(plain, "^(?:0?1|0?2|0?3|0?4|0?5|0?6|0?7|0?8|0?9|1[0-2])/[0-9]").any():
                reading = AMBIGUOUS
    if marker.any():  # drop the marker (and the space before it) for the ISO parser
        timed = pc.utf8_rtrim_whitespace(pc.utf8_slice_codeunits(subset(strings, marker), 0, -2))
        strings = pc.replace_with_mask(strings, pa.array(marker), timed)
    us_style = (marker & (order is None)) | month_first
    out = np.full(len(strings), NAT)
    for read_month_first, style in ((True, us_style), (False, ~us_style)):
        if style.any():
            out[style] = _iso(_dmy_to_iso(subset(strings, style), "/", read_month_first))
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
    return np.where(ok, moments, NAT)


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


def parse_date_text(
    text: pa.Array, timezone: str = "Asia/Almaty", order: str | None = None
) -> tuple[np.ndarray, np.ndarray, str]:
    """Read a column of date cells (stripped Arrow text, see :func:`~engagement_report.validation.text.strip_text`) in any of
    the forms offices use.

    Accepted: ISO dates and date-times, optionally with fractional seconds and
    ``Z``/``UTC``/``+06:00`` (converted to ``timezone``, then naive); day-first dotted
    ``05.01.2021`` and ``05.01.21`` with optional ``hh:mm[:ss]``; slashed ``05/01/2021``
    (day-first unless the column only makes sense month-first; a value with AM/PM is
    always US-style month-first); ``2021.01.05``; Excel serial day numbers in
    20000..80000; Russian or Kazakh month names (``5 января 2021 г.``). Blank cells are
    missing; any other text is invalid, as are impossible dates like ``31.02.2021``.
    ``order`` (``DMY`` or ``MDY``, the config's ``[dates] order``) decides how every
    slashed value is read, AM/PM ones too.

    Returns the values (``datetime64[ns]``, NaT where missing or invalid), the invalid
    mask and how slashed values were read: ``DMY``, ``MDY``, ``ambiguous`` (day-first,
    though nothing said which) or ``""`` (there were none).
    """
    # Nearly every value has one of two fixed layouts, read from its digits at once; the
    # families below see only the rest (none of theirs but ISO and dotted takes these).
    out, fixed = fixed_layout(text)
    present = text.is_valid().to_numpy(zero_copy_only=False)
    if fixed.all() or not (present & ~fixed).any():
        return out, present & np.isnat(out), ""
    # The rest (a few typed-in dates, usually) is taken out of the column once, and the
    # slower steps below run on it alone, never over the million rows again.
    where = np.flatnonzero(present & ~fixed)
    rest = text.take(pa.array(where))
    odd = odd_spaces(rest)
    if odd.any():  # rare: fold tabs, line breaks and runs of spaces into one space
        folded = pc.replace_substring_regex(subset(rest, odd), SPACES, " ")
        rest = pc.replace_with_mask(rest, pa.array(odd), folded)

    # A column is nearly always one form: try the first value's family first, so the
    # bulk of the column is not pushed through the patterns of the other families.
    families = list(_FAMILIES)
    first = rest.slice(0, 1)
    families.sort(key=lambda family: not matches(first, family[0])[0])

    reading = ""
    todo = np.arange(len(rest))  # positions within ``rest``
    for pattern, parse in families:
        if not len(todo):
            break
        positions, strings, todo = split_matching(rest, todo, pattern)
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
    # At midnight: a whole number of days since 1970, found in integer nanoseconds (far
    # cheaper than a cast to days; NaT, the smallest int64, is set aside by ``known``).
    ns = values.astype("datetime64[ns]", copy=False).view(np.int64)
    midnight = known & (ns // DAY_NS * DAY_NS == ns)
    timed = known & ~midnight
    if not timed.any():
        return timed
    if text is not None and midnight.any():
        where = np.flatnonzero(midnight)
        written = text.take(pa.array(where))
        clock = matches(written, "[0-9]:[0-9]{2}")
        timed[where] = clock & ~matches(written, "^[0-9]{4}-[0-9]{2}-[0-9]{2} 00:00:00$")
    return timed
