from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engagement_report.periods import (
    Period,
    PeriodError,
    parse_period,
    period_for_span,
    today_in,
)

D = date


def labels(periods: list[Period]) -> list[str]:
    return [p.label for p in periods]


# --- parsing fixed forms -------------------------------------------------------------------


def test_year() -> None:
    assert parse_period("2021") == Period(D(2021, 1, 1), D(2021, 12, 31), "2021", "year")


@pytest.mark.parametrize("text", ["2021-Q1", "2021q1", "2021Q1", "2021-q1", "  2021-Q1\n"])
def test_quarter_spellings(text: str) -> None:
    assert parse_period(text) == Period(D(2021, 1, 1), D(2021, 3, 31), "2021-Q1", "quarter")


def test_quarters_end_on_the_right_day() -> None:
    assert parse_period("2021-Q2").end == D(2021, 6, 30)
    assert parse_period("2021-Q3").start == D(2021, 7, 1)
    assert parse_period("2021-Q4") == Period(D(2021, 10, 1), D(2021, 12, 31), "2021-Q4", "quarter")


def test_month() -> None:
    assert parse_period("2021-02") == Period(D(2021, 2, 1), D(2021, 2, 28), "2021-02", "month")
    assert parse_period("2020-02").end == D(2020, 2, 29)
    assert parse_period(" 2021-12 ").label == "2021-12"


def test_range() -> None:
    period = parse_period("2021-01-01..2021-02-28")
    assert period == Period(D(2021, 1, 1), D(2021, 2, 28), "2021-01-01..2021-02-28", "range")
    assert period.days == 59
    assert parse_period("2021-01-05 .. 2021-01-05").label == "2021-01-05..2021-01-05"


def test_a_range_that_is_a_whole_month_stays_a_range_when_written_as_one() -> None:
    assert parse_period("2021-01-01..2021-01-31").kind == "range"


@pytest.mark.parametrize(
    "text",
    [
        "2021-13",
        "2021-00",
        "2021-Q5",
        "2021-Q0",
        "2021-Q10",
        "0000",
        "21",
        "2021-1",
        "2021-02-30..2021-03-01",
        "2021-01-01..",
        "2021-01-01",
        "next-month",
        "garbage",
        "",
        "   ",
    ],
)
def test_invalid_text_lists_the_accepted_forms(text: str) -> None:
    with pytest.raises(PeriodError) as info:
        parse_period(text, today=D(2021, 3, 1))
    message = str(info.value)
    assert message.startswith(f"cannot read period {text.strip()!r}: expected YYYY, YYYY-Qn,")
    assert "YYYY-MM-DD..YYYY-MM-DD" in message
    assert "last-quarter" in message and "ytd" in message


def test_exact_message() -> None:
    with pytest.raises(PeriodError, match=r"^cannot read period '2021-13': expected ") as info:
        parse_period("2021-13")
    assert str(info.value) == (
        "cannot read period '2021-13': expected YYYY, YYYY-Qn, YYYY-MM, "
        "YYYY-MM-DD..YYYY-MM-DD, or one of last-month, last-quarter, last-year, "
        "this-month, this-quarter, this-year, ytd"
    )


def test_reversed_range() -> None:
    with pytest.raises(PeriodError, match="starts 2021-03-01 after it ends 2021-02-01"):
        parse_period("2021-03-01..2021-02-01")


def test_period_error_is_a_value_error() -> None:
    assert issubclass(PeriodError, ValueError)


# --- relative periods ----------------------------------------------------------------------


def test_relative_on_the_first_of_march() -> None:
    today = D(2021, 3, 1)
    assert parse_period("last-month", today=today).label == "2021-02"
    assert parse_period("this-month", today=today) == parse_period("2021-03")
    assert parse_period("this-quarter", today=today).label == "2021-Q1"
    assert parse_period("this-year", today=today).label == "2021"
    assert parse_period("last-year", today=today).label == "2020"


def test_relative_in_january_crosses_the_year() -> None:
    today = D(2021, 1, 15)
    assert parse_period("last-quarter", today=today) == parse_period("2020-Q4")
    assert parse_period("last-year", today=today) == parse_period("2020")
    assert parse_period("last-month", today=today).label == "2020-12"


@pytest.mark.parametrize("text", ["LAST-MONTH", " Last-Month ", "last_month", "last month"])
def test_keywords_are_forgiving(text: str) -> None:
    assert parse_period(text, today=D(2021, 3, 1)).label == "2021-02"


def test_this_month_is_the_whole_month_even_before_it_ends() -> None:
    period = parse_period("this-month", today=D(2021, 2, 10))
    assert (period.start, period.end, period.kind) == (D(2021, 2, 1), D(2021, 2, 28), "month")


def test_ytd() -> None:
    period = parse_period("ytd", today=D(2021, 3, 15))
    assert period == Period(D(2021, 1, 1), D(2021, 3, 15), "2021-01-01..2021-03-15", "range")
    assert parse_period("YTD", today=D(2021, 1, 1)).days == 1


def test_relative_without_today_uses_the_time_zone() -> None:
    period = parse_period("this-month", timezone="Asia/Almaty")
    assert period.start <= today_in("Asia/Almaty") <= period.end


def test_today_in() -> None:
    utc_today = datetime.now(UTC).date()
    for zone in ["Asia/Almaty", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"]:
        day = today_in(zone)
        assert type(day) is date
        assert abs((day - utc_today).days) <= 1


def test_today_in_unknown_zone() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        today_in("Mars/Olympus_Mons")


# --- previous and year_ago -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021", "2020"),
        ("2021-Q3", "2021-Q2"),
        ("2021-Q1", "2020-Q4"),
        ("2021-03", "2021-02"),
        ("2021-01", "2020-12"),
        ("2021-03-01..2021-03-10", "2021-02-19..2021-02-28"),
        ("2020-03-01..2020-03-01", "2020-02-29..2020-02-29"),
    ],
)
def test_previous(text: str, expected: str) -> None:
    period = parse_period(text)
    before = period.previous()
    assert before.label == expected
    assert before.kind == period.kind
    assert before == parse_period(expected)


def test_previous_range_has_the_same_length() -> None:
    period = parse_period("2021-01-01..2021-02-28")
    assert period.previous() == parse_period("2020-11-03..2020-12-31")
    assert period.previous().days == period.days == 59


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021", "2020"),
        ("2021-Q1", "2020-Q1"),
        ("2021-Q4", "2020-Q4"),
        ("2021-01", "2020-01"),
        ("2021-02", "2020-02"),
        ("2020-02", "2019-02"),
        ("2021-03-05..2021-04-10", "2020-03-05..2020-04-10"),
        ("2020-02-29..2020-03-31", "2019-02-28..2019-03-31"),
        ("2020-01-01..2020-02-29", "2019-01-01..2019-02-28"),
        ("2020-02-29..2020-02-29", "2019-02-28..2019-02-28"),
    ],
)
def test_year_ago(text: str, expected: str) -> None:
    period = parse_period(text)
    assert period.year_ago() == parse_period(expected)
    assert period.year_ago().kind == period.kind


def test_year_ago_of_leap_february_month_is_whole_february() -> None:
    assert parse_period("2020-02").year_ago().end == D(2019, 2, 28)
    assert parse_period("2021-02").year_ago().end == D(2020, 2, 29)


# --- split, months, trailing_months --------------------------------------------------------


def test_split_mid_month_range_by_month() -> None:
    period = parse_period("2021-01-15..2021-04-10")
    assert labels(period.split("month")) == [
        "2021-01-15..2021-01-31",
        "2021-02",
        "2021-03",
        "2021-04-01..2021-04-10",
    ]
    assert [p.kind for p in period.months()] == ["range", "month", "month", "range"]


def test_split_mid_month_range_by_quarter() -> None:
    period = parse_period("2020-11-15..2021-08-31")
    assert labels(period.split("quarter")) == [
        "2020-11-15..2020-12-31",
        "2021-Q1",
        "2021-Q2",
        "2021-07-01..2021-08-31",
    ]


def test_split_mid_month_range_by_year() -> None:
    period = parse_period("2019-06-15..2021-02-10")
    assert labels(period.split("year")) == [
        "2019-06-15..2019-12-31",
        "2020",
        "2021-01-01..2021-02-10",
    ]


def test_a_clipped_piece_that_is_a_whole_unit_gets_its_label() -> None:
    assert labels(parse_period("2020-12-01..2021-03-31").split("year")) == ["2020-12", "2021-Q1"]


def test_split_of_whole_periods() -> None:
    assert labels(parse_period("2021").split("quarter")) == [f"2021-Q{q}" for q in range(1, 5)]
    assert len(parse_period("2020").months()) == 12
    assert labels(parse_period("2021-Q2").months()) == ["2021-04", "2021-05", "2021-06"]
    assert parse_period("2021-05").split("year") == [parse_period("2021-05")]
    one_day = parse_period("2021-05-07..2021-05-07")
    assert one_day.split("month") == [one_day]


def test_split_by_something_else() -> None:
    with pytest.raises(ValueError, match="cannot split by 'week'"):
        parse_period("2021").split("week")  # type: ignore[arg-type]


def test_trailing_months() -> None:
    months = parse_period("2021-02").trailing_months(12)
    assert len(months) == 12
    assert months[0].label == "2020-03"
    assert months[-1].label == "2021-02"
    assert all(p.kind == "month" for p in months)
    assert labels(parse_period("2021-01-01..2021-02-10").trailing_months(3)) == [
        "2020-12",
        "2021-01",
        "2021-02",
    ]
    assert parse_period("2021").trailing_months() == parse_period("2021").months()
    assert labels(parse_period("2021-Q1").trailing_months(1)) == ["2021-03"]
    with pytest.raises(ValueError):
        parse_period("2021").trailing_months(0)


# --- the rest of the small API -------------------------------------------------------------


def test_days_and_bounds() -> None:
    q1 = parse_period("2020-Q1")
    assert q1.days == 91
    assert parse_period("2021").days == 365
    assert (q1.start, q1.end) == (D(2020, 1, 1), D(2020, 3, 31))


def test_periods_sort_by_start() -> None:
    unordered = [parse_period("2021-03"), parse_period("2020"), parse_period("2021-Q1")]
    assert labels(sorted(unordered)) == ["2020", "2021-Q1", "2021-03"]


def test_str_is_the_label() -> None:
    assert str(parse_period("2021q2")) == "2021-Q2"


def test_period_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        Period(D(2021, 2, 1), D(2021, 1, 1), "x", "range")


@pytest.mark.parametrize(
    ("first", "last", "label", "kind"),
    [
        (D(2021, 1, 1), D(2021, 12, 31), "2021", "year"),
        (D(2021, 4, 1), D(2021, 6, 30), "2021-Q2", "quarter"),
        (D(2020, 2, 1), D(2020, 2, 29), "2020-02", "month"),
        (D(2020, 2, 1), D(2020, 2, 28), "2020-02-01..2020-02-28", "range"),
        (D(2021, 1, 1), D(2021, 12, 30), "2021-01-01..2021-12-30", "range"),
        (D(2021, 2, 1), D(2021, 4, 30), "2021-02-01..2021-04-30", "range"),
        (D(2021, 5, 5), D(2021, 5, 5), "2021-05-05..2021-05-05", "range"),
    ],
)
def test_period_for_span(first: date, last: date, label: str, kind: str) -> None:
    period = period_for_span(first, last)
    assert (period.start, period.end, period.label, period.kind) == (first, last, label, kind)


def test_period_for_span_reversed() -> None:
    with pytest.raises(ValueError):
        period_for_span(D(2021, 2, 1), D(2021, 1, 1))


# --- properties ----------------------------------------------------------------------------

dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


@st.composite
def periods(draw: st.DrawFn) -> Period:
    day = draw(dates)
    kind = draw(st.sampled_from(["year", "quarter", "month", "range"]))
    if kind == "range":
        other = day + timedelta(days=draw(st.integers(min_value=0, max_value=1200)))
        return parse_period(f"{day.isoformat()}..{other.isoformat()}")
    if kind == "year":
        return parse_period(f"{day.year}")
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse_period(f"{day.year}-{day.month:02d}")


@given(periods())
def test_previous_ends_the_day_before(period: Period) -> None:
    before = period.previous()
    assert before.end + timedelta(days=1) == period.start
    assert before.kind == period.kind
    if period.kind == "range":
        assert before.days == period.days


@given(periods(), st.sampled_from(["month", "quarter", "year"]))
def test_split_pieces_are_contiguous_and_cover_exactly(period: Period, by: str) -> None:
    pieces = period.split(by)  # type: ignore[arg-type]
    assert pieces[0].start == period.start
    assert pieces[-1].end == period.end
    for earlier, later in pairwise(pieces):
        assert earlier.end + timedelta(days=1) == later.start
    assert sum(piece.days for piece in pieces) == period.days


@given(periods())
def test_year_ago_is_one_year_earlier(period: Period) -> None:
    earlier = period.year_ago()
    assert earlier.kind == period.kind
    assert earlier.start.year == period.start.year - 1
    assert earlier.end.year == period.end.year - 1
    assert earlier.label == parse_period(earlier.label).label


@given(periods())
def test_labels_parse_back(period: Period) -> None:
    assert parse_period(period.label) == period
