"""The archive: imports in several runs, a month imported again, a query that moves
month, an import that fails half-way, damaged files, and reading only what a report needs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from engagement_report import pipeline
from engagement_report.archive import layout, read_archive, read_manifest, writer
from engagement_report.config import load_config
from engagement_report.errors import InputError

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TODAY = date(2026, 1, 1)
HEADER = "query_id,received_at,answered_at,status,topic,channel,district\n"


@pytest.fixture(scope="module")
def config():  # type: ignore[no-untyped-def]
    return load_config(None)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _queries(path: Path, *rows: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _sample_split(folder: Path) -> tuple[Path, Path]:
    """The sample queries in two exports: 2020, and January–February 2021."""
    lines = (SAMPLE / "queries.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    first, second = folder / "a" / "queries.csv", folder / "b" / "queries.csv"
    first.parent.mkdir(parents=True)
    second.parent.mkdir(parents=True)
    first.write_text(header + "".join(r for r in rows if ",2020-" in r[:30]), encoding="utf-8")
    second.write_text(header + "".join(r for r in rows if ",2021-" in r[:30]), encoding="utf-8")
    return first, second


def test_archive_summary_equals_the_inputs_summary(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    pipeline.archive([SAMPLE], config, root, cache=False, today=TODAY)
    for period in ("2021-01", "2020-Q3", "2020", None):
        direct = pipeline.summary([SAMPLE], config, period, cache=False, today=TODAY)
        archived = pipeline.summary([root], config, period, cache=False, today=TODAY)
        assert archived == direct, period


def test_archive_build_figures_equal_the_inputs_build(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    pipeline.archive([SAMPLE], config, root, cache=False, today=TODAY)
    for period in ("2021-01", "2021-02-01..2021-02-10"):
        direct = pipeline.build(
            [SAMPLE], config, period=period, out=tmp_path / "a", cache=False, today=TODAY
        )
        archived = pipeline.build(
            [root], config, period=period, out=tmp_path / "b", cache=False, today=TODAY
        )
        assert archived.figures == direct.figures
        assert archived.context.trend == direct.context.trend
        assert archived.context.headlines == direct.context.headlines
        assert archived.context.coverage == direct.context.coverage
        assert (tmp_path / "a" / "summary.csv").read_bytes() == (
            tmp_path / "b" / "summary.csv"
        ).read_bytes()


def test_the_manifest_records_each_partition(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    pipeline.archive([SAMPLE], config, root, cache=False, today=TODAY)
    manifest = read_manifest(root)
    january = next(p for p in manifest.of("queries") if p.month == "2021-01")
    file = root / "queries" / "month=2021-01" / january.file
    assert file.name.startswith("part-") and file.suffix == ".parquet"
    import hashlib

    assert hashlib.sha256(file.read_bytes()).hexdigest() == january.sha256
    assert january.rows == 1774  # the sample's January 2021 queries
    assert january.inputs[0][0].endswith("queries.csv")
    assert len(january.inputs[0][1]) == 64
    assert january.tool_version
    months = [p.month for p in manifest.of("queries")]
    assert months[0] == "2020-01" and months[-1] == "2021-02" and len(months) == 14


def test_an_archive_imported_in_two_runs_equals_one_import(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    first, second = _sample_split(tmp_path)
    together, apart = tmp_path / "together", tmp_path / "apart"
    pipeline.archive([first, second], config, together, cache=False, today=TODAY)
    pipeline.archive([first], config, apart, cache=False, today=TODAY)
    pipeline.archive([second], config, apart, cache=False, today=TODAY)
    assert [p.month for p in read_manifest(apart).of("queries")] == [
        p.month for p in read_manifest(together).of("queries")
    ]
    for period in ("2021-01", "2020"):
        assert pipeline.summary([apart], config, period, cache=False, today=TODAY) == (
            pipeline.summary([together], config, period, cache=False, today=TODAY)
        )


def test_importing_a_month_again_replaces_it(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    export = _queries(
        tmp_path / "in" / "queries.csv",
        "Q1,2021-03-01,2021-03-02,answered,Roads,web,A",
        "Q2,2021-03-05,,in_progress,Roads,web,A",
    )
    pipeline.archive([export], config, root, cache=False, today=TODAY)
    once = _files(root)
    pipeline.archive([export], config, root, cache=False, today=TODAY)
    assert _files(root) == once  # idempotent, byte for byte
    _queries(export, "Q1,2021-03-01,2021-03-02,answered,Roads,web,A")
    result = pipeline.archive([export], config, root, cache=False, today=TODAY)
    (change,) = result.result.changes
    assert (change.month, change.rows_before, change.rows_after) == ("2021-03", 2, 1)
    assert list(read_archive(root).data.queries["query_id"]) == ["Q1"]


def test_a_query_that_moves_month_is_kept_once_in_its_latest_version(
    tmp_path: Path, config
) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    march = _queries(
        tmp_path / "march" / "queries.csv",
        "Q1,2021-03-30,,in_progress,Roads,web,A",
        "Q2,2021-03-05,,in_progress,Roads,web,A",
    )
    april = _queries(
        tmp_path / "april" / "queries.csv",
        "Q1,2021-04-01,2021-04-02,answered,Roads,web,A",  # its date received corrected
        "Q3,2021-04-03,,in_progress,Roads,web,A",
    )
    pipeline.archive([march], config, root, cache=False, today=TODAY)
    result = pipeline.archive([april], config, root, cache=False, today=TODAY)
    moved = next(c for c in result.result.changes if c.month == "2021-03")
    assert (moved.rows_before, moved.rows_after, moved.moved_out) == (2, 1, 1)
    queries = read_archive(root).data.queries
    assert sorted(queries["query_id"]) == ["Q1", "Q2", "Q3"]
    q1 = queries[queries["query_id"] == "Q1"].iloc[0]
    assert str(q1["status"]) == "answered" and q1["received_at"].month == 4
    # A month emptied by the move goes from the archive.
    _queries(april, "Q2,2021-04-04,,in_progress,Roads,web,A")
    pipeline.archive([april], config, root, cache=False, today=TODAY)
    assert [p.month for p in read_manifest(root).of("queries")] == ["2021-04"]
    assert not (root / "queries" / "month=2021-03").exists()


def test_an_import_that_fails_half_way_leaves_the_archive_as_it_was(
    tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    first, second = _sample_split(tmp_path)
    pipeline.archive([first], config, root, cache=False, today=TODAY)
    before = _files(root)
    real = writer._write
    calls = []

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(writer, "_write", failing)
    with pytest.raises(Exception, match="No space left"):
        pipeline.archive([first, second], config, root, cache=False, today=TODAY)
    assert _files(root) == before
    monkeypatch.setattr(writer, "_write", real)
    pipeline.archive([second], config, root, cache=False, today=TODAY)
    assert len(read_manifest(root).of("queries")) == 14


def test_an_import_killed_after_its_commit_is_finished_by_the_next_reader(
    tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    first, second = _sample_split(tmp_path)
    pipeline.archive([first], config, root, cache=False, today=TODAY)
    real = layout.roll_forward

    def killed(where: Path) -> None:
        raise KeyboardInterrupt  # as if killed between the commit and the swaps

    monkeypatch.setattr(layout, "roll_forward", killed)
    with pytest.raises(KeyboardInterrupt):
        pipeline.archive([second], config, root, cache=False, today=TODAY)
    assert (root / layout.JOURNAL).exists()
    monkeypatch.setattr(layout, "roll_forward", real)
    data = read_archive(root).data
    assert not (root / layout.JOURNAL).exists()
    assert len(data.queries) == 20849
    assert len(read_manifest(root).of("queries")) == 14


def test_a_damaged_partition_file_is_named(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    pipeline.archive([SAMPLE], config, root, cache=False, today=TODAY)
    (part,) = (root / "queries" / "month=2021-01").glob("part-*.parquet")
    part.write_bytes(b"PAR1" + b"\0" * 100)
    with pytest.raises(InputError, match=r"month=2021-01/part-.*\.parquet"):
        pipeline.summary([root], config, "2021-01", cache=False, today=TODAY)


def test_a_report_reads_only_the_months_it_needs(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    pipeline.archive([SAMPLE], config, root, cache=False, today=TODAY)
    direct = pipeline.summary([SAMPLE], config, "2020-06", cache=False, today=TODAY)
    # A report of June 2020 compares with May 2020 and has its trend from July 2019:
    # February 2021 is never opened, so damage there does not matter.
    for part in (root / "queries" / "month=2021-02").glob("part-*.parquet"):
        part.write_bytes(b"not parquet")
    result = pipeline.build(
        [root], config, period="2020-06", out=tmp_path / "out", cache=False, today=TODAY
    )
    assert result.figures.queries.received == 1383
    # A summary reads the months up to its period's end (the backlog counts queries
    # whenever received), never a later one.
    for folder in (root / "queries").iterdir():
        if folder.name > "month=2020-06":
            for part in folder.glob("part-*.parquet"):
                part.write_bytes(b"not parquet")
    assert pipeline.summary([root], config, "2020-06", cache=False, today=TODAY) == direct
    read = read_archive(root, {"2020-06"})
    assert [f.path.parent.name for f in read.files] == ["month=2020-06"] * 3


def test_the_figures_cache_key_follows_the_partitions_read(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    export = _queries(
        tmp_path / "in" / "queries.csv",
        "Q1,2021-03-01,2021-03-02,answered,Roads,web,A",
        "Q2,2021-03-05,,in_progress,Roads,web,A",
    )
    pipeline.archive([export], config, root, cache=False, today=TODAY)
    first = pipeline.build([root], config, period="2021-03", out=tmp_path / "o", today=TODAY)
    assert first.figures.queries.answered == 1
    _queries(
        export,
        "Q1,2021-03-01,2021-03-02,answered,Roads,web,A",
        "Q2,2021-03-05,2021-03-06,answered,Roads,web,A",
    )
    pipeline.archive([export], config, root, cache=False, today=TODAY)
    again = pipeline.build([root], config, period="2021-03", out=tmp_path / "o", today=TODAY)
    assert again.figures.queries.answered == 2
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert "month=2021-03" in json.dumps(manifest["inputs"])


def test_an_archive_is_read_alone(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    from engagement_report.errors import UsageError

    root = tmp_path / "archive"
    pipeline.archive([SAMPLE], config, root, cache=False, today=TODAY)
    with pytest.raises(UsageError, match="only INPUT"):
        pipeline.summary([root, SAMPLE / "queries.csv"], config, "2021-01", cache=False)


def test_dask_on_a_local_cluster_gives_the_pandas_summary_byte_for_byte(
    tmp_path: Path, config
) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    from engagement_report.engines.dask import Cluster

    root = tmp_path / "archive"
    pipeline.archive([SAMPLE], config, root, cache=False, today=TODAY)
    cluster = Cluster(workers=2, processes=False)
    for period, by in (("2021-01", None), ("2020", "month"), ("2021-02-01..2021-02-11", None)):
        on_pandas = pipeline.summary([root], config, period, by=by, cache=False, today=TODAY)
        on_dask = pipeline.summary(
            [root], config, period, by=by, today=TODAY, engine="dask", cluster=cluster
        )
        assert "".join(on_dask).encode() == "".join(on_pandas).encode(), period


def test_dask_covers_the_whole_span_when_no_period_is_given(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    from engagement_report.engines.dask import Cluster

    root = tmp_path / "archive"
    pipeline.archive([SAMPLE], config, root, cache=False, today=TODAY)
    on_pandas = pipeline.summary([SAMPLE], config, None, by="quarter", cache=False, today=TODAY)
    on_dask = pipeline.summary(
        [root],
        config,
        None,
        by="quarter",
        today=TODAY,
        engine="dask",
        cluster=Cluster(workers=2, processes=False),
    )
    assert on_dask == on_pandas


def test_without_dask_the_dask_engine_says_how_to_install_it(
    tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import sys

    from engagement_report.errors import UsageError

    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if absent
    with pytest.raises(UsageError, match=r"pip install 'engagement-report\[dask\]'"):
        pipeline.summary([SAMPLE], config, "2021-01", engine="dask")


def test_the_dask_engine_reads_an_archive_only(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    from engagement_report.errors import UsageError

    with pytest.raises(UsageError, match="engagement-report archive"):
        pipeline.summary([SAMPLE], config, "2021-01", engine="dask")


def test_validate_reads_every_partition_of_an_archive(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    pipeline.archive([SAMPLE], config, root, cache=False, today=TODAY)
    report = pipeline.check_inputs([root], config, cache=False, today=TODAY)
    assert len(report.sources) == 42  # 14 months of each dataset
    assert sum(s.used for s in report.sources) == 20849 + 102 + 378
    assert report.rejected == 0
    assert {s.sheet for s in report.sources} >= {"month=2020-01", "month=2021-02"}


def test_months_long_before_the_period_are_read_light_with_the_same_figures(
    tmp_path: Path, config
) -> None:  # type: ignore[no-untyped-def]
    from engagement_report.pipeline.archive_months import archive_months

    rows = [
        "Q01,2017-03-01,2017-03-05,answered,Roads,web,A",  # closed long before: dropped
        "Q02,2017-04-02,,in_progress,Roads,web,A",  # open for good: in every backlog
        "Q03,2018-05-03,2020-03-10,answered,Parks,web,B",  # closed inside the full months
        "Q04,2018-06-04,2021-07-02,answered,Parks,web,B",  # open at the report's end
        "Q05,2019-07-05,,rejected,Roads,web,A",  # closed on receipt (no answer date)
        "Q06,2019-08-06,,,Roads,web,A",  # no status, no answer: open for good
        "Q07,2019-12-31 23:00,2020-01-01 01:00,answered,Roads,web,A",
    ]
    # and a month of queries in each of the full months
    for month in range(1, 13):
        rows.append(
            f"Q2020{month:02d},2020-{month:02d}-10,2020-{month:02d}-20,answered,Roads,web,A"
        )
    for month in range(1, 7):
        rows.append(f"Q2021{month:02d},2021-{month:02d}-10,,in_progress,Parks,web,B")
    export = _queries(tmp_path / "in" / "queries.csv", *rows)
    root = tmp_path / "archive"
    pipeline.archive([export], config, root, cache=False, today=TODAY)
    chosen = archive_months([root], "2021-06", config, TODAY, None, report=True)
    assert chosen is not None
    assert min(chosen.months) == "2017-03" and max(chosen.months) == "2021-06"
    assert max(chosen.light) == "2019-12" and "2020-01" not in chosen.light
    direct = pipeline.summary([export], config, "2021-06", by="month", cache=False, today=TODAY)
    archived = pipeline.summary([root], config, "2021-06", cache=False, today=TODAY)
    assert archived == pipeline.summary([export], config, "2021-06", cache=False, today=TODAY)
    # Q02, Q04 (answered after the period), Q06 and the six of 2021 still in progress.
    assert "queries,backlog,total,,9\n" in "".join(archived)
    a = pipeline.build(
        [export], config, period="2021-06", out=tmp_path / "a", cache=False, today=TODAY
    )
    b = pipeline.build(
        [root], config, period="2021-06", out=tmp_path / "b", cache=False, today=TODAY
    )
    assert b.figures == a.figures
    assert b.context.trend == a.context.trend  # each month end's backlog
    assert direct  # the inputs' own summary by month ran


# --- one salt for every import ------------------------------------------------------------

PHONE_HEADER = "query_id,received_at,answered_at,status,topic,телефон\n"


def _phones(path: Path, *rows: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PHONE_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _repeats(root: Path, config, period: str) -> object:  # type: ignore[no-untyped-def]
    lines = "".join(pipeline.summary([root], config, period, cache=False, today=TODAY))
    found = [line for line in lines.splitlines() if ",queries,repeats,total," in line]
    assert len(found) == 1, lines
    return found[0].rsplit(",", 1)[1]


def test_repeats_are_found_across_months_imported_in_two_runs(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    # February's answer and March's query of the same phone come in two imports: without
    # one salt kept by the archive, each run hashed the phone with its own random salt.
    root = tmp_path / "archive"
    february = _phones(
        tmp_path / "a" / "q.csv", "A1,2021-02-20,2021-02-25,answered,Roads,+7 701 111 22 33"
    )
    march = _phones(tmp_path / "b" / "q.csv", "A2,2021-03-05,,in progress,Roads,8 701 111 22 33")
    pipeline.archive([february], config, root, cache=False, today=TODAY)
    pipeline.archive([march], config, root, cache=False, today=TODAY)
    assert _repeats(root, config, "2021-03") == "1"
    assert (root / ".salt").stat().st_mode & 0o777 == 0o600
    # The phone in no form (hex digests may hold "111" by chance: look for the number).
    manifest = (root / "archive.json").read_text(encoding="utf-8")
    assert not any(form in manifest for form in ("7011112233", "701 111 22 33", "111 22 33"))


def test_an_import_with_another_salt_is_refused(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from engagement_report.errors import UsageError

    root = tmp_path / "archive"
    rows = _phones(
        tmp_path / "a" / "q.csv", "A1,2021-02-20,2021-02-25,answered,Roads,+7 701 111 22 33"
    )
    salted = replace(config, repeats=replace(config.repeats, salt="s" * 16))
    pipeline.archive([rows], salted, root, cache=False, today=TODAY)
    assert not (root / ".salt").exists()  # a configured salt is never written down
    pipeline.archive([rows], salted, root, cache=False, today=TODAY)  # the same salt: fine
    other = replace(config, repeats=replace(config.repeats, salt="t" * 16))
    with pytest.raises(UsageError, match="another \\[repeats\\] salt"):
        pipeline.archive([rows], other, root, cache=False, today=TODAY)
    with pytest.raises(UsageError, match="configured \\[repeats\\] salt"):
        pipeline.archive([rows], config, root, cache=False, today=TODAY)


def test_a_month_imported_after_a_build_is_not_served_from_the_figures_cache(
    tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The export's date and the datasets' first days come from the archive's manifest,
    not from the partitions read: a later month imported changes them, and the figures
    cache must not serve the report of before."""
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "archive"
    march = _queries(
        tmp_path / "in" / "march.csv",
        "Q1,2021-03-01,2021-03-02,answered,Roads,web,A",
        "Q2,2021-03-05,,in_progress,Roads,web,A",
    )
    pipeline.archive([march], config, root, cache=False, today=TODAY)
    pipeline.build([root], config, period="2021-03", out=tmp_path / "a", today=TODAY)
    june = _queries(tmp_path / "in" / "june.csv", "Q3,2021-06-20,2021-06-21,answered,Roads,web,A")
    pipeline.archive([june], config, root, cache=False, today=TODAY)
    cached = pipeline.build([root], config, period="2021-03", out=tmp_path / "b", today=TODAY)
    fresh = pipeline.build(
        [root], config, period="2021-03", out=tmp_path / "c", today=TODAY, cache=False
    )
    assert cached.figures == fresh.figures
    for name in ("summary.csv", "report.md"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "c" / name).read_bytes()


def test_letter_case_variants_imported_apart_are_merged_as_files_read_together(
    tmp_path: Path, config
) -> None:  # type: ignore[no-untyped-def]
    """Two monthly exports spell a topic and a district differently ("Жильё" in one,
    "жильё" in the other): `build` over both files counts one category, in its most
    frequent spelling over all rows; an archive imported in two runs gives the same."""
    january = _queries(
        tmp_path / "in" / "january.csv",
        "Q1,2021-01-05,2021-01-06,answered,Жильё,web,Medeu",
        "Q2,2021-01-06,2021-01-07,answered,Жильё,web,medeu",
        "Q3,2021-01-07,,in_progress,Roads,web,Medeu",
    )
    february = _queries(
        tmp_path / "in" / "february.csv",
        "Q4,2021-02-01,2021-02-02,answered,жильё,web,MEDEU",
        "Q5,2021-02-02,2021-02-03,answered,жильё,web,MEDEU",
        "Q6,2021-02-03,2021-02-04,answered,жильё,web,MEDEU",
        "Q7,2021-02-04,,in_progress,roads,web,Almaly",
    )
    root = tmp_path / "archive"
    pipeline.archive([january], config, root, cache=False, today=TODAY)
    pipeline.archive([february], config, root, cache=False, today=TODAY)
    for period in ("2021-01", "2021-02", "2021-01-01..2021-02-28", None):
        direct = pipeline.summary([january, february], config, period, cache=False, today=TODAY)
        archived = pipeline.summary([root], config, period, cache=False, today=TODAY)
        assert archived == direct, period
    topics = [r for r in "".join(direct).splitlines() if ",topic," in r and ",received," in r]
    assert len(topics) == 2 and any(",жильё," in r for r in topics), topics
    for period in ("2021-01", "2021-02"):
        outs = {}
        for name, inputs in (("files", [january, february]), ("archive", [root])):
            out = tmp_path / name / period
            pipeline.build(inputs, config, period=period, out=out, cache=False, today=TODAY)
            outs[name] = (out / "summary.csv").read_bytes()
        assert outs["archive"] == outs["files"], period
    pytest.importorskip("distributed")
    from engagement_report.engines.dask import Cluster

    on_dask = pipeline.summary(
        [root],
        config,
        "2021-01",
        today=TODAY,
        cache=False,
        engine="dask",
        cluster=Cluster(workers=2, processes=False),
    )
    assert on_dask == pipeline.summary(
        [january, february], config, "2021-01", cache=False, today=TODAY
    )


def test_a_spelling_that_another_import_changes_is_not_served_from_the_figures_cache(
    tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "archive"
    # The first import spans January to March; February, imported next, changes no
    # date of the archive, only which spelling most rows have.
    first = _queries(
        tmp_path / "in" / "first.csv",
        "Q1,2021-01-05,,in_progress,Жильё,web,A",
        "Q9,2021-03-05,,in_progress,Roads,web,A",
    )
    pipeline.archive([first], config, root, cache=False, today=TODAY)
    before = pipeline.build([root], config, period="2021-01", out=tmp_path / "a", today=TODAY)
    assert [c.category for c in before.figures.by_topic] == ["Жильё"]
    february = _queries(
        tmp_path / "in" / "february.csv",
        "Q2,2021-02-01,,in_progress,жильё,web,A",
        "Q3,2021-02-02,,in_progress,жильё,web,A",
    )
    pipeline.archive([february], config, root, cache=False, today=TODAY)
    cached = pipeline.build([root], config, period="2021-01", out=tmp_path / "b", today=TODAY)
    assert [c.category for c in cached.figures.by_topic] == ["жильё"]
