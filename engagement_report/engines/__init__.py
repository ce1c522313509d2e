"""Where the figures are computed: here (pandas) or on a Dask cluster.

The Dask engine runs :func:`engagement_report.aggregates.partial` on each month of an
archive on the cluster's workers and combines the pieces where the command runs
(:mod:`engagement_report.engines.dask`). Nothing here imports Dask until it is used.
"""

from __future__ import annotations

ENGINES = ("pandas", "dask")
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
INSTALL_HINT = "pip install 'engagement-report[dask]'"

__all__ = ["ENGINES", "INSTALL_HINT", "SCHEDULER_ENV"]
