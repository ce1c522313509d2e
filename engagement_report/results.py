"""Typed results of the compute stage: what reports and exports read.

Plain values only (ints, floats, strings, dates), so rendering and exporting
never touch pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from engagement_report.periods import Period

if TYPE_CHECKING:
    from engagement_report.deadlines import DeadlineFigures, OverdueMarks


@dataclass(frozen=True)
class QueryFigures:
    """Citizens' queries received in the period."""

    received: int
    answered: int
    in_progress: int
    rejected: int
    redirected: int
    other_status: int
    answered_share: float | None
    median_response_days: float | None
    p90_response_days: float | None
    responses_measured: int
    closed_undated: int = 0  # answered, rejected or forwarded without any answer date
    q1_response_days: float | None = None  # first quartile of the same response times
    q3_response_days: float | None = None  # third quartile


@dataclass(frozen=True)
class CategoryFigures:
    """One topic, channel or district."""

    category: str
    received: int
    answered: int
    answered_share: float | None
    share_of_received: float | None
    median_response_days: float | None
    comparable: bool  # at least min_category_size queries: its shares may be ranked
    on_time_share: float | None = None
    # Where the data has the columns (accountability.py); None otherwise.
    open_overdue: int | None = None
    rated: int | None = None
    rated_share: float | None = None
    rating_mean: float | None = None
    satisfied_share: float | None = None
    resolved: int | None = None
    resolved_share: float | None = None
    resolved_on_the_spot: int | None = None
    repeats: int | None = None
    repeat_share: float | None = None
    residents: int | None = None  # districts: from the config's [population]
    received_per_10k: float | None = None
    # The on-time share's counts: answered on time and answered late (for a sum of topics).
    on_time: int = 0
    late: int = 0


@dataclass(frozen=True)
class BroadcastFigures:
    """Live broadcasts aired in the period."""

    broadcasts: int
    questions_answered: int
    questions_per_broadcast: float | None
    tv_segments: int | None


@dataclass(frozen=True)
class ProgramFigures:
    """One programme's broadcasts."""

    program: str
    broadcasts: int
    questions_answered: int


@dataclass(frozen=True)
class PressFigures:
    """Press conferences and briefings held in the period."""

    press_events: int
    speakers: int | None  # None: an event of the period has no count recorded
    journalist_questions: int | None
    publications: int | None
    publications_per_event: float | None
    questions_per_event: float | None
    # Events of the period whose count was left blank (not recorded), per count.
    speakers_not_recorded: int = 0
    journalist_questions_not_recorded: int = 0
    publications_not_recorded: int = 0
    # Distinct outlets per event, summed (the question log's; None where an event of the
    # period has none recorded, or no log at all), and the log's questions of the period.
    outlets: int | None = None
    outlets_not_recorded: int = 0
    questions_logged: int = 0


@dataclass(frozen=True)
class QuestionFigures:
    """One outlet, speaker or topic of the press question log."""

    category: str
    journalist_questions: int
    share_of_questions: float | None
    # Events at which it asked (outlet), answered (speaker), came up (topic); None for
    # the report's remaining-values row (an event counts once per value: no sum).
    press_events: int | None


@dataclass(frozen=True)
class AccountabilityFigures:
    """The period's totals of ratings, outcomes and repeats; None where the data has no
    such column (unknown, not zero)."""

    rated: int | None = None
    rated_share: float | None = None
    rating_mean: float | None = None
    satisfied_share: float | None = None
    outcome_recorded: int | None = None
    resolved: int | None = None
    resolved_share: float | None = None
    resolved_on_the_spot: int | None = None
    repeats: int | None = None
    repeat_share: float | None = None
    repeat_window_days: int = 30
    rating_scale: str = "1-5"
    population_year: int | None = None
    population_source: str | None = None


@dataclass(frozen=True)
class Figures:
    """Every figure of one period."""

    period: Period
    queries: QueryFigures
    by_topic: tuple[CategoryFigures, ...]
    by_channel: tuple[CategoryFigures, ...]
    by_district: tuple[CategoryFigures, ...]
    broadcasts: BroadcastFigures
    by_program: tuple[ProgramFigures, ...]
    press: PressFigures
    datasets: frozenset[str] = field(default_factory=frozenset)
    deadlines: DeadlineFigures | None = None
    open_queries: tuple[OpenQuery, ...] = ()  # the longest-open at the deadline cut-off
    cutoff: date | None = None  # every figure is as of the end of this day
    # The latest date in the data (the export's date) and how many queries of the period
    # were answered by then, as the export says: shown beside ``queries.answered``.
    export_date: date | None = None
    answered_by_export: int | None = None
    # Measured response times of the period's queries per views.RESPONSE_BINS.
    response_spread: tuple[int, ...] = ()
    # Open queries (whenever received) at the end of the period's last day counted, and
    # at the cut-off per views.AGE_BINS (None: no working-day calendar to count ages).
    backlog: int | None = None
    open_ages: tuple[int, ...] | None = None
    year_to_date: YearToDate | None = None
    by_body: tuple[CategoryFigures, ...] = ()  # the responsible body
    accountability: AccountabilityFigures | None = None  # ratings, outcomes, repeats
    # The export's own overdue marks against the computed classes (None: no mark).
    overdue_marks: OverdueMarks | None = None
    # The press question log's questions by outlet, speaker and topic.
    by_outlet: tuple[QuestionFigures, ...] = ()
    by_speaker: tuple[QuestionFigures, ...] = ()
    by_question_topic: tuple[QuestionFigures, ...] = ()

    def questions_by(self, dimension: str) -> tuple[QuestionFigures, ...]:
        """The question log's breakdown by ``outlet``, ``speaker`` or ``topic``."""
        return {
            "outlet": self.by_outlet,
            "speaker": self.by_speaker,
            "topic": self.by_question_topic,
        }[dimension]

    def breakdown(self, dimension: str) -> tuple[CategoryFigures, ...]:
        """The query breakdown by ``topic``, ``channel``, ``district`` or ``body``."""
        return {
            "topic": self.by_topic,
            "channel": self.by_channel,
            "district": self.by_district,
            "body": self.by_body,
        }[dimension]


CoverageState = Literal["full", "partial", "none"]


@dataclass(frozen=True)
class Covered:
    """How many of a trend month's ``of`` days a dataset's data covers.

    ``none``: the dataset has no record dated in the month (before its data starts, after
    it ends, or a gap); ``partial``: the data as a whole begins or ends inside the month,
    so only ``days`` of its days are in it; ``full`` otherwise.
    """

    days: int
    of: int

    @property
    def state(self) -> CoverageState:
        """``full``, ``partial`` or ``none``."""
        if self.days <= 0:
            return "none"
        return "partial" if self.days < self.of else "full"


@dataclass(frozen=True)
class TrendPoint:
    """One month of the 12-month trend.

    A dataset's figures are None in a month it holds no data for (``covered``), never
    zeros; ``covered`` is empty where coverage is not known (every month taken as full).
    """

    month: Period
    received: int | None
    answered: int | None
    answered_share: float | None
    on_time_share: float | None
    broadcasts: int | None
    questions_answered: int | None
    press_events: int | None
    publications: int | None
    backlog: int | None = None  # open queries at the end of the month's last day counted
    covered: dict[str, Covered] = field(default_factory=dict)
    # Queries of the month still within their term at the cut-off: while there are any,
    # the month is provisional (its answered share will still rise).
    still_due: int = 0

    def coverage(self, dataset: str) -> CoverageState:
        """How far the month holds ``dataset``'s data: ``full``, ``partial`` or ``none``."""
        known = self.covered.get(dataset)
        return "full" if known is None else known.state

    @property
    def partial(self) -> Covered | None:
        """The days the data covers, when it covers the month only in part (else None)."""
        return next((c for c in self.covered.values() if c.state == "partial"), None)


@dataclass(frozen=True)
class OpenQuery:
    """A query still open at the cut-off: its id and age, never its text."""

    query_id: str
    received_on: str
    age_days: int
    deadline_class: str


@dataclass(frozen=True)
class TopicChange:
    """A topic whose count of queries moved beyond noise against an earlier period."""

    topic: str
    now: int
    then: int
    relative: float | None  # (now - then) / then; None when then is under the minimum count
    p_value: float  # the exact test's, before Holm's correction


Against = Literal["previous", "year_ago"]


@dataclass(frozen=True)
class TopicShifts:
    """The topics that rose and fell against one earlier period.

    ``comparable`` is False when the query data does not cover both periods month by
    month; nothing is listed then.
    """

    against: Against
    period: Period
    comparable: bool
    tested: int = 0  # topics with at least the minimum count in one of the two periods
    rose: tuple[TopicChange, ...] = ()
    fell: tuple[TopicChange, ...] = ()


@dataclass(frozen=True)
class YearToDateRow:
    """One figure of the year to date beside the same part of last year."""

    dataset: str
    metric: str  # as in figures.METRICS
    now: float | None
    then: float | None  # None when the data does not cover last year's part


@dataclass(frozen=True)
class YearToDate:
    """The year to date against the same part of last year, as of the same cut-off lag.

    ``covered``: per dataset present, whether the data holds records in every month of
    both parts (only then is last year's figure given).
    """

    period: Period
    year_ago: Period
    cutoff: date
    year_ago_cutoff: date
    rows: tuple[YearToDateRow, ...]
    covered: dict[str, bool]
