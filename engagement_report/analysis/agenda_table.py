"""The agenda, three ways: what citizens ask (query topics), what journalists ask (the
question log's topics) and what officials talk about (broadcasts and press events)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engagement_report.results import Figures
from engagement_report.validation.rows import NOT_STATED


@dataclass(frozen=True)
class AgendaRow:
    """A topic: what citizens ask (queries), what journalists ask (the question log) and
    how often officials raised it on air and at press events."""

    topic: str
    queries: int
    share_of_queries: float | None
    broadcasts: int
    press_events: int
    journalist_questions: int = 0
    share_of_questions: float | None = None

    @property
    def unaddressed(self) -> bool:
        """Citizens ask about it; officials did not raise it on air or at the press."""
        return self.queries > 0 and self.broadcasts == 0 and self.press_events == 0


def agenda(figures: Figures, raised: Mapping[str, Mapping[str, int]]) -> tuple[AgendaRow, ...]:
    """Three agendas side by side: the query topics, then the topics only journalists
    asked about, each with the questions journalists asked on it and the broadcasts and
    press events on it (topics matched by name, case ignored). Empty unless two of the
    three (citizens, journalists, officials) have topics. ``raised``: the period's
    broadcasts and press events per topic (its partial aggregates' ``raised``).
    """
    on_air, at_press = raised.get("broadcasts", {}), raised.get("press_events", {})
    # The log's "(not stated)" questions are on no topic anyone could match.
    asked = [row for row in figures.by_question_topic if row.category != NOT_STATED]
    by_journalists = {row.category.casefold(): row for row in asked}
    if sum((bool(figures.by_topic), bool(asked), bool(on_air or at_press))) < 2:
        return ()

    def row(topic: str, queries: int, share_of_queries: float | None) -> AgendaRow:
        key = topic.casefold()
        journalists = by_journalists.get(key)
        return AgendaRow(
            topic=topic,
            queries=queries,
            share_of_queries=share_of_queries,
            broadcasts=on_air.get(key, 0),
            press_events=at_press.get(key, 0),
            journalist_questions=journalists.journalist_questions if journalists else 0,
            share_of_questions=journalists.share_of_questions if journalists else None,
        )

    rows = [row(c.category, c.received, c.share_of_received) for c in figures.by_topic]
    cited = {c.category.casefold() for c in figures.by_topic}
    rows += [row(q.category, 0, None) for q in asked if q.category.casefold() not in cited]
    return tuple(rows)
