"""Deadlines under Kazakhstan's rule: 15 working days, 3 to redirect, counted from the
first working day after receipt.  Every expected date below is worked out by hand
against the real KZ calendar of the ``holidays`` library; the comments show the count.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import numpy as np
import pandas as pd
import pytest
from helpers import is_working_day, next_working_day

from engagement_report.aggregates import Rules, finish, partial
from engagement_report.deadlines import (
    DEADLINE_CLASSES,
    DeadlineFigures,
    DeadlineRules,
    WorkingCalendar,
    classes_at,
    compute_deadlines,
    deadline_inputs,
    longest_open,
    working_days_between,
)
from engagement_report.deadlines.calendar import _to_days
from engagement_report.periods import Window, period_for_span

KZ = WorkingCalendar()
RULES = DeadlineRules()


def working_days(calendar: WorkingCalendar, start: date, end: date) -> list[date]:
    """The working days from ``start`` to ``end``, found as deadlines find them."""
    days: list[date] = []
    day = start - timedelta(days=1)
    while True:
        day = next_working_day(calendar, day)
        if day > end:
            return days
        days.append(day)


def ts(values: list[str | None]) -> pd.Series:
    return pd.to_datetime(pd.Series(values), format="mixed")


def frame(*rows: dict[str, object]) -> pd.DataFrame:
    """Queries with received_at/answered_at/status and optional deadline/extended_until."""
    df = pd.DataFrame(list(rows))
    for col in ("received_at", "answered_at", "deadline", "extended_until"):
        if col in df:
            df[col] = pd.to_datetime(df[col], format="mixed")
    if "answered_at" not in df:
        df["answered_at"] = pd.NaT
    df["query_id"] = [f"Q{i}" for i in range(1, len(df) + 1)]
    return df


def classify_deadlines(
    df: pd.DataFrame, as_of: date, rules: DeadlineRules, cal: WorkingCalendar
) -> pd.Series:
    """Each query's class as of ``as_of``, as the pipeline decides it."""
    return classes_at(*deadline_inputs(df, rules, cal), as_of)


def classify(
    df: pd.DataFrame, as_of: date, rules: DeadlineRules = RULES, cal: WorkingCalendar = KZ
) -> list[object]:
    return classify_deadlines(df, as_of, rules, cal).tolist()


def deadline_of(received: str, status: str = "answered", **kw: object) -> date:
    rules = kw.pop("rules", RULES)
    cal = kw.pop("cal", KZ)
    assert isinstance(rules, DeadlineRules) and isinstance(cal, WorkingCalendar)
    out = compute_deadlines(ts([received]), pd.Series([status]), None, None, rules, cal)
    return out.iloc[0].date()


# --- what the library says about the KZ calendar ------------------------------------


def test_library_kz_calendar_facts() -> None:
    lib = holidays.country_holidays("KZ", years=[2020, 2021])
    # Nauryz 2021: 21 March is a Sunday, 22-23 are Mon/Tue, and the library adds the
    # substitute day off for the Sunday on Wednesday 24 March ("observed").
    assert {date(2021, 3, 22), date(2021, 3, 23), date(2021, 3, 24)} <= set(lib)
    assert not is_working_day(KZ, date(2021, 3, 24))
    assert is_working_day(KZ, date(2021, 3, 25))
    # December 2020 transfer: Friday 18 Dec off, Sunday 20 Dec worked in exchange.
    assert date(2020, 12, 18) in lib
    assert date(2020, 12, 20) in lib.weekend_workdays
    assert not is_working_day(KZ, date(2020, 12, 18))
    assert is_working_day(KZ, date(2020, 12, 20))
    # July 2021 transfer: Saturday 3 July worked, Monday 5 July off.
    assert is_working_day(KZ, date(2021, 7, 3))
    assert not is_working_day(KZ, date(2021, 7, 5))
    # An ordinary Saturday is not working.
    assert not is_working_day(KZ, date(2021, 2, 6))


def test_working_days_range_includes_transferred_sunday() -> None:
    got = working_days(KZ, date(2020, 12, 14), date(2020, 12, 25))
    # 16-17 Independence Day, 18 transferred day off, 19 Sat; Sunday 20 is worked.
    expected = ["2020-12-14", "2020-12-15", "2020-12-20", "2020-12-21"]
    expected += ["2020-12-22", "2020-12-23", "2020-12-24", "2020-12-25"]
    assert got == [date.fromisoformat(day) for day in expected]
    assert working_days(KZ, date(2021, 1, 2), date(2021, 1, 1)) == []


# --- deadline dates -------------------------------------------------------------------


def test_friday_before_nauryz_2021() -> None:
    # Fri 19 Mar; 20-21 weekend, 22-24 Nauryz (24 observed) → day 1 = Thu 25 Mar.
    # 25,26 (2); 29,30,31,1,2 Apr (7); 5-9 (12); 12,13,14 (15) → Wed 14 Apr.
    assert deadline_of("2021-03-19 17:45") == date(2021, 4, 14)


def test_new_years_eve_2020() -> None:
    # Thu 31 Dec before 18:00: registered that day; 1 Jan hol, 2-3 weekend, 4 Jan observed
    # → day 1 = Tue 5 Jan. 5,6 (2); 7 Orthodox Christmas; 8 (3); 11-15 (8); 18-22 (13);
    # 25 (14); 26 (15).
    assert deadline_of("2020-12-31 17:10") == date(2021, 1, 26)
    # At 23:10 it is registered on Tue 5 Jan, day 1 = Wed 6 Jan: one working day later.
    assert deadline_of("2020-12-31 23:10") == date(2021, 1, 27)


def test_received_on_library_working_sunday() -> None:
    # Sun 20 Dec 2020 is itself a working day, so counting starts Mon 21.
    # 21-25 (5); 28-31 (9); 1 Jan hol, 4 observed; 5,6 (11); 7 hol; 8 (12); 11,12,13 (15).
    assert deadline_of("2020-12-20 10:00") == date(2021, 1, 13)
    # Received Thu 17 Dec (a holiday): 18 off, 19 Sat, registered Sun 20 (a working day);
    # day 1 = Mon 21, 22 (2), 23 (3).
    assert deadline_of("2020-12-17", "redirected") == date(2020, 12, 23)


def test_transferred_working_saturday_from_config() -> None:
    cal = WorkingCalendar(extra_working_days=(date(2021, 3, 20),))
    assert is_working_day(cal, date(2021, 3, 20))
    # Fri 19 Mar: Sat 20 is now day 1; 25 (2), 26 (3); 29-2 Apr (8); 5-9 (13); 12,13 → 13 Apr.
    assert deadline_of("2021-03-19", cal=cal) == date(2021, 4, 13)
    # Received on the working Saturday itself: day 1 = Thu 25 → as without it, 14 Apr.
    assert deadline_of("2021-03-20", cal=cal) == date(2021, 4, 14)


def test_saturday_receipt_is_registered_on_monday() -> None:
    # Sat 6 Feb 2021 (no February holidays): registered Mon 8, day 1 Tue 9;
    # 9-12 (4), 15-19 (9), 22-26 (14), Mon 1 Mar (15).
    assert deadline_of("2021-02-06 11:00") == date(2021, 3, 1)
    # Friday 5 Feb at 18:00, the end of working hours: registered Monday as well.
    assert deadline_of("2021-02-05 18:00") == date(2021, 3, 1)
    # Friday 5 Feb within working hours: registered that day, day 1 Mon 8 → 26 Feb.
    assert deadline_of("2021-02-05 17:59") == date(2021, 2, 26)


# --- when the clock starts: registration (Administrative Procedural Code, art. 64) -------


def test_working_day_before_and_after_closing_time() -> None:
    # Mon 1 Feb 2021 at 17:59: registered Mon 1, day 1 Tue 2; 2-5 (4), 8-12 (9),
    # 15-19 (14), Mon 22 (15).
    assert deadline_of("2021-02-01 17:59") == date(2021, 2, 22)
    # At 18:01: registered Tue 2, day 1 Wed 3 → one working day later, Tue 23 Feb.
    assert deadline_of("2021-02-01 18:01") == date(2021, 2, 23)
    # A bare date is taken as received within working hours.
    assert deadline_of("2021-02-01") == date(2021, 2, 22)
    # Before opening time the query is registered the same day.
    assert deadline_of("2021-02-01 07:30") == date(2021, 2, 22)


def test_registration_day_itself() -> None:
    received = ts(["2021-02-01 17:59", "2021-02-01 18:01", "2021-02-06 10:00", None])
    days = KZ.registered_on(received).tolist()
    expected = ["2021-02-01", "2021-02-02", "2021-02-08"]
    assert days[:3] == [pd.Timestamp(day) for day in expected]
    assert pd.isna(days[3])


def test_saturday_with_a_time_and_without() -> None:
    # Sat 6 Feb 2021 at any hour: registered Mon 8 → 1 Mar (see above).
    assert deadline_of("2021-02-06 09:30") == date(2021, 3, 1)
    assert deadline_of("2021-02-06") == date(2021, 3, 1)


def test_eve_of_a_holiday() -> None:
    # Tue 15 Dec 2020, the eve of Independence Day (16-17 Dec, 18 Dec transferred off,
    # 19 Sat; Sun 20 Dec a working day). Redirect term, 3 working days.
    # At 17:59: registered Tue 15; day 1 Sun 20, Mon 21 (2), Tue 22 (3).
    assert deadline_of("2020-12-15 17:59", "redirected") == date(2020, 12, 22)
    # At 18:01: registered on the next working day, Sun 20; 21, 22, 23 → Wed 23.
    assert deadline_of("2020-12-15 18:01", "redirected") == date(2020, 12, 23)


def test_transferred_working_saturday_registers_within_hours() -> None:
    # Sat 3 July 2021 is a working day (Mon 5 July off in exchange, Tue 6 July Capital Day).
    # At 10:00: registered Sat 3; day 1 Wed 7; 7-9 (3) → redirect term ends Fri 9 July.
    assert deadline_of("2021-07-03 10:00", "redirected") == date(2021, 7, 9)
    # At 18:01: registered Wed 7; 8, 9, 12 → Mon 12 July.
    assert deadline_of("2021-07-03 18:01", "redirected") == date(2021, 7, 12)


def test_working_hours_from_the_calendar() -> None:
    from datetime import time

    late_office = WorkingCalendar(working_hours=(time(10, 0), time(19, 0)))
    # 18:30 is within 10:00-19:00: registered Mon 1 Feb → 22 Feb, as 17:59 above.
    assert deadline_of("2021-02-01 18:30", cal=late_office) == date(2021, 2, 22)
    assert deadline_of("2021-02-01 18:30") == date(2021, 2, 23)


def test_extra_holiday_pushes_deadline() -> None:
    # Mon 1 Feb 2021, redirect term 3: Tue 2, Wed 3, Thu 4.
    assert deadline_of("2021-02-01", "redirected") == date(2021, 2, 4)
    # With Wed 3 declared a day off: Tue 2, Thu 4, Fri 5.
    cal = WorkingCalendar(extra_holidays=(date(2021, 2, 3),))
    assert deadline_of("2021-02-01", "redirected", cal=cal) == date(2021, 2, 5)


def test_extra_holidays_covering_the_whole_next_year() -> None:
    # Every day of 2021 a configured day off, the data's last query on Thu 31 Dec 2020.
    # The terms run into 2022, where the KZ calendar resumes: 1-4 Jan New Year (3 and 4
    # observed), 7 Jan Orthodox Christmas, so the working days are Wed 5, Thu 6, Mon 10,
    # 11, 12, 13, 14, 17, 18, 19, 20, 21, 24, 25, 26, 27 Jan. (This raised IndexError.)
    year = tuple(date(2021, 1, 1) + timedelta(days=i) for i in range(365))
    cal = WorkingCalendar(extra_holidays=year)
    after_hours = pd.Series(pd.to_datetime(["2020-12-31 19:00"]))
    # After 18:00: registered on the next working day, Wed 5 Jan 2022.
    assert cal.registered_on(after_hours).dt.date.tolist() == [date(2022, 1, 5)]
    # 15 working days after Wed 5 Jan: Thu 6 (1), Mon 10 (2) … Thu 27 (15).
    assert deadline_of("2020-12-31 19:00", cal=cal) == date(2022, 1, 27)
    # Within hours: registered Thu 31 Dec 2020; Wed 5 Jan (1) … Wed 26 Jan (15).
    assert deadline_of("2020-12-31 10:00", cal=cal) == date(2022, 1, 26)
    # Redirected: Wed 5, Thu 6, Mon 10 Jan.
    assert deadline_of("2020-12-31 10:00", "redirected", cal=cal) == date(2022, 1, 10)


def test_extra_working_day_wins_over_extra_holiday() -> None:
    day = date(2021, 2, 6)
    assert is_working_day(WorkingCalendar(extra_holidays=(day,), extra_working_days=(day,)), day)


def test_calendar_day_office() -> None:
    rules = DeadlineRules(answer_days=30, kind="calendar")
    # Plain calendar days from the date of receipt: 19 Mar + 30 = Sun 18 Apr (no shift).
    assert deadline_of("2021-03-19 09:00", rules=rules) == date(2021, 4, 18)
    df = frame(
        {
            "received_at": "2021-03-19 09:00",
            "answered_at": "2021-04-18 20:00",
            "status": "answered",
        },
        {
            "received_at": "2021-03-19 09:00",
            "answered_at": "2021-04-19 08:00",
            "status": "answered",
        },
    )
    assert classify(df, date(2021, 5, 1), rules) == ["on_time", "late"]


def test_nat_and_bad_n() -> None:
    out = KZ.working_days_after(np.array(["2021-02-01", "NaT"], dtype="datetime64[D]"), 1)
    assert out.dtype == "datetime64[D]"
    assert out[0] == np.datetime64("2021-02-02") and np.isnat(out[1])
    with pytest.raises(ValueError):
        KZ.working_days_after(np.array(["2021-02-01"], dtype="datetime64[D]"), 0)


def test_timezone_aware_input_uses_wall_clock_date() -> None:
    s = pd.Series(pd.to_datetime(["2021-02-05 23:30"]).tz_localize("Asia/Almaty"))
    # Fri 5 Feb local time → Mon 8 Feb, whatever the UTC date is.
    assert KZ.working_days_after(_to_days(s), 1)[0] == np.datetime64("2021-02-08")


# --- classification -------------------------------------------------------------------


def test_answered_on_deadline_day_and_next_working_day() -> None:
    df = frame(
        # Deadline Wed 14 Apr 2021 (see Nauryz test); late evening still counts.
        {"received_at": "2021-03-19", "answered_at": "2021-04-14 23:59", "status": "answered"},
        # Thu 15 Apr is the next working day → late.
        {"received_at": "2021-03-19", "answered_at": "2021-04-15 09:00", "status": "answered"},
    )
    classes = classify_deadlines(df, date(2021, 5, 1), RULES, KZ)
    assert list(classes.cat.categories) == list(DEADLINE_CLASSES)
    assert classes.tolist() == ["on_time", "late"]


def test_extension_makes_late_answer_on_time() -> None:
    df = frame(
        # Answered 20 Apr, past 14 Apr but within the extension to 19 May → on time.
        {
            "received_at": "2021-03-19",
            "answered_at": "2021-04-20",
            "status": "answered",
            "extended_until": "2021-05-19",
        },
        # An "extension" earlier than the term does not shorten it: 13 Apr answer on time.
        {
            "received_at": "2021-03-19",
            "answered_at": "2021-04-13",
            "status": "answered",
            "extended_until": "2021-04-01",
        },
        # No extension: the same 20 Apr answer is late.
        {"received_at": "2021-03-19", "answered_at": "2021-04-20", "status": "answered"},
    )
    assert classify(df, date(2021, 6, 1)) == ["on_time", "on_time", "late"]


def test_compute_deadlines_override_then_extension() -> None:
    received = ts(["2021-02-01", "2021-02-01", None, "2021-02-01"])
    status = pd.Series(["answered", "redirected", "answered", None])
    override = ts([None, "2021-02-10", None, "2021-02-03"])
    extended = ts(["2021-03-01", None, "2021-03-05", "2021-02-02"])
    got = compute_deadlines(received, status, override, extended, RULES, KZ)
    assert got.dt.date.tolist() == [
        date(2021, 3, 1),  # rule gives 22 Feb (15 wd from Tue 2), extension is later
        date(2021, 2, 10),  # override replaces the redirect term (Thu 4 Feb)
        date(2021, 3, 5),  # no receipt date: the extension is the only term known
        date(2021, 2, 3),  # extension before the override does not shorten it
    ]


def test_redirected_day_three_and_four() -> None:
    df = frame(
        # Mon 1 Feb: redirect term ends Thu 4 Feb (day 3) → on time.
        {"received_at": "2021-02-01", "answered_at": "2021-02-04 17:00", "status": "redirected"},
        # Fri 5 Feb is day 4 → late.
        {"received_at": "2021-02-01", "answered_at": "2021-02-05", "status": "Redirected "},
        # Redirected, but no date says when: closed, unknown whether on time (the statuses
        # and the backlog count it closed, so no deadline class may call it open).
        {"received_at": "2021-02-01", "status": "redirected"},
    )
    # As of Thu 4 the day-4 forward has not happened yet: open, still due.
    assert classify(df, date(2021, 2, 4)) == ["on_time", "open_not_due", "closed_undated"]
    # One day later the forwarded-late one is closed and late; the undated one stays so.
    assert classify(df, date(2021, 2, 5)) == ["on_time", "late", "closed_undated"]


def test_open_on_deadline_day_and_day_after() -> None:
    df = frame({"received_at": "2021-03-19", "status": "in_progress"})
    # Cut-off on the deadline day itself (14 Apr): still due.
    assert classify(df, date(2021, 4, 14)) == ["open_not_due"]
    # One day after the deadline: overdue.
    assert classify(df, date(2021, 4, 15)) == ["open_overdue"]


def test_answer_after_as_of_counts_open() -> None:
    df = frame(
        # Answered 16 Apr, after the 15 Apr cut-off and after the 14 Apr deadline.
        {"received_at": "2021-03-19", "answered_at": "2021-04-16", "status": "answered"},
        # Answered 16 Feb, after a 10 Feb cut-off; deadline 26 Feb not reached.
        {"received_at": "2021-02-05", "answered_at": "2021-02-16", "status": "answered"},
    )
    assert classify(df, date(2021, 4, 15))[0] == "open_overdue"
    assert classify(df, date(2021, 2, 10))[1] == "open_not_due"


def test_deadline_column_overrides_rule() -> None:
    df = frame(
        # Rule says 14 Apr, the register says 22 Mar → a 25 Mar answer is late.
        {
            "received_at": "2021-03-19",
            "answered_at": "2021-03-25",
            "status": "answered",
            "deadline": "2021-03-22",
        },
        # Blank deadline: the rule applies, 25 Mar is on time.
        {"received_at": "2021-03-19", "answered_at": "2021-03-25", "status": "answered"},
    )
    assert classify(df, date(2021, 5, 1)) == ["late", "on_time"]


def test_status_rules() -> None:
    df = frame(
        # Blank status with an answer date counts as answered → on time.
        {"received_at": "2021-02-01", "answered_at": "2021-02-03", "status": None},
        # "in_progress" with a date is not closed; deadline 22 Feb ≥ 10 Feb → not due.
        {"received_at": "2021-02-01", "answered_at": "2021-02-03", "status": "in_progress"},
        # Rejected closes the query.
        {"received_at": "2021-02-01", "answered_at": "2021-02-03", "status": "rejected"},
        # No receipt date and no override: no deadline, no class.
        {"received_at": None, "answered_at": "2021-02-03", "status": "answered"},
    )
    got = classify_deadlines(df, date(2021, 2, 10), RULES, KZ)
    assert got[:3].tolist() == ["on_time", "open_not_due", "on_time"]
    assert got.isna().tolist() == [False, False, False, True]


# --- figures --------------------------------------------------------------------------


def deadline_figures(df: pd.DataFrame, as_of: date) -> DeadlineFigures:
    """The deadline figures of ``df`` as every report and summary counts them (the
    partial aggregates of one piece, finished), for a period ending on ``as_of``."""
    queries = df.assign(response_ok=df["answered_at"].notna(), response_days=np.nan)
    broadcasts = pd.DataFrame(
        {"date": [], "program": [], "questions_answered": [], "tv_segments": []}
    )
    press = pd.DataFrame(
        {"date": [], "speakers": [], "journalist_questions": [], "publications": []}
    )
    rules = Rules(RULES, KZ)
    part, _ = partial(queries, broadcasts, press, as_of, rules)
    period = period_for_span(date(2020, 12, 1), as_of)
    figures = finish(part, Window(period, period, as_of), rules)
    assert figures.deadlines is not None
    return figures.deadlines


def test_figures_when_nothing_closed() -> None:
    df = frame({"received_at": "2021-02-01", "status": "in_progress"})
    fig = deadline_figures(df, date(2021, 2, 2))
    assert fig.on_time_share is None
    assert fig.median_response_working_days is None
    assert (fig.on_time, fig.late, fig.open_not_due, fig.open_overdue) == (0, 0, 1, 0)
    assert fig.extended == 0 and fig.as_of == date(2021, 2, 2)


def test_figures_by_hand() -> None:
    df = frame(
        # Mon 1 Feb 2021 answered the same day: 0 working days.
        {
            "received_at": "2021-02-01 09:00",
            "answered_at": "2021-02-01 16:00",
            "status": "answered",
        },
        # Answered Wed 3 Feb: Tue 2, Wed 3 → 2.
        {"received_at": "2021-02-01", "answered_at": "2021-02-03", "status": "answered"},
        # Answered Mon 8 Feb: 2,3,4,5,8 → 5.  Extended (to 1 Mar).
        {
            "received_at": "2021-02-01",
            "answered_at": "2021-02-08",
            "status": "answered",
            "extended_until": "2021-03-01",
        },
        # Redirected on Fri 5 Feb: day 4 → late; not part of the median.
        {"received_at": "2021-02-01", "answered_at": "2021-02-05", "status": "redirected"},
        # Rejected in time: counted on time, not in the answer median.
        {"received_at": "2021-02-01", "answered_at": "2021-02-02", "status": "rejected"},
        # Open redirect (received Tue 9 Feb, due Fri 12 Feb, forwarded on the 11th), still
        # due on 10 Feb.
        {"received_at": "2021-02-09", "answered_at": "2021-02-11", "status": "redirected"},
        # Received 1 Jan 2021 (holiday), unanswered: deadline long past on 10 Feb.
        {"received_at": "2021-01-01", "status": "in_progress"},
        # Rejected, no date says when: closed, neither on time, late nor open, nor listed.
        {"received_at": "2021-01-04", "status": "rejected"},
    )
    as_of = date(2021, 2, 10)
    classes = classify_deadlines(df, as_of, RULES, KZ)
    fig = deadline_figures(df, as_of)
    assert (fig.on_time, fig.late, fig.open_not_due, fig.open_overdue) == (4, 1, 1, 1)
    assert fig.closed_undated == 1
    assert fig.on_time_share == pytest.approx(4 / 5)
    assert fig.median_response_working_days == 2.0  # median of 0, 2, 5
    assert fig.extended == 1
    assert (fig.redirected_on_time, fig.redirected_late, fig.redirected_open) == (0, 1, 1)

    top = longest_open(df, classes, as_of, limit=10)
    assert list(top.columns) == ["query_id", "received_at", "age_days", "deadline_class"]
    # Q7 from 1 Jan: 40 days; Q6 from 9 Feb: 1 day.
    assert top["query_id"].tolist() == ["Q7", "Q6"]
    assert top["age_days"].tolist() == [40, 1]
    assert top["deadline_class"].tolist() == ["open_overdue", "open_not_due"]
    assert len(longest_open(df, classes, as_of, limit=1)) == 1


def test_longest_open_ties_sorted_by_id() -> None:
    df = frame(
        {"received_at": "2021-02-01", "status": "in_progress"},
        {"received_at": "2021-02-01", "status": "in_progress"},
    )
    df["query_id"] = ["B", "A"]
    classes = classify_deadlines(df, date(2021, 2, 3), RULES, KZ)
    assert longest_open(df, classes, date(2021, 2, 3))["query_id"].tolist() == ["A", "B"]


def test_working_days_between() -> None:
    start = ts(["2021-02-01", "2021-02-05 18:00", "2021-03-19", None, "2021-02-03"])
    end = ts(["2021-02-01", "2021-02-08 09:00", "2021-03-25", "2021-02-01", "2021-02-01"])
    got = working_days_between(start, end, KZ)
    # Same day 0; Fri→Mon 1; across Nauryz 19→25 Mar only Thu 25 counts; NaT → NaN;
    # end before start (3 Feb → 1 Feb) is minus the working days 2, 3 Feb.
    assert got[:3].tolist() == [0.0, 1.0, 1.0]
    assert np.isnan(got.iloc[3])
    assert got.iloc[4] == -2.0


# --- the vectorised count against a naive day-by-day loop ---------------------------


@pytest.mark.parametrize(
    "cal",
    [
        KZ,
        WorkingCalendar(extra_holidays=(date(2021, 2, 3),), extra_working_days=(date(2020, 6, 6),)),
    ],
)
def test_working_days_after_matches_naive_loop(cal: WorkingCalendar) -> None:
    lib = holidays.country_holidays("KZ", years=range(2020, 2023))

    def naive_working(day: date) -> bool:
        if day in cal.extra_working_days:
            return True
        if day in cal.extra_holidays:
            return False
        return lib.is_working_day(day)  # the library's own weekend/holiday/transfer logic

    def naive_add(day: date, n: int) -> date:
        while n:
            day += timedelta(days=1)
            n -= naive_working(day)
        return day

    starts = [date(2020, 1, 1) + timedelta(days=i) for i in range(731)]
    series = pd.Series(pd.to_datetime(starts)) + pd.Timedelta(hours=15)
    for n in (1, 3, 15):
        got = [date.fromisoformat(str(d)) for d in cal.working_days_after(_to_days(series), n)]
        assert got == [naive_add(d, n) for d in starts], n


def test_longest_open_with_many_open_queries_and_ties_at_the_limit() -> None:
    # 40 open queries received over 8 days (5 a day) plus closed ones: the 10 oldest are
    # days 0 and 1; asking for 7 cuts through day 1's five, which go by id.
    rng = np.random.default_rng(7)
    received = [
        pd.Timestamp("2021-01-01") + pd.Timedelta(days=d) for d in range(8) for _ in range(5)
    ]
    ids = [f"Q{i:03d}" for i in rng.permutation(40)]
    frame = pd.DataFrame({"query_id": [*ids, "C1", "C2"], "received_at": received + received[:2]})
    classes = pd.Series(
        pd.Categorical(["open_overdue"] * 40 + ["on_time"] * 2, categories=DEADLINE_CLASSES)
    )
    as_of = date(2021, 2, 1)
    for limit in (1, 5, 7, 10, 39, 40, 50):
        got = longest_open(frame, classes, as_of, limit=limit)
        opened = frame.iloc[:40].assign(age_days=[(as_of - t.date()).days for t in received])
        expected = opened.sort_values(["age_days", "query_id"], ascending=[False, True])
        assert got["query_id"].tolist() == expected["query_id"].head(limit).tolist(), limit
        assert got["age_days"].tolist() == expected["age_days"].head(limit).tolist()


# --- working hours in the config ------------------------------------------------------


def test_working_hours_read_from_config() -> None:
    from datetime import time

    from engagement_report.config import parse_config
    from engagement_report.errors import ConfigError

    assert parse_config({}).calendar.working_hours == (time(9, 0), time(18, 0))
    config = parse_config({"calendar": {"working_hours": "08:30 - 17:30"}})
    assert config.calendar.working_hours == (time(8, 30), time(17, 30))
    for bad in ("9-18", "18:00-09:00", "09:00-25:00", "09:00"):
        with pytest.raises(ConfigError, match=r"calendar\.working_hours"):
            parse_config({"calendar": {"working_hours": bad}})
