"""Implausible dates in rows read from an archive: warned about as in rows read from the
files themselves, counted in their partition's source, the same on both engines."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from engagement_report import pipeline
from engagement_report.archive import DATE_COLUMN
from engagement_report.config import Config
from engagement_report.validation.plausible import implausible_hits, in_listing_order

TODAY = date(2021, 3, 1)
WHEN = datetime(2021, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Almaty"))
# Two inputs imported together, so that one row number is in both (row 3 of each file).
QUERIES = """\
    query_id,received_at,status,answered_at,deadline
    a,2021-01-05,answered,2201-01-06,2021-01-20
    b,2021-01-06,answered,2021-01-07,1899-12-30
    c,2201-01-06,answered,,
    d,2021-02-03,answered,2099-02-04,
"""
MORE_QUERIES = """\
    query_id,received_at,status,answered_at
    e,2021-02-05,answered,2021-02-06
    f,2021-01-07,answered,1999-02-06
"""
BROADCASTS = """\
    date,questions_answered
    2021-01-08,5
    2021-02-08,7
    2201-01-08,9
"""


@pytest.fixture
def archive(tmp_path: Path, write_csvs: Callable[..., Path]) -> Path:
    inputs = write_csvs(tmp_path / "in", queries=QUERIES, broadcasts=BROADCASTS)
    more = write_csvs(tmp_path / "more", queries=MORE_QUERIES)
    root = tmp_path / "archive"
    pipeline.archive(
        [inputs / "queries.csv", more / "queries.csv", inputs / "broadcasts.csv"],
        Config(),
        root,
        cache=False,
        today=date(2021, 3, 1),
    )
    return root


def _build(archive: Path, out: Path, engine: str = "pandas", **options: object) -> dict:
    cluster = None
    if engine == "dask":
        from engagement_report.engines.dask import Cluster

        cluster = Cluster(workers=2, processes=False)
    pipeline.build(
        [archive],
        Config(),
        out=out,
        today=TODAY,
        cache=False,
        generated_at=WHEN,
        engine=engine,
        cluster=cluster,
        **options,  # type: ignore[arg-type]
    )
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_implausible_dates_of_archived_rows_are_warned_about_in_their_partition(
    archive: Path, tmp_path: Path
) -> None:
    result = pipeline.build(
        [archive], Config(), out=tmp_path / "out", period="2021-01", today=TODAY, cache=False
    )
    report = result.data.report
    by_partition = {(s.dataset, s.sheet): s for s in report.sources}
    january = by_partition["queries", "month=2021-01"]
    # a's answer in 2201, b's deadline in 1899, f's answer in 1999: before the floor (2000)
    assert january.warnings == 3
    assert january.problem_counts == {"date_in_future": 1, "date_before_floor": 2}
    assert by_partition["broadcasts", "month=2021-01"].warnings == 0
    assert report.warnings == 3
    # each named where it was imported from, as the archive's import named it
    listed = sorted((Path(p.file).parent.name, p.row, p.column, p.code) for p in report.problems)
    assert listed == [
        ("in", 2, "answered_at", "date_in_future"),
        ("in", 3, "deadline", "date_before_floor"),
        ("more", 3, "answered_at", "date_before_floor"),
    ]
    text = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "3 warnings over all inputs" in text


@pytest.mark.parametrize("period", ["2021-01", "2021-02", "2021-01-01..2021-02-28"])
def test_both_engines_warn_about_the_same_dates_byte_for_byte(
    archive: Path, tmp_path: Path, period: str
) -> None:
    pytest.importorskip("distributed")
    manifests = {}
    folders = {}
    for engine in ("pandas", "dask"):
        out = tmp_path / engine
        manifests[engine] = _build(archive, out, engine, period=period)
        folders[engine] = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}
    assert sum(s["warnings"] for s in manifests["pandas"]["sources"]) > 0
    assert folders["dask"] == folders["pandas"]


def _frame(rng: np.random.Generator, rows: int, month: str, file: str) -> pd.DataFrame:
    start = np.datetime64(f"{month}-01", "ns")
    days = rng.integers(0, 28, rows).astype("timedelta64[D]")
    received = start + days
    # answers: some in the far future, some before the floor, some plausible, some missing
    shift = rng.choice([-40_000, 2, 90_000, -1], rows).astype("timedelta64[D]")
    answered = np.where(shift == np.timedelta64(-1, "D"), np.datetime64("NaT"), received + shift)
    return pd.DataFrame(
        {
            "received_at": received.astype("datetime64[ns]"),
            "answered_at": answered.astype("datetime64[ns]"),
            "deadline": received + rng.choice([-50_000, 15], rows).astype("timedelta64[D]"),
            "_file": file,
            "_sheet": "",
            "_row": rng.permutation(np.arange(2, rows + 2)),
        }
    )


@pytest.mark.parametrize("seed", range(5))
def test_hits_found_month_by_month_are_listed_as_if_found_at_once(seed: int) -> None:
    rng = np.random.default_rng(seed)
    months = ["2020-11", "2020-12", "2201-01"]
    queries = [_frame(rng, 30, m, f"file{rng.integers(2)}.csv") for m in months]
    broadcasts = [
        pd.DataFrame(
            {
                "date": _frame(rng, 10, m, "b.csv")["received_at"],
                "_file": "b.csv",
                "_sheet": "",
                "_row": np.arange(2, 12),
            }
        )
        for m in months
    ]
    whole = {
        "queries": pd.concat(queries, ignore_index=True),
        "broadcasts": pd.concat(broadcasts, ignore_index=True),
    }
    at_once = implausible_hits(whole, 2000, date(2021, 1, 15), DATE_COLUMN)
    by_month = in_listing_order(
        [
            implausible_hits({"queries": q, "broadcasts": b}, 2000, date(2021, 1, 15), DATE_COLUMN)
            for q, b in zip(queries, broadcasts, strict=True)
        ]
    )
    assert len(at_once) > 20
    pd.testing.assert_frame_equal(by_month, at_once)
    # and each hit's partition is its row's month
    assert set(at_once["part"]) == {f"month={m}" for m in months}
