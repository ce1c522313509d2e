"""Which engine works out a run's partial aggregates: pandas here, or Dask on a cluster.

Both engines finish the figures with the same code (:mod:`engagement_report.analysis`);
the Dask engine only hands it the partial aggregates of the windows the figures need,
worked out month by month on the cluster's workers (:mod:`engagement_report.engines.dask`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engagement_report.aggregates import Combined, Request
from engagement_report.config import ENGINES, Config
from engagement_report.errors import UsageError
from engagement_report.pipeline.checking import ArchiveMonths, archive_root, engine_rules

if TYPE_CHECKING:
    from engagement_report.engines.dask import Cluster


@dataclass(frozen=True)
class Engine:
    """The engine of a run: pandas (``root`` None), or Dask over the archive at ``root``
    on ``cluster``."""

    root: Path | None = None
    cluster: Cluster | None = None

    def combined(
        self, requests: Sequence[Request], config: Config, months: ArchiveMonths | None = None
    ) -> Combined | None:
        """The requested windows' partial aggregates from the cluster, with those of all
        the rows the pandas engine reads of the archive's ``months`` (None: all of it);
        None on pandas: the figures work them out on the rows read."""
        if self.root is None or self.cluster is None:
            return None
        from engagement_report.engines.dask import combined_on_dask

        return combined_on_dask(
            self.root,
            list(dict.fromkeys(requests)),
            engine_rules(config),
            self.cluster,
            None if months is None else months.months,
            () if months is None else months.light,
            months is not None and months.counted,
            None if months is None else months.answers_from,
        )


def resolve_engine(
    inputs: Sequence[str | Path],
    config: Config,
    engine: str | None,
    scheduler: str | None = None,
    cluster: Cluster | None = None,
) -> Engine:
    """The engine named (``--engine``, else the config's ``[compute] engine``), refused
    before anything is read when it cannot run: Dask not installed, or inputs that are no
    archive. Dask's cluster: ``cluster``, else the scheduler at ``scheduler`` (else the
    config's, else ``$DASK_SCHEDULER_ADDRESS``), else a LocalCluster."""
    name = engine or config.compute.engine
    if name not in ENGINES:
        raise UsageError(f"--engine {name}: one of {', '.join(ENGINES)}")
    if name == "pandas":
        return Engine()
    from engagement_report.engines.dask import Cluster, require_dask

    require_dask()
    root = archive_root(inputs)
    if root is None:
        raise UsageError(
            "--engine dask reads an archive: import the inputs first with "
            "'engagement-report archive INPUT... --to DIR' and give DIR as INPUT"
        )
    return Engine(root, cluster or Cluster(address=scheduler or config.compute.scheduler))
