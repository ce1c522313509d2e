"""Which engine works out a run's partial aggregates: pandas here, or Dask on a cluster.

Both engines finish the figures with the same code (:mod:`engagement_report.analysis`);
the Dask engine only hands it the partial aggregates of the windows the figures need,
worked out month by month on the cluster's workers (:mod:`engagement_report.engines.dask`).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from engagement_report.aggregates import Combined, Request
from engagement_report.config import ENGINES, Config
from engagement_report.errors import UsageError
from engagement_report.pipeline.archive_months import ArchiveMonths, archive_root
from engagement_report.pipeline.period import engine_rules

if TYPE_CHECKING:
    import pandas as pd

    from engagement_report.dated import Dated
    from engagement_report.engines.dask import Cluster


@dataclass(frozen=True)
class Engine:
    """The engine of a run: pandas (``root`` None), or Dask over the archive at ``root``
    on ``cluster``."""

    root: Path | None = None
    cluster: Cluster | None = None

    @property
    def reads_rows(self) -> bool:
        """Whether the command reads the archive's rows: on pandas; never on Dask, whose
        workers work out every figure's partial aggregates."""
        return self.root is None or self.cluster is None

    def session(self) -> AbstractContextManager[None]:
        """The run's connection to the cluster, shared by its rounds of tasks (nothing
        on pandas)."""
        if self.root is None or self.cluster is None:
            return nullcontext()
        from engagement_report.engines.dask import session

        return session(self.cluster)

    def record_days(
        self, months: ArchiveMonths | None, floor_year: int, today: date
    ) -> tuple[Dated | None, pd.DataFrame | None]:
        """The days the rows of the archive's ``months`` are dated on, and their dates
        before ``floor_year`` or after ``today`` (the hits
        :func:`~engagement_report.validation.plausible.flag_implausible_dates` lists), from
        the cluster, when the command reads no rows (None, None: the rows say it)."""
        if self.reads_rows:
            return None, None
        assert self.root is not None and self.cluster is not None
        from engagement_report.engines.dask import days_on_dask

        return days_on_dask(self.root, self.cluster, (floor_year, today), *_read(months))

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
            *_read(months),
        )


def _read(
    months: ArchiveMonths | None,
) -> tuple[frozenset[str] | None, frozenset[str], bool, date | None]:
    """The months an archive is read in, as the Dask engine takes them (None: all)."""
    if months is None:
        return None, frozenset(), False, None
    return months.months, months.light, months.counted, months.answers_from


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
