"""Small helpers for tests (imported as ``helpers``, as ``workbooks`` is): a call recorder
and a build run twice."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
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


def next_working_day(calendar: WorkingCalendar, day: date) -> date:
    """The first working day after ``day``, as deadlines count."""
    after = calendar.working_days_after(np.array([day], dtype="datetime64[D]"), 1)[0]
    return date.fromisoformat(str(after))


def is_working_day(calendar: WorkingCalendar, day: date) -> bool:
    """Whether ``day`` is the first working day after the day before it, as deadlines count."""
    return next_working_day(calendar, day - timedelta(days=1)) == day


def _text_heights(page: Any) -> list[float]:
    """The height above the page's foot of every piece of text on a pypdf page, in pt."""
    heights: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            heights.append(tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return heights


def page_fill(pdf: Path) -> list[float]:
    """How far down each A4 page of ``pdf`` its text reaches, as a share of the text area
    between the report's page margins (14 mm top, 16 mm bottom), the running footer aside."""
    import pypdf

    mm = 72 / 25.4
    fills = []
    for page in pypdf.PdfReader(pdf).pages:
        top, bottom = float(page.mediabox.height) - 14 * mm, 16 * mm
        # The footer sits below the text area.
        lowest = min((y for y in _text_heights(page) if y > bottom + 10), default=top)
        fills.append(round((top - lowest) / (top - bottom), 2))
    return fills


def backlog_at(queries: pd.DataFrame, days: list[date]) -> tuple[int | None, ...]:
    """Open queries at the end of each of ``days``: the rows as one piece of
    :func:`engagement_report.standing.standing`, finished by ``backlog``."""
    from engagement_report.standing import Ask, backlog, standing

    return backlog(standing(queries, Ask(tuple(days)), WorkingCalendar()), days)


def open_ages(
    queries: pd.DataFrame, cutoff: date, calendar: WorkingCalendar
) -> tuple[int, ...] | None:
    """The queries open at the end of ``cutoff`` per age bin: the rows as one piece of
    :func:`engagement_report.standing.standing`, finished by ``ages``."""
    from engagement_report.standing import Ask, ages, standing

    return ages(standing(queries, Ask(cutoffs=(cutoff,)), calendar), cutoff)


#: The fields of a window's full partial aggregates (``Partial``) that ``Detail.TOTALS``
#: holds too (its ``accountable``: the broadcasts' and press events' values per unit alone).
TOTALS_FIELDS = (
    "received",
    "statuses",
    "closed_undated",
    "days",
    "answered_by_export",
    "broadcasts",
    "questions_answered",
    "tv_segments",
    "tv_segments_recorded",
    "press_events",
    "press_sums",
    "press_missing",
    "questions_logged",
)
#: The fields ``Detail.CLASSES`` holds beside the totals'.
CLASSES_FIELDS = ("classes", "redirected_classes", "extended", "deadlines_known")
