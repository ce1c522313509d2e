"""The summary contract (README, "Summary contract"), on hand-built figures."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest

from engagement_report.deadlines import DeadlineFigures
from engagement_report.export import (
    csv_text,
    format_value,
    json_text,
    jsonl_lines,
    summary_records,
)
from engagement_report.periods import Period
from engagement_report.results import (
    BroadcastFigures,
    CategoryFigures,
    Figures,
    PressFigures,
    ProgramFigures,
    QueryFigures,
)

HEADER = "period_start,period_end,dataset,metric,dimension,category,value"
JANUARY = Period(date(2021, 1, 1), date(2021, 1, 31), "2021-01", "month")


def hand_figures(deadlines: DeadlineFigures | None = None) -> Figures:
    return Figures(
        period=JANUARY,
        queries=QueryFigures(
            received=3,
            answered=1,
            in_progress=1,
            rejected=0,
            redirected=0,
            other_status=1,
            answered_share=1 / 3,
            median_response_days=0.1 + 0.2,
            p90_response_days=None,
            responses_measured=1,
        ),
        by_topic=(
            CategoryFigures('Roads, "north"', 2, 1, 0.5, 2 / 3, 0.1 + 0.2, False, 1.0),
            CategoryFigures("(not stated)", 1, 0, 0.0, 1 / 3, None, False, None),
        ),
        by_channel=(CategoryFigures("109 call centre", 3, 1, 1 / 3, 1.0, 0.3, False, 1.0),),
        by_district=(),
        broadcasts=BroadcastFigures(0, 0, None, None),
        by_program=(ProgramFigures("Akimat LIVE", 2, 45),),
        press=PressFigures(45, 84, 293, 24525, 24525 / 45, 293 / 45),
        deadlines=deadlines,
    )


# (dataset, metric, dimension, category, value as the CSV writes it), in contract order.
EXPECTED_ROWS = [
    ("queries", "received", "total", "", "3"),
    ("queries", "answered", "total", "", "1"),
    ("queries", "in_progress", "total", "", "1"),
    ("queries", "rejected", "total", "", "0"),
    ("queries", "redirected", "total", "", "0"),
    ("queries", "other_status", "total", "", "1"),
    ("queries", "answered_share", "total", "", "0.333333"),
    ("queries", "median_response_days", "total", "", "0.3"),
    ("queries", "p90_response_days", "total", "", ""),
    ("queries", "received", "topic", 'Roads, "north"', "2"),
    ("queries", "answered", "topic", 'Roads, "north"', "1"),
    ("queries", "answered_share", "topic", 'Roads, "north"', "0.5"),
    ("queries", "median_response_days", "topic", 'Roads, "north"', "0.3"),
    ("queries", "received", "topic", "(not stated)", "1"),
    ("queries", "answered", "topic", "(not stated)", "0"),
    ("queries", "answered_share", "topic", "(not stated)", "0"),
    ("queries", "median_response_days", "topic", "(not stated)", ""),
    ("queries", "received", "channel", "109 call centre", "3"),
    ("queries", "answered", "channel", "109 call centre", "1"),
    ("queries", "answered_share", "channel", "109 call centre", "0.333333"),
    ("queries", "median_response_days", "channel", "109 call centre", "0.3"),
    ("broadcasts", "broadcasts", "total", "", "0"),
    ("broadcasts", "questions_answered", "total", "", "0"),
    ("broadcasts", "questions_per_broadcast", "total", "", ""),
    ("broadcasts", "tv_segments", "total", "", ""),
    ("broadcasts", "broadcasts", "program", "Akimat LIVE", "2"),
    ("broadcasts", "questions_answered", "program", "Akimat LIVE", "45"),
    ("press_events", "press_events", "total", "", "45"),
    ("press_events", "speakers", "total", "", "84"),
    ("press_events", "journalist_questions", "total", "", "293"),
    ("press_events", "publications", "total", "", "24525"),
    ("press_events", "publications_per_event", "total", "", "545"),
    ("press_events", "questions_per_event", "total", "", "6.511111"),  # 293 / 45
    # The bulletin views come last: earlier rows keep their places.
    ("queries", "q1_response_days", "total", "", ""),
    ("queries", "q3_response_days", "total", "", ""),
    ("queries", "backlog", "total", "", ""),
]


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_header_is_exactly_the_contract() -> None:
    text = csv_text(summary_records(hand_figures()))
    assert text.split("\n", 1)[0] == HEADER


def test_rows_in_contract_order_with_contract_values() -> None:
    rows = parse_csv(csv_text(summary_records(hand_figures())))
    assert [
        (r["dataset"], r["metric"], r["dimension"], r["category"], r["value"]) for r in rows
    ] == EXPECTED_ROWS
    assert {(r["period_start"], r["period_end"]) for r in rows} == {("2021-01-01", "2021-01-31")}


def test_deadline_totals_follow_query_totals() -> None:
    deadlines = DeadlineFigures(
        on_time=5,
        late=2,
        open_not_due=1,
        open_overdue=1,
        closed_undated=3,
        on_time_share=5 / 7,
        extended=1,
        median_response_working_days=4.0,
        redirected_on_time=1,
        redirected_late=0,
        redirected_open=0,
        as_of=date(2021, 1, 31),
    )
    rows = parse_csv(csv_text(summary_records(hand_figures(deadlines))))
    keys = [(r["metric"], r["dimension"], r["category"], r["value"]) for r in rows]
    assert keys[8:22] == [
        ("p90_response_days", "total", "", ""),
        ("on_time", "total", "", "5"),
        ("late", "total", "", "2"),
        ("open_not_due", "total", "", "1"),
        ("open_overdue", "total", "", "1"),
        ("closed_undated", "total", "", "3"),
        ("on_time_share", "total", "", "0.714286"),  # 5 / (5 + 2): not the undated 3
        ("on_time_share_of_due", "total", "", "0.625"),  # 5 / (5 + 2 + 1 overdue)
        ("extended", "total", "", "1"),
        ("median_response_working_days", "total", "", "4"),
        ("redirected_on_time", "total", "", "1"),
        ("redirected_late", "total", "", "0"),
        ("redirected_open", "total", "", "0"),
        ("received", "topic", 'Roads, "north"', "2"),
    ]
    # With deadlines, each category also carries its on-time share (undefined: empty).
    on_time = [(r["category"], r["value"]) for r in rows if r["metric"] == "on_time_share"]
    assert on_time == [
        ("", "0.714286"),
        ('Roads, "north"', "1"),
        ("(not stated)", ""),
        ("109 call centre", "1"),
    ]


def test_value_format_iso_dates_and_plain_numbers() -> None:
    text = csv_text(summary_records(hand_figures()))
    rows = parse_csv(text)
    for r in rows:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["period_start"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["period_end"])
        # Empty, or a plain number: '.' decimal mark, no grouping, at most 6 decimals.
        assert re.fullmatch(r"(-?\d+(\.\d{1,6})?)?", r["value"]), r
    shares = [r["value"] for r in rows if r["metric"].endswith("_share")]
    assert shares and all(v == "" or 0 <= float(v) <= 1 for v in shares)  # fractions, not %
    assert "24,525" not in text and "24 525" not in text


def test_lf_line_endings_no_bom() -> None:
    text = csv_text(summary_records(hand_figures()))
    assert "\r" not in text
    assert text.endswith("\n")
    assert not text.startswith("\ufeff")
    assert text.encode("utf-8")[:3] != b"\xef\xbb\xbf"
    assert text.count("\n") == len(EXPECTED_ROWS) + 1


def test_no_header_option_drops_only_the_header() -> None:
    records = summary_records(hand_figures())
    assert csv_text(records, header=False) == csv_text(records).split("\n", 1)[1]


def test_json_records_equal_csv_records() -> None:
    records = summary_records(hand_figures())
    from_json = json.loads(json_text(records))
    from_csv = parse_csv(csv_text(records))
    assert len(from_json) == len(from_csv) == len(EXPECTED_ROWS)
    for j, c in zip(from_json, from_csv, strict=True):
        assert list(j) == HEADER.split(",")
        assert {k: v for k, v in j.items() if k != "value"} == {
            k: v for k, v in c.items() if k != "value"
        }
        if c["value"] == "":
            assert j["value"] is None
        else:
            assert isinstance(j["value"], int | float) and not isinstance(j["value"], bool)
            assert j["value"] == float(c["value"])
    values = {(j["metric"], j["dimension"], j["category"]): j["value"] for j in from_json}
    assert values[("received", "total", "")] == 3
    assert isinstance(values[("received", "total", "")], int)
    assert values[("answered_share", "total", "")] == 0.333333
    assert values[("p90_response_days", "total", "")] is None
    assert values[("questions_per_event", "total", "")] == 6.511111


def test_json_text_is_valid_strict_json() -> None:
    text = json_text(summary_records(hand_figures()))
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard JSON {name}"))
    assert "null" in text


def test_jsonl_lines_equal_json_array() -> None:
    records = summary_records(hand_figures())
    lines = list(jsonl_lines(records))
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    assert [json.loads(line) for line in lines] == json.loads(json_text(records))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.1 + 0.2, "0.3"),
        (1 / 3, "0.333333"),
        (2 / 3, "0.666667"),
        (24000, "24000"),
        (24000.0, "24000"),
        (1234567.5, "1234567.5"),
        (None, ""),
        (-0.0, "0"),
        (-0.0000001, "0"),
        (0, "0"),
        (0.0, "0"),
        (1.0, "1"),
        (-1.25, "-1.25"),
        (1e-7, "0"),
    ],
)
def test_format_value(value: float | None, text: str) -> None:
    assert format_value(value) == text
