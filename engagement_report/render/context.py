"""The documented template context: everything a template may use.

Custom templates (``--templates DIR``) receive exactly one :class:`ReportContext`
as ``ctx``; its fields are listed in the README.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from engagement_report.analysis import AgendaRow
from engagement_report.analysis.topic_rule import (
    TOP_TOPICS,
    Ranked,
    ranked_agenda,
    ranked_categories,
    ranked_questions,
)
from engagement_report.comparisons import Change, HeadlineFigure
from engagement_report.figures import METRICS, Metric
from engagement_report.models import SkippedSheet, SourceAccount
from engagement_report.noise import LEVEL
from engagement_report.periods import Period, Window
from engagement_report.results import (
    CategoryFigures,
    Covered,
    Figures,
    OpenQuery,
    QuestionFigures,
    TopicShifts,
    TrendPoint,
)

if TYPE_CHECKING:
    from engagement_report.render.charts import Chart


@dataclass(frozen=True)
class InputFile:
    """One input file as named in the methodology note."""

    name: str
    dataset: str
    sheet: str | None
    rows_read: int
    used: int
    excluded: int


@dataclass(frozen=True)
class SourceFile:
    """One input file as the run manifest records it: its name and SHA-256."""

    name: str
    sha256: str

    @property
    def short_sha256(self) -> str:
        """The first 12 hex digits, enough to tell the file from another version of it."""
        return self.sha256[:12]


@dataclass(frozen=True)
class DeadlinePolicy:
    """The deadline rules the figures were computed with, for the methodology note."""

    kind: str  # "working" or "calendar"
    answer_days: int
    redirect_days: int
    country: str
    working_hours: str = "09:00-18:00"  # a query arriving after them is registered next working day
    law: str = "KZ"  # the country whose law the terms come from

    @property
    def foreign_law(self) -> bool:
        """The terms come from one country's law, the working days from another's calendar."""
        return self.country.split("-")[0] != self.law

    @property
    def closes(self) -> str:
        """The end of working hours, ``18:00``."""
        return self.working_hours.rsplit("-", 1)[-1]


@dataclass(frozen=True)
class ReportContext:
    """What every report template receives as ``ctx``.

    ``figures`` holds every number; ``sources`` the row accounting per file and
    sheet; ``metrics`` the definitions for the methodology note.
    """

    title: str
    period: Period
    figures: Figures
    sources: tuple[SourceAccount, ...]
    skipped: tuple[SkippedSheet, ...]
    rejected_rows: int
    warnings: int
    problems_by_code: dict[str, int]
    coverage: dict[
        str, tuple[tuple[str, ...], tuple[str, ...]]
    ]  # dataset → (months with data, months without)
    tool_version: str
    window: Window | None = None  # the period asked for, the part counted and the cut-off
    lang: str = "en"
    metrics: tuple[Metric, ...] = METRICS
    trend: tuple[TrendPoint, ...] = ()
    open_queries: tuple[OpenQuery, ...] = ()
    headlines: tuple[HeadlineFigure, ...] = ()
    deadline_policy: DeadlinePolicy = DeadlinePolicy("working", 15, 3, "KZ")
    agenda: tuple[AgendaRow, ...] = ()
    topic_shifts: tuple[TopicShifts, ...] = ()  # against the previous period, a year earlier
    min_category_size: int = 5
    min_count: int = 20  # [report] min_count: no percentage change or ratio verdict below it
    charts: dict[str, Chart] = field(default_factory=dict)  # name → chart, see render.charts
    office: str | None = None  # whose report: ``[report] office`` in the report's language
    # The "about this report" block. ``made_on``: the day of the run in the config's time
    # zone (the manifest's ``generated_at``), never cached with the figures.
    made_on: date | None = None
    source_files: tuple[SourceFile, ...] = ()  # the inputs read, as the manifest names them
    contact: str | None = None  # ``[report] contact`` in the report's language
    summary_files: tuple[str, ...] = ()  # summary.csv / summary.json written beside it

    @property
    def confidence(self) -> float:
        """The level at which a change is called better or worse (0.95)."""
        return LEVEL

    @property
    def still_due(self) -> int:
        """Queries of the period still within their term at the cut-off: while there are
        any, the period is provisional (its answered share and response time will move)."""
        deadlines = self.figures.deadlines
        return deadlines.open_not_due if deadlines is not None else 0

    @property
    def partial_period(self) -> Covered | None:
        """The days of the report's period the data covers, when the period lies in one
        month that the data covers only in part (its trend month is partial)."""
        if not self.trend:
            return None
        last = self.trend[-1]
        inside = (self.period.start.year, self.period.start.month) == (
            self.period.end.year,
            self.period.end.month,
        )
        same = (last.month.start.year, last.month.start.month) == (
            self.period.start.year,
            self.period.start.month,
        )
        return last.partial if inside and same else None

    def headlines_in(self, section: str) -> tuple[HeadlineFigure, ...]:
        """The headline figures shown in ``section``: ``lead`` (the four cards),
        ``queries``, ``broadcasts`` or ``press_events`` (each section's lead line)."""
        return tuple(h for h in self.headlines if h.section == section)

    @property
    def clearest_change(self) -> tuple[HeadlineFigure, str, Change] | None:
        """The headline change most clearly beyond noise (smallest p-value), with
        ``previous`` or ``year_ago``: the first of the report's main points."""
        found = [
            (change.p_value, i, against, h, change)
            for i, h in enumerate(self.headlines)
            for against, change in (("previous", h.vs_previous), ("year_ago", h.vs_year_ago))
            if change.verdict in ("better", "worse", "changed") and change.p_value is not None
        ]
        if not found:
            return None
        _p, _i, against, headline, change = min(found, key=lambda item: (item[0], item[1]))
        return headline, against, change

    @property
    def cutoff(self) -> date | None:
        """The day every figure is taken as of (at its end)."""
        return self.window.cutoff if self.window is not None else self.figures.cutoff

    @property
    def to_date(self) -> str | None:
        """``month``, ``quarter``, ``year`` or ``range`` when the period is not over yet
        and is counted up to the cut-off, else None."""
        if self.window is None or not self.window.to_date:
            return None
        return self.window.whole.kind

    @property
    def previous_period(self) -> Period:
        """The period the "vs previous period" changes compare with."""
        return self.window.previous().period if self.window else self.period.previous()

    @property
    def year_ago_period(self) -> Period:
        """The period the "vs a year earlier" changes compare with."""
        return self.window.year_ago().period if self.window else self.period.year_ago()

    @property
    def late_bodies(self) -> tuple[CategoryFigures, ...]:
        """ "Who answers late": the responsible bodies with at least min_category_size
        queries, most queries open past their deadline first, then the lowest on-time
        share; the smaller bodies after them, as the breakdown orders them."""
        rows = self.figures.by_body
        ranked = sorted(
            (row for row in rows if row.comparable),
            key=lambda row: (
                -(row.open_overdue or 0),
                1.0 if row.on_time_share is None else row.on_time_share,
            ),
        )
        return (*ranked, *(row for row in rows if not row.comparable))

    def repeated(self, dimension: str, limit: int = 10) -> tuple[CategoryFigures, ...]:
        """The categories queries come back to most: most repeats first (then by name),
        those with none left out."""
        rows = [row for row in self.figures.breakdown(dimension) if row.repeats]
        rows.sort(key=lambda row: (-(row.repeats or 0), row.category))
        return tuple(rows[:limit])

    @property
    def per_resident(self) -> tuple[CategoryFigures, ...]:
        """Districts the config's ``[population]`` lists, most queries per resident first."""
        rows = [row for row in self.figures.by_district if row.received_per_10k is not None]
        rows.sort(key=lambda row: (-(row.received_per_10k or 0.0), row.category))
        return tuple(rows)

    def ranked(self, dimension: str) -> Ranked[CategoryFigures]:
        """The query breakdown by ``topic``, ``channel`` or ``district`` as its table and
        chart show it: every channel and district; topics by the one topic rule (the ten
        largest, the data's own "other" topics, the remaining topics as one row)."""
        limit = TOP_TOPICS if dimension == "topic" else None
        return ranked_categories(self.figures.breakdown(dimension), self.min_category_size, limit)

    def ranked_agenda(self) -> Ranked[AgendaRow]:
        """The agenda's topics by the same topic rule as every topic table."""
        return ranked_agenda(self.agenda)

    def ranked_questions(self, dimension: str) -> Ranked[QuestionFigures]:
        """The question log's breakdown by ``outlet``, ``speaker`` or ``topic`` by the same
        rule (the ten largest, the data's own "other" values, the rest as one row)."""
        return ranked_questions(self.figures.questions_by(dimension))

    def inputs(self) -> list[InputFile]:
        """Input files with rows read and used, for the methodology note."""
        return [
            InputFile(
                name=_basename(s.file),
                dataset=s.dataset,
                sheet=s.sheet,
                rows_read=s.rows_read,
                used=s.used,
                excluded=s.rows_read - s.used,
            )
            for s in self.sources
        ]


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
