"""Every setting as a typed, frozen value, with the defaults an Almaty office would use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from engagement_report.config.accountability import (
    PopulationConfig,
    RatingsConfig,
    RepeatsConfig,
)

LANGUAGES = ("en", "ru", "kk")


FORMATS = ("md", "html", "csv", "json", "pdf")


DEFAULT_FORMATS = ("md", "html", "csv", "json")  # pdf needs the [pdf] extra (WeasyPrint)


@dataclass(frozen=True)
class DeadlineConfig:
    """``[deadlines]``: the answer and forwarding terms."""

    answer_working_days: int = 15
    redirect_working_days: int = 3
    kind: str = "working"  # "working", "calendar", or "given": only the data's deadline column
    law: str = "KZ"  # the country whose law the terms come from (the defaults are KZ's)


@dataclass(frozen=True)
class CalendarConfig:
    """``[calendar]``: whose public holidays, the year's announced transfers, and the
    office's working hours (a query arriving after them is registered the next working day)."""

    country: str = "KZ"
    extra_holidays: tuple[date, ...] = ()
    extra_working_days: tuple[date, ...] = ()
    working_hours: tuple[time, time] = (time(9, 0), time(18, 0))
    subdivision: str | None = None  # a state or region's own holidays (holidays' subdiv)

    @property
    def name(self) -> str:
        """``KZ``, or ``US-NY`` with a subdivision."""
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country


DATE_ORDERS = ("DMY", "MDY")


@dataclass(frozen=True)
class DatesConfig:
    """``[dates]``: how slashed dates (``01/02/2021``) are read, for all columns or some."""

    order: str | None = None  # None: day-first unless a column only makes sense month-first
    columns: dict[str, str] = field(default_factory=dict)  # canonical column -> order
    # canonical date column -> words written before its dates or instead of them
    # ("Выполнено 11.10.2022", "Просрочено"): validation.date_words
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def order_for(self, column: str) -> str | None:
        """The order that decides ``column``'s slashed dates (None: the column's own rule)."""
        return self.columns.get(column, self.order)


OVERDUE_WORDS = ("overdue", "просрочено", "просрочена", "мерзімі өткен", "yes", "да", "иә", "true")
NOT_OVERDUE_WORDS = ("not overdue", "не просрочено", "no", "нет", "жоқ", "false")


@dataclass(frozen=True)
class OverdueMarkConfig:
    """``[overdue_mark]``: the export's own words for "overdue" and "not overdue" in the
    column mapped to ``overdue_mark``; any other value is no mark."""

    overdue: tuple[str, ...] = OVERDUE_WORDS
    not_overdue: tuple[str, ...] = NOT_OVERDUE_WORDS


@dataclass(frozen=True)
class OpenDataConfig:
    """``[open_data]``: what ``datapackage.json`` says about the figures' licence and source."""

    license: str | None = None  # an Open Definition / SPDX id, e.g. "CC-BY-4.0"
    source: str | None = None  # who the figures come from, e.g. "Akimat of Almaty"
    source_url: str | None = None


ENGINES = ("pandas", "dask")


@dataclass(frozen=True)
class ComputeConfig:
    """``[compute]``: where the figures are computed: here with pandas, or with Dask on the
    cluster at ``scheduler`` (None: ``$DASK_SCHEDULER_ADDRESS``, else a LocalCluster)."""

    engine: str = "pandas"
    scheduler: str | None = None


#: The headline figures whose better direction ``[report] better`` may set (the keys of
#: ``comparisons.HEADLINES``; a test keeps the two in step).
HEADLINE_FIGURES = (
    "received",
    "on_time_share_of_due",
    "open_overdue",
    "median_response_days",
    "answered_share",
    "broadcasts",
    "questions_per_broadcast",
    "press_events",
    "publications_per_event",
)
BETTER_DIRECTIONS = ("higher", "lower", "neutral")


@dataclass(frozen=True)
class ReportConfig:
    """``[report]``: whose report it is (``title``, ``office``, each one text or one per
    language), whom readers ask about it (``contact``, likewise), which way each headline
    figure is better, and the count below which no percentage change is shown and a ratio
    gets no verdict."""

    title: dict[str, str] = field(default_factory=dict)  # language → text; "" for any
    office: dict[str, str] = field(default_factory=dict)
    better: dict[str, str] = field(default_factory=dict)  # headline figure → direction
    min_count: int = 20
    contact: dict[str, str] = field(default_factory=dict)

    def title_in(self, lang: str) -> str | None:
        """The title in ``lang``, else the one given for every language, else None (the
        built-in title, translated)."""
        return self.title.get(lang) or self.title.get("") or None

    def office_in(self, lang: str) -> str | None:
        """The office's name in ``lang``, else the one for every language, else the
        English one, else any given: a name is better in another language than none."""
        return _in_language(self.office, lang)

    def contact_in(self, lang: str) -> str | None:
        """Whom to ask about the report in ``lang``, chosen as :meth:`office_in` chooses."""
        return _in_language(self.contact, lang)


def _in_language(texts: dict[str, str], lang: str) -> str | None:
    """The text for ``lang``, else the one for every language, else the English one, else
    any given: a name or an address is better in another language than none."""
    for key in (lang, "", "en"):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), None)


@dataclass(frozen=True)
class Config:
    """Every setting, with the defaults an Almaty office would use."""

    timezone: str = "Asia/Almaty"
    lang: str = "en"
    inputs: tuple[str, ...] = ()
    output: str | None = None
    formats: tuple[str, ...] = DEFAULT_FORMATS
    min_category_size: int = 5
    earliest_year: int = 2000
    columns: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    statuses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    districts: dict[str, str] = field(default_factory=dict)
    # ``[topics.ru]`` and the like: per dimension (topic, channel, district) and report
    # language, a label in the data → the label shown in that language's reports.
    shown_labels: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    deadlines: DeadlineConfig = DeadlineConfig()
    calendar: CalendarConfig = CalendarConfig()
    read_hidden_sheets: bool = False
    encoding: str | None = None  # of CSV and JSON files; None: found from each file's bytes
    dates: DatesConfig = DatesConfig()
    database: str | None = None  # [output] database: a SQLAlchemy URL the summary goes to
    open_data: OpenDataConfig = OpenDataConfig()
    ratings: RatingsConfig = field(default_factory=RatingsConfig)
    outcomes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    repeats: RepeatsConfig = field(default_factory=RepeatsConfig)
    population: PopulationConfig = field(default_factory=PopulationConfig)
    overdue_mark: OverdueMarkConfig = OverdueMarkConfig()
    compute: ComputeConfig = ComputeConfig()
    report: ReportConfig = ReportConfig()
    source: Path | None = None
