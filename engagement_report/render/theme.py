"""Chart colours, fonts, line styles and hatches: the one place charts take them from.

Colours follow the report's stylesheet (``templates/_style.css.j2``).  Every pair
of series that sits side by side also differs in something other than hue (line
style, marker, hatch, lightness), so the charts read in grayscale and in print.

Standard library only: the command line may import this without matplotlib.
"""

from __future__ import annotations

from typing import Any

# Palette, shared with the stylesheet.
INK = "#1a1a1a"
MUTED = "#555555"
RULE = "#c8c8c8"
ACCENT = "#0b4f8a"
BACKGROUND = "#ffffff"

# Fonts.  Text stays text in the SVG; the browser picks the first family it has.
# Matplotlib measures with the first one it finds (DejaVu Sans ships with it and
# covers Cyrillic, Kazakh letters included).
FONT_FAMILY = ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica")  # then sans-serif
TITLE_SIZE = 12.0
LABEL_SIZE = 10.0
TICK_SIZE = 9.0
VALUE_SIZE = 9.0  # numbers printed at the end of bars and in legends

# Figure geometry, inches.  10 in is 720 pt, about 960 CSS px: the report's text width.
FIGURE_WIDTH = 10.0
LINE_CHART_HEIGHT = 3.6
SHARE_CHART_HEIGHT = 2.6
BAR_HEIGHT_PER_ROW = 0.32
BAR_CHART_MIN_HEIGHT = 1.6
BAR_CHART_EXTRA_HEIGHT = 0.9  # title and axis
STACK_CHART_HEIGHT = 1.9
LABEL_WRAP = 30  # characters per line of a category label
LABEL_MAX_LINES = 2

# Trend lines: received vs answered differ in colour, dash pattern and marker.
RECEIVED_LINE: dict[str, Any] = {
    "color": ACCENT,
    "linestyle": "-",
    "marker": "o",
    "linewidth": 2.0,
    "markersize": 5.0,
}
ANSWERED_LINE: dict[str, Any] = {
    "color": "#d9822b",
    "linestyle": (0, (5, 2.5)),  # dashed
    "marker": "s",
    "linewidth": 2.0,
    "markersize": 5.0,
    "markerfacecolor": BACKGROUND,
}
SHARE_LINE: dict[str, Any] = {
    "color": "#2e7d4f",
    "linestyle": (0, (1.5, 1.5)),  # dotted
    "marker": "D",
    "linewidth": 2.0,
    "markersize": 4.5,
}

# Horizontal bars: categories in the accent colour; the "all others" bar lighter
# and hatched, so it never reads as one more category.
BAR_COLOR = ACCENT
OTHER_BAR_COLOR = "#9db8d3"
OTHER_BAR_HATCH = "///"
BAR_EDGE = INK

# Deadline classes, the same fills as the stylesheet's stacked bar.
DEADLINE_STYLES: dict[str, dict[str, Any]] = {
    "on_time": {"color": "#1f5f99", "hatch": ""},
    "late": {"color": "#f0a860", "hatch": "//"},
    "open_not_due": {"color": "#d8dde3", "hatch": "--"},
    "open_overdue": {"color": "#8b1e1e", "hatch": "xx"},
}
HATCH_COLOR = INK
HATCH_LINEWIDTH = 0.8


def rc_params(salt: str) -> dict[str, Any]:
    """Matplotlib settings for one chart; ``salt`` keeps its SVG ids stable and unique."""
    return {
        "svg.hashsalt": salt,
        "svg.fonttype": "none",
        "svg.image_inline": True,
        "font.family": ["sans-serif"],
        "font.sans-serif": [*FONT_FAMILY, "sans-serif"],
        "font.size": LABEL_SIZE,
        "figure.titlesize": TITLE_SIZE,
        "figure.titleweight": "bold",
        "axes.titlesize": TITLE_SIZE,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.titlecolor": INK,
        "text.color": INK,
        "axes.labelsize": LABEL_SIZE,
        "axes.labelcolor": INK,
        "axes.edgecolor": MUTED,
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "grid.color": RULE,
        "grid.linewidth": 0.6,
        "xtick.labelsize": TICK_SIZE,
        "ytick.labelsize": TICK_SIZE,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "xtick.labelcolor": INK,
        "ytick.labelcolor": INK,
        "legend.fontsize": VALUE_SIZE,
        "legend.frameon": False,
        "hatch.color": HATCH_COLOR,
        "hatch.linewidth": HATCH_LINEWIDTH,
        "figure.facecolor": BACKGROUND,
        "axes.facecolor": BACKGROUND,
        "savefig.facecolor": BACKGROUND,
        "text.usetex": False,
        "text.parse_math": False,  # a "$" in a category name is text, not mathtext
        "axes.unicode_minus": True,
        "path.simplify": False,
    }
