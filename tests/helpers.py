"""Small helpers for tests (imported as ``helpers``, as ``workbooks`` is): a call recorder
and a build run twice."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from engagement_report import cache, pipeline
from engagement_report.config import Config
from engagement_report.deadlines import WorkingCalendar


def calls_to(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[Any]:
    """Record the first argument of every call to ``owner.name`` (which still runs)."""
    calls: list[Any] = []
    real = getattr(owner, name)

    def recorded(first: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(first)
        return real(first, *args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)
    return calls


def build_twice(inputs: Path, folder: Path, names: tuple[str, ...]) -> list[dict[str, bytes]]:
    """Build the report of ``inputs`` twice (into ``folder``/out0 and out1, the caches
    written in between) and return the files ``names`` of each build."""
    outputs = []
    for run in range(2):
        out = folder / f"out{run}"
        pipeline.build([inputs], Config(), out=out, today=date(2021, 4, 1))
        cache.wait()
        outputs.append({name: (out / name).read_bytes() for name in names})
    return outputs


def is_working_day(calendar: WorkingCalendar, day: date) -> bool:
    """Whether ``day`` is the first working day after the day before it, as deadlines count."""
    before = pd.Series([pd.Timestamp(day - timedelta(days=1))])
    return bool(calendar.add_working_days(before, 1)[0].date() == day)
