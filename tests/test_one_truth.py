"""One report, one truth: every part of a report is worked out under one value of the
deadline rules and working-day calendar, and each query's deadline is worked out once
for the classes and the export's own overdue marks alike."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from engagement_report import pipeline
from engagement_report.aggregates import deadline_columns
from engagement_report.analysis import analyse
from engagement_report.analysis import period as period_stage
from engagement_report.config import load_config
from engagement_report.periods import parse_period

ROOT = Path(__file__).resolve().parents[1]
MINSK = ROOT / "tests" / "data" / "real" / "minsk115bel_2022_october.json"
MINSK_CONFIG = ROOT / "examples" / "minsk115.toml"


def test_a_report_resolves_its_rules_once_and_each_deadline_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = load_config(MINSK_CONFIG)
    data = pipeline.load_and_validate([MINSK], config, cache=False, today=date(2022, 11, 30))
    assert "overdue_mark" in data.queries  # the marks are compared with the classes
    report_window = pipeline.window(parse_period("2022-10"), config, date(2022, 11, 30))
    calls: Counter[str] = Counter()
    rules_of = period_stage.deadline_rules

    def counted_rules(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["rules"] += 1
        return rules_of(*args, **kwargs)

    inputs_of = deadline_columns.deadline_inputs

    def counted_inputs(frame, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls[f"deadlines of {len(frame)} rows"] += 1
        return inputs_of(frame, *args, **kwargs)

    monkeypatch.setattr(period_stage, "deadline_rules", counted_rules)
    monkeypatch.setattr(deadline_columns, "deadline_inputs", counted_inputs)
    figures = pipeline.compute(data, parse_period("2022-10"), config, date(2022, 11, 30))
    assert figures.overdue_marks is not None
    # The period's rows: their deadlines once, for the classes and the marks.
    assert calls == {"rules": 1, f"deadlines of {len(data.queries)} rows": 1}
    calls.clear()
    analyse(data, report_window, config)
    # Figures, trend, comparisons, ages, year to date: one value of the rules, and each
    # query's deadline once (all the rows at once; the windows take theirs from them).
    assert calls == {"rules": 1, f"deadlines of {len(data.queries)} rows": 1}


# --- a query in progress with an answer date ----------------------------------------------

OPEN_DATED = """\
query_id,received_at,answered_at,status,topic,applicant
Q1,2021-03-01 09:00,2021-03-02 10:00,answered,Roads,+7 701 000 0001
Q2,2021-03-01 10:00,2021-03-02 11:00,в работе,Roads,+7 701 000 0002
Q3,2021-03-03 10:00,2021-03-04 11:00,in progress,Roads,+7 701 000 0002
Q4,2021-03-04 10:00,,в работе,Roads,+7 701 000 0003
"""


def test_a_query_in_progress_with_an_answer_date_is_open_everywhere_and_said_once(
    write_inputs,
) -> None:
    # Q2 and Q3 are in progress by their status and carry an answer date: they are open
    # in every figure (not answered, no response time, not closed on time or late, in
    # the backlog), Q3 is no repeat of an answered Q2, and one warning says so per file.
    inputs = write_inputs(queries=OPEN_DATED)
    config = load_config(None)
    data = pipeline.load_and_validate([inputs], config, cache=False, today=date(2021, 6, 1))
    [problem] = [p for p in data.report.problems if p.code == "open_with_answer_date"]
    assert (problem.row, problem.column, problem.value) == (3, "answered_at", "2021-03-02 11:00")
    assert problem.message.startswith("2 queries in progress by status carry a date")
    [source] = data.report.sources
    assert source.problem_counts["open_with_answer_date"] == 1
    figures = pipeline.compute(data, parse_period("2021-03"), config, date(2021, 6, 1))
    q = figures.queries
    assert (q.received, q.answered, q.in_progress, q.answered_share) == (4, 1, 3, 0.25)
    assert (q.median_response_days, q.responses_measured) == (25 / 24, 1)  # Q1 alone: 25 h
    assert figures.deadlines is not None
    d = figures.deadlines
    # As of 31 March (8 March and Nauryz, 22-24 March, are days off): Q2 was due on
    # 26 March, Q3 on 30 March, both overdue; Q4 (registered 4 March) is due on the 31st.
    assert (d.on_time, d.late, d.open_not_due, d.open_overdue) == (1, 0, 1, 2)
    assert figures.backlog == 3
    assert figures.accountability is not None and figures.accountability.repeats == 0


# --- the summary's row order --------------------------------------------------------------

# Two months; every dimension has ties (Parks and Roads 2 each, Web and Phone, Almaly and
# Medeu, two programmes of 1 broadcast each with equal questions) and a month's own order
# differs from the whole's (January alone: Roads first; February alone: Parks first).
TIED = """\
query_id,received_at,answered_at,status,topic,channel,district,performer
Q1,2021-01-05 10:00,2021-01-06 10:00,answered,Roads,Web,Medeu,Akimat
Q2,2021-01-06 10:00,,in progress,Roads,Phone,Almaly,Roads Dept
Q3,2021-02-05 10:00,2021-02-06 10:00,answered,Parks,Web,Almaly,Roads Dept
Q4,2021-02-06 10:00,,in progress,Parks,Phone,Medeu,Akimat
Q5,2021-02-07 10:00,,in progress,Snow,Web,Medeu,Akimat
"""
BROADCASTS = """\
date,program,questions_answered
2021-02-01,Zeta hour,5
2021-01-10,Alpha hour,5
2021-02-10,Mid hour,7
2021-02-11,Mid hour,0
"""


def _order(records: list[str]) -> list[tuple[str, str, str]]:
    """(dimension, category, metric) of each received/broadcasts row of a breakdown."""
    rows = [line.split(",") for line in records[1:]]
    return [
        (r[4], r[5], r[3])
        for r in rows
        if r[4] not in ("total",) and r[3] in ("received", "broadcasts")
    ]


def test_summary_rows_come_in_one_documented_order_whatever_the_path(
    write_inputs, tmp_path: Path
) -> None:
    inputs = write_inputs(queries=TIED, broadcasts=BROADCASTS)
    config = load_config(None)
    today = date(2021, 6, 1)
    built = pipeline.build(
        [inputs], config, period="2021", out=tmp_path / "b", today=today, cache=False
    )
    from_build = (built.files["summary.csv"]).read_text(encoding="utf-8")
    direct = "".join(pipeline.summary([inputs], config, "2021", today=today, cache=False))
    pipeline.archive([inputs], config, tmp_path / "archive", cache=False, today=today)
    archived = "".join(
        pipeline.summary([tmp_path / "archive"], config, "2021", today=today, cache=False)
    )
    assert direct == from_build
    assert archived == from_build
    order = [(d, c) for d, c, m in _order(from_build.splitlines()) if m == "received"]
    # Per dimension: most received first, ties by the label (code-point order).
    assert order == [
        ("topic", "Parks"),
        ("topic", "Roads"),
        ("topic", "Snow"),
        ("channel", "Web"),
        ("channel", "Phone"),
        ("district", "Medeu"),
        ("district", "Almaly"),
        ("body", "Akimat"),
        ("body", "Roads Dept"),
    ]
    # Programmes: most broadcasts first, then most questions answered, then the label.
    programmes = [c for d, c, m in _order(from_build.splitlines()) if d == "program"]
    assert programmes == ["Mid hour", "Alpha hour", "Zeta hour"]
    pytest.importorskip("distributed")
    from engagement_report.engines.dask import Cluster

    on_dask = pipeline.summary(
        [tmp_path / "archive"],
        config,
        "2021",
        today=today,
        engine="dask",
        cluster=Cluster(workers=2, processes=False),
    )
    assert "".join(on_dask) == from_build


# --- the report's words and the summary's numbers -----------------------------------------


def test_the_reports_headline_numbers_are_summary_jsons(sample_data: Path, tmp_path: Path) -> None:
    import html
    import json
    import re

    from engagement_report.render.filters import number, percent

    built = pipeline.build(
        [sample_data], load_config(None), period="2021-01", out=tmp_path, today=date(2021, 3, 1)
    )
    records = json.loads(built.files["summary.json"].read_text(encoding="utf-8"))
    total = {
        r["metric"]: r["value"]
        for r in records
        if r["dataset"] == "queries" and r["dimension"] == "total"
    }
    measured = sum(r["value"] for r in records if r["dimension"] == "response_days")
    due = total["on_time"] + total["late"] + total["open_overdue"]
    md = built.files["report.md"].read_text(encoding="utf-8")
    page = built.files["report.html"].read_text(encoding="utf-8")
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    text = re.sub(r"\s+", " ", text)
    expected_md = [
        f"| Queries received | {number(total['received'])} |",
        f"| On time within the legal term, of queries due | {percent(total['on_time_share_of_due'])} |",
        f"| Overdue now | {number(total['open_overdue'])} |",
        f"| Median response time, days | {number(total['median_response_days'], 1)} |",
        f"| Answered | {number(total['answered'])} | {percent(total['answered_share'])} |",
        f"| In progress | {number(total['in_progress'])} |",
        f"| Rejected | {number(total['rejected'])} |",
        f"| Redirected | {number(total['redirected'])} |",
        f"| Blank or unknown status | {number(total['other_status'])} |",
        f"| **Received** | **{number(total['received'])}** |",
    ]
    for line in expected_md:
        assert line in md, line
    expected_both = [
        f"{percent(total['on_time_share_of_due'])} of the queries already due "
        f"({number(total['on_time'])} of {number(due)})",
        f"queries still within their term: {number(total['open_not_due'])}",
        f"median {number(total['median_response_days'], 1)} days, 90th percentile "
        f"{number(total['p90_response_days'], 1)} days, over {number(measured)} queries",
        f"Answered share: {percent(total['answered_share'])}",
    ]
    for phrase in expected_both:
        assert phrase in md.replace("**", ""), phrase
        assert phrase in text, phrase
    expected_html = [
        f"{number(total['received'])} Queries received",
        f"{percent(total['on_time_share_of_due'])} On time within the legal term, of queries due",
        f"{number(total['open_overdue'])} Overdue now",
        f"{number(total['median_response_days'], 1)} Median response time, days",
        f"Answered {number(total['answered'])} {percent(total['answered_share'])}",
        f"In progress {number(total['in_progress'])}",
        f"Received {number(total['received'])}",
    ]
    for phrase in expected_html:
        assert phrase in text, phrase


# --- one category over several files --------------------------------------------------------


def test_letter_case_variants_are_one_category_across_files(write_csvs, tmp_path: Path) -> None:
    # January's file writes "roads" (and "Roads" once), February's "Roads" (and "roads"
    # once): one topic of 7 queries, shown in its most frequent spelling over both files,
    # as within one file; so for the channel "web"/"Web".
    head = "query_id,received_at,answered_at,status,topic,channel\n"
    january = write_csvs(
        tmp_path / "a",
        queries=head
        + "A1,2021-01-05 10:00,2021-01-06 10:00,answered,roads,web\n"
        + "A2,2021-01-06 10:00,,in progress,roads,web\n"
        + "A3,2021-01-07 10:00,,in progress,Roads,web\n",
    )
    february = write_csvs(
        tmp_path / "b",
        queries=head
        + "B1,2021-02-05 10:00,2021-02-06 10:00,answered,Roads,Web\n"
        + "B2,2021-02-06 10:00,,in progress,Roads,Web\n"
        + "B3,2021-02-07 10:00,,in progress,roads,Web\n"
        + "B4,2021-02-07 11:00,,in progress,Roads,Web\n",
    )
    config = load_config(None)
    data = pipeline.load_and_validate(
        [january, february], config, cache=False, today=date(2021, 6, 1)
    )
    figures = pipeline.compute(data, parse_period("2021-Q1"), config, date(2021, 6, 1))
    assert [(r.category, r.received, r.answered) for r in figures.by_topic] == [("Roads", 7, 2)]
    assert [(r.category, r.received) for r in figures.by_channel] == [("Web", 7)]


# --- a closing status without an answer date ----------------------------------------------

# Both received on 1 December 2020, due on 22 December (15 working days; 16-17 December are
# Independence Day): Q1 answered on time, Q2 answered with no date at all.
UNDATED = """\
query_id,received_at,answered_at,status,topic
Q1,2020-12-01 10:00,2020-12-03 10:00,answered,Roads
Q2,2020-12-01 11:00,,answered,Roads
"""


def test_an_answer_without_a_date_is_closed_everywhere_and_never_overdue(
    write_inputs, tmp_path: Path
) -> None:
    # The statuses and the backlog count Q2 closed; the deadline classes did count it
    # open (overdue now, its term long past), so the report called it answered and
    # overdue at once. It is closed_undated: closed, unknown whether on time.
    import json

    inputs = write_inputs(queries=UNDATED)
    built = pipeline.build(
        [inputs], load_config(None), period="2020-12", out=tmp_path, today=date(2021, 3, 1)
    )
    figures = built.figures
    q, d = figures.queries, figures.deadlines
    assert d is not None
    # Open by the classes exactly when open by the statuses; the shares leave Q2 out.
    assert d.open_not_due + d.open_overdue == q.in_progress + q.other_status
    assert (q.answered, q.in_progress, q.closed_undated, figures.backlog) == (2, 0, 1, 0)
    assert (d.on_time, d.late, d.open_not_due, d.open_overdue, d.closed_undated) == (1, 0, 0, 0, 1)
    assert d.on_time_share == 1.0 and d.on_time_share_of_due == 1.0
    assert figures.open_queries == ()
    cards = {h.key: h for h in built.context.headlines}
    assert cards["open_overdue"].value == 0
    assert built.context.trend[-1].still_due == 0
    records = json.loads(built.files["summary.json"].read_text(encoding="utf-8"))
    total = {
        r["metric"]: r["value"]
        for r in records
        if r["dataset"] == "queries" and r["dimension"] == "total"
    }
    assert (total["open_overdue"], total["open_not_due"], total["closed_undated"]) == (0, 0, 1)
    assert total["backlog"] == 0
    md = built.files["report.md"].read_text(encoding="utf-8")
    assert "| Closed without an answer date: unknown whether on time | 1 |" in md
    assert "| Open, overdue | 0 |" in md
    assert "as closed without an answer date: neither on time, late nor open" in md
    page = built.files["report.html"].read_text(encoding="utf-8")
    assert 'class="key closed-undated"' in page


# --- a closing status without an answer date ---------------------------------------------

CLOSED_UNDATED = """\
query_id,received_at,Дата ответа,status,topic
Q1,2021-03-01 09:00,2021-03-02 10:00,answered,Roads
Q2,2021-03-01 10:00,,отвечено,Roads
Q3,2021-03-03 10:00,,rejected,Roads
Q4,2021-03-04 10:00,,in progress,Roads
"""


def test_a_closing_status_without_an_answer_date_is_named_row_by_row(write_inputs) -> None:
    # Q2 and Q3 are closed by their status but carry no answer date: deadline class
    # closed_undated, and validate names each row and the empty answer date column.
    inputs = write_inputs(queries=CLOSED_UNDATED)
    config = load_config(None)
    data = pipeline.load_and_validate([inputs], config, cache=False, today=date(2021, 6, 1))
    found = [p for p in data.report.problems if p.code == "closed_without_answer_date"]
    assert [(p.severity, p.row, p.column, p.value) for p in found] == [
        ("warning", 3, "Дата ответа", "answered"),
        ("warning", 4, "Дата ответа", "rejected"),
    ]
    assert found[0].file.endswith("queries.csv")
    assert found[0].message.startswith("status says answered but Дата ответа holds no answer")
    assert data.report.sources[0].problem_counts["closed_without_answer_date"] == 2
    figures = pipeline.compute(data, parse_period("2021-03"), config, date(2021, 6, 1))
    assert figures.deadlines is not None and figures.deadlines.closed_undated == 2


def test_no_answer_date_column_is_no_warning_on_every_row(write_inputs) -> None:
    inputs = write_inputs(queries="query_id,received_at,status\nQ1,2021-03-01,answered\n")
    data = pipeline.load_and_validate(
        [inputs], load_config(None), cache=False, today=date(2021, 6, 1)
    )
    assert not [p for p in data.report.problems if p.code == "closed_without_answer_date"]
