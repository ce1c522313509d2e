"""The Dask engine: each month of an archive worked out on a worker, combined here.

A task reads one month's partitions (queries, broadcasts, press events, the press
question log) from the archive and returns the partial aggregates of its rows in each
window the figures need (:func:`~engagement_report.aggregates.window_partial`); the
command combines the months and finishes the figures with the same code as the pandas engine
(:func:`engagement_report.analysis.compute` given the combined partial aggregates). The
archive must be readable by every worker: a folder at the same path (a shared file
system), or an fsspec URL (``s3://bucket/archive``) the workers can reach. The cluster is
the one at ``scheduler`` (``tcp://host:8786``), else
``$DASK_SCHEDULER_ADDRESS``, else a :class:`distributed.LocalCluster` started for the run.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from engagement_report.aggregates import (
    DIMENSIONS,
    Partial,
    Request,
    Rules,
    combine,
    window_partial,
)
from engagement_report.archive import DATE_COLUMN, Manifest, remote
from engagement_report.archive.answers import answer_months, earlier_answers
from engagement_report.archive.reader import read_month
from engagement_report.engines import INSTALL_HINT, SCHEDULER_ENV
from engagement_report.errors import UsageError
from engagement_report.repeats import window_repeats, with_earlier


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
            dashboard_address=None,  # no dashboard
            # The scheduler's HTTP server (health, metrics) starts even without one, on
            # port 8787 unless told: beside another cluster Dask then warns on the
            # user's stderr that the port is in use. Any free loopback port serves.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        ) as local,
        Client(local) as connected,
    ):
        yield connected


def month_partials(
    root: str, manifest: Manifest, month: str, requests: Sequence[Request], rules: Rules
) -> list[Partial]:
    """A task: one month of the archive, read once, as the partial aggregates of its rows
    within each requested window (:func:`~engagement_report.aggregates.window_partial`),
    with the repeat appeals of each detailed one (its queries after the earlier answers
    they can repeat: :mod:`engagement_report.repeats`)."""
    if remote.is_url(root):
        # A worker reads an archive at a URL through a copy of the month's partitions
        # (and of the earlier months its repeats read answers of).
        with tempfile.TemporaryDirectory(prefix="engagement-report-month-") as folder:
            for needed in (month, *_answer_months(manifest, month, rules)):
                remote.fetch_month(root, manifest, needed, Path(folder))
            return month_partials(folder, manifest, month, requests, rules)
    frames = {dataset: read_month(Path(root), manifest, dataset, month) for dataset in DATE_COLUMN}
    parts = [window_partial(frames, piece, rules, detail=detail) for piece, detail in requests]
    if rules.repeat_window_days is None or not any(detail for _, detail in requests):
        return parts
    days = rules.repeat_window_days
    earlier = earlier_answers(Path(root), manifest, month, days)
    rows = with_earlier(earlier, frames["queries"], DIMENSIONS)
    return [
        replace(part, repeats=window_repeats(rows, piece, days, DIMENSIONS, len(earlier)))
        if detail
        else part
        for part, (piece, detail) in zip(parts, requests, strict=True)
    ]


def _answer_months(manifest: Manifest, month: str, rules: Rules) -> list[str]:
    if rules.repeat_window_days is None:
        return []
    return [p.month for p in answer_months(manifest, month, rules.repeat_window_days)]


def combined_on_dask(
    root: Path, requests: Sequence[Request], rules: Rules, cluster: Cluster
) -> dict[Request, Partial]:
    """The partial aggregates of each requested window over the archive at ``root``: one
    task per month any window covers (on the cluster's workers), combined here."""
    manifest = remote.manifest_of(root)
    where = remote.origin(root) or str(root)  # the workers read an archive at a URL there
    held = {p.month for p in manifest.partitions}
    covers = {
        request: [m.start.strftime("%Y-%m") for m in request[0].period.months()]
        for request in requests
    }
    months = sorted({month for wanted in covers.values() for month in wanted if month in held})
    asked = {month: [r for r in requests if month in covers[r]] for month in months}
    with client(cluster) as dask:
        shared = dask.scatter(manifest, broadcast=True)
        jobs = [
            dask.submit(month_partials, where, shared, month, asked[month], rules, pure=False)
            for month in months
        ]
        results = dict(zip(months, dask.gather(jobs), strict=True))
    pieces: dict[Request, list[Partial]] = {request: [] for request in requests}
    for month in months:
        for request, part in zip(asked[month], results[month], strict=True):
            pieces[request].append(part)
    return {request: combine(parts) for request, parts in pieces.items()}
