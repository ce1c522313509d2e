"""The geometry of the report's three kinds of chart, written as SVG text.

:mod:`engagement_report.render.charts` decides what each chart shows (which figures,
labels, numbers already formatted, alt text); this module lays them out: a line chart
with a month axis, horizontal bars with their labels, and one stacked bar with a legend.
Positions are planned from estimated text widths (:func:`svg.text_width`, erring wide),
so labels fit in any of the theme's fonts. Standard library and Babel only.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.dates import format_date

from engagement_report.render import svg, theme
from engagement_report.render.svg import num, text_width

if TYPE_CHECKING:
    from engagement_report.render.charts import Bar
    from engagement_report.results import TrendPoint


@dataclass(frozen=True)
class Series:
    """One line of a line chart."""

    gid: str  # the group's id within the chart: trend-received, trend_share-answered-share
    label: str
    values: Sequence[float | None]
    style: theme.LineStyle


_GAP = 8.0  # between a label and what it labels
_PLOT_TOP = 44.0  # a line chart's plot, below the title and the top tick's label
_BODY_TOP = 34.0  # bars, below the title
_LEGEND_LINE = 22.0  # a legend that does not fit beside the title goes this far below it
_X_LABELS = 40.0  # room under a line chart's plot for month and year
_SAMPLE = 28.0  # length of a legend's line sample
_KEY = (26.0, 14.0)  # a legend key's box, width and height
_LEGEND_ROW = 22.0
_LEGEND_COLUMN_GAP = 36.0
_VALUE_GAP = 5.0  # between a bar's end and its number
_SEGMENT_LABEL_SHARE = 0.08  # a segment this share of the whole or more shows its number


def _font(size: float, colour: str = theme.INK, *, bold: bool = False) -> str:
    return svg.css(
        {
            "font-family": theme.FONT_STACK,
            "font-size": f"{num(size)}px",
            "font-weight": "bold" if bold else None,
            "fill": colour,
        }
    )


def _baseline(centre: float, size: float) -> float:
    """The baseline that centres a line of text of ``size`` px on ``centre``."""
    return centre + 0.36 * size


def _title(title: str) -> str:
    """The chart's title at its left edge, in line with the caption under it."""
    return svg.text(
        theme.MARGIN, theme.TITLE_BASELINE, title, style=_font(theme.TITLE_SIZE, bold=True)
    )


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float) -> str:
    return svg.element(
        "path",
        {
            "d": f"M{num(x1)},{num(y1)}L{num(x2)},{num(y2)}",
            "style": svg.css({"fill": "none", "stroke": colour, "stroke-width": width}),
        },
    )


def _rect(x: float, y: float, width: float, height: float, fill: str) -> str:
    return svg.element(
        "rect",
        {
            "x": x,
            "y": y,
            "width": width,
            "height": height,
            "style": svg.css(
                {"fill": fill, "stroke": theme.BAR_EDGE, "stroke-width": theme.BAR_EDGE_WIDTH}
            ),
        },
    )


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


def _use(ref: str, x: float, y: float) -> str:
    return svg.element("use", {"xlink:href": f"#{ref}", "x": x, "y": y})


def _month_labels(points: Sequence[TrendPoint], locale: str) -> list[list[str]]:
    """Each month's short name; the first month and every January with the year below."""
    labels = []
    for i, point in enumerate(points):
        month = format_date(point.month.start, "LLL", locale=locale)
        first = i == 0 or point.month.start.month == 1
        labels.append([month, str(point.month.start.year)] if first else [month])
    return labels


def _is_dip(ys: Sequence[float | None], i: int, depth: float) -> bool:
    """Whether point ``i`` lies more than ``depth`` px below each neighbour that has a value.

    ``ys`` are screen coordinates (down is larger); a point without neighbours is no dip.
    """
    y = ys[i]
    known = [ys[j] for j in (i - 1, i + 1) if 0 <= j < len(ys) and ys[j] is not None]
    return y is not None and bool(known) and all(y - v > depth for v in known if v is not None)


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
) -> str:
    width = theme.WIDTH
    tick_font = _font(theme.TICK_SIZE)
    body: list[str] = [_title(title)]
    defs = [_marker_def(f"{name}-marker-{s.gid}", s.style) for s in series]
    plot_top = _PLOT_TOP

    if legend:
        # On the title's line at the right, where no line can run under it; on a line
        # of its own below the title when the two would meet.
        items = [(s, _SAMPLE + 6 + text_width(s.label, theme.TICK_SIZE)) for s in series]
        total = sum(w for _s, w in items) + 18 * (len(items) - 1)
        x = width - theme.MARGIN - total
        y = theme.TITLE_BASELINE
        title_end = theme.MARGIN + text_width(title, theme.TITLE_SIZE, bold=True)
        if x < title_end + 24:
            y += _LEGEND_LINE
            plot_top += _LEGEND_LINE
            height += _LEGEND_LINE
        for s, w in items:
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

    widest = max(text_width(label, theme.TICK_SIZE) for _v, label in ticks)
    left = theme.MARGIN + widest + _GAP
    right = width - theme.MARGIN - 6
    bottom = height - _X_LABELS
    step = (right - left) / len(points)

    def px(i: int) -> float:
        return left + (i + 0.5) * step

    def py(value: float) -> float:
        return bottom - value / top * (bottom - plot_top)

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
    for i, lines in enumerate(_month_labels(points, locale)):
        body.append(_line(px(i), bottom, px(i), bottom + 4, theme.AXIS_COLOR, theme.AXIS_WIDTH))
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
        body.append(svg.element("g", {"id": f"{name}-{s.gid}"}, group))

    if value_labels is not None:
        # Each point's value above it; below it at a dip, where the line comes down
        # from both sides and would cross the number above.
        values = series[0].values
        ys = [None if v is None else py(v) for v in values]
        labels = []
        for i, (value, shown) in enumerate(zip(values, value_labels, strict=True)):
            if value is None or shown is None:
                continue
            y = py(value)
            below = _is_dip(ys, i, theme.VALUE_SIZE) and y + 9 + theme.VALUE_SIZE * 1.1 <= bottom
            labels.append(
                svg.text(
                    px(i),
                    y + 9 + theme.VALUE_SIZE * 0.72 if below else y - 9,
                    shown,
                    style=_font(theme.VALUE_SIZE),
                    anchor="middle",
                )
            )
        body.append(svg.element("g", {}, labels))
    return svg.document(
        width, height, [svg.element("defs", {}, defs), *body], background=theme.BACKGROUND
    )


def bar_chart(
    name: str, title: str, bars: Sequence[Bar], labels: Sequence[str], numbers: Sequence[str]
) -> str:
    """Horizontal bars in the order given; each label left of its bar, its number after it."""
    width = theme.WIDTH
    label_lines = [wrapped(label).split("\n") for label in labels]
    widest = max(text_width(line, theme.LABEL_SIZE) for lines in label_lines for line in lines)
    left = theme.MARGIN + widest + _GAP
    room = width - theme.MARGIN - left
    # The largest scale at which every bar and the number after it fit: the longest bar
    # decides, unless a shorter one carries a wider number.
    scale = min(
        (
            (room - _VALUE_GAP - text_width(number, theme.VALUE_SIZE)) / bar.value
            for bar, number in zip(bars, numbers, strict=True)
            if bar.value > 0
        ),
        default=0.0,
    )
    scale = max(scale, 0.0)
    others = f"{name}-h_others"
    defs = []
    if any(bar.others for bar in bars):
        defs.append(
            svg.hatch_pattern(
                others,
                theme.OTHER_BAR_HATCH,
                fill=theme.OTHER_BAR_COLOR,
                ink=theme.HATCH_COLOR,
                line_width=theme.HATCH_LINEWIDTH,
            )
        )
    label_font, value_font = _font(theme.LABEL_SIZE), _font(theme.VALUE_SIZE)
    line_height = theme.LABEL_SIZE * theme.LINE_SPACING
    rects, label_texts, value_texts = [], [], []
    y = top = _BODY_TOP
    for bar, lines, number in zip(bars, label_lines, numbers, strict=True):
        row = theme.BAR_ROW_HEIGHT + theme.BAR_ROW_EXTRA * (len(lines) - 1)
        centre = y + row / 2
        length = bar.value * scale
        fill = f"url(#{others})" if bar.others else theme.BAR_COLOR
        rects.append(
            _rect(left, centre - theme.BAR_THICKNESS / 2, length, theme.BAR_THICKNESS, fill)
        )
        first = _baseline(centre, theme.LABEL_SIZE) - line_height * (len(lines) - 1) / 2
        label_texts.append(
            svg.text(
                left - _GAP, first, lines, style=label_font, anchor="end", line_height=line_height
            )
        )
        value_texts.append(
            svg.text(
                left + length + _VALUE_GAP,
                _baseline(centre, theme.VALUE_SIZE),
                number,
                style=value_font,
            )
        )
        y += row
    body = [
        _title(title),
        _line(left, top, left, y, theme.AXIS_COLOR, theme.AXIS_WIDTH),
        svg.element("g", {"id": f"{name}-bars"}, rects),
        svg.element("g", {"id": f"{name}-labels"}, label_texts),
        svg.element("g", {"id": f"{name}-values"}, value_texts),
    ]
    if defs:
        body.insert(0, svg.element("defs", {}, defs))
    return svg.document(width, y + 8, body, background=theme.BACKGROUND)


def stack_chart(title: str, segments: Sequence[tuple[str, int, str]], legend: Sequence[str]) -> str:
    """One bar of the deadline classes, ``(key, value, number)`` left to right, and its legend."""
    width = theme.WIDTH
    styles = theme.DEADLINE_STYLES
    fills = {
        key: f"url(#deadlines-h_{key})" if styles[key]["hatch"] else styles[key]["color"]
        for key, _value, _number in segments
    }
    defs = [
        svg.hatch_pattern(
            f"deadlines-h_{key}",
            styles[key]["hatch"],
            fill=styles[key]["color"],
            ink=theme.HATCH_COLOR,
            line_width=theme.HATCH_LINEWIDTH,
        )
        for key, _value, _number in segments
        if styles[key]["hatch"]
    ]
    total = sum(value for _key, value, _number in segments)
    left, length = theme.MARGIN, width - 2 * theme.MARGIN
    top = _BODY_TOP
    centre = top + theme.STACK_BAR_HEIGHT / 2
    rects, numbers = [], []  # numbers: each with its backing patch on a hatched segment
    done = 0
    for key, value, number in segments:
        x = left + length * done / total
        done += value
        end = left + length * done / total
        if not value:
            continue  # a zero-width rect would still draw its edge
        rects.append(_rect(x, top, end - x, theme.STACK_BAR_HEIGHT, fills[key]))
        if value / total >= _SEGMENT_LABEL_SHARE:
            if styles[key]["hatch"]:
                # A patch of the plain colour behind the number, so no hatch line crosses it.
                box_w = min(text_width(number, theme.VALUE_SIZE, bold=True) + 12, end - x - 4)
                box_h = theme.VALUE_SIZE + 8
                numbers.append(
                    svg.element(
                        "rect",
                        {
                            "x": (x + end - box_w) / 2,
                            "y": centre - box_h / 2,
                            "width": box_w,
                            "height": box_h,
                            "style": svg.css({"fill": styles[key]["color"]}),
                        },
                    )
                )
            numbers.append(
                svg.text(
                    (x + end) / 2,
                    _baseline(centre, theme.VALUE_SIZE),
                    number,
                    style=_font(theme.VALUE_SIZE, styles[key]["text"], bold=True),
                    anchor="middle",
                )
            )

    # The legend below the bar: two columns, filled down first, centred; one column at
    # the left if two would not fit.
    keys = [key for key, _value, _number in segments]
    text_widths = [text_width(text, theme.TICK_SIZE) for text in legend]
    key_w, key_h = _KEY
    indices = list(range(len(legend)))
    rows = (len(legend) + 1) // 2
    columns = [indices[i : i + rows] for i in range(0, len(legend), rows)]
    column_widths = [key_w + 8 + max(text_widths[i] for i in column) for column in columns]
    total_width = sum(column_widths) + _LEGEND_COLUMN_GAP * (len(columns) - 1)
    if total_width > width - 2 * theme.MARGIN:
        columns, rows = [indices], len(legend)
        xs = [theme.MARGIN]
    else:
        x0 = (width - total_width) / 2
        xs = [x0 + sum(column_widths[:c]) + _LEGEND_COLUMN_GAP * c for c in range(len(columns))]
    legend_top = top + theme.STACK_BAR_HEIGHT + 18
    items = []
    for x, column in zip(xs, columns, strict=True):
        for row, i in enumerate(column):
            y = legend_top + row * _LEGEND_ROW
            items.append(_rect(x, y, key_w, key_h, fills[keys[i]]))
            items.append(
                svg.text(
                    x + key_w + 8,
                    _baseline(y + key_h / 2, theme.TICK_SIZE),
                    legend[i],
                    style=_font(theme.TICK_SIZE),
                )
            )
    height = legend_top + (rows - 1) * _LEGEND_ROW + key_h + 8
    body = [
        svg.element("defs", {}, defs),
        _title(title),
        svg.element("g", {"id": "deadlines-bar"}, [*rects, *numbers]),
        svg.element("g", {"id": "deadlines-legend"}, items),
    ]
    return svg.document(width, height, body, background=theme.BACKGROUND)


def wrapped(label: str) -> str:
    """A category name on at most two lines of about 30 characters (the alt text keeps it whole)."""
    lines = textwrap.wrap(" ".join(label.split()), theme.LABEL_WRAP) or [""]
    if len(lines) > theme.LABEL_MAX_LINES:
        lines = lines[: theme.LABEL_MAX_LINES]
        lines[-1] = lines[-1][: theme.LABEL_WRAP - 1].rstrip() + "…"
    return "\n".join(lines)
