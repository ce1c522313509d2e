"""Tests for the vectorised cell parsers: validation.text, dates, numbers and labels."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from values import clean_text, is_blank, normalize_labels, parse_dates, parse_numbers

from engagement_report.validation.dates import two_digit_pivot


def one_date(text: str, timezone: str = "Asia/Almaty") -> pd.Timestamp:
    """Parse a single cell and insist it was read."""
    parsed = parse_dates(pd.Series([text]), timezone)
    assert not parsed.invalid.iloc[0], text
    return parsed.values.iloc[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO, as the xlsx reader renders real date cells and as systems export them
        ("2021-01-05", "2021-01-05 00:00"),
        ("2021-01-05 10:00", "2021-01-05 10:00"),
        ("2021-01-05 10:00:00", "2021-01-05 10:00"),
        ("2021-01-05T10:00:00", "2021-01-05 10:00"),
        ("2021-01-05T10:00:00.250", "2021-01-05 10:00:00.250"),
        ("2021-01-05 10:00:00.123456", "2021-01-05 10:00:00.123456"),
        ("2021-1-5 9:05", "2021-01-05 09:05"),
        # day-first dotted
        ("05.01.2021", "2021-01-05"),
        ("05.01.2021 10:00", "2021-01-05 10:00"),
        ("05.01.2021 10:00:00", "2021-01-05 10:00"),
        ("5.1.2021 9:05", "2021-01-05 09:05"),
        ("05.01.21", "2021-01-05"),
        ("05.01.21 10:00", "2021-01-05 10:00"),
        ("05.01.75", "1975-01-05"),  # the POSIX %y pivot: 69..99 are 19xx
        # slashed, alone in its column: day-first
        ("05/01/2021", "2021-01-05"),
        ("1/5/2021", "2021-05-01"),
        ("05/01/2021 10:00", "2021-01-05 10:00"),
        ("05/01/2021 10:00:30", "2021-01-05 10:00:30"),
        ("05/01/21", "2021-01-05"),
        # a 12-hour clock means US style: month-first
        ("06/26/2018 10:58:54 AM", "2018-06-26 10:58:54"),
        ("06/05/2018 10:58:54 PM", "2018-06-05 22:58:54"),
        ("06/05/2018 12:00:00 AM", "2018-06-05 00:00:00"),
        ("06/05/2018 12:30:00 PM", "2018-06-05 12:30:00"),
        ("6/5/2018 1:05 pm", "2018-06-05 13:05"),
        # other forms offices use
        ("2021.01.05", "2021-01-05"),
        ("2021/01/05 10:00", "2021-01-05 10:00"),
        ("5 января 2021", "2021-01-05"),
        ("5 Января 2021 г.", "2021-01-05"),
        ("15 мая 2021, 10:30", "2021-05-15 10:30"),
        ("1 сент. 2021", "2021-09-01"),
        ("5 қаңтар 2021", "2021-01-05"),
        # Excel serials in the 1900 date system
        ("44200", "2021-01-04"),
        ("44200.5", "2021-01-04 12:00"),
        ("44200.41666666667", "2021-01-04 10:00"),
        # surrounding and doubled whitespace
        ("  05.01.2021  10:00\t", "2021-01-05 10:00"),
        ("\u00a02021-01-05\u00a0", "2021-01-05"),
    ],
)
def test_each_accepted_form(text: str, expected: str) -> None:
    assert one_date(text) == pd.Timestamp(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-10-06 00:05:55 UTC", "2019-10-06 06:05:55"),  # SF 311 BigQuery style
        ("2019-10-06 00:05:55UTC", "2019-10-06 06:05:55"),
        ("2021-01-05T10:00:00Z", "2021-01-05 16:00:00"),
        ("2021-01-05T10:00:00.5Z", "2021-01-05 16:00:00.5"),
        ("2021-01-05T10:00:00+06:00", "2021-01-05 10:00:00"),
        ("2021-01-05 10:00+0300", "2021-01-05 13:00:00"),
        ("2021-01-05T10:00:00-05:00", "2021-01-05 21:00:00"),
        # Almaty moved from +06:00 to +05:00 on 2024-03-01; the tz database knows
        ("2024-02-29T12:00:00Z", "2024-02-29 18:00:00"),
        ("2024-03-02T12:00:00Z", "2024-03-02 17:00:00"),
    ],
)
def test_zoned_values_become_local_naive_time(text: str, expected: str) -> None:
    parsed = parse_dates(pd.Series([text]))
    assert parsed.values.dt.tz is None
    assert parsed.values.iloc[0] == pd.Timestamp(expected)


def test_zoned_values_follow_the_timezone_argument() -> None:
    assert one_date("2021-01-05T10:00:00Z", "Europe/Moscow") == pd.Timestamp("2021-01-05 13:00")
    assert one_date("2021-01-05T10:00:00Z", "UTC") == pd.Timestamp("2021-01-05 10:00")


def test_column_of_month_first_slashed_values_is_read_month_first() -> None:
    parsed = parse_dates(pd.Series(["01/13/2021", "02/03/2021 10:00", "12/01/2021"]))
    assert parsed.month_first
    assert parsed.values.tolist() == [
        pd.Timestamp("2021-01-13"),
        pd.Timestamp("2021-02-03 10:00"),
        pd.Timestamp("2021-12-01"),
    ]
    assert not parsed.invalid.any()


def test_mixed_slashed_column_stays_day_first() -> None:
    # 13/02 proves day-first, so 01/13 cannot be a date and 02/03 is the 2nd of March
    parsed = parse_dates(pd.Series(["13/02/2021", "01/13/2021", "02/03/2021"]))
    assert not parsed.month_first
    assert parsed.values.tolist() == [
        pd.Timestamp("2021-02-13"),
        pd.NaT,
        pd.Timestamp("2021-03-02"),
    ]
    assert parsed.invalid.tolist() == [False, True, False]


def test_ambiguous_slashed_column_is_day_first() -> None:
    parsed = parse_dates(pd.Series(["05/01/2021", "06/02/2021"]))
    assert not parsed.month_first
    assert parsed.values.tolist() == [pd.Timestamp("2021-01-05"), pd.Timestamp("2021-02-06")]


def test_month_first_rule_ignores_other_forms() -> None:
    parsed = parse_dates(pd.Series(["13.02.2021", "01/13/2021"]))
    assert parsed.month_first
    assert parsed.values.tolist() == [pd.Timestamp("2021-02-13"), pd.Timestamp("2021-01-13")]


def test_am_pm_values_are_month_first_even_in_a_day_first_column() -> None:
    parsed = parse_dates(pd.Series(["05/01/2021", "05/01/2021 10:00 AM"]))
    assert not parsed.month_first
    assert parsed.values.tolist() == [pd.Timestamp("2021-01-05"), pd.Timestamp("2021-05-01 10:00")]


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2021",
        "29.02.2021",
        "2021-02-30",
        "02/30/2021 10:00 AM",
        "abc",
        "12",  # a count typed into the date column, not an Excel serial
        "19999",
        "80001",
        "-44200",
        "05.01.2021 25:00",
        "05.01.2021 10:61",
        "06/05/2018 13:00 PM",  # no 13 o'clock on a 12-hour clock
        "06/05/2018 00:30 AM",
        "2021-01-05 10:00 +06:00 UTC",
        "05.01.202",
        "5 foo 2021",
        "32 января 2021",
        "2021",
        "20210105",
        "0021-01-05",  # beyond what datetime64[ns] holds
        "05.01.2021 10:00 extra",
    ],
)
def test_invalid_text(text: str) -> None:
    parsed = parse_dates(pd.Series([text]))
    assert parsed.invalid.iloc[0]
    assert pd.isna(parsed.values.iloc[0])


def test_missing_is_not_invalid() -> None:
    cells = pd.Series(["", "   ", None, np.nan, "\t\n", "abc", "05.01.2021"], dtype=object)
    parsed = parse_dates(cells)
    assert parsed.values.isna().tolist() == [True] * 6 + [False]
    assert parsed.invalid.tolist() == [False] * 5 + [True, False]


def test_date_results_keep_index_name_and_dtype() -> None:
    cells = pd.Series(["05.01.2021", "x", None], index=[10, 10, 3], name="created")
    parsed = parse_dates(cells)
    assert parsed.values.dtype == np.dtype("datetime64[ns]")
    assert parsed.invalid.dtype == np.dtype(bool)
    for series in (parsed.values, parsed.invalid):
        assert series.index.tolist() == [10, 10, 3]
        assert series.name == "created"
    assert parsed.invalid.tolist() == [False, True, False]


def test_empty_and_all_missing_columns() -> None:
    for cells in (pd.Series([], dtype=object), pd.Series([None, ""], dtype=object)):
        parsed = parse_dates(cells)
        assert parsed.values.isna().all()
        assert not parsed.invalid.any()
        assert not parsed.month_first


def test_mixed_forms_in_one_column() -> None:
    cells = pd.Series(["2021-01-05 10:00:00", "05.01.2021", "44200", "5 января 2021", "bad"])
    parsed = parse_dates(cells)
    assert parsed.values.tolist()[:4] == [
        pd.Timestamp("2021-01-05 10:00"),
        pd.Timestamp("2021-01-05"),
        pd.Timestamp("2021-01-04"),
        pd.Timestamp("2021-01-05"),
    ]
    assert parsed.invalid.tolist() == [False, False, False, False, True]


# --- property test: what we format, we read back ---------------------------------------

GENITIVE = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
EXCEL_EPOCH = datetime(1899, 12, 30)
Formatter = Callable[[datetime], str]


def _serial(moment: datetime) -> str:
    return repr((moment - EXCEL_EPOCH) / timedelta(days=1))


# (formatter, the precision it keeps as a pandas frequency, how the text's time relates)
FORMATS: dict[str, tuple[Formatter, str]] = {
    "iso date": (lambda d: f"{d:%Y-%m-%d}", "D"),
    "iso minutes": (lambda d: f"{d:%Y-%m-%d %H:%M}", "min"),
    "iso seconds": (lambda d: f"{d:%Y-%m-%d %H:%M:%S}", "s"),
    "iso T micro": (lambda d: f"{d:%Y-%m-%dT%H:%M:%S.%f}", "us"),
    "dotted": (lambda d: f"{d:%d.%m.%Y}", "D"),
    "dotted minutes": (lambda d: f"{d:%d.%m.%Y %H:%M}", "min"),
    "dotted seconds": (lambda d: f"{d:%d.%m.%Y %H:%M:%S}", "s"),
    "dotted short year": (lambda d: f"{d:%d.%m.%y}", "D"),
    "slashed": (lambda d: f"{d:%d/%m/%Y}", "D"),
    "slashed unpadded": (lambda d: f"{d.day}/{d.month}/{d.year} {d.hour}:{d:%M}", "min"),
    "slashed seconds": (lambda d: f"{d:%d/%m/%Y %H:%M:%S}", "s"),
    "us 12-hour": (lambda d: f"{d:%m/%d/%Y %I:%M:%S %p}", "s"),
    "ymd dotted": (lambda d: f"{d:%Y.%m.%d %H:%M}", "min"),
    "russian": (lambda d: f"{d.day} {GENITIVE.split()[d.month - 1]} {d.year}", "D"),
    "russian with time": (
        lambda d: f"{d.day} {GENITIVE.split()[d.month - 1]} {d.year} г., {d:%H:%M}",
        "min",
    ),
    "excel serial": (_serial, "ms"),
}

# 1970..(ten years from now) fits every format: a two-digit year is read as at most ten
# years ahead (two_digit_pivot), Excel serials start in 1954.
moments = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(two_digit_pivot(), 12, 31)
)
columns = st.lists(moments, min_size=1, max_size=20)


@pytest.mark.parametrize("form", sorted(FORMATS))
@settings(max_examples=30, deadline=None)
@given(column=columns)
def test_formatted_dates_read_back(form: str, column: list[datetime]) -> None:
    formatter, precision = FORMATS[form]
    if precision == "ms":  # Excel keeps milliseconds; avoid half-millisecond ties
        column = [
            moment.replace(microsecond=moment.microsecond // 1000 * 1000) for moment in column
        ]
    parsed = parse_dates(pd.Series([formatter(moment) for moment in column]))
    expected = pd.Series(pd.to_datetime(column)).dt.floor(precision)
    assert not parsed.invalid.any()
    assert parsed.values.tolist() == expected.tolist()


@settings(max_examples=30, deadline=None)
@given(column=columns)
def test_month_first_columns_read_back(column: list[datetime]) -> None:
    # the anchor 12/31 forces month-first; every value must then read back exactly
    texts = ["12/31/2020", *(f"{moment:%m/%d/%Y %H:%M}" for moment in column)]
    parsed = parse_dates(pd.Series(texts))
    assert parsed.month_first
    expected = [pd.Timestamp("2020-12-31"), *pd.Series(pd.to_datetime(column)).dt.floor("min")]
    assert parsed.values.tolist() == expected


ZONES = [("Z", 0), (" UTC", 0), ("+06:00", 360), ("-03:30", -210), ("+0500", 300)]


@settings(max_examples=30, deadline=None)
@given(column=columns, zone=st.sampled_from(ZONES))
def test_zoned_dates_read_back(column: list[datetime], zone: tuple[str, int]) -> None:
    suffix, minutes_east = zone
    parsed = parse_dates(pd.Series([f"{moment:%Y-%m-%dT%H:%M:%S}{suffix}" for moment in column]))
    utc = pd.Series(pd.to_datetime(column)).dt.floor("s") - pd.Timedelta(minutes=minutes_east)
    expected = utc.dt.tz_localize("UTC").dt.tz_convert("Asia/Almaty").dt.tz_localize(None)
    assert not parsed.invalid.any()
    assert parsed.values.tolist() == expected.tolist()


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", 1234.0),
        ("1 234", 1234.0),
        ("1\u00a0234", 1234.0),
        ("1\u202f234", 1234.0),
        ("1 234 567", 1234567.0),
        ("12,5", 12.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234.5", 1234.5),
        ("1,234.5", 1234.5),
        ("1,234,567", 1234567.0),
        ("1.234,5", 1234.5),
        ("1,234", 1.234),  # a lone comma is decimal in Russian and Kazakh
        ("-3", -3.0),
        ("\u22123", -3.0),
        ("+3", 3.0),
        ("3.0", 3.0),
        ("0,5", 0.5),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("  42  ", 42.0),
    ],
)
def test_numbers(text: str, expected: float) -> None:
    parsed = parse_numbers(pd.Series([text]))
    assert not parsed.invalid.iloc[0]
    assert parsed.values.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    "text", ["abc", "12 5", "1 23", "1,2,3", "1.2.3", "3 шт", "nan", "inf", "--3", "1e400"]
)
def test_invalid_numbers(text: str) -> None:
    parsed = parse_numbers(pd.Series([text]))
    assert parsed.invalid.iloc[0]
    assert math.isnan(parsed.values.iloc[0])


def test_missing_numbers_are_not_invalid() -> None:
    cells = pd.Series(["", " ", None, "7", "x"], index=list("abcde"), name="count")
    parsed = parse_numbers(cells)
    assert parsed.values.dtype == np.dtype("float64")
    assert parsed.values.isna().tolist() == [True, True, True, False, True]
    assert parsed.invalid.tolist() == [False, False, False, False, True]
    assert parsed.values.index.tolist() == list("abcde")
    assert parsed.invalid.name == "count"


# --- labels and text -------------------------------------------------------------------


def test_labels_merge_case_to_most_frequent_spelling() -> None:
    cells = pd.Series(["Жалоба", "жалоба", "ЖАЛОБА", "Жалоба", " жалоба ", "жалоба"])
    # "жалоба" is written three times once trimmed, "Жалоба" twice
    assert normalize_labels(cells).tolist() == ["жалоба"] * 6


def test_label_ties_go_to_the_first_in_sorted_order() -> None:
    assert normalize_labels(pd.Series(["roads", "Roads"])).tolist() == ["Roads", "Roads"]


def test_labels_tidy_numbers_whitespace_and_blanks() -> None:
    cells = pd.Series(["7.0", "7", "3.5", "10.00", "a  b\u00a0 c", "  ", None, ""], name="topic")
    labels = normalize_labels(cells)
    assert labels.dtype == pd.StringDtype("pyarrow")
    assert labels.name == "topic"
    assert labels.tolist()[:5] == ["7", "7", "3.5", "10", "a b c"]
    assert labels.isna().tolist() == [False] * 5 + [True] * 3


def test_labels_from_a_numeric_column() -> None:
    labels = normalize_labels(pd.Series([7.0, 3.5, np.nan], index=[5, 5, 1]))
    assert labels.tolist()[:2] == ["7", "3.5"]
    assert pd.isna(labels.iloc[2])
    assert labels.index.tolist() == [5, 5, 1]


def test_clean_text() -> None:
    cleaned = clean_text(pd.Series(["  a b ", "", " \u00a0", None, "x"], index=[3, 2, 1, 0, 9]))
    assert cleaned.tolist()[0] == "a b"
    assert cleaned.isna().tolist() == [False, True, True, True, False]
    assert cleaned.index.tolist() == [3, 2, 1, 0, 9]


def test_is_blank() -> None:
    frame = pd.DataFrame(
        {"a": ["", " ", "x", None, np.nan], "b": [None, "\u00a0\t", "", "0", np.nan]},
        index=[4, 3, 2, 1, 0],
    )
    blank = is_blank(frame)
    assert blank.tolist() == [True, True, False, False, True]
    assert blank.index.tolist() == [4, 3, 2, 1, 0]


def test_is_blank_with_repeated_column_labels_and_no_columns() -> None:
    frame = pd.DataFrame([["", "x"], [" ", None]], columns=["a", "a"])
    assert is_blank(frame).tolist() == [False, True]
    assert is_blank(pd.DataFrame(index=range(2))).tolist() == [True, True]
