"""One topic rule everywhere: the ten largest topics, the data's own "other" topics kept
apart, the remaining topics as one row, in every topic table and the topic chart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engagement_report.analysis import AgendaRow
from engagement_report.analysis.topic_rule import (
    is_catch_all,
    ranked_agenda,
    ranked_categories,
    split_topics,
)
from engagement_report.config import Config
from engagement_report.pipeline import build
from engagement_report.render.charts import top_categories
from engagement_report.results import CategoryFigures

REPO = Path(__file__).resolve().parent.parent


def topic(name: str, received: int, on_time: int = 0, late: int = 0) -> CategoryFigures:
    return CategoryFigures(
        category=name,
        received=received,
        answered=received - 1,
        answered_share=(received - 1) / received,
        share_of_received=None,
        median_response_days=2.0,
        comparable=received >= 5,
        on_time=on_time,
        late=late,
    )


# Twelve topics, largest first; the data's "Other" is the 11th and «Прочее» the 13th.
TOPICS = [topic(f"T{i:02}", 100 - i, on_time=2, late=1) for i in range(10)] + [
    topic("Other", 50),
    topic("T11", 40, on_time=3, late=1),
    topic("Прочее", 30),
    topic("T13", 20, on_time=1, late=1),
]


@pytest.mark.parametrize(
    "name",
    ["Other", "OTHER", " other ", "Others", "Прочее", "прочие", "Другое", "Басқа", "(not stated)"],
)
def test_the_datas_own_other_topic_is_recognised(name: str) -> None:
    assert is_catch_all(name)


@pytest.mark.parametrize("name", ["Other topics (3)x", "Roads", "Housing and other matters"])
def test_ordinary_topics_are_not_catch_alls(name: str) -> None:
    assert not is_catch_all(name)


def test_the_datas_other_topics_stay_apart_from_the_remaining_ones() -> None:
    shown, rest = split_topics(TOPICS, lambda row: row.category)
    assert [r.category for r in shown] == [f"T{i:02}" for i in range(10)] + ["Other", "Прочее"]
    assert [r.category for r in rest] == ["T11", "T13"]


def test_few_topics_are_all_shown_and_a_catch_all_in_the_top_keeps_its_place() -> None:
    rows = [topic("Roads", 9), topic("Other", 7), topic("Parks", 3)]
    assert split_topics(rows, lambda row: row.category) == (tuple(rows), ())
    assert split_topics(rows, lambda row: row.category, limit=1) == (
        (rows[0], rows[1]),
        (rows[2],),
    )
    assert split_topics(TOPICS, lambda row: row.category, limit=None) == (tuple(TOPICS), ())


def test_the_remaining_row_sums_its_topics() -> None:
    ranked = ranked_categories(TOPICS, min_size=5)
    remaining = ranked.remaining
    assert remaining is not None and ranked.folded == 2
    total = sum(r.received for r in TOPICS)  # 100 + 99 + … + 91 = 955, + 50 + 40 + 30 + 20
    assert total == 1095
    assert remaining.received == 60  # T11 40 + T13 20
    assert remaining.answered == 58  # 39 + 19
    assert remaining.answered_share == pytest.approx(58 / 60)
    assert remaining.share_of_received == pytest.approx(60 / 1095)
    # On time over answered on time or late, from the counts: (3 + 1) / (4 + 2).
    assert (remaining.on_time, remaining.late) == (4, 2)
    assert remaining.on_time_share == pytest.approx(4 / 6)
    assert remaining.median_response_days is None  # medians do not add up
    assert remaining.comparable


def test_a_small_remainder_gets_no_shares_ranked() -> None:
    rows = [topic(f"T{i}", 10) for i in range(10)] + [topic("A", 2), topic("B", 2)]
    remaining = ranked_categories(rows, min_size=5).remaining
    assert remaining is not None and remaining.received == 4
    assert not remaining.comparable


def test_the_agenda_follows_the_same_rule() -> None:
    rows = [AgendaRow(r.category, r.received, None, 1, 0) for r in TOPICS]
    ranked = ranked_agenda(rows)
    assert [r.topic for r in ranked.shown][-2:] == ["Other", "Прочее"]
    assert ranked.remaining == AgendaRow("", 60, pytest.approx(60 / 1095), 2, 0)


def test_the_topic_chart_follows_the_same_rule() -> None:
    bars = top_categories(list(reversed(TOPICS)))  # any order in: sorted by size
    assert [b.label for b in bars][-3:] == ["Other", "Прочее", ""]
    assert (bars[-1].value, bars[-1].others) == (60, 2)


@pytest.fixture(scope="module")
def january(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("january")
    build([REPO / "sample_data"], Config(), period="2021-01", out=out, formats=["md"])
    return (out / "report.md").read_text(encoding="utf-8")


def test_every_topic_table_of_the_sample_shows_the_same_topics(january: str) -> None:
    # The sample's topic "Other" (66 queries in January 2021) ranks 11th: it used to go
    # into "Other topics (6)" with five more (289); the deadline and agenda tables
    # listed all sixteen topics.
    tables = re.findall(r"\n((?:\| .*\|\n)+)", january)
    topic_tables = [t for t in tables if "| Public transport |" in t]
    assert len(topic_tables) == 3  # by topic, on-time share by topic, agenda
    firsts = [[line.split(" | ")[0][2:] for line in t.splitlines()] for t in topic_tables]
    assert firsts[0] == firsts[1] == firsts[2]
    assert firsts[0][-2:] == ["Other", "Remaining topics (5)"]
    assert "| Other | 66 | 3.7% |" in january
    assert "| Remaining topics (5) | 223 | 12.6% |" in january
    assert "Other: 66; Remaining topics (5): 223." in january  # the chart's alt text
