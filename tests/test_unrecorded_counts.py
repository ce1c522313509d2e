"""A blank count is unknown, not zero (issue 18): press events' speakers, journalists'
questions and publications may be left blank; a total some event of the period did not
record is empty ("not recorded"), and the report says how many events lacked it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from engagement_report import pipeline
from engagement_report.config import Config

TODAY = date(2030, 1, 1)


def press(tmp_path: Path) -> Path:
    path = tmp_path / "press_events.csv"
    path.write_text(
        "date,title,speakers,journalist_questions,publications\n"
        "05.01.2021,Briefing,2,10,\n"  # publications not counted
        "12.01.2021,Briefing,3,,40\n"  # journalists' questions not counted
        "19.01.2021,Briefing,1,5,\n"
        "02.02.2021,Briefing,2,4,30\n",
        encoding="utf-8",
    )
    return path


def totals(path: Path, period: str) -> dict[str, float | None]:
    records = pipeline.summarize([path], Config(), period, TODAY)
    return {r.metric: r.value for r in records if r.dataset == "press_events"}


def test_blank_counts_are_kept_as_unknown(tmp_path: Path) -> None:
    data = pipeline.load_and_validate([press(tmp_path)], Config())
    assert data.report.rejected == 0 and data.report.problems == ()
    assert data.press_events["publications"].isna().tolist() == [True, False, True, False]


def test_a_total_some_event_did_not_record_is_empty(tmp_path: Path) -> None:
    january = totals(press(tmp_path), "2021-01")
    assert january["press_events"] == 3
    assert january["speakers"] == 6  # every event counted its speakers
    assert january["journalist_questions"] is None  # one event did not: not 15
    assert january["publications"] is None  # two did not: not 40
    assert january["publications_per_event"] is None
    assert january["questions_per_event"] is None
    # a period whose every event recorded its counts has its totals
    february = totals(press(tmp_path), "2021-02")
    assert (february["journalist_questions"], february["publications"]) == (4, 30)


def test_the_report_says_how_many_events_lacked_a_count(tmp_path: Path) -> None:
    result = pipeline.build([press(tmp_path)], Config(), period="2021-01", out=tmp_path / "out")
    text = " ".join(result.files["report.md"].read_text(encoding="utf-8").split())
    assert "Publications not recorded for 2 of 3 press events" in text
    assert "Journalists' questions not recorded for 1 of 3 press events" in text
    assert "Speakers not recorded" not in text
    html = result.files["report.html"].read_text(encoding="utf-8")
    assert "Publications not recorded for 2 of 3 press events" in html
