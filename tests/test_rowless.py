"""With ``--engine dask`` the command reads no row of the archive, only its manifest:
every figure comes from the partial aggregates the workers (processes of their own) work
out, and ``build`` and ``summary`` write what the pandas engine writes, byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_dask_engine import TODAY, WHEN, _folder, archive, config  # noqa: F401

from engagement_report import pipeline


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """A LocalCluster of two worker processes: what the command patches, they do not see."""
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    from engagement_report.engines.dask import Cluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield Cluster(address=local.scheduler_address)


def _no_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every way this process could read a partition's rows raises."""
    import pyarrow.dataset
    import pyarrow.parquet

    from engagement_report.archive import light, partitions, reader

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the command read an archive's rows: {args[:2]!r}")

    # each module that holds one of the readers, so no call reaches the real one
    for module in (reader, light, partitions):
        for name in ("read_columns", "read_month", "read_partition", "seen_partition"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, refuse)
    monkeypatch.setattr(pyarrow.dataset, "dataset", refuse)
    monkeypatch.setattr(pyarrow.parquet, "ParquetFile", refuse)
    monkeypatch.setattr(pyarrow.parquet, "read_table", refuse)


def test_the_command_reads_no_row_and_writes_the_pandas_folder(
    archive: Path,  # noqa: F811
    config,  # noqa: F811
    cluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    periods = ("2020-11", "2021-01", "2021-02-01..2021-02-10")
    expected = {}
    for period in periods:
        out = tmp_path / "pandas" / period
        pipeline.build(
            [archive], config, period=period, out=out, today=TODAY, cache=False, generated_at=WHEN
        )
        expected[period] = _folder(out)
    # A year by quarter, and the whole archive (no --period: its span from the workers).
    asked = {"quarter": ("2020", "quarter"), "whole": (None, None)}
    summaries = {
        name: "".join(pipeline.summary([archive], config, period, by=by, today=TODAY, cache=False))
        for name, (period, by) in asked.items()
    }
    _no_rows(monkeypatch)
    for period in periods:
        out = tmp_path / "dask" / period
        pipeline.build(
            [archive],
            config,
            period=period,
            out=out,
            today=TODAY,
            cache=False,
            generated_at=WHEN,
            engine="dask",
            cluster=cluster,
        )
        got = _folder(out)
        assert set(got) == set(expected[period])
        for name, content in expected[period].items():
            assert got[name] == content, (period, name)
    for name, (period, by) in asked.items():
        on_dask = pipeline.summary(
            [archive],
            config,
            period,
            by=by,
            today=TODAY,
            cache=False,
            engine="dask",
            cluster=cluster,
        )
        assert "".join(on_dask) == summaries[name], name
