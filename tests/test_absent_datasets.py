"""A dataset with no input at all is absent, not zero (issue 18): no headline cards, no
trend columns, no coverage months and no definitions for it in the report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from engagement_report import pipeline
from engagement_report.config import Config


def test_a_queries_only_report_says_nothing_of_broadcasts_or_press(tmp_path: Path) -> None:
    queries = tmp_path / "queries.csv"
    queries.write_text(
        "received_at,answered_at,status\n05.01.2021,06.01.2021,answered\n05.02.2021,,open\n",
        encoding="utf-8",
    )
    result = pipeline.build([queries], Config(), out=tmp_path / "out", today=date(2021, 3, 1))
    for name in ("report.md", "report.html"):
        text = result.files[name].read_text(encoding="utf-8")
        assert "Broadcast questions" not in text, name  # trend column
        assert "Press publications" not in text, name
        assert "Questions per broadcast" not in text, name  # headline card
        assert "Publications per press event" not in text, name
        assert "broadcasts.broadcasts" not in text, name  # methodology definition
        assert "press_events.publications" not in text, name
        assert "queries.received" in text, name
    md = result.files["report.md"].read_text(encoding="utf-8")
    assert "- broadcasts: months with data" not in md  # coverage
    assert "- queries: months with data" in md
    keys = [h.key for h in result.context.headlines]
    # The four lead cards and the queries section's line; nothing of broadcasts or press.
    assert keys == [
        "received",
        "on_time_share_of_due",
        "open_overdue",
        "median_response_days",
        "answered_share",
    ]


def test_a_column_no_input_has_gives_no_breakdown(tmp_path: Path) -> None:
    queries = tmp_path / "queries.csv"
    queries.write_text(
        "received_at,answered_at,status,topic\n05.01.2021,06.01.2021,answered,Roads\n"
        "06.01.2021,,open,\n",
        encoding="utf-8",
    )
    records = pipeline.summarize([queries], Config(), "2021-01", date(2021, 3, 1))
    dimensions = {r.dimension for r in records if r.dataset == "queries"}
    assert "channel" not in dimensions and "district" not in dimensions
    # a column the export has keeps its blanks as "(not stated)"
    topics = {r.category for r in records if r.dimension == "topic"}
    assert topics == {"Roads", "(not stated)"}
    result = pipeline.build([queries], Config(), out=tmp_path / "out", today=date(2021, 3, 1))
    assert result.figures.by_channel == () and result.figures.by_district == ()
