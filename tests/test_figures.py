"""Figure definitions on tiny hand-made inputs: every expected value is worked out by hand.

The inputs go through the real loader and validation (CSV files in tmp_path), so the
frames are exactly what ``pipeline.compute`` sees in a run.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engagement_report import pipeline
from engagement_report.config import Config
from engagement_report.periods import parse_period
from engagement_report.results import Figures

TODAY = date(2021, 6, 1)
Q_HEADER = "query_id,received_at,answered_at,status,topic,channel,district\n"


def figures(folder: Path, period: str = "2021-03", min_category_size: int = 5) -> Figures:
    config = Config(min_category_size=min_category_size)
    data = pipeline.load_and_validate([folder], config)
    return pipeline.compute(data, parse_period(period), config, today=TODAY)


def queries_only(write_inputs, rows: str) -> Path:
    return write_inputs(queries=Q_HEADER + rows)


def topics(result: Figures, dimension: str = "topic") -> list[tuple[str, int]]:
    return [(row.category, row.received) for row in result.breakdown(dimension)]


# --- status counts -------------------------------------------------------------------------


def test_status_counts_and_answered_share(write_inputs) -> None:
    folder = queries_only(
        write_inputs,
        """\
Q1,2021-03-01 09:00,2021-03-02 09:00,answered,A,Web,1
Q2,2021-03-02 09:00,2021-03-03 09:00,Answered,A,Web,1
Q3,2021-03-03 09:00,,in progress,A,Web,1
Q4,2021-03-04 09:00,2021-03-05 09:00,rejected,A,Web,1
Q5,2021-03-05 09:00,2021-03-06 09:00,redirected,A,Web,1
Q6,2021-03-06 09:00,2021-03-08 09:00,,A,Web,1
Q7,2021-03-07 09:00,,lost in the mail,A,Web,1
Q8,2021-03-08 09:00,,,A,Web,1
""",
    )
    q = figures(folder).queries
    # Q1, Q2 answered; Q6 blank status with an answer date → answered.
    assert (q.received, q.answered, q.in_progress, q.rejected, q.redirected) == (8, 3, 1, 1, 1)
    # Q7 unknown status and Q8 blank status without an answer date.
    assert q.other_status == 2
    assert q.answered_share == pytest.approx(3 / 8)


def test_unknown_status_counts_as_received_not_answered(write_inputs) -> None:
    folder = queries_only(
        write_inputs,
        "Q1,2021-03-01 09:00,2021-03-02 09:00,lost in the mail,A,Web,1\n",
    )
    q = figures(folder).queries
    assert (q.received, q.answered, q.other_status) == (1, 0, 1)
    assert q.answered_share == 0.0  # defined (something was received), just zero
    # An unknown status is not answered, so its answer date is not a response time.
    assert q.median_response_days is None
    assert q.responses_measured == 0


def test_blank_status_with_answer_date_is_answered_and_timed(write_inputs) -> None:
    folder = queries_only(
        write_inputs,
        """\
Q1,2021-03-01 09:00,2021-03-03 21:00,,A,Web,1
Q2,2021-03-01 09:00,,,A,Web,1
""",
    )
    q = figures(folder).queries
    assert (q.received, q.answered, q.other_status) == (2, 1, 1)
    assert q.median_response_days == pytest.approx(2.5)  # 2 days 12 hours
    assert q.responses_measured == 1


# --- response times ------------------------------------------------------------------------


def test_median_and_p90_response_days_are_fractional(write_inputs) -> None:
    folder = queries_only(
        write_inputs,
        """\
Q1,2021-03-01 09:00,2021-03-02 21:00,answered,A,Web,1
Q2,2021-03-02 10:00,2021-03-03 10:00,answered,A,Web,1
Q3,2021-03-03 08:00,2021-03-06 08:00,answered,A,Web,1
Q4,2021-03-04 00:00,2021-03-08 12:00,answered,A,Web,1
Q5,2021-03-05 10:00,2021-03-01 10:00,answered,A,Web,1
Q6,2021-03-06 10:00,,answered,A,Web,1
Q7,2021-03-01 10:00,2021-03-20 10:00,rejected,A,Web,1
""",
    )
    q = figures(folder).queries
    # Measured: 1.5 (1 day 12 h), 1.0, 3.0, 4.5. Left out: Q5 answered before it was
    # received, Q6 answered without an answer date, Q7 not answered.
    assert q.responses_measured == 4
    assert q.answered == 6
    assert q.median_response_days == pytest.approx((1.5 + 3.0) / 2)  # 2.25
    # Linear interpolation over sorted [1.0, 1.5, 3.0, 4.5] at 0.9 × 3 = 2.7.
    assert q.p90_response_days == pytest.approx(3.0 + 0.7 * (4.5 - 3.0))  # 4.05


def test_single_response_is_its_own_median_and_p90(write_inputs) -> None:
    folder = queries_only(write_inputs, "Q1,2021-03-01 06:00,2021-03-01 18:00,answered,A,Web,1\n")
    q = figures(folder).queries
    assert q.median_response_days == pytest.approx(0.5)
    assert q.p90_response_days == pytest.approx(0.5)


def test_answered_before_received_is_answered_but_not_timed(write_inputs) -> None:
    folder = queries_only(write_inputs, "Q1,2021-03-05 10:00,2021-03-04 10:00,answered,A,Web,1\n")
    q = figures(folder).queries
    assert (q.received, q.answered, q.responses_measured) == (1, 1, 0)
    assert q.median_response_days is None
    assert q.p90_response_days is None
    assert q.answered_share == 1.0


def test_answered_without_answer_dates_has_no_response_times(write_inputs) -> None:
    folder = queries_only(
        write_inputs,
        """\
Q1,2021-03-01 09:00,,answered,A,Web,1
Q2,2021-03-02 09:00,,answered,A,Web,1
""",
    )
    q = figures(folder).queries
    assert (q.received, q.answered, q.answered_share) == (2, 2, 1.0)
    assert (q.median_response_days, q.p90_response_days, q.responses_measured) == (None, None, 0)


# --- empty periods and datasets ------------------------------------------------------------


def test_empty_period_has_undefined_shares_and_medians(write_inputs) -> None:
    folder = write_inputs(
        queries=Q_HEADER + "Q1,2021-03-01 09:00,2021-03-02 09:00,answered,A,Web,1\n",
        broadcasts="date,program,questions_answered\n2021-03-04,Live,10\n",
        press_events="date,speakers,journalist_questions,publications\n2021-03-05,2,4,100\n",
    )
    result = figures(folder, period="2021-05")
    q = result.queries
    assert (q.received, q.answered, q.other_status, q.responses_measured) == (0, 0, 0, 0)
    assert q.answered_share is None
    assert q.median_response_days is None
    assert q.p90_response_days is None
    assert result.by_topic == result.by_channel == result.by_district == ()
    assert result.broadcasts.broadcasts == 0
    assert result.broadcasts.questions_per_broadcast is None
    assert result.by_program == ()
    assert result.press.press_events == 0
    assert result.press.publications_per_event is None
    assert result.press.questions_per_event is None


def test_zero_broadcasts_and_press_events_have_no_per_event_figures(write_inputs) -> None:
    folder = queries_only(write_inputs, "Q1,2021-03-01 09:00,,in progress,A,Web,1\n")
    result = figures(folder)
    b, p = result.broadcasts, result.press
    assert (b.broadcasts, b.questions_answered, b.questions_per_broadcast) == (0, 0, None)
    assert (p.press_events, p.speakers, p.journalist_questions, p.publications) == (0, 0, 0, 0)
    assert p.publications_per_event is None
    assert p.questions_per_event is None


def test_broadcast_and_press_totals(write_inputs) -> None:
    folder = write_inputs(
        broadcasts="""\
        date,program,speaker,topic,questions_answered,tv_segments
        2021-03-04,Akimat LIVE,Head A,Roads,10,3
        2021-03-11,Akimat LIVE,Head B,Roads,15,
        2021-03-12,Open dialogue,Head C,Parks,8,2
        2021-04-01,Akimat LIVE,Head D,Roads,99,99
        """,
        press_events="""\
        date,title,topic,speakers,journalist_questions,publications
        2021-03-05,Briefing,Roads,2,4,100
        2021-03-31,Briefing,Parks,3,7,51
        2021-02-28,Briefing,Parks,9,9,9
        """,
    )
    result = figures(folder)
    b, p = result.broadcasts, result.press
    assert (b.broadcasts, b.questions_answered, b.tv_segments) == (3, 33, 5)
    assert b.questions_per_broadcast == pytest.approx(11.0)
    assert [(x.program, x.broadcasts, x.questions_answered) for x in result.by_program] == [
        ("Akimat LIVE", 2, 25),
        ("Open dialogue", 1, 8),
    ]
    assert (p.press_events, p.speakers, p.journalist_questions, p.publications) == (2, 5, 11, 151)
    assert p.publications_per_event == pytest.approx(75.5)
    assert p.questions_per_event == pytest.approx(5.5)


def test_tv_segments_undefined_without_the_column(write_inputs) -> None:
    folder = write_inputs(
        broadcasts="""\
        date,program,questions_answered
        2021-03-04,Akimat LIVE,10
        2021-03-11,Akimat LIVE,14
        """
    )
    b = figures(folder).broadcasts
    assert (b.broadcasts, b.questions_answered, b.tv_segments) == (2, 24, None)
    assert b.questions_per_broadcast == pytest.approx(12.0)


# --- category labels and breakdowns -------------------------------------------------------


def test_category_labels_are_tidied(write_inputs) -> None:
    folder = queries_only(
        write_inputs,
        """\
Q1,2021-03-01 09:00,,in progress,  Public   transport ,Web,7
Q2,2021-03-01 09:00,,in progress,public transport,Web,7.0
Q3,2021-03-01 09:00,,in progress,Public transport,Web, 7
Q4,2021-03-01 09:00,,in progress,Public\u00a0transport,Web,7.00
Q5,2021-03-01 09:00,,in progress,PUBLIC TRANSPORT,Web,12
Q6,2021-03-01 09:00,,in progress,,Web,
Q7,2021-03-01 09:00,,in progress,   ,Web,12.0
""",
    )
    result = figures(folder)
    # "Public transport" is the most frequent spelling (Q1, Q3, Q4 once tidied: 3 rows);
    # "public transport" and "PUBLIC TRANSPORT" (1 row each) are merged into it.
    assert topics(result) == [("Public transport", 5), ("(not stated)", 2)]
    assert topics(result, "district") == [("7", 4), ("12", 2), ("(not stated)", 1)]
    assert topics(result, "channel") == [("Web", 7)]


def test_breakdown_order_biggest_first_then_by_name(write_inputs) -> None:
    rows = [
        ("Zeta", 3),
        ("Beta", 2),
        ("Alpha", 2),
        ("Delta", 1),
    ]
    lines = []
    n = 0
    for topic, count in rows:
        for _ in range(count):
            n += 1
            lines.append(f"Q{n},2021-03-0{n},,in progress,{topic},Web,1\n")
    folder = queries_only(write_inputs, "".join(lines))
    result = figures(folder)
    assert topics(result) == [("Zeta", 3), ("Alpha", 2), ("Beta", 2), ("Delta", 1)]
    shares = [row.share_of_received for row in result.by_topic]
    assert shares == pytest.approx([3 / 8, 2 / 8, 2 / 8, 1 / 8])


def test_category_figures_answered_share_and_median(write_inputs) -> None:
    folder = queries_only(
        write_inputs,
        """\
Q1,2021-03-01 09:00,2021-03-02 09:00,answered,Roads,Web,1
Q2,2021-03-01 09:00,2021-03-04 09:00,answered,Roads,Web,1
Q3,2021-03-01 09:00,2021-03-01 21:00,answered,Roads,Web,1
Q4,2021-03-01 09:00,,in progress,Roads,Web,1
Q5,2021-03-01 09:00,,in progress,Parks,Web,1
""",
    )
    roads, parks = figures(folder).by_topic
    assert (roads.category, roads.received, roads.answered) == ("Roads", 4, 3)
    assert roads.answered_share == pytest.approx(0.75)
    assert roads.median_response_days == pytest.approx(1.0)  # of 1.0, 3.0, 0.5
    assert roads.share_of_received == pytest.approx(0.8)
    assert (parks.category, parks.received, parks.answered) == ("Parks", 1, 0)
    assert parks.answered_share == 0.0
    assert parks.median_response_days is None


def test_comparable_flag_follows_min_category_size(write_inputs) -> None:
    lines = [f"Q{i},2021-03-01 09:00,,in progress,Big,Web,1\n" for i in range(3)]
    lines += [f"S{i},2021-03-01 09:00,,in progress,Small,Web,1\n" for i in range(2)]
    folder = queries_only(write_inputs, "".join(lines))
    at_three = figures(folder, min_category_size=3)
    assert [(r.category, r.comparable) for r in at_three.by_topic] == [
        ("Big", True),
        ("Small", False),
    ]
    by_default = figures(folder)  # default 5: neither has five queries
    assert [(r.category, r.comparable) for r in by_default.by_topic] == [
        ("Big", False),
        ("Small", False),
    ]
    at_two = figures(folder, min_category_size=2)
    assert [r.comparable for r in at_two.by_topic] == [True, True]


# --- which rows belong to the period -------------------------------------------------------


def test_period_membership_by_date_received(write_inputs) -> None:
    folder = queries_only(
        write_inputs,
        """\
Q1,2021-02-28 23:59,2021-03-01 10:00,answered,Feb,Web,1
Q2,2021-03-01 00:00,2021-03-01 12:00,answered,In,Web,1
Q3,2021-03-31 23:59,2021-04-02 11:59,answered,In,Web,1
Q4,2021-04-01 00:00,2021-04-01 06:00,answered,Apr,Web,1
Q5,2021-03-15 12:00,,in progress,In,Web,1
""",
    )
    result = figures(folder)
    q = result.queries
    # Q2, Q3, Q5 were received in March. Q3 was answered in April, after the cut-off
    # (31 March): open at the cut-off, and not among the response times.
    assert (q.received, q.answered, q.in_progress) == (3, 1, 2)
    assert q.median_response_days == pytest.approx(0.5)
    # Cut off on 2 April, Q3's answer (11:59 that day) counts: 1.5 days.
    later = pipeline.compute(
        pipeline.load_and_validate([folder], Config()),
        parse_period("2021-03"),
        Config(),
        today=TODAY,
        as_of=date(2021, 4, 2),
    ).queries
    assert (later.answered, later.in_progress) == (2, 1)
    assert later.median_response_days == pytest.approx((0.5 + 1.5) / 2)
    assert topics(result) == [("In", 3)]
    april = figures(folder, period="2021-04").queries
    assert (april.received, april.answered) == (1, 1)


def test_duplicate_query_ids_last_row_wins(write_inputs) -> None:
    folder = queries_only(
        write_inputs,
        """\
Q1,2021-03-01 09:00,,in progress,Roads,Web,1
Q2,2021-03-02 09:00,,in progress,Parks,Web,1
Q1,2021-03-01 09:00,2021-03-03 09:00,answered,Water,Phone,2
Q3,2021-03-03 09:00,,in progress,Parks,Web,1
Q3,2021-04-03 09:00,,rejected,Parks,Web,1
""",
    )
    result = figures(folder)
    q = result.queries
    # Q1 once, as answered (its last row); Q3's last row was received in April.
    assert (q.received, q.answered, q.in_progress, q.rejected) == (2, 1, 1, 0)
    assert q.median_response_days == pytest.approx(2.0)
    assert topics(result) == [("Parks", 1), ("Water", 1)]
    assert topics(result, "channel") == [("Phone", 1), ("Web", 1)]
    april = figures(folder, period="2021-04").queries
    assert (april.received, april.rejected) == (1, 1)
