"""Horizontal bars with their labels, and one stacked bar with a legend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from engagement_report.render import svg, theme
from engagement_report.render.svg import text_width

if TYPE_CHECKING:
    from engagement_report.render.charts import Bar
from engagement_report.render.chart_layout.marks import (
    _BODY_TOP,
    _GAP,
    _KEY,
    _LEGEND_COLUMN_GAP,
    _LEGEND_ROW,
    _SEGMENT_LABEL_SHARE,
    _VALUE_GAP,
    _baseline,
    _font,
    _line,
    _rect,
    _title,
    _title_extra,
    fitted,
    wrapped,
)

_LABELS_BESIDE = 0.36  # labels go above their bars when the widest takes more of the width
_LABEL_ABOVE_GAP = 3.0  # between a label above its bar and the bar


def bar_chart(
    name: str,
    title: str,
    bars: Sequence[Bar],
    labels: Sequence[str],
    numbers: Sequence[str],
    width: float = theme.WIDTH,
) -> str:
    """Horizontal bars in the order given, ``width`` px wide; each label left of its bar,
    or above it when the labels would take too much of the width, its number after it."""
    label_lines = [wrapped(label).split("\n") for label in labels]
    widest = max(text_width(line, theme.LABEL_SIZE) for lines in label_lines for line in lines)
    beside = widest <= _LABELS_BESIDE * width
    if not beside:
        room_above = width - 2 * theme.MARGIN
        label_lines = [fitted(label, room_above, theme.LABEL_SIZE) for label in labels]
    left = theme.MARGIN + widest + _GAP if beside else theme.MARGIN
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
    y = top = _BODY_TOP + _title_extra(title, width)
    for bar, lines, number in zip(bars, label_lines, numbers, strict=True):
        if beside:
            row = theme.BAR_ROW_HEIGHT + theme.BAR_ROW_EXTRA * (len(lines) - 1)
            centre = y + row / 2
            first = _baseline(centre, theme.LABEL_SIZE) - line_height * (len(lines) - 1) / 2
            label = svg.text(
                left - _GAP, first, lines, style=label_font, anchor="end", line_height=line_height
            )
        else:
            above = line_height * len(lines) + _LABEL_ABOVE_GAP
            row = above + theme.BAR_ROW_HEIGHT
            centre = y + above + theme.BAR_ROW_HEIGHT / 2
            first = y + theme.LABEL_SIZE + 2  # the first line's baseline
            label = svg.text(left, first, lines, style=label_font, line_height=line_height)
        length = bar.value * scale
        fill = f"url(#{others})" if bar.others else theme.BAR_COLOR
        rects.append(
            _rect(left, centre - theme.BAR_THICKNESS / 2, length, theme.BAR_THICKNESS, fill)
        )
        label_texts.append(label)
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
        _title(title, width),
        # No axis line where the labels stand above the bars: it would cross them.
        *([_line(left, top, left, y, theme.AXIS_COLOR, theme.AXIS_WIDTH)] if beside else []),
        svg.element("g", {"id": f"{name}-bars"}, rects),
        svg.element("g", {"id": f"{name}-labels"}, label_texts),
        svg.element("g", {"id": f"{name}-values"}, value_texts),
    ]
    if defs:
        body.insert(0, svg.element("defs", {}, defs))
    return svg.document(width, y + 8, body, background=theme.BACKGROUND)


def stack_chart(
    title: str,
    segments: Sequence[tuple[str, int, str]],
    legend: Sequence[str],
    width: float = theme.WIDTH,
    name: str = "deadlines",
) -> str:
    """One bar of the deadline classes, ``(key, value, number)`` left to right, and its
    legend, ``width`` px wide; ``name`` prefixes its ids."""
    styles = theme.DEADLINE_STYLES
    fills = {
        key: f"url(#{name}-h_{key})" if styles[key]["hatch"] else styles[key]["color"]
        for key, _value, _number in segments
    }
    defs = [
        svg.hatch_pattern(
            f"{name}-h_{key}",
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
    top = _BODY_TOP + _title_extra(title, width)
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
        # A number where the segment is a fair share of the bar and holds it.
        fits = text_width(number, theme.VALUE_SIZE, bold=True) + 4 <= end - x
        if value / total >= _SEGMENT_LABEL_SHARE and fits:
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
        _title(title, width),
        svg.element("g", {"id": f"{name}-bar"}, [*rects, *numbers]),
        svg.element("g", {"id": f"{name}-legend"}, items),
    ]
    return svg.document(width, height, body, background=theme.BACKGROUND)
