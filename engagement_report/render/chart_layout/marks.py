"""What every chart is drawn with: spacing, fonts, titles, lines, boxes and wrapped labels."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from engagement_report.render import svg, theme
from engagement_report.render.svg import num

if TYPE_CHECKING:
    pass


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


def _use(ref: str, x: float, y: float) -> str:
    return svg.element("use", {"xlink:href": f"#{ref}", "x": x, "y": y})


def wrapped(label: str) -> str:
    """A category name on at most two lines of about 30 characters (the alt text keeps it whole)."""
    lines = textwrap.wrap(" ".join(label.split()), theme.LABEL_WRAP) or [""]
    if len(lines) > theme.LABEL_MAX_LINES:
        lines = lines[: theme.LABEL_MAX_LINES]
        lines[-1] = lines[-1][: theme.LABEL_WRAP - 1].rstrip() + "…"
    return "\n".join(lines)
