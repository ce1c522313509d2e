"""The line chart: lines over a month axis, with markers, dips and a legend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.dates import format_date

from engagement_report.render import svg, theme
from engagement_report.render.svg import num, text_width

if TYPE_CHECKING:
    from engagement_report.results import TrendPoint
from engagement_report.render.chart_layout.marks import (
    _GAP,
    _LEGEND_LINE,
    _PLOT_TOP,
    _SAMPLE,
    _X_LABELS,
    _baseline,
    _font,
    _line,
    _title,
    _title_extra,
    _use,
    title_lines,
)


@dataclass(frozen=True)
class Series:
    """One line of a line chart."""

    gid: str  # the group's id within the chart: trend-received, trend_share-answered-share
    label: str
    values: Sequence[float | None]
    style: theme.LineStyle


def _line_style(style: theme.LineStyle) -> str:
    return svg.css(
        {
            "fill": "none",
            "stroke": style.stroke,
            "stroke-width": style.stroke_width,
            "stroke-dasharray": style.dasharray,
            "stroke-linejoin": "round",
        }
    )


def _marker_def(marker_id: str, style: theme.LineStyle) -> str:
    return svg.element(
        "path",
        {
            "id": marker_id,
            "d": svg.marker_path(style.marker, style.marker_size),
            "style": svg.css(
                {
                    "fill": style.marker_fill,
                    "stroke": style.stroke,
                    "stroke-width": style.marker_stroke_width,
                }
            ),
        },
    )


_NOTE_LINE = 20.0  # a line chart's note under its month labels


def _shade(x: float, y: float, width: float, height: float) -> str:
    return svg.element(
        "rect",
        {
            "x": x,
            "y": y,
            "width": width,
            "height": height,
            "class": "partial-month",
            "style": svg.css({"fill": theme.PARTIAL_MONTH_FILL}),
        },
    )


def _ring(x: float, y: float) -> str:
    return svg.element(
        "circle",
        {
            "cx": x,
            "cy": y,
            "r": 8,
            "class": "provisional-month",
            "style": svg.css(
                {"fill": "none", "stroke": theme.INK, "stroke-width": 1, "stroke-dasharray": "2 2"}
            ),
        },
    )


def _month_labels(points: Sequence[TrendPoint], locale: str, step: float) -> list[list[str] | None]:
    """Each month's short name, months ``step`` px apart: every month where the names fit,
    else every second (third, …) month counted back from the last, which is always named;
    None for a month left unnamed. The first named month and the first named in each
    new year carry the year below."""
    names = [format_date(p.month.start, "LLL", locale=locale) for p in points]
    widest = max((text_width(name, theme.TICK_SIZE) for name in names), default=0.0)
    every = 1
    while every * step < widest + 6 and every < len(points):
        every += 1
    labels: list[list[str] | None] = []
    year = None
    for i, (point, name) in enumerate(zip(points, names, strict=True)):
        if (len(points) - 1 - i) % every:
            labels.append(None)
            continue
        new_year = point.month.start.year != year
        year = point.month.start.year
        labels.append([name, str(year)] if new_year else [name])
    return labels


def _is_dip(ys: Sequence[float | None], i: int, depth: float) -> bool:
    """Whether point ``i`` lies more than ``depth`` px below each neighbour that has a value.

    ``ys`` are screen coordinates (down is larger); a point without neighbours is no dip.
    """
    y = ys[i]
    known = [ys[j] for j in (i - 1, i + 1) if 0 <= j < len(ys) and ys[j] is not None]
    return y is not None and bool(known) and all(y - v > depth for v in known if v is not None)


def _note_lines(note: str, room: float) -> list[str]:
    """The note in lines no wider than ``room`` px (broken at spaces)."""
    lines: list[str] = []
    for word in note.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(joined, theme.TICK_SIZE) <= room:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines


def line_chart(
    name: str,
    title: str,
    points: Sequence[TrendPoint],
    series: Sequence[Series],
    *,
    ticks: Sequence[tuple[float, str]],
    top: float,
    height: float,
    locale: str,
    legend: bool = False,
    value_labels: Sequence[str | None] | None = None,
    width: float = theme.WIDTH,
    marked: Sequence[bool] | None = None,
    ringed: Sequence[bool] | None = None,
    note: str | None = None,
) -> str:
    """Lines over a month axis, ``width`` px wide; a title that does not fit wraps; a
    None value breaks its line (a month without data). ``marked`` months (the data
    covers them only in part) get a shaded column, ``ringed`` ones a dashed ring round
    each point; ``note`` under the month labels says what they mean.
    """
    marked = marked if marked is not None and any(marked) else None
    ringed = ringed if ringed is not None and any(ringed) else None
    widest = max(text_width(label, theme.TICK_SIZE) for _v, label in ticks)
    left = theme.MARGIN + widest + _GAP
    # The note starts under the plot and wraps inside the chart (a phone drawing is narrow).
    notes = _note_lines(note, width - theme.MARGIN - left) if note else []
    height += _NOTE_LINE * len(notes)
    tick_font = _font(theme.TICK_SIZE)
    body: list[str] = [_title(title, width)]
    defs = [_marker_def(f"{name}-marker-{s.gid}", s.style) for s in series]
    extra = _title_extra(title, width)
    plot_top = _PLOT_TOP + extra
    height += extra

    if legend:
        # On the title's line at the right, where no line can run under it; on a line
        # of its own below the title when the two would meet, starting at the left
        # when even that line is too short.
        items = [(s, _SAMPLE + 6 + text_width(s.label, theme.TICK_SIZE)) for s in series]
        total = sum(w for _s, w in items) + 18 * (len(items) - 1)
        x = width - theme.MARGIN - total
        y = theme.TITLE_BASELINE + extra
        title_end = theme.MARGIN + text_width(
            title_lines(title, width)[-1], theme.TITLE_SIZE, bold=True
        )
        if x < title_end + 24:
            y += _LEGEND_LINE
            plot_top += _LEGEND_LINE
            height += _LEGEND_LINE
            x = max(x, theme.MARGIN)
        for s, w in items:
            if x + w > width - theme.MARGIN + 0.01 and x > theme.MARGIN:
                x = theme.MARGIN  # the next item on a line of its own
                y += _LEGEND_LINE
                plot_top += _LEGEND_LINE
                height += _LEGEND_LINE
            mid = y - 4
            body += [
                svg.element(
                    "path",
                    {
                        "d": f"M{num(x)},{num(mid)}H{num(x + _SAMPLE)}",
                        "style": _line_style(s.style),
                    },
                ),
                _use(f"{name}-marker-{s.gid}", x + _SAMPLE / 2, mid),
                svg.text(x + _SAMPLE + 6, y, s.label, style=tick_font),
            ]
            x += w + 18

    right = width - theme.MARGIN - 6
    bottom = height - _X_LABELS - _NOTE_LINE * len(notes)
    step = (right - left) / len(points)

    def px(i: int) -> float:
        return left + (i + 0.5) * step

    def py(value: float) -> float:
        return bottom - value / top * (bottom - plot_top)

    if marked is not None:
        body += [
            _shade(left + i * step, plot_top, step, bottom - plot_top)
            for i, on in enumerate(marked)
            if on
        ]
    if notes:
        body.append(
            svg.text(
                left,
                height - 10 - _NOTE_LINE * (len(notes) - 1),
                notes,
                style=_font(theme.TICK_SIZE, theme.MUTED),
                line_height=_NOTE_LINE,
            )
        )
    for tick, label in ticks:
        y = py(tick)
        if tick:
            body.append(_line(left, y, right, y, theme.GRID_COLOR, theme.GRID_WIDTH))
        body.append(
            svg.text(
                left - _GAP, _baseline(y, theme.TICK_SIZE), label, style=tick_font, anchor="end"
            )
        )
    body.append(_line(left, plot_top, left, bottom, theme.AXIS_COLOR, theme.AXIS_WIDTH))
    body.append(_line(left, bottom, right, bottom, theme.AXIS_COLOR, theme.AXIS_WIDTH))
    line_height = theme.TICK_SIZE * theme.LINE_SPACING
    for i, lines in enumerate(_month_labels(points, locale, step)):
        body.append(_line(px(i), bottom, px(i), bottom + 4, theme.AXIS_COLOR, theme.AXIS_WIDTH))
        if lines is None:
            continue
        body.append(
            svg.text(
                px(i),
                bottom + 18,
                lines,
                style=tick_font,
                anchor="middle",
                line_height=line_height,
            )
        )

    for s in series:
        d, pen_down = [], False
        for i, value in enumerate(s.values):
            if value is None:
                pen_down = False  # a month without a value breaks the line
                continue
            d.append(f"{'L' if pen_down else 'M'}{num(px(i))},{num(py(value))}")
            pen_down = True
        group = [svg.element("path", {"d": "".join(d), "style": _line_style(s.style)})]
        group += [
            _use(f"{name}-marker-{s.gid}", px(i), py(value))
            for i, value in enumerate(s.values)
            if value is not None
        ]
        if ringed is not None:
            group += [
                _ring(px(i), py(value))
                for i, value in enumerate(s.values)
                if value is not None and ringed[i]
            ]
        body.append(svg.element("g", {"id": f"{name}-{s.gid}"}, group))

    if value_labels is not None:
        # Each point's value above it; below it at a dip, where the line comes down
        # from both sides and would cross the number above. Where the points are too
        # close for every number, numbers are placed from the latest month back, each
        # only where it keeps clear of the one after it.
        values = series[0].values
        ys = [None if v is None else py(v) for v in values]
        labels: list[str] = []
        free_until = width
        for i in reversed(range(len(values))):
            value, shown = values[i], value_labels[i]
            if value is None or shown is None:
                continue
            half = text_width(shown, theme.VALUE_SIZE) / 2
            x = min(px(i), width - theme.MARGIN - half)  # the last one kept inside
            if x + half + 4 > free_until:
                continue
            free_until = x - half
            y = py(value)
            below = _is_dip(ys, i, theme.VALUE_SIZE) and y + 9 + theme.VALUE_SIZE * 1.1 <= bottom
            labels.insert(
                0,
                svg.text(
                    x,
                    y + 9 + theme.VALUE_SIZE * 0.72 if below else y - 9,
                    shown,
                    style=_font(theme.VALUE_SIZE),
                    anchor="middle",
                ),
            )
        body.append(svg.element("g", {}, labels))
    return svg.document(
        width, height, [svg.element("defs", {}, defs), *body], background=theme.BACKGROUND
    )
