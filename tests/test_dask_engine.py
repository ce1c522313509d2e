"""The Dask engine's `build`: the same report folder as pandas', byte for byte, on a
LocalCluster of two workers; what it refuses before anything is read."""

from __future__ import annotations

import csv
import os
import shutil
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engagement_report import pipeline
from engagement_report.config import load_config
from engagement_report.errors import UsageError

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TODAY = date(2026, 1, 1)
WHEN = datetime(2026, 1, 1, 9, 0, tzinfo=ZoneInfo("Asia/Almaty"))
OUTCOMES = ("resolved", "explained", "refused", "resolved on the spot", "")


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The default config with residents per district (rates per 10,000 residents)."""
    path = tmp_path_factory.mktemp("config") / "config.toml"
    path.write_text(
        '[population]\nyear = 2021\nsource = "test figures"\n'
        "Alatau = 350000\nAlmaly = 220000\nAuezov = 300000\nBostandyk = 380000\n",
        encoding="utf-8",
    )
    return load_config(path)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, config) -> Path:  # type: ignore[no-untyped-def]
    """The sample data with issue 14's columns (ratings, outcomes, applicants and
    addresses that write again within weeks, across month ends), the export's own overdue
    marks (some disagreeing with the computed classes), some answers without a date (the
    ``closed_undated`` deadline class), no query in June 2020 (a gap in the trend) and a
    year before it (2019: the months a 2021 report takes from the manifest's counts, some
    of their queries open for good), imported into an archive."""
    folder = tmp_path_factory.mktemp("inputs")
    for name in ("broadcasts.csv", "press_events.csv"):
        shutil.copy(SAMPLE / name, folder / name)
    with (SAMPLE / "queries.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows):
        answered = row["status"] == "answered"
        row["rating"] = str(1 + number * 7 % 5) if answered and number % 3 else ""
        row["outcome"] = OUTCOMES[number % len(OUTCOMES)] if answered else ""
        row["applicant"] = f"+7 701 {number % 997:07d}"
        row["address"] = f"ул. Абая, {number % 613}" if number % 4 else ""
        row["overdue"] = ("yes", "no", "")[number % 3]
        if answered and number % 89 == 0:
            row["answered_at"] = ""
    earlier = [
        {
            **row,
            "query_id": row["query_id"].replace("2020", "2019"),
            "received_at": row["received_at"].replace("2020-", "2019-", 1),
            "answered_at": row["answered_at"].replace("2020-", "2019-", 1) if number % 23 else "",
            "status": row["status"] if number % 23 else "in_progress",
        }
        for number, row in enumerate(rows)
        if row["received_at"][:7] in ("2020-02", "2020-09", "2020-10")
    ]
    rows = earlier + [row for row in rows if not row["received_at"].startswith("2020-06")]
    with (folder / "queries.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    root = tmp_path_factory.mktemp("archive") / "archive"
    pipeline.archive([folder], config, root, cache=False, today=TODAY)
    return root


def _folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}


def test_build_on_dask_writes_the_pandas_folder_byte_for_byte(
    archive: Path, tmp_path: Path, config
) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    from engagement_report.engines.dask import Cluster

    cluster = Cluster(workers=2, processes=False)
    # A month, a month to date (its year to date and the same days of earlier periods),
    # a quarter, and a January (no year to date).
    for period in ("2020-11", "2021-02-01..2021-02-10", "2020-Q3", "2021-01"):
        runs = {}
        for engine in ("pandas", "dask"):
            out = tmp_path / engine / period
            result = pipeline.build(
                [archive],
                config,
                period=period,
                out=out,
                today=TODAY,
                cache=False,
                generated_at=WHEN,
                engine=engine,
                cluster=cluster,
            )
            runs[engine] = _folder(out)
        assert {"summary.csv", "summary.json", "report.md", "report.html"} <= set(runs["dask"])
        for name, content in runs["pandas"].items():
            assert runs["dask"][name] == content, (period, name)
        assert set(runs["dask"]) == set(runs["pandas"])
        assert result.figures.by_topic[0].rating_mean is not None  # issue 14's figures shown
        assert result.figures.accountability is not None
        assert result.figures.accountability.repeat_share, period
        assert result.figures.deadlines is not None
        assert result.figures.deadlines.closed_undated, period  # the undated class is met
        marks = result.figures.overdue_marks
        assert marks is not None and marks.marked and marks.disagreeing, period
        assert any(row.received_per_10k for row in result.figures.by_district)


def test_months_before_the_period_are_read_light_as_pandas_reads_them(
    archive: Path, tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Counts kept by other code are not used: the 2019 months of a 2021 report are read,
    their queries still open later kept, on the workers as by pandas."""
    pytest.importorskip("distributed")
    from engagement_report.archive import history
    from engagement_report.engines.dask import Cluster

    monkeypatch.setattr(history, "DEFINITION", "counted otherwise")
    runs = {}
    for engine in ("pandas", "dask"):
        out = tmp_path / engine
        result = pipeline.build(
            [archive],
            config,
            period="2021-01",
            out=out,
            today=TODAY,
            cache=False,
            generated_at=WHEN,
            engine=engine,
            cluster=Cluster(workers=2, processes=False),
        )
        runs[engine] = _folder(out)
        assert result.data.open_before is None  # nothing taken from the manifest's counts
    assert runs["dask"] == runs["pandas"]


def test_on_dask_a_trend_month_asked_for_its_classes_is_the_month_in_full(
    archive: Path, config
) -> None:  # type: ignore[no-untyped-def]
    """The trend's months asked at ``Detail.CLASSES`` on the cluster: the same totals and
    deadline classes as the months asked in full, the same trend, the same queries'
    standing (the backlog at each month's end), no repeats worked out for them, and the
    period's own requests (with their repeats) unchanged."""
    pytest.importorskip("distributed")
    from helpers import CLASSES_FIELDS, TOTALS_FIELDS

    from engagement_report.aggregates import Detail
    from engagement_report.analysis import partial_requests, trend
    from engagement_report.analysis.months import trend_windows
    from engagement_report.archive import read_archive
    from engagement_report.engines.dask import Cluster, combined_on_dask
    from engagement_report.periods import parse_period
    from engagement_report.pipeline.period import engine_rules
    from engagement_report.repeats import RepeatCounts
    from engagement_report.standing import Gathered

    cluster = Cluster(workers=2, processes=False)
    rules = engine_rules(config)
    report = pipeline.window(parse_period("2020-11"), config, TODAY)  # its own month too
    requests = partial_requests(report, report=True)
    months = trend_windows(report)
    in_full = [(piece, Detail.FULL) for piece in months]
    light = combined_on_dask(archive, requests, rules, cluster)
    full = combined_on_dask(archive, list(dict.fromkeys([*requests, *in_full])), rules, cluster)
    assert light.standing == full.standing and light.dated == full.dated
    for piece in months:
        counted, whole = light[piece, Detail.CLASSES], full[piece, Detail.FULL]
        for name in (*TOTALS_FIELDS, *CLASSES_FIELDS):
            assert getattr(counted, name) == getattr(whole, name), (piece.period, name)
        assert counted.repeats == RepeatCounts()
    assert sum(full[piece, Detail.FULL].repeats.total for piece in months)  # they were met
    for request in requests:
        if request[1] is not Detail.CLASSES:
            assert light[request] == full[request], request
    data = read_archive(archive).data
    points = trend(data, report, config, combined=light)
    assert any(point.on_time_share for point in points)
    assert points == trend(data, report, config)  # the pandas engine's, of the rows
    months_in_full = {(piece, Detail.CLASSES): full[piece, Detail.FULL] for piece in months}
    assert (
        trend(data, report, config, combined=Gathered(months_in_full, full.standing, full.dated))
        == points
    )


def test_build_honours_the_configs_engine(archive: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    from engagement_report.engines import dask as dask_engine

    asked = []
    real = dask_engine.combined_on_dask

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(dask_engine, "combined_on_dask", spy)
    path = tmp_path / "config.toml"
    path.write_text('[compute]\nengine = "dask"\n', encoding="utf-8")
    config = load_config(path)
    pipeline.build(
        [archive],
        config,
        period="2020-11",
        out=tmp_path / "out",
        today=TODAY,
        cache=False,
        cluster=dask_engine.Cluster(workers=2, processes=False),
    )
    assert asked == [archive]


def test_build_on_dask_without_dask_says_how_to_install(
    archive: Path, tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if absent
    with pytest.raises(UsageError, match=r"pip install 'engagement-report\[dask\]'"):
        pipeline.build([archive], config, period="2020-11", out=tmp_path / "o", engine="dask")
    assert not (tmp_path / "o").exists()


def test_build_on_dask_reads_an_archive_only(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    with pytest.raises(UsageError, match="engagement-report archive"):
        pipeline.build([SAMPLE], config, period="2021-01", out=tmp_path / "o", engine="dask")


def test_build_engine_dask_from_the_command_line_without_dask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from engagement_report.cli import app

    monkeypatch.delenv("ENGAGEMENT_REPORT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "dask", None)
    for args in (["--engine", "dask"], []):
        config = tmp_path / "engagement-report.toml"
        config.write_text('[compute]\nengine = "dask"\n' if not args else "", encoding="utf-8")
        result = CliRunner().invoke(
            app,
            ["build", str(SAMPLE), "--period", "2021-01", "--config", str(config), *args],
        )
        assert result.exit_code == 2, result.output
        assert "pip install 'engagement-report[dask]'" in result.output
        assert "Traceback" not in result.output


def test_two_local_clusters_at_once_start_no_dashboard_and_warn_nothing() -> None:
    """Each run's LocalCluster starts no dashboard and takes no fixed port: a second
    cluster beside a first (another run, another user's notebook) finds port 8787 taken
    and must not say so on the user's stderr."""
    import socket
    import warnings

    pytest.importorskip("distributed")
    from engagement_report.engines.dask import Cluster, client

    holder = socket.socket()
    try:
        holder.bind(("", 8787))  # another cluster's dashboard (when 8787 is free here)
        holder.listen()
    except OSError:
        pass  # taken already: the same condition
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with (
                client(Cluster(workers=1, processes=False)) as first,
                client(Cluster(workers=1, processes=False)) as second,
            ):
                assert first.submit(abs, -1).result() == second.submit(abs, -2).result() - 1
                for dask in (first, second):
                    assert dask.cluster.scheduler.http_server.port != 8787
    finally:
        holder.close()
    said = [str(w.message) for w in caught if "in use" in str(w.message)]
    assert not said, said


def test_given_partial_aggregates_the_accountable_figures_read_no_rows(
    archive: Path, config
) -> None:  # type: ignore[no-untyped-def]
    """With the partial aggregates given (as the Dask engine gives them), the ratings,
    outcomes, overdue marks, rates per resident, topic shifts and the headline tests come
    from them: blanking those columns of the rows changes nothing."""
    import numpy as np
    import pandas as pd

    from engagement_report.aggregates import DIMENSIONS, window_partial
    from engagement_report.analysis import analyse, figure_rules, partial_requests
    from engagement_report.archive import read_archive
    from engagement_report.periods import Window, parse_period
    from engagement_report.repeats import window_repeats

    data = read_archive(archive).data
    assert data.extent is not None
    period = parse_period("2020-11")
    window = Window(period, period, date(2020, 12, 15))
    rules = figure_rules(config)
    frames = {
        d: data.frame(d) for d in ("queries", "broadcasts", "press_events", "press_questions")
    }
    days = config.repeats.window_days
    combined = {
        (piece, detail): replace(
            window_partial(frames, piece, rules, detail=detail, export_date=data.extent.latest),
            # The repeats as the Dask engine's tasks add them (repeats.py).
            repeats=window_repeats(data.queries, piece, days, DIMENSIONS),
        )
        for piece, detail in partial_requests(window, report=True)
    }
    blank = replace(
        data,
        queries=data.queries.assign(
            rating=np.nan,
            outcome=pd.array([pd.NA] * len(data.queries), dtype="string"),
            overdue_mark=pd.array([pd.NA] * len(data.queries), dtype="boolean"),
        ),
    )
    expected = analyse(data, window, config)
    got = analyse(blank, window, config, combined)
    assert got.figures == expected.figures
    assert (got.headlines, got.topic_shifts) == (expected.headlines, expected.topic_shifts)
    assert expected.figures.overdue_marks is not None
    assert expected.figures.accountability is not None
    assert expected.figures.accountability.rated
    # The blanking matters: the same rows without the partial aggregates give other figures.
    assert analyse(blank, window, config).figures.overdue_marks is None


def test_a_changed_partition_on_dask_is_one_error_line_without_a_traceback(
    archive: Path, tmp_path: Path
) -> None:
    """A task that fails on a worker is the run's error, told once by the command: the
    LocalCluster's workers do not log it (with a traceback) to the user's stderr."""
    pytest.importorskip("distributed")
    import subprocess  # the command line as a user runs it

    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    changed = sorted((copy / "queries" / "month=2020-11").glob("*.parquet"))[0]
    changed.write_bytes(b"not the file the manifest records")
    command = [sys.executable, "-m", "engagement_report", "summary", str(copy)]
    options = ["--period", "2020-11", "--today", TODAY.isoformat(), "--engine", "dask"]
    run = subprocess.run(
        [*command, *options, "--no-cache"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert run.returncode == 2, run.stderr
    assert run.stdout == ""
    assert "Traceback" not in run.stderr and "distributed" not in run.stderr, run.stderr
    said = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(said) == 1 and "changed since it was imported" in said[0], run.stderr
    assert changed.name in said[0]
