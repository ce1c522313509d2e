"""The fast path for the two commonest date layouts: digits at fixed positions.

``yyyy-mm-dd`` and ``dd.mm.yyyy`` (with or without a time) are read straight from their
bytes with NumPy, checked for a real calendar day; anything else is left to
:func:`~engagement_report.validation.dates.parse_date_text`'s general path.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NAT = np.datetime64("NaT", "ns")
_DIGITS_ISO = (0, 1, 2, 3, 5, 6, 8, 9)  # yyyy-mm-dd
_DIGITS_DOTTED = (0, 1, 3, 4, 6, 7, 8, 9)  # dd.mm.yyyy
# Indexed by the two digits of a month, 00..99: the last day of each month (29 for
# February, whose 29th is then checked against the year) and its first day's place in a
# year counted from March, as H. Hinnant's days_from_civil has it. No month: day 0.
_LAST_DAY = np.zeros(100, dtype=np.int32)
_LAST_DAY[1:13] = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MARCH_DAYS = np.zeros(100, dtype=np.int32)
_MARCH_DAYS[1:13] = [(153 * ((month + 9) % 12) + 2) // 5 for month in range(1, 13)]
# _to_ns keeps what nanoseconds can hold, 1678-01-01 .. 2261-12-31 (midnight), in seconds:
_LOW_S = int(np.datetime64("1678-01-01", "s").astype(np.int64))
_HIGH_S = int(np.datetime64("2261-12-31", "s").astype(np.int64))


def fixed_layout(strings: pa.Array) -> tuple[np.ndarray, np.ndarray]:
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
    values = np.full(n, NAT)
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
    # One row per character position: each step below reads whole positions, which are
    # then contiguous in memory (a string's row is as long as the string, 10 to 19 bytes).
    matrix = np.ascontiguousarray(data[offsets[0] : offsets[-1]].reshape(len(strings), length).T)

    def digits(*columns: int) -> np.ndarray:
        ok = np.ones(matrix.shape[1], dtype=bool)
        for column in columns:
            ok &= (matrix[column] - np.uint8(48)) <= 9  # below "0" wraps around: not <= 9
        return ok

    def char(column: int, allowed: str) -> np.ndarray:
        ok = matrix[column] == ord(allowed[0])
        for other in allowed[1:]:
            ok |= matrix[column] == ord(other)
        return ok

    def number(start: int, width: int) -> np.ndarray:
        result = matrix[start].astype(np.int32)
        result -= 48
        for column in range(start + 1, start + width):
            result *= 10
            result += matrix[column]
            result -= 48
        return result

    def field(iso_at: int, dotted_at: int, width: int) -> np.ndarray:
        if iso.all():
            return number(iso_at, width)
        if not iso.any():
            return number(dotted_at, width)
        return np.where(iso, number(iso_at, width), number(dotted_at, width))

    time_ok = np.ones(matrix.shape[1], dtype=bool)
    if length >= 16:
        time_ok = char(10, " T") & char(13, ":") & digits(11, 12, 14, 15)
    if length == 19:
        time_ok &= char(16, ":") & digits(17, 18)
    iso = char(4, "-") & char(7, "-")
    if iso.any():  # not in a dotted column, whose digits are then read once, not twice
        iso &= digits(*_DIGITS_ISO) & time_ok
    if iso.all():  # the usual column of one layout: no need to look for the other
        stamps = _cast_iso(strings)
        if stamps is not None:
            return iso, stamps
        good = iso
    else:
        good = iso | (char(2, ".") & char(5, ".") & digits(*_DIGITS_DOTTED) & time_ok)
    if not good.any():
        return good, np.array([], dtype="datetime64[ns]")
    if good.all():
        pick = slice(None)
    else:
        matrix = matrix[:, good]
        pick = good
    iso = iso[pick]
    zeros = np.zeros(matrix.shape[1], dtype=np.int32)
    year, month, day = field(0, 6, 4), field(5, 3, 2), field(8, 0, 2)
    hour = number(11, 2) if length >= 16 else zeros
    minute = number(14, 2) if length >= 16 else zeros
    second = number(17, 2) if length == 19 else zeros
    return good, _from_parts(year, month, day, hour, minute, second)


def _cast_iso(strings: pa.Array) -> np.ndarray | None:
    """Strings all of one ISO layout (checked above) read by Arrow's cast in one go; None
    when one of them is no real date or time (31 February, 24:00), as Arrow then refuses
    the whole batch and the digits are read instead. Arrow refuses what nanoseconds
    cannot hold too; what they can but :func:`_from_parts` does not keep is NaT here as
    there."""
    try:
        stamps = pc.cast(strings, pa.timestamp("ns")).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        return None
    ns = stamps.view(np.int64)
    outside = (ns < _LOW_S * 1_000_000_000) | (ns > _HIGH_S * 1_000_000_000)
    if outside.any():
        stamps = np.where(outside, NAT, stamps)
    return stamps


def _from_parts(
    year: np.ndarray,
    month: np.ndarray,
    day: np.ndarray,
    hour: np.ndarray,
    minute: np.ndarray,
    second: np.ndarray,
) -> np.ndarray:
    """Date-times from their parts; NaT where a part is out of range (day 31 of February).

    The parts are small integers read from two or four digits (int32: a million dates
    need a few MB per step)."""
    ok = (day >= 1) & (day <= _LAST_DAY[month]) & (hour < 24) & (minute < 60) & (second < 60)
    # 29 February is a day only in a leap year: the few rows that hold it are checked.
    feb29 = np.flatnonzero(ok & (month == 2) & (day == 29))
    if len(feb29):
        leap_year = year[feb29]
        ok[feb29] = (leap_year % 4 == 0) & ((leap_year % 100 != 0) | (leap_year % 400 == 0))
    # Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    y -= era * 400  # the year of the era
    days = _MARCH_DAYS[month] + day - 1  # the day of the year
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
    stamps[~ok] = NAT
    return stamps
