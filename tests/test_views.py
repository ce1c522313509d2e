"""The bulletin views: backlog, ages of open queries, spread of response times, topics
that moved beyond noise, year to date. Tiny frames with hand-computed expectations."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from helpers import backlog_at, open_ages

from engagement_report import pipeline
from engagement_report.analysis import analyse
from engagement_report.config import Config
from engagement_report.deadlines import WorkingCalendar
from engagement_report.figures import bin_label, response_spread
from engagement_report.periods import parse_period, window_for
from engagement_report.views import (
    holm,
    rate_test,
    topic_shifts,
    year_to_date_window,
)

TODAY = date(2021, 12, 1)
Q_HEADER = "query_id,received_at,answered_at,status,topic,channel,district\n"


def frame(rows: list[tuple[str | None, str | None, str | None]]) -> pd.DataFrame:
    """Clean queries: (received_at, answered_at, status) per row."""
    return pd.DataFrame(
        {
            "received_at": pd.to_datetime([r[0] for r in rows]),
            "answered_at": pd.to_datetime([r[1] for r in rows]),
            "status": pd.Series([r[2] for r in rows], dtype="object"),
        }
    )


def test_backlog_counts_queries_open_at_each_day_end_whenever_received() -> None:
    queries = frame(
        [
            ("2021-01-10 10:00", "2021-02-05 10:00", "answered"),  # A: open 31 Jan
            ("2021-01-31 23:00", None, "in_progress"),  # B: open at both ends
            ("2021-02-01 00:00", "2021-02-01 12:00", "answered"),  # C: not yet received
            ("2020-12-01 09:00", None, "answered"),  # D: closed, no date: never open
            ("2021-01-05 09:00", "2021-01-31 23:59", "answered"),  # E: closed that day
            ("2021-01-05 09:00", "2021-02-01 00:00", "rejected"),  # F: closed the next
            ("2021-01-05 09:00", None, None),  # G: blank status, no answer: open
            (None, None, "in_progress"),  # H: no date of receipt: in no backlog
            ("2021-01-20 09:00", "2021-01-10 09:00", "answered"),  # I: answer before receipt
        ]
    )
    days = [date(2020, 12, 31), date(2021, 1, 31), date(2021, 2, 28)]
    assert backlog_at(queries, days) == (0, 4, 2)
    # Before the first query received nothing is known: no backlog, not 0.
    assert backlog_at(queries, [date(2020, 11, 30), date(2021, 1, 31)]) == (None, 4)


def test_open_ages_in_working_days_from_registration() -> None:
    # June 2021 has no Kazakh public holiday; 30 June is a Wednesday.
    queries = frame(
        [
            ("2021-06-30 10:00", None, "in_progress"),  # 0 working days
            ("2021-06-08 10:00", None, "in_progress"),  # 9 June..30 June: 16
            ("2021-06-09 10:00", None, "in_progress"),  # 15: still within the term
            ("2021-06-08 19:00", None, "in_progress"),  # after hours: registered 9 June, 15
            ("2021-05-14 10:00", None, "in_progress"),  # 11 in May + 22 in June: 33
            ("2021-06-01 10:00", "2021-06-02 10:00", "answered"),  # closed: not counted
            ("2021-06-01 10:00", "2021-07-05 10:00", "answered"),  # answered later: 21
            ("2021-07-01 10:00", None, "in_progress"),  # received after the cut-off
        ]
    )
    assert open_ages(queries, date(2021, 6, 30), WorkingCalendar("KZ")) == (3, 2, 1)


def test_response_spread_bins_whole_days_elapsed() -> None:
    days = pd.Series([0.5, 1.0, 2.99, 3.0, 7.0, 7.9, 8.0, 21.5, 22.0, 30.9, 31.0, 100.0])
    # floor: 0 | 1 2 3 | 7 7 | 8 | 21 | 22 30 | 31 100
    assert response_spread(days) == (1, 3, 2, 1, 1, 2, 2)
    assert response_spread(pd.Series([], dtype=float)) == (0,) * 7
    assert [bin_label(0, 0), bin_label(1, 3), bin_label(31, None)] == ["0", "1-3", "31+"]


def test_rate_test_exact_two_sided() -> None:
    # 10 against 0 over equal days: 2 × 0.5¹⁰.
    assert rate_test(10, 0, 30, 30) == pytest.approx(2 / 2**10)
    assert rate_test(5, 5, 30, 30) == pytest.approx(1.0)
    assert rate_test(0, 0, 30, 30) == 1.0
    # 3 against 0 where the first period is half as long: P(all 3 in it) = (1/3)³ and no
    # other outcome is as unlikely.
    assert rate_test(3, 0, 1, 2) == pytest.approx(1 / 27)


def test_holm_steps_down_and_stops_at_the_first_failure() -> None:
    assert holm([0.01, 0.04, 0.03]) == [True, False, False]
    assert holm([0.01, 0.02, 0.04]) == [True, True, True]
    assert holm([]) == []


def test_topic_shifts_only_beyond_noise_and_above_the_minimum_count() -> None:
    now = {"A": 30, "B": 10, "C": 2, "(not stated)": 50}
    then = {"A": 10, "B": 10, "D": 8}
    period = parse_period("2021-02")
    shifts = topic_shifts(now, then, (30, 30), 5, "previous", period)
    # Tested: A, B, D (C never reaches 5; "(not stated)" is no topic).
    assert shifts.tested == 3
    p_a = 2 * sum(math.comb(40, k) for k in range(30, 41)) / 2**40
    assert [(c.topic, c.now, c.then, c.relative) for c in shifts.rose] == [("A", 30, 10, 2.0)]
    assert shifts.rose[0].p_value == pytest.approx(p_a)
    # D: 0 against 8, p = 2/2⁸, passes Holm's second step (0.0078 ≤ 0.025).
    assert [(c.topic, c.now, c.then, c.relative) for c in shifts.fell] == [("D", 0, 8, -1.0)]
    # No percentage on a base under the minimum count.
    few = topic_shifts({"E": 12}, {"E": 1}, (30, 30), 5, "previous", period)
    assert [(c.topic, c.relative) for c in few.rose] == [("E", None)]


def test_topic_shifts_scale_by_days() -> None:
    # 28 against 31 queries over 28 and 31 days: the same daily rate, no change.
    shifts = topic_shifts({"A": 28}, {"A": 31}, (28, 31), 5, "previous", parse_period("2021-01"))
    assert (shifts.rose, shifts.fell) == ((), ())
    assert rate_test(28, 31, 28, 31) == pytest.approx(1.0)


def test_year_to_date_window_is_none_when_it_is_the_period() -> None:
    jan = window_for(parse_period("2021-01"), TODAY)
    q1 = window_for(parse_period("2021-Q1"), TODAY)
    assert year_to_date_window(jan) is None
    assert year_to_date_window(q1) is None
    march = year_to_date_window(window_for(parse_period("2021-03"), TODAY))
    assert march is not None
    assert (march.period.start, march.period.end) == (date(2021, 1, 1), date(2021, 3, 31))


# --- through the pipeline -------------------------------------------------------------------


def analysis_of(folder, period: str):  # type: ignore[no-untyped-def]
    config = Config()
    data = pipeline.load_and_validate([folder], config)
    return analyse(data, window_for(parse_period(period), TODAY), config)


def test_quartiles_of_response_times(write_inputs) -> None:
    folder = write_inputs(
        queries=Q_HEADER
        + """\
Q1,2021-03-01,2021-03-02,answered,A,Web,1
Q2,2021-03-01,2021-03-03,answered,A,Web,1
Q3,2021-03-01,2021-03-04,answered,A,Web,1
Q4,2021-03-01,2021-03-05,answered,A,Web,1
"""
    )
    figures = analysis_of(folder, "2021-03").figures
    # Days 1, 2, 3, 4: linear interpolation gives 1.75 and 3.25.
    assert figures.queries.q1_response_days == pytest.approx(1.75)
    assert figures.queries.median_response_days == pytest.approx(2.5)
    assert figures.queries.q3_response_days == pytest.approx(3.25)
    assert figures.response_spread == (0, 3, 1, 0, 0, 0, 0)


def test_backlog_trend_and_ages_agree_at_the_period_end(write_inputs) -> None:
    folder = write_inputs(
        queries=Q_HEADER
        + """\
Q1,2021-01-04 10:00,,in progress,A,Web,1
Q2,2021-02-01 10:00,2021-02-15 10:00,answered,A,Web,1
Q3,2021-02-10 10:00,2021-03-03 10:00,answered,A,Web,1
Q4,2021-02-26 10:00,,in progress,A,Web,1
Q5,2021-03-01 10:00,,in progress,A,Web,1
"""
    )
    analysis = analysis_of(folder, "2021-02")
    figures = analysis.figures
    # End of January: Q1. End of February: Q1, Q3 (answered in March), Q4.
    assert [p.backlog for p in analysis.months][-3:] == [None, 1, 3]
    assert figures.backlog == 3
    assert figures.open_ages is not None and sum(figures.open_ages) == 3


def test_year_to_date_needs_both_years_covered(write_inputs) -> None:
    rows = []
    for year in (2020, 2021):
        for month, count in ((1, 2), (2, 1), (3, 3)):
            n = count + (year == 2021)
            rows += [
                f"Q{year}{month}{i},{year}-{month:02d}-0{i + 1} 10:00,"
                f"{year}-{month:02d}-0{i + 2} 10:00,answered,A,Web,1"
                for i in range(n)
            ]
    folder = write_inputs(queries=Q_HEADER + "\n".join(rows) + "\n")
    ytd = analysis_of(folder, "2021-03").figures.year_to_date
    assert ytd is not None
    values = {r.metric: (r.now, r.then) for r in ytd.rows}
    # 2021: 3 + 2 + 4; 2020: 2 + 1 + 3; every query answered one day after receipt.
    assert values["received"] == (9, 6)
    assert values["answered_share"] == (1.0, 1.0)
    assert values["median_response_days"] == (1.0, 1.0)
    assert (ytd.year_ago.start, ytd.year_ago.end) == (date(2020, 1, 1), date(2020, 3, 31))
    assert ytd.covered == {"queries": True}
    # Without February 2020 last year's part is not covered: no figure for it.
    gap = write_inputs(queries=Q_HEADER + "\n".join(r for r in rows if "2020-02" not in r) + "\n")
    ytd = analysis_of(gap, "2021-03").figures.year_to_date
    assert ytd is not None and ytd.covered == {"queries": False}
    assert {r.metric: r.then for r in ytd.rows}["received"] is None


def test_sample_data_views() -> None:
    config = Config()
    data = pipeline.load_and_validate(
        ["sample_data/queries.csv", "sample_data/broadcasts.csv", "sample_data/press_events.csv"],
        config,
    )
    analysis = analyse(data, window_for(parse_period("2021-01"), TODAY), config)
    f = analysis.figures
    assert f.backlog == 502
    assert f.open_ages == (463, 30, 9)
    assert [p.backlog for p in analysis.months][-3:] == [438, 449, 502]
    assert sum(f.response_spread) == f.queries.responses_measured == 1230
    assert f.response_spread == (28, 378, 527, 246, 46, 5, 0)
    assert f.year_to_date is None  # January: the year to date is the period
    previous, year_ago = analysis.topic_shifts
    assert [(c.topic, c.now, c.then) for c in previous.rose] == [("Housing", 72, 39)]
    assert previous.fell == () and year_ago.rose == year_ago.fell == ()
    assert np.isclose(f.queries.q1_response_days or 0, 3.2259, atol=1e-4)
