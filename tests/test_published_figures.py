"""The figures Almaty's akimat published, recovered by the tool from sample_data/.

Each figure comes out of ``engagement-report summary`` (its CSV parsed with the csv
module), the way another tool would read it. sample_data/README.md quotes the source
of every figure.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from engagement_report.cli import app

TOP_FIVE = [
    "Public transport",
    "Construction quality",
    "Roads and sidewalks",
    "Public safety",
    "Engineering networks",
]

Key = tuple[str, str, str, str]  # dataset, metric, dimension, category


@pytest.fixture(scope="module")
def summary(sample_data: Path):
    """``summary(period)`` → the parsed CSV rows (cached: each run reads 20,000 rows)."""
    cache: dict[str | None, list[dict[str, str]]] = {}

    def run(period: str | None = None) -> list[dict[str, str]]:
        if period not in cache:
            args = ["summary", str(sample_data), "--today", "2021-03-01"]
            if period:
                args += ["--period", period]
            result = CliRunner().invoke(app, args)
            assert result.exit_code == 0, result.stderr
            cache[period] = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
        return cache[period]

    return run


def values(rows: list[dict[str, str]]) -> dict[Key, str]:
    return {(r["dataset"], r["metric"], r["dimension"], r["category"]): r["value"] for r in rows}


def total(rows: list[dict[str, str]], dataset: str, metric: str) -> float:
    return float(values(rows)[(dataset, metric, "total", "")])


def test_whole_sample_answered_share_is_about_94_percent(summary) -> None:
    rows = summary()
    assert {(r["period_start"], r["period_end"]) for r in rows} == {("2020-01-01", "2021-02-28")}
    assert 0.935 <= total(rows, "queries", "answered_share") <= 0.945


def test_five_leading_topics_are_a_majority(summary) -> None:
    rows = summary()
    received = [
        (r["category"], int(r["value"]))
        for r in rows
        if r["dataset"] == "queries" and r["metric"] == "received" and r["dimension"] == "topic"
    ]
    assert [topic for topic, _ in received[:5]] == TOP_FIVE
    assert received == sorted(received, key=lambda item: -item[1])  # biggest first
    all_received = total(rows, "queries", "received")
    assert sum(count for _, count in received) == all_received
    assert sum(count for _, count in received[:5]) / all_received > 0.5


def test_2020_broadcasts_and_press_centre(summary) -> None:
    rows = summary("2020")
    assert total(rows, "broadcasts", "broadcasts") == 96
    assert total(rows, "broadcasts", "questions_answered") == 2400
    assert total(rows, "press_events", "journalist_questions") == 3048
    assert total(rows, "press_events", "speakers") == 623


def test_january_2021_press_events(summary) -> None:
    rows = summary("2021-01")
    assert total(rows, "press_events", "press_events") == 45
    assert total(rows, "press_events", "speakers") == 84
    assert total(rows, "press_events", "journalist_questions") == 293
    assert total(rows, "press_events", "publications") > 24000


def test_live_broadcasts_of_2021(summary) -> None:
    rows = summary("2021-01-01..2021-02-28")
    assert total(rows, "broadcasts", "broadcasts") == 6
    assert total(rows, "broadcasts", "questions_answered") == 165
    assert total(rows, "broadcasts", "tv_segments") > 1500


def test_one_broadcast_of_2021_with_the_city_akim(sample_data: Path) -> None:
    broadcasts = pd.read_csv(sample_data / "broadcasts.csv", parse_dates=["date"])
    in_2021 = broadcasts[broadcasts["date"].dt.year == 2021]
    assert len(in_2021) == 6
    with_akim = in_2021[in_2021["speaker"].str.contains("Sagintayev", regex=False)]
    assert len(with_akim) == 1
