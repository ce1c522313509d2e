"""The geometry of the report's three kinds of chart, written as SVG text.

:mod:`engagement_report.render.charts` decides what each chart shows (which figures,
labels, numbers already formatted, alt text); this package lays them out: a line chart
with a month axis (``lines``), horizontal bars with their labels and one stacked bar
with a legend (``bars``), all drawn with the same marks (``marks``).
Positions are planned from estimated text widths (:func:`svg.text_width`, erring wide),
so labels fit in any of the theme's fonts. Standard library and Babel only.
"""

from engagement_report.render.chart_layout.bars import bar_chart, stack_chart
from engagement_report.render.chart_layout.lines import Series, line_chart

__all__ = ["Series", "bar_chart", "line_chart", "stack_chart"]
