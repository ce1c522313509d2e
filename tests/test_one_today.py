"""A run reads the clock once: every period, cut-off and date check of one build or
summary is as of the same day, even when the run goes on past midnight."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engagement_report import pipeline
from engagement_report.config import Config
from engagement_report.pipeline import period as run_period

WHEN = datetime(2021, 4, 1, 0, 5, tzinfo=ZoneInfo("Asia/Almaty"))
# The last query arrived on 1 April: after the run's today while that is 31 March, a
# plausible date once the clock has passed midnight.
QUERIES = """\
    query_id,received_at,status,answered_at
    a,2021-03-01 10:00,answered,2021-03-02 10:00
    b,2021-03-15 10:00,in progress,
    c,2021-03-30 10:00,answered,2021-03-31 09:00
    d,2021-04-01 09:00,in progress,
"""


@pytest.fixture
def midnight(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[date]]:
    """The clock says 31 March at its first reading and 1 April at every later one."""
    readings: list[date] = []

    def today_in(timezone: str) -> date:
        day = date(2021, 3, 31) if not readings else date(2021, 4, 1)
        readings.append(day)
        return day

    monkeypatch.setattr(run_period, "today_in", today_in)
    yield readings


def test_a_build_across_midnight_is_as_of_the_day_it_started(
    write_inputs: Callable[..., Path], tmp_path: Path, midnight: list[date]
) -> None:
    inputs = write_inputs(queries=QUERIES)
    across = pipeline.build(
        [inputs], Config(), out=tmp_path / "across", generated_at=WHEN, cache=False
    )
    assert midnight[0] == date(2021, 3, 31)
    pinned = pipeline.build(
        [inputs],
        Config(),
        out=tmp_path / "pinned",
        today=date(2021, 3, 31),
        generated_at=WHEN,
        cache=False,
    )
    assert across.figures == pinned.figures
    assert across.data.report.problems == pinned.data.report.problems
    # The 1 April query is after that today: warned about, in both.
    assert across.data.report.warnings == 1
    assert [p.value for p in across.data.report.problems] == ["2021-04-01"]
    for name in ("summary.csv", "report.md"):
        assert (tmp_path / "across" / name).read_bytes() == (
            tmp_path / "pinned" / name
        ).read_bytes()


def test_a_summary_across_midnight_is_as_of_the_day_it_started(
    write_inputs: Callable[..., Path], midnight: list[date]
) -> None:
    inputs = write_inputs(queries=QUERIES)
    across = pipeline.summarize([inputs], Config(), cache=False)
    assert midnight[0] == date(2021, 3, 31)
    pinned = pipeline.summarize([inputs], Config(), today=date(2021, 3, 31), cache=False)
    assert across == pinned
