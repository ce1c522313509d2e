"""Every figure of a period as partial aggregates per piece of the data, then a combine.

The figures of ``figures.py`` and the deadline figures are counts, sums and quantiles
over the rows of a period. Counts and sums add up across pieces; a quantile does not,
so each piece keeps its response times as a :class:`Tally` (each distinct value and how
often it occurs, at the precision the data has) and the combined tally gives the exact
median and 90th percentile, with the same arithmetic as NumPy on all the values at once.

:func:`partial` works out one piece (any subset of a period's rows: a month's partition
of an archive, or the whole frame), :func:`combine` adds pieces up and :func:`finish`
turns the sum into :class:`~engagement_report.results.Figures`. The pandas engine runs
the three on one piece; the Dask engine runs :func:`partial` on each partition of an
archive on the cluster's workers. One definition, so the two cannot drift apart.

One module per job: what a piece's aggregates hold and how they add up (``model``), a
piece's and a window's aggregates (``pieces``) with their totals (``totals``) and
per-category parts (``categories``), the deadline inputs a report's frame carries
(``deadline_columns``), and the figures finished from them (``finishing``).
"""

from engagement_report.aggregates.deadline_columns import (
    DEADLINE_COLUMNS,
    queries_deadline_inputs,
    with_deadline_inputs,
)
from engagement_report.aggregates.finishing import (
    broadcast_result,
    deadline_result,
    finish,
    part_figures,
    press_result,
    query_result,
)
from engagement_report.aggregates.model import (
    DIMENSIONS,
    PRESS_COUNTS,
    RAISED,
    CategoryPart,
    Detail,
    Partial,
    Rules,
    combine,
)
from engagement_report.aggregates.pieces import (
    CLASSES_COLUMNS,
    Combined,
    Request,
    partial,
    window_partial,
)
from engagement_report.aggregates.totals import event_partial

__all__ = [
    "CLASSES_COLUMNS",
    "DEADLINE_COLUMNS",
    "DIMENSIONS",
    "PRESS_COUNTS",
    "RAISED",
    "CategoryPart",
    "Combined",
    "Detail",
    "Partial",
    "Request",
    "Rules",
    "broadcast_result",
    "combine",
    "deadline_result",
    "event_partial",
    "finish",
    "part_figures",
    "partial",
    "press_result",
    "queries_deadline_inputs",
    "query_result",
    "window_partial",
    "with_deadline_inputs",
]
