"""Chart colours, fonts, sizes, line styles and hatches: the one place charts take them from.

Colours follow the report's stylesheet (``templates/_style.css.j2``).  Every pair
of series that sits side by side also differs in something other than hue (line
style, marker, hatch, lightness), so the charts read in grayscale and in print.
Sizes are CSS px: a chart is as wide as the report's text.

Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

# Palette, shared with the stylesheet.
INK = "#1a1a1a"
MUTED = "#555555"
RULE = "#c8c8c8"
ACCENT = "#0b4f8a"
BACKGROUND = "#ffffff"

# Fonts.  Text stays text in the SVG; the viewer picks the first family it has.
# Layouts are planned for DejaVu Sans, the widest of them (it covers Cyrillic,
# Kazakh letters included).
FONT_FAMILY = ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica")  # then sans-serif
FONT_STACK = ", ".join((*FONT_FAMILY, "sans-serif"))
TITLE_SIZE = 16.0  # bold
LABEL_SIZE = 13.0  # category names beside bars
TICK_SIZE = 12.0  # axis labels and legends
VALUE_SIZE = 12.0  # numbers printed at bars, points and in segments
LINE_SPACING = 1.2  # between the lines of one label, in em

# Geometry, CSS px.  960 px is the report's text width.
WIDTH = 960.0
NARROW_WIDTH = 400.0  # the second drawing of each chart, for a phone: the same text sizes
MARGIN = 4.0  # blank border around everything
TITLE_BASELINE = 20.0
LINE_CHART_HEIGHT = 340.0
SHARE_CHART_HEIGHT = 250.0
BAR_ROW_HEIGHT = 30.0  # one row of a bar chart with a one-line label
BAR_ROW_EXTRA = 16.0  # added to a row for every further line of its label
BAR_THICKNESS = 20.0
STACK_BAR_HEIGHT = 44.0
LABEL_WRAP = 30  # characters per line of a category label
LABEL_MAX_LINES = 2

# Axes.
AXIS_COLOR = MUTED
AXIS_WIDTH = 1.0
GRID_COLOR = RULE
GRID_WIDTH = 0.8


@dataclass(frozen=True)
class LineStyle:
    """A series of a line chart: its stroke and its marker (``circle``, ``square``, ``diamond``)."""

    stroke: str
    stroke_width: float
    dasharray: str | None  # None: solid
    marker: str
    marker_size: float  # px across
    marker_fill: str
    marker_stroke_width: float = 1.5


# Trend lines: received vs answered differ in colour, dash pattern and marker.
RECEIVED_LINE = LineStyle(ACCENT, 2.5, None, "circle", 7.0, ACCENT)
ANSWERED_LINE = LineStyle("#d9822b", 2.5, "8 4", "square", 7.0, BACKGROUND)  # dashed
SHARE_LINE = LineStyle("#2e7d4f", 2.5, "2.5 2.5", "diamond", 6.5, "#2e7d4f")  # dotted

# A month the data covers only in part: a pale column behind the lines.
PARTIAL_MONTH_FILL = "#eceff3"

# Horizontal bars: categories in the accent colour; the "all others" bar lighter
# and hatched, so it never reads as one more category.
BAR_COLOR = ACCENT
OTHER_BAR_COLOR = "#9db8d3"
OTHER_BAR_HATCH = "///"
BAR_EDGE = INK
BAR_EDGE_WIDTH = 0.5

# Deadline classes, the same fills as the stylesheet's stacked bar; ``text`` is the
# colour of a number printed on the segment.
DEADLINE_STYLES: dict[str, dict[str, str]] = {
    "on_time": {"color": "#1f5f99", "hatch": "", "text": BACKGROUND},
    "late": {"color": "#f0a860", "hatch": "//", "text": INK},
    "open_not_due": {"color": "#d8dde3", "hatch": "--", "text": INK},
    "open_overdue": {"color": "#8b1e1e", "hatch": "xx", "text": BACKGROUND},
    "closed_undated": {"color": "#5e6670", "hatch": "||", "text": BACKGROUND},
}
HATCH_COLOR = INK
HATCH_LINEWIDTH = 1.0
