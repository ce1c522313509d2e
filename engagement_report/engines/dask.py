"""The Dask engine: each month of an archive worked out on a worker, combined here.

A task reads one month's partitions (queries, broadcasts, press events, the press
question log) from the archive and returns the partial aggregates of its rows in each
window the figures need (:func:`~engagement_report.aggregates.window_partial`), and those
of all its rows that the figures of queries whenever received and of coverage need
(:mod:`engagement_report.standing`, :mod:`engagement_report.dated`). There is a task for
every month the pandas engine reads, each read as pandas reads it (a month long before the
period light: its queries still open later), and none for a month pandas takes from the
manifest's counts. The command combines the months and finishes the figures with the same
code as the pandas engine (:func:`engagement_report.analysis.compute` given the combined
partial aggregates, :class:`~engagement_report.standing.Gathered`). The
archive must be readable by every worker: a folder at the same path (a shared file
system), or an fsspec URL (``s3://bucket/archive``) the workers can reach. The cluster is
the one at ``scheduler`` (``tcp://host:8786``), else
``$DASK_SCHEDULER_ADDRESS``, else a :class:`distributed.LocalCluster` started for the run.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from engagement_report.aggregates import (
    DIMENSIONS,
    Detail,
    Partial,
    Request,
    Rules,
    combine,
    window_partial,
)
from engagement_report.archive import DATE_COLUMN, Manifest, remote
from engagement_report.archive.answers import answer_months, earlier_answers
from engagement_report.archive.light import Light, light_read, months_opened
from engagement_report.archive.reader import extent, read_month
from engagement_report.dated import DATED_BY, Dated, dated
from engagement_report.engines import INSTALL_HINT, SCHEDULER_ENV
from engagement_report.errors import UsageError
from engagement_report.repeats import window_repeats, with_earlier
from engagement_report.standing import Ask, Gathered, Standing, standing
from engagement_report.validation.plausible import (
    PLAUSIBLE_DATES,
    PROVENANCE,
    implausible_hits,
    in_listing_order,
)


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


#: The client of the run under way (:func:`session`), which every task is sent through.
_running: ContextVar[Any] = ContextVar("engagement_report_dask_client", default=None)


@contextmanager
def session(cluster: Cluster) -> Iterator[None]:
    """One client for a whole run: its rounds of tasks (the days the rows are dated on,
    then the figures' partial aggregates) share it, and a LocalCluster is started once."""
    with client(cluster) as dask:
        token = _running.set(dask)
        try:
            yield
        finally:
            _running.reset(token)


@contextmanager
def _client(cluster: Cluster) -> Iterator[Any]:
    """The run's client (:func:`session`), else one for this round of tasks alone."""
    running = _running.get()
    if running is not None:
        yield running
        return
    with client(cluster) as dask:
        yield dask


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
            # A task that fails (a changed partition file) is the run's error, told once
            # by the command: the workers' own log of it, a traceback, stays off stderr.
            silence_logs=logging.CRITICAL,
            # The scheduler's HTTP server (health, metrics) starts even without one, on
            # port 8787 unless told: beside another cluster Dask then warns on the
            # user's stderr that the port is in use. Any free loopback port serves.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        ) as local,
        Client(local) as connected,
    ):
        yield connected


#: What a month's task returns: the partial aggregates of its rows in each window asked,
#: and of all its rows (their standing at the moments asked, and their days).
MonthParts = tuple[list[Partial], Standing, Dated]


def month_partials(
    root: str,
    manifest: Manifest,
    month: str,
    requests: Sequence[Request],
    rules: Rules,
    ask: Ask,
    light: Light | None = None,
    export_date: date | None = None,
) -> MonthParts:
    """A task: one month of the archive, read once, as the partial aggregates of its rows
    within each requested window (:func:`~engagement_report.aggregates.window_partial`),
    with the repeat appeals of each with full detail (its queries after the earlier answers
    they can repeat: :mod:`engagement_report.repeats`), and of all its rows (their
    :class:`~engagement_report.standing.Standing` at ``ask``, their
    :class:`~engagement_report.dated.Dated`). ``light``: the month is read light, as the
    pandas engine reads it (its queries still open later; no window covers it).
    ``export_date``: the archive's, which the export's overdue marks are compared as of."""
    if remote.is_url(root):
        # A worker reads an archive at a URL through a copy of the month's partitions
        # (and of the earlier months its repeats read answers of).
        with tempfile.TemporaryDirectory(prefix="engagement-report-month-") as folder:
            for needed in (month, *_answer_months(manifest, month, rules, requests)):
                remote.fetch_month(root, manifest, needed, Path(folder))
            return month_partials(folder, manifest, month, requests, rules, ask, light, export_date)
    if light is not None:
        frames = {"queries": read_month(Path(root), manifest, "queries", month, light)}
    else:
        frames = {d: read_month(Path(root), manifest, d, month) for d in DATE_COLUMN}
    parts = [
        window_partial(frames, piece, rules, detail=detail, export_date=export_date)
        for piece, detail in requests
    ]
    whole = standing(frames["queries"], ask, rules.calendar), dated(frames)
    if rules.repeat_window_days is None or not _repeated(requests):
        return parts, *whole
    days = rules.repeat_window_days
    earlier = earlier_answers(Path(root), manifest, month, days)
    rows = with_earlier(earlier, frames["queries"], DIMENSIONS)
    repeated = [
        replace(part, repeats=window_repeats(rows, piece, days, DIMENSIONS, len(earlier)))
        if detail is Detail.FULL
        else part
        for part, (piece, detail) in zip(parts, requests, strict=True)
    ]
    return repeated, *whole


def _repeated(requests: Sequence[Request]) -> bool:
    """Whether a request reads repeat appeals: a period's figures do (``Detail.FULL``),
    the totals and a trend month's deadline classes do not."""
    return any(detail is Detail.FULL for _, detail in requests)


def _answer_months(
    manifest: Manifest, month: str, rules: Rules, requests: Sequence[Request]
) -> list[str]:
    if rules.repeat_window_days is None or not _repeated(requests):
        return []
    return [p.month for p in answer_months(manifest, month, rules.repeat_window_days)]


def month_days(
    root: str, manifest: Manifest, month: str, light: Light | None, plausible: Plausible
) -> tuple[Dated, pd.DataFrame]:
    """A task: the days one month's rows are dated on (:func:`~engagement_report.dated.dated`)
    and their implausible dates (:func:`~engagement_report.validation.plausible.implausible_hits`
    in ``plausible``'s window: floor year, today), read as the pandas engine reads the month
    (``light``), their dates and where each row came from alone."""
    if remote.is_url(root):
        with tempfile.TemporaryDirectory(prefix="engagement-report-month-") as folder:
            remote.fetch_month(root, manifest, month, Path(folder))
            return month_days(folder, manifest, month, light, plausible)
    if light is not None:
        frames = {"queries": read_month(Path(root), manifest, "queries", month, light)}
    else:
        frames = {
            dataset: read_month(Path(root), manifest, dataset, month, columns=_read_for(dataset))
            for dataset in DATED_BY
        }
    hits = implausible_hits(frames, *plausible, partitioned_by=DATE_COLUMN)
    return dated(frames), hits


#: The floor year and the run's today, between which a date is plausible.
Plausible = tuple[int, date]


def _read_for(dataset: str) -> tuple[str, ...]:
    """The columns a month's days and implausible dates are read from."""
    dates = _DATES[DATED_BY[dataset]]
    return (*dates, *PLAUSIBLE_DATES.get(dataset, ()), *PROVENANCE)


#: The columns a dataset's days are read from, by the column that dates its records.
_DATES = {"received_at": ("received_at", "answered_at"), "date": ("date",)}


def days_on_dask(
    root: Path,
    cluster: Cluster,
    plausible: Plausible,
    months: Collection[str] | None = None,
    light: Collection[str] = (),
    counted: bool = False,
    answers_from: date | None = None,
) -> tuple[Dated, pd.DataFrame]:
    """The days the rows the pandas engine reads of the archive at ``root`` are dated on
    (``months``, ``light``, ``counted`` and ``answers_from`` as :func:`combined_on_dask`
    takes them), and their implausible dates in the order the pandas engine finds them
    (``plausible``: the floor year and the run's today): one task per month read, their
    dates alone."""
    manifest = remote.manifest_of(root)
    where = remote.origin(root) or str(root)
    read = _months_read(manifest, months, light, counted, answers_from)
    how = light_read(months, light, answers_from)
    with _client(cluster) as dask:
        shared = dask.scatter(manifest, broadcast=True, hash=False)
        jobs = [
            dask.submit(
                month_days,
                where,
                shared,
                month,
                how if month in light else None,
                plausible,
                pure=False,
            )
            for month in read
        ]
        results = dask.gather(jobs)  # in month order, as the pandas engine reads them
    days = sum((days for days, _ in results), Dated())
    return days, in_listing_order([hits for _, hits in results])


def _months_read(
    manifest: Manifest,
    months: Collection[str] | None,
    light: Collection[str],
    counted: bool,
    answers_from: date | None,
) -> list[str]:
    """The months the pandas engine opens of an archive, in order: a light month whose
    queries the manifest counts is not opened (``CleanData.open_before``)."""
    held = {p.month for p in manifest.partitions}
    wanted = held if months is None else held & set(months)
    return sorted(months_opened(manifest, wanted, light, counted, answers_from))


def combined_on_dask(
    root: Path,
    requests: Sequence[Request],
    rules: Rules,
    cluster: Cluster,
    months: Collection[str] | None = None,
    light: Collection[str] = (),
    counted: bool = False,
    answers_from: date | None = None,
) -> Gathered:
    """The partial aggregates of each requested window over the archive at ``root``, and
    those of all the rows the pandas engine reads of it: one task per month read (on the
    cluster's workers), combined here. ``months``, ``light``, ``counted`` and
    ``answers_from``: the months read, as
    :func:`~engagement_report.archive.reader.read_archive` takes them (None: every
    month)."""
    manifest = remote.manifest_of(root)
    where = remote.origin(root) or str(root)  # the workers read an archive at a URL there
    read = _months_read(manifest, months, light, counted, answers_from)
    how = light_read(months, light, answers_from)
    export_date = extent(manifest).latest  # the whole archive's, as the pandas engine has it
    covers = {
        request: {m.start.strftime("%Y-%m") for m in request[0].period.months()}
        for request in requests
    }
    asked = {
        month: [] if month in light else [r for r in requests if month in covers[r]]
        for month in read
    }
    ask = Ask.of(requests)
    with _client(cluster) as dask:
        shared = dask.scatter(manifest, broadcast=True, hash=False)
        jobs = [
            dask.submit(
                month_partials,
                where,
                shared,
                month,
                asked[month],
                rules,
                ask,
                how if month in light else None,
                export_date,
                pure=False,
            )
            for month in read
        ]
        results = dict(zip(read, dask.gather(jobs), strict=True))
    pieces: dict[Request, list[Partial]] = {request: [] for request in requests}
    rows, days = Standing(), Dated()
    for month in read:  # in order: a later month's pieces come after an earlier's
        parts, piece, month_days = results[month]
        for request, part in zip(asked[month], parts, strict=True):
            pieces[request].append(part)
        rows, days = rows + piece, days + month_days
    windows = {request: combine(parts) for request, parts in pieces.items()}
    return Gathered(windows, rows, days)
