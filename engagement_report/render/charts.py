"""Charts of the report as SVG text: hand-written SVG, inlined into HTML, files for Markdown.

Every chart is deterministic (the same figures give byte-identical SVG), keeps its
text as text, refers to nothing outside itself, and carries an ``alt_text`` that
states its numbers in words.  This module decides what each chart shows (figures,
labels, formatted numbers, alt text); :mod:`engagement_report.render.chart_layout`
lays it out, from the theme's colours and fonts and :mod:`engagement_report.render.svg`'s
elements and text-width estimates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engagement_report.analysis.topic_rule import TOP_TOPICS, split_topics
from engagement_report.render import chart_layout, filters, svg, theme
from engagement_report.render.translations import DATA_WORDS, translations_for

if TYPE_CHECKING:
    from engagement_report.deadlines import DeadlineFigures
    from engagement_report.render.context import ReportContext
    from engagement_report.results import CategoryFigures, TrendPoint

Gettext = Callable[[str], str]

TOP_CATEGORIES = TOP_TOPICS
CHART_FOLDER = "charts"
#: Every chart that may be drawn, in reading order; a report holds those its data allows.
CHART_NAMES = ("trend", "trend_share", "topics", "channels", "districts", "deadlines")
#: Every chart file a build may write: pass as ``stale`` so a chart no longer drawn is removed.
CHART_FILES = tuple(f"{CHART_FOLDER}/{name}.svg" for name in CHART_NAMES)
_XML_HEADER = '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
_LOCALES = {"en": "en", "ru": "ru", "kk": "kk"}


@dataclass(frozen=True)
class Chart:
    """One chart: ``svg`` is ready to inline (no XML declaration, no DOCTYPE);
    ``narrow_svg`` draws the same for a phone's width (empty: none)."""

    name: str
    title: str
    svg: str
    alt_text: str
    narrow_svg: str = ""

    @property
    def path(self) -> str:
        """Where the Markdown report expects the chart file, relative to the report."""
        return f"{CHART_FOLDER}/{self.name}.svg"


@dataclass(frozen=True)
class Bar:
    """One bar of a horizontal bar chart; ``others`` counts the categories folded into it."""

    label: str
    value: int
    others: int = 0


def top_categories(
    rows: Sequence[CategoryFigures], limit: int | None = TOP_CATEGORIES
) -> list[Bar]:
    """The bars of a breakdown by the report's one topic rule
    (:func:`~engagement_report.analysis.topic_rule.split_topics`): the ``limit`` largest
    categories by queries received, then any later one the data itself calls "other",
    then one bar for all the rest.

    Ties are broken by name (the order of the report's tables), so the order never
    depends on the input's.  ``limit=None`` keeps every category.
    """
    ordered = sorted(rows, key=lambda r: (-r.received, r.category))
    shown, rest = split_topics(ordered, lambda r: r.category, limit)
    bars = [Bar(r.category, r.received) for r in shown]
    if rest:
        bars.append(Bar("", sum(r.received for r in rest), others=len(rest)))
    return bars


def make_charts(ctx: ReportContext, gettext: Gettext | None = None) -> dict[str, Chart]:
    """Every chart the report's figures allow, by name, in reading order.

    ``gettext`` translates the charts' fixed words; the default is the catalogue of
    ``ctx.lang``.  Numbers and month names follow ``ctx.lang`` too.
    """
    _ = gettext or translations_for(ctx.lang).gettext
    locale = _LOCALES.get(ctx.lang, "en")
    charts: list[Chart] = []
    if ctx.trend:
        charts += [_trend_chart(ctx.trend, _, locale), _share_chart(ctx.trend, _, locale)]
    figures = ctx.figures
    # Topics as in the report's table: the ten largest, the data's own "other" topics and
    # "Remaining topics (n)"; channels and districts are few, so every one gets its bar,
    # as in their tables.
    for name, rows, limit, title, alt in (
        (
            "topics",
            figures.by_topic,
            TOP_CATEGORIES,
            _("Queries received by topic"),
            _("Queries received by topic: %(values)s."),
        ),
        (
            "channels",
            figures.by_channel,
            None,
            _("Queries received by channel"),
            _("Queries received by channel: %(values)s."),
        ),
        (
            "districts",
            figures.by_district,
            None,
            _("Queries received by district"),
            _("Queries received by district: %(values)s."),
        ),
    ):
        if rows:
            charts.append(_bar_chart(name, top_categories(rows, limit), title, alt, _, locale))
    deadlines = figures.deadlines
    if deadlines is not None:
        chart = _deadline_chart(deadlines, _, locale)
        if chart is not None:
            charts.append(chart)
    return {chart.name: chart for chart in charts}


def trend_charts(points: Sequence[TrendPoint], lang: str) -> list[Chart]:
    """The received/answered and answered-share line charts of ``points`` (any number of
    months, e.g. every month a site publishes), in ``lang``."""
    if not points:
        return []
    _ = translations_for(lang).gettext
    locale = _LOCALES.get(lang, "en")
    return [_trend_chart(points, _, locale), _share_chart(points, _, locale)]


def attach_charts(ctx: ReportContext) -> ReportContext:
    """``ctx`` with its charts drawn, in its own language."""
    return dataclasses.replace(ctx, charts=make_charts(ctx, translations_for(ctx.lang).gettext))


def chart_files(ctx: ReportContext) -> dict[str, str]:
    """The chart files the Markdown report links to: ``{"charts/trend.svg": text, ...}``."""
    return {chart.path: _XML_HEADER + chart.svg for chart in ctx.charts.values()}


# --- the charts -------------------------------------------------------------------


def _partial(points: Sequence[TrendPoint]) -> list[bool]:
    """Which months the query data covers only in part (shaded, with their points ringed)."""
    return [p.coverage("queries") == "partial" for p in points]


def _provisional(points: Sequence[TrendPoint]) -> list[bool]:
    """Which months still have queries within their term (their points are ringed)."""
    return [p.still_due > 0 for p in points]


def _months_note(points: Sequence[TrendPoint], _: Gettext) -> str | None:
    notes = []
    if any(_partial(points)):
        notes.append(_("Shaded: a month the data covers only in part. A gap: no data."))
    if any(_provisional(points)):
        notes.append(_("Ringed: provisional, queries still within their term."))
    return " ".join(notes) or None


def _in_words(
    points: Sequence[TrendPoint],
    values: Sequence[float | None],
    shown: Callable[[float | None], str],
    _: Gettext,
) -> str:
    """Each month's value for the alt text: "no data" where it has none, "partial" marked."""
    words, partial, provisional = [], _("partial month"), _("provisional")
    for point, value in zip(points, values, strict=True):
        state = point.coverage("queries")
        marks = [partial] if state == "partial" else []
        marks += [provisional] if point.still_due else []
        if state == "none":
            words.append(_("no data"))
        else:
            words.append(shown(value) + (f" ({', '.join(marks)})" if marks else ""))
    return _listing(words)


def _months(points: Sequence[TrendPoint], locale: str) -> str:
    """The trend's months as the locale writes a span (``March 2020 – February 2021``)."""
    return filters.month_span(points[0].month.start, points[-1].month.end, locale=locale)


def _trend_chart(points: Sequence[TrendPoint], _: Gettext, locale: str) -> Chart:
    title = _("Queries received and answered per month")
    received = [p.received for p in points]
    answered = [p.answered for p in points]
    # A little headroom, so the highest point never sits on the top gridline.
    known = [v for v in (*received, *answered) if v is not None]
    ticks = svg.nice_ticks(max([*known, 1]) * 1.05)

    def draw(name: str, width: float) -> str:
        return chart_layout.line_chart(
            name,
            title,
            points,
            [
                chart_layout.Series("received", _("Received"), received, theme.RECEIVED_LINE),
                chart_layout.Series("answered", _("Answered"), answered, theme.ANSWERED_LINE),
            ],
            ticks=[(t, filters.number(t, locale=locale)) for t in ticks],
            top=ticks[-1],
            height=theme.LINE_CHART_HEIGHT,
            locale=locale,
            legend=True,
            width=width,
            marked=_partial(points),
            ringed=_provisional(points),
            note=_months_note(points, _),
        )

    span = _months(points, locale)

    def count(value: float | None) -> str:
        return filters.number(value, locale=locale)

    alt = _("Queries per month (%(span)s). Received: %(received)s. Answered: %(answered)s.") % {
        "span": span,
        "received": _in_words(points, received, count, _),
        "answered": _in_words(points, answered, count, _),
    }
    return Chart("trend", title, draw("trend", theme.WIDTH), alt, *_narrow(draw, "trend"))


def _share_chart(points: Sequence[TrendPoint], _: Gettext, locale: str) -> Chart:
    title = _("Answered share per month")
    shares = [p.answered_share for p in points]

    def draw(name: str, width: float) -> str:
        return chart_layout.line_chart(
            name,
            title,
            points,
            [chart_layout.Series("answered-share", _("Answered share"), shares, theme.SHARE_LINE)],
            ticks=[(t, filters.percent(t, 0, locale=locale)) for t in (0, 0.25, 0.5, 0.75, 1.0)],
            top=1.18,  # room for the percentage above a point at 100 %
            height=theme.SHARE_CHART_HEIGHT,
            locale=locale,
            value_labels=[None if s is None else filters.percent(s, locale=locale) for s in shares],
            width=width,
            marked=_partial(points),
            ringed=_provisional(points),
            note=_months_note(points, _),
        )

    def percent(value: float | None) -> str:
        return filters.percent(value, locale=locale)

    alt = _("Answered share per month (%(span)s): %(values)s.") % {
        "span": _months(points, locale),
        "values": _in_words(points, shares, percent, _),
    }
    return Chart(
        "trend_share", title, draw("trend_share", theme.WIDTH), alt, *_narrow(draw, "trend_share")
    )


def _bar_chart(
    name: str, bars: Sequence[Bar], title: str, alt_template: str, _: Gettext, locale: str
) -> Chart:
    labels = [
        _("Remaining topics (%(n)s)") % {"n": filters.number(bar.others, locale=locale)}
        if bar.others
        else _category(bar.label, _)
        for bar in bars
    ]
    values = [bar.value for bar in bars]
    numbers = [filters.number(v, locale=locale) for v in values]

    def draw(gid: str, width: float) -> str:
        return chart_layout.bar_chart(gid, title, bars, labels, numbers, width)

    alt = alt_template % {
        "values": _listing(
            f"{label}: {number}" for label, number in zip(labels, numbers, strict=True)
        )
    }
    return Chart(name, title, draw(name, theme.WIDTH), alt, *_narrow(draw, name))


def _deadline_chart(deadlines: DeadlineFigures, _: Gettext, locale: str) -> Chart | None:
    classes = [
        ("on_time", _("Answered on time"), deadlines.on_time),
        ("late", _("Answered late"), deadlines.late),
        ("open_not_due", _("Open, not yet due"), deadlines.open_not_due),
        ("open_overdue", _("Open, overdue"), deadlines.open_overdue),
    ]
    if deadlines.closed_undated:  # a segment of its own, neither on time, late nor open
        classes.insert(
            2, ("closed_undated", _("Closed without an answer date"), deadlines.closed_undated)
        )
    total = sum(value for _key, _label, value in classes)
    if not total:
        return None
    title = _("Deadlines: queries received in the period")
    entries = [
        (
            key,
            label,
            value,
            f"{filters.number(value, locale=locale)} ({filters.percent(value / total, locale=locale)})",
        )
        for key, label, value in classes
    ]

    def draw(name: str, width: float) -> str:
        return chart_layout.stack_chart(
            title,
            [(key, value, filters.number(value, locale=locale)) for key, _l, value, _t in entries],
            [f"{label}: {text}" for _key, label, _value, text in entries],
            width,
            name,
        )

    alt = _("Queries received in the period by deadline class, as of %(date)s: %(values)s.") % {
        "date": filters.long_date(deadlines.as_of, locale=locale),
        "values": _listing(f"{label}: {text}" for _key, label, _value, text in entries),
    }
    return Chart(
        "deadlines", title, draw("deadlines", theme.WIDTH), alt, *_narrow(draw, "deadlines")
    )


# --- helpers ----------------------------------------------------------------------


def _narrow(draw: Callable[[str, float], str], name: str) -> tuple[str]:
    """The chart drawn again for a phone's width, its ids apart from the wide drawing's
    (both are inline in one page)."""
    return (draw(f"{name}-narrow", theme.NARROW_WIDTH),)


def _category(label: str, _: Gettext) -> str:
    """A category as the tables show it: data as is, the fixed "(not stated)" translated."""
    return _(label) if label in DATA_WORDS else label


def _listing(items: Iterable[str]) -> str:
    # A semicolon, not a comma: in ru and kk the decimal separator is a comma.
    return "; ".join(items)
