"""One rule for every topic breakdown of the report: the ten largest topics, then any
topic of the data that itself means "other" (``Other``, ``Прочее``, ``(not stated)``),
then one row for all remaining topics together.

The queries' topic table and chart, the on-time share by topic, the agenda and the press
question log's tables (by outlet, speaker and topic) all follow it. A topic the data calls "Other" is a topic of its own:
it is never folded into the remaining-topics row, so the two are never confused. The
summary files keep every topic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from engagement_report.analysis.agenda_table import AgendaRow
from engagement_report.figures import share
from engagement_report.results import CategoryFigures, QuestionFigures

#: Topics shown by name; the rest are one row.
TOP_TOPICS = 10

#: Topic names that mean "other" or "none" in the data (compared casefolded, spaces
#: squeezed): shown by name, never folded into the remaining-topics row.
CATCH_ALL_TOPICS = frozenset(
    {
        "(not stated)",
        "other",
        "others",
        "other topics",
        "misc",
        "miscellaneous",
        "прочее",
        "прочие",
        "прочие вопросы",
        "другое",
        "другие",
        "иное",
        "иные вопросы",
        "разное",
        "басқа",
        "басқалар",
        "басқа да",
        "басқа сұрақтар",
        "өзге",
        "өзгелер",
        "әртүрлі",
        # Swedish, as in the Public Health Agency's question log (examples/).
        "övrig",
        "övrigt",
        "övriga",
        "annat",
        "anger ej",
    }
)

Row = TypeVar("Row")


def is_catch_all(topic: str) -> bool:
    """Whether ``topic`` is a name the data gives its "other" topic."""
    return " ".join(topic.casefold().split()) in CATCH_ALL_TOPICS


@dataclass(frozen=True)
class Ranked(Generic[Row]):
    """A breakdown as the report shows it: ``shown`` by name (largest first, then the
    data's own "other" topics), ``rest`` folded into the one row ``remaining``."""

    shown: tuple[Row, ...]
    rest: tuple[Row, ...]
    remaining: Row | None

    @property
    def folded(self) -> int:
        """How many topics the remaining-topics row holds."""
        return len(self.rest)


def split_topics(
    rows: Sequence[Row], topic: Callable[[Row], str], limit: int | None = TOP_TOPICS
) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
    """``rows`` (largest first) as the rows shown by name and the rows folded together.

    The first ``limit`` rows are shown, then every later row whose topic means "other"
    (:func:`is_catch_all`), in their order; the rest are folded. ``limit=None`` shows all.
    """
    if limit is None or len(rows) <= limit:
        return tuple(rows), ()
    later = rows[limit:]
    kept = tuple(row for row in later if is_catch_all(topic(row)))
    return (*rows[:limit], *kept), tuple(row for row in later if not is_catch_all(topic(row)))


def ranked_categories(
    rows: Sequence[CategoryFigures], min_size: int, limit: int | None = TOP_TOPICS
) -> Ranked[CategoryFigures]:
    """Topic figures as the report shows them; ``remaining`` sums the folded topics
    (its median response time is not computed: medians do not add up)."""
    shown, rest = split_topics(rows, lambda row: row.category, limit)
    if not rest:
        return Ranked(shown, rest, None)
    received = sum(row.received for row in rest)
    answered = sum(row.answered for row in rest)
    on_time = sum(row.on_time for row in rest)
    late = sum(row.late for row in rest)
    remaining = CategoryFigures(
        category="",
        received=received,
        answered=answered,
        answered_share=share(answered, received),
        share_of_received=share(received, sum(row.received for row in rows)),
        median_response_days=None,
        comparable=received >= min_size,
        on_time_share=share(on_time, on_time + late),
        on_time=on_time,
        late=late,
    )
    return Ranked(shown, rest, remaining)


def ranked_agenda(rows: Sequence[AgendaRow], limit: int | None = TOP_TOPICS) -> Ranked[AgendaRow]:
    """The agenda's topics as the report shows them; ``remaining`` sums the folded topics'
    queries, broadcasts and press events."""
    shown, rest = split_topics(rows, lambda row: row.topic, limit)
    if not rest:
        return Ranked(shown, rest, None)
    queries = sum(row.queries for row in rest)
    # Shares of one log's questions add up; none where no folded topic was asked about.
    asked = [row.share_of_questions for row in rest if row.share_of_questions is not None]
    remaining = AgendaRow(
        topic="",
        queries=queries,
        share_of_queries=share(queries, sum(row.queries for row in rows)),
        broadcasts=sum(row.broadcasts for row in rest),
        press_events=sum(row.press_events for row in rest),
        journalist_questions=sum(row.journalist_questions for row in rest),
        share_of_questions=sum(asked) if asked else None,
    )
    return Ranked(shown, rest, remaining)


def ranked_questions(
    rows: Sequence[QuestionFigures], limit: int | None = TOP_TOPICS
) -> Ranked[QuestionFigures]:
    """The question log's outlets, speakers or topics as the report shows them;
    ``remaining`` sums the folded values' questions and share. Its press events are not
    given (None): an event where two folded outlets asked counts once for each."""
    shown, rest = split_topics(rows, lambda row: row.category, limit)
    if not rest:
        return Ranked(shown, rest, None)
    questions = sum(row.journalist_questions for row in rest)
    remaining = QuestionFigures(
        category="",
        journalist_questions=questions,
        share_of_questions=share(questions, sum(row.journalist_questions for row in rows)),
        press_events=None,
    )
    return Ranked(shown, rest, remaining)
