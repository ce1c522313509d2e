"""Charts of the report as SVG text: drawn by matplotlib, inlined into HTML, files for Markdown.

Every chart is deterministic (the same figures give byte-identical SVG), keeps its
text as text (``svg.fonttype = "none"``), refers to nothing outside itself, and
carries an ``alt_text`` that states its numbers in words.  Colours, fonts and
hatches come from :mod:`engagement_report.render.theme`.

Matplotlib is imported inside the drawing functions so that importing this module
(and ``engagement-report --help``) stays fast.
"""

from __future__ import annotations

import dataclasses
import io
import re
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engagement_report.render import filters, theme
from engagement_report.render.translations import DATA_WORDS, translations_for

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from engagement_report.deadlines import DeadlineFigures
    from engagement_report.render.context import ReportContext
    from engagement_report.results import CategoryFigures, TrendPoint

Gettext = Callable[[str], str]

TOP_CATEGORIES = 10
CHART_FOLDER = "charts"
#: Every chart that may be drawn, in reading order; a report holds those its data allows.
CHART_NAMES = ("trend", "trend_share", "topics", "channels", "districts", "deadlines")
#: Every chart file a build may write: pass as ``stale`` so a chart no longer drawn is removed.
CHART_FILES = tuple(f"{CHART_FOLDER}/{name}.svg" for name in CHART_NAMES)
_XML_HEADER = '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
_LOCALES = {"en": "en", "ru": "ru", "kk": "kk"}


@dataclass(frozen=True)
class Chart:
    """One chart: ``svg`` is ready to inline (no XML declaration, no DOCTYPE)."""

    name: str
    title: str
    svg: str
    alt_text: str

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
    """The ``limit`` largest categories by queries received, then one bar for all the rest.

    Ties are broken by name (the order of the report's tables), so the order never
    depends on the input's.  ``limit=None`` keeps every category.
    """
    ordered = sorted(rows, key=lambda r: (-r.received, r.category))
    if limit is None or len(ordered) <= limit:
        return [Bar(r.category, r.received) for r in ordered]
    rest = ordered[limit:]
    return [Bar(r.category, r.received) for r in ordered[:limit]] + [
        Bar("", sum(r.received for r in rest), others=len(rest))
    ]


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
    # Topics as in the report's table: the ten largest and "Other topics (n)";
    # channels and districts are few, so every one gets its bar, as in their tables.
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


def attach_charts(ctx: ReportContext) -> ReportContext:
    """``ctx`` with its charts drawn, in its own language."""
    return dataclasses.replace(ctx, charts=make_charts(ctx, translations_for(ctx.lang).gettext))


def chart_files(ctx: ReportContext) -> dict[str, str]:
    """The chart files the Markdown report links to: ``{"charts/trend.svg": text, ...}``."""
    return {chart.path: _XML_HEADER + chart.svg for chart in ctx.charts.values()}


# --- the charts -------------------------------------------------------------------


def _trend_chart(points: Sequence[TrendPoint], _: Gettext, locale: str) -> Chart:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    title = _("Queries received and answered per month")
    received = [p.received for p in points]
    answered = [p.answered for p in points]
    with _chart_style("trend"):
        fig, ax = _figure(theme.LINE_CHART_HEIGHT)
        xs = list(range(len(points)))
        ax.plot(xs, received, label=_("Received"), gid="received", **theme.RECEIVED_LINE)
        ax.plot(xs, answered, label=_("Answered"), gid="answered", **theme.ANSWERED_LINE)
        _month_axis(ax, points, locale)
        ax.set_ylim(0, max([*received, *answered, 1]) * 1.15)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: filters.number(v, locale=locale))
        )
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        _title(fig, title)
        # Beside the title, above the plot, where no line can run under it.
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, borderaxespad=0.2)
        svg = _svg(fig, "trend")
    first, last = points[0].month.label, points[-1].month.label
    alt = _(
        "Queries per month from %(start)s to %(end)s. Received: %(received)s. Answered: %(answered)s."
    ) % {
        "start": first,
        "end": last,
        "received": _listing(filters.number(v, locale=locale) for v in received),
        "answered": _listing(filters.number(v, locale=locale) for v in answered),
    }
    return Chart("trend", title, svg, alt)


def _share_chart(points: Sequence[TrendPoint], _: Gettext, locale: str) -> Chart:
    from matplotlib.ticker import FixedLocator, FuncFormatter

    title = _("Answered share per month")
    shares = [p.answered_share for p in points]
    with _chart_style("trend_share"):
        fig, ax = _figure(theme.SHARE_CHART_HEIGHT)
        xs = list(range(len(points)))
        ys = [float("nan") if s is None else s for s in shares]
        ax.plot(xs, ys, label=_("Answered share"), gid="answered-share", **theme.SHARE_LINE)
        for x, share in zip(xs, shares, strict=True):
            if share is not None:
                ax.annotate(
                    filters.percent(share, locale=locale),
                    (x, share),
                    xytext=(0, 6),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=theme.VALUE_SIZE,
                    color=theme.INK,
                )
        _month_axis(ax, points, locale)
        ax.set_ylim(0, 1.18)
        ax.yaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: filters.percent(v, 0, locale=locale))
        )
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        _title(fig, title)
        svg = _svg(fig, "trend_share")
    alt = _("Answered share per month from %(start)s to %(end)s: %(values)s.") % {
        "start": points[0].month.label,
        "end": points[-1].month.label,
        "values": _listing(filters.percent(s, locale=locale) for s in shares),
    }
    return Chart("trend_share", title, svg, alt)


def _bar_chart(
    name: str, bars: Sequence[Bar], title: str, alt_template: str, _: Gettext, locale: str
) -> Chart:
    labels = [
        _("Other topics (%(n)s)") % {"n": filters.number(bar.others, locale=locale)}
        if bar.others
        else _category(bar.label, _)
        for bar in bars
    ]
    values = [bar.value for bar in bars]
    numbers = [filters.number(v, locale=locale) for v in values]
    height = max(
        theme.BAR_CHART_MIN_HEIGHT,
        theme.BAR_CHART_EXTRA_HEIGHT
        + theme.BAR_HEIGHT_PER_ROW * sum(_wrapped(label).count("\n") + 1 for label in labels),
    )
    with _chart_style(name):
        fig, ax = _figure(height)
        ys = list(range(len(bars)))
        container = ax.barh(
            ys,
            values,
            height=0.7,
            color=[theme.OTHER_BAR_COLOR if bar.others else theme.BAR_COLOR for bar in bars],
            edgecolor=theme.BAR_EDGE,
            linewidth=0.5,
        )
        for patch, bar in zip(container.patches, bars, strict=True):
            if bar.others:
                patch.set_hatch(theme.OTHER_BAR_HATCH)
        ax.bar_label(container, labels=numbers, padding=3, fontsize=theme.VALUE_SIZE)
        ax.set_yticks(ys, [_wrapped(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlim(0, max([*values, 1]) * 1.12)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        _title(fig, title)
        svg = _svg(fig, name)
    alt = alt_template % {
        "values": _listing(
            f"{label}: {number}" for label, number in zip(labels, numbers, strict=True)
        )
    }
    return Chart(name, title, svg, alt)


def _deadline_chart(deadlines: DeadlineFigures, _: Gettext, locale: str) -> Chart | None:
    classes = [
        ("on_time", _("Answered on time"), deadlines.on_time),
        ("late", _("Answered late"), deadlines.late),
        ("open_not_due", _("Open, not yet due"), deadlines.open_not_due),
        ("open_overdue", _("Open, overdue"), deadlines.open_overdue),
    ]
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
    with _chart_style("deadlines"):
        fig, ax = _figure(theme.STACK_CHART_HEIGHT)
        left = 0
        for key, label, value, text in entries:
            style = theme.DEADLINE_STYLES[key]
            container = ax.barh(
                [0],
                [value],
                left=left,
                height=0.6,
                color=style["color"],
                hatch=style["hatch"] or None,
                edgecolor=theme.BAR_EDGE,
                linewidth=0.5,
                label=f"{label}: {text}",
            )
            if value / total >= 0.08:
                dark = key in ("on_time", "open_overdue")
                ax.bar_label(
                    container,
                    labels=[filters.number(value, locale=locale)],
                    label_type="center",
                    fontsize=theme.VALUE_SIZE,
                    color=theme.BACKGROUND if dark else theme.INK,
                    fontweight="bold",
                )
            left += value
        ax.set_xlim(0, total)
        ax.set_ylim(-0.5, 0.5)
        ax.set_axis_off()
        _title(fig, title)
        fig.legend(loc="outside lower center", ncols=2, handlelength=2.2, handleheight=1.2)
        svg = _svg(fig, "deadlines")
    alt = _("Queries received in the period by deadline class, as of %(date)s: %(values)s.") % {
        "date": filters.long_date(deadlines.as_of, locale=locale),
        "values": _listing(f"{label}: {text}" for _key, label, _value, text in entries),
    }
    return Chart("deadlines", title, svg, alt)


# --- helpers ----------------------------------------------------------------------


@contextmanager
def _chart_style(name: str) -> Iterator[None]:
    """The theme's matplotlib settings while one chart is drawn and saved."""
    import matplotlib

    settings: Any = theme.rc_params(f"engagement-report:{name}")  # typed keys since 3.11
    with matplotlib.rc_context(settings):
        yield


def _figure(height: float) -> tuple[Figure, Any]:
    """A figure on the Agg canvas, never registered with pyplot (no global state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(theme.FIGURE_WIDTH, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _title(fig: Figure, title: str) -> None:
    """The chart's title at the figure's left edge, in line with the caption under it."""
    fig.suptitle(title, x=0.004, ha="left")


def _month_axis(ax: Any, points: Sequence[TrendPoint], locale: str) -> None:
    from babel.dates import format_date

    labels = []
    for i, point in enumerate(points):
        month = format_date(point.month.start, "LLL", locale=locale)
        first = i == 0 or point.month.start.month == 1
        labels.append(f"{month}\n{point.month.start.year}" if first else month)
    ax.set_xticks(list(range(len(points))), labels)
    ax.set_xlim(-0.5, len(points) - 0.5)


def _category(label: str, _: Gettext) -> str:
    """A category as the tables show it: data as is, the fixed "(not stated)" translated."""
    return _(label) if label in DATA_WORDS else label


def _wrapped(label: str) -> str:
    """A category name on at most two lines of about 30 characters (the alt text keeps it whole)."""
    lines = textwrap.wrap(" ".join(label.split()), theme.LABEL_WRAP) or [""]
    if len(lines) > theme.LABEL_MAX_LINES:
        lines = lines[: theme.LABEL_MAX_LINES]
        lines[-1] = lines[-1][: theme.LABEL_WRAP - 1].rstrip() + "…"
    return "\n".join(lines)


def _listing(items: Any) -> str:
    # A semicolon, not a comma: in ru and kk the decimal separator is a comma.
    return "; ".join(items)


def _svg(fig: Figure, name: str) -> str:
    buffer = io.StringIO()
    fig.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    return _inline_svg(buffer.getvalue(), name)


_DECLARATION = re.compile(r"<\?xml[^>]*\?>\s*")
_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*")
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_ID_REFERENCE = re.compile(r'(\bid="|url\(#|\bhref="#)')


def _inline_svg(svg: str, name: str) -> str:
    """SVG text fit to inline: no declaration, DOCTYPE or comments; ids prefixed with ``name``.

    Matplotlib names every group ``figure_1``, ``axes_1``…, so two charts on one page
    would repeat ids.  Text content cannot hold a tag (matplotlib escapes ``<``), so
    rewriting inside tags only never alters a label.
    """
    svg = _DECLARATION.sub("", svg)
    svg = _DOCTYPE.sub("", svg)
    svg = _COMMENT.sub("", svg)
    svg = _TAG.sub(lambda tag: _ID_REFERENCE.sub(rf"\g<1>{name}-", tag.group(0)), svg)
    return svg.strip() + "\n"
