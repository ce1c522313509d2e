"""The agenda: query topics beside how often officials raised them on air and at the press."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from engagement_report.figures import (
    in_period,
)
from engagement_report.models import CleanData
from engagement_report.results import Figures


@dataclass(frozen=True)
class AgendaRow:
    """A query topic beside how often it was raised on air and at press events."""

    topic: str
    queries: int
    share_of_queries: float | None
    broadcasts: int
    press_events: int

    @property
    def unaddressed(self) -> bool:
        """Citizens ask about it; officials did not raise it on air or at the press."""
        return self.queries > 0 and self.broadcasts == 0 and self.press_events == 0


def agenda(data: CleanData, figures: Figures) -> tuple[AgendaRow, ...]:
    """Query topics beside broadcast and press-event topics (empty when neither has topics)."""
    period = figures.period

    def topic_counts(frame: pd.DataFrame) -> dict[str, int]:
        if "topic" not in frame or frame["topic"].isna().all():
            return {}
        inside = frame[in_period(frame["date"], period)]
        counts = inside["topic"].dropna().astype("string").str.casefold().value_counts()
        return {str(k): int(v) for k, v in counts.items()}

    on_air = topic_counts(data.broadcasts)
    at_press = topic_counts(data.press_events)
    if not on_air and not at_press:
        return ()
    rows = [
        AgendaRow(
            topic=row.category,
            queries=row.received,
            share_of_queries=row.share_of_received,
            broadcasts=on_air.get(row.category.casefold(), 0),
            press_events=at_press.get(row.category.casefold(), 0),
        )
        for row in figures.by_topic
    ]
    return tuple(rows)
