"""The Dask engine: each month of an archive worked out on a worker, combined here.

A task reads one month's partitions (queries, broadcasts, press events, the press
question log) from the archive folder, keeps the rows of the period and returns their
partial aggregates (:func:`~engagement_report.aggregates.partial`); the command combines
the months and finishes the figures with the same
:func:`~engagement_report.aggregates.finish` as the pandas engine. The archive folder must be readable at the same path by every worker (a
shared file system); the cluster is the one at ``scheduler`` (``tcp://host:8786``), else
``$DASK_SCHEDULER_ADDRESS``, else a :class:`distributed.LocalCluster` started for the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engagement_report.aggregates import Partial, Rules, combine, finish, partial
from engagement_report.archive import DATE_COLUMN, Manifest, read_manifest
from engagement_report.archive.reader import read_month
from engagement_report.engines import INSTALL_HINT, SCHEDULER_ENV
from engagement_report.errors import UsageError
from engagement_report.figures import within
from engagement_report.periods import Window
from engagement_report.results import Figures


@dataclass(frozen=True)
class Cluster:
    """Where the tasks run: a scheduler's address, or None for a LocalCluster of
    ``workers`` workers (threads in this process with ``processes=False``)."""

    address: str | None = None
    workers: int = 2
    processes: bool = True


def require_dask() -> None:
    """Refuse, with how to install them, when dask or distributed is missing."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError(f"--engine dask needs dask and distributed: {INSTALL_HINT}") from None


@contextmanager
def client(cluster: Cluster) -> Iterator[Any]:
    """A Dask client on the named scheduler, or on a LocalCluster started for the run."""
    require_dask()
    from distributed import Client, LocalCluster

    address = cluster.address or os.environ.get(SCHEDULER_ENV) or None
    if address:
        try:
            with Client(address, timeout="20s") as connected:
                yield connected
        except OSError as exc:
            raise UsageError(
                f"--scheduler {address}: cannot reach the Dask scheduler: {exc}"
            ) from None
        return
    with (
        LocalCluster(
            n_workers=cluster.workers,
            threads_per_worker=1,
            processes=cluster.processes,
            dashboard_address=None,
        ) as local,
        Client(local) as connected,
    ):
        yield connected


def month_partial(
    root: str, manifest: Manifest, month: str, window: Window, rules: Rules
) -> Partial:
    """A task: the partial aggregates of one month of the archive within the window."""
    frames = {
        dataset: within(read_month(Path(root), manifest, dataset, month), column, window.period)
        for dataset, column in DATE_COLUMN.items()
    }
    return partial(
        frames["queries"],
        frames["broadcasts"],
        frames["press_events"],
        window.cutoff,
        rules,
        press_questions=frames["press_questions"],
    )[0]


def figures_on_dask(
    root: Path,
    windows: Sequence[Window],
    rules: Rules,
    cluster: Cluster,
    *,
    datasets: frozenset[str],
    mapped: frozenset[str] | None,
    asked: frozenset[str] | None = None,
) -> list[Figures]:
    """The figures of each window from the archive at ``root``, computed on the cluster."""
    manifest = read_manifest(root)
    held = {p.month for p in manifest.partitions}
    with client(cluster) as dask:
        shared = dask.scatter(manifest, broadcast=True)
        jobs = []
        for piece in windows:
            months = [m.start.strftime("%Y-%m") for m in piece.period.months()]
            jobs.append(
                [
                    dask.submit(month_partial, str(root), shared, month, piece, rules, pure=False)
                    for month in months
                    if month in held
                ]
            )
        results = [dask.gather(job) for job in jobs]
    return [
        finish(combine(parts), piece, rules, datasets=datasets, mapped=mapped, asked=asked)
        for piece, parts in zip(windows, results, strict=True)
    ]
