"""What every chart is drawn with: spacing, fonts, titles, lines, boxes and wrapped labels."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from engagement_report.render import svg, theme
from engagement_report.render.svg import num, text_width

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


_TITLE_LINE = theme.TITLE_SIZE * 1.25  # between the lines of a title too long for one


def title_lines(title: str, width: float = theme.WIDTH) -> list[str]:
    """The title in as many lines as a chart ``width`` px wide needs (breaking at spaces)."""
    room = width - 2 * theme.MARGIN
    lines: list[str] = []
    for word in title.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(joined, theme.TITLE_SIZE, bold=True) <= room:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines or [""]


def _title(title: str, width: float = theme.WIDTH) -> str:
    """The chart's title at its left edge, wrapped to ``width``."""
    return svg.text(
        theme.MARGIN,
        theme.TITLE_BASELINE,
        title_lines(title, width),
        style=_font(theme.TITLE_SIZE, bold=True),
        line_height=_TITLE_LINE,
    )


def _title_extra(title: str, width: float = theme.WIDTH) -> float:
    """How much lower everything under the title starts when the title wraps."""
    return (len(title_lines(title, width)) - 1) * _TITLE_LINE


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


def fitted(label: str, room: float, size: float) -> list[str]:
    """A category name in lines no wider than ``room`` px at ``size`` px, broken at spaces
    (inside a word only when the word alone is wider), at most two lines, the second
    ending in "…" when the name goes on (the alt text keeps it whole)."""
    pieces: list[str] = []
    for word in label.split():
        while text_width(word, size) > room and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], size) > room:
                cut -= 1
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    lines: list[str] = []
    for piece in pieces:
        joined = f"{lines[-1]} {piece}" if lines else piece
        if lines and text_width(joined, size) <= room:
            lines[-1] = joined
        else:
            lines.append(piece)
    if len(lines) > theme.LABEL_MAX_LINES:
        last = lines[theme.LABEL_MAX_LINES - 1]
        while last and text_width(last + "…", size) > room:
            last = last[:-1]
        lines = [*lines[: theme.LABEL_MAX_LINES - 1], last.rstrip() + "…"]
    return lines or [""]
