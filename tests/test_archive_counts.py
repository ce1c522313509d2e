"""The counts an archive's manifest keeps of each month of queries (when they closed):
a report reads the months long before its period from them, unopened, with the figures
the rows give, for any cut-off; a month imported again carries new counts; counts of
another definition are not used; an import opens only the months whose ids it may hold."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from engagement_report import pipeline
from engagement_report.archive import history, layout, read_archive, read_manifest
from engagement_report.config import load_config, parse_config
from engagement_report.errors import InputError, UsageError
from engagement_report.models import OpenBefore
from engagement_report.pipeline.archive_months import archive_months

TODAY = date(2026, 1, 1)
HEADER = "query_id,received_at,answered_at,status,topic,channel,district\n"

#: Queries received long before a report of mid-2021, each a way of closing.
EARLY = [
    "Q01,2017-03-01,2017-03-05,answered,Roads,web,A",  # closed long before
    "Q02,2017-04-02,,in_progress,Roads,web,A",  # open for good: in every backlog
    "Q03,2018-05-03,2020-03-10,answered,Parks,web,B",  # closed inside the read months
    "Q04,2018-06-04,2021-07-02,answered,Parks,web,B",  # open at June's end, closed by July's
    "Q05,2019-07-05,,rejected,Roads,web,A",  # closed on receipt (no answer date)
    "Q06,2019-08-06,,,Roads,web,A",  # no status, no answer: open for good
    "Q07,2019-12-31 23:00,2020-01-01 01:00,answered,Roads,web,A",  # closed on the 1st
    "Q08,2019-11-30 18:30,2020-06-30 23:59,answered,Roads,web,A",  # closed on June's last day
    "Q09,2019-10-15,2021-12-01,forwarded,Roads,web,A",  # forwarded after the period
]
LATER = [
    *(f"Q2020{m:02d},2020-{m:02d}-10,2020-{m:02d}-20,answered,Roads,web,A" for m in range(1, 13)),
    *(f"Q2021{m:02d},2021-{m:02d}-10,,in_progress,Parks,web,B" for m in range(1, 13)),
]


@pytest.fixture(scope="module")
def config():  # type: ignore[no-untyped-def]
    return load_config(None)


def _queries(path: Path, *rows: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _archive(tmp_path: Path, config, *rows: str) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    export = _queries(tmp_path / "in" / "queries.csv", *rows)
    root = tmp_path / "archive"
    pipeline.archive([export], config, root, cache=False, today=TODAY)
    return export, root


def _spoil(root: Path, before: str) -> None:
    """Every partition file of a month before ``before`` made unreadable."""
    for part in root.glob("*/month=*/part-*.parquet"):
        if part.parent.name.removeprefix("month=") < before:
            part.write_bytes(b"not parquet")


def _build_files(inputs: Path, config, period: str, out: Path, **kw) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    pipeline.build([inputs], config, period=period, out=out, cache=False, today=TODAY, **kw)
    return {name: (out / name).read_bytes() for name in ("summary.json", "summary.csv")}


@pytest.mark.parametrize(
    ("period", "as_of"),
    [("2021-06", None), ("2021-06", date(2021, 7, 1)), ("2021-Q4", None), ("2021-03", None)],
)
def test_months_read_from_the_counts_give_the_figures_of_the_rows(
    tmp_path: Path, config, period: str, as_of: date | None
) -> None:  # type: ignore[no-untyped-def]
    export, root = _archive(tmp_path, config, *EARLY, *LATER)
    chosen = archive_months([root], period, config, TODAY, as_of, report=True)
    assert chosen is not None and chosen.counted and "2019-12" in chosen.light
    direct = _build_files(export, config, period, tmp_path / "a", as_of=as_of)
    # The light months are not opened: their files may be anything.
    _spoil(root, min(chosen.months - chosen.light))
    archived = _build_files(root, config, period, tmp_path / "b", as_of=as_of)
    assert archived == direct  # byte for byte, the backlog and the ages of open queries too
    summary = pipeline.summary([root], config, period, cache=False, today=TODAY, as_of=as_of)
    assert summary == pipeline.summary(
        [export], config, period, cache=False, today=TODAY, as_of=as_of
    )
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    # The archive's manifest vouches for the counts: it is an input of the run.
    assert any(item["path"].endswith("archive.json") for item in manifest["inputs"])


def test_the_counts_are_those_of_the_rows(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    _, root = _archive(tmp_path, config, *EARLY, *LATER)
    kept = {p.month: p.history for p in read_manifest(root).of("queries")}
    assert kept["2018-06"] == layout.OpenHistory(
        history.DEFINITION, 1, "2018-06-04T00:00:00.000000000", 0, (("2021-07-02", 1),)
    )
    # closed within its month: in no count by day; rejected on receipt likewise
    assert kept["2017-03"] is not None and kept["2017-03"].closed_on == ()
    assert kept["2019-07"] is not None and (kept["2019-07"].never, kept["2019-07"].closed_on) == (
        0,
        (),
    )
    assert kept["2019-08"] is not None and kept["2019-08"].never == 1
    before = read_archive(root, {"2019-11", "2019-12", "2020-01"}, light={"2019-11", "2019-12"})
    counted = read_archive(
        root, {"2019-11", "2019-12", "2020-01"}, light={"2019-11", "2019-12"}, counted=True
    )
    assert before.data.open_before is None and len(before.data.queries) == 3
    # Q07 (closed on 1 January) and Q08, and January's own query
    assert list(counted.data.queries["query_id"]) == ["Q202001"]
    assert counted.data.open_before == OpenBefore(
        since=date(2020, 1, 1),
        received=2,
        latest_received=pd.Timestamp("2019-12-31 23:00"),
        never=0,
        closed_on=((date(2020, 1, 1), 1), (date(2020, 6, 30), 1)),
    )
    assert counted.data.report == before.data.report  # every partition is still a source


def test_a_month_imported_again_carries_its_new_counts(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    export, root = _archive(tmp_path, config, *EARLY, *LATER)
    first = _build_files(root, config, "2021-06", tmp_path / "a")
    # Q04 was answered in 2020 after all: the office exports June 2018 again.
    june = _queries(
        tmp_path / "june" / "queries.csv", "Q04,2018-06-04,2020-02-02,answered,Parks,web,B"
    )
    pipeline.archive([june], config, root, cache=False, today=TODAY)
    _queries(export, *(r.replace("2021-07-02", "2020-02-02") for r in (*EARLY, *LATER)))
    direct = _build_files(export, config, "2021-06", tmp_path / "b")
    again = _build_files(root, config, "2021-06", tmp_path / "c")
    assert again == direct and again != first
    # The figures cache follows the manifest that holds the counts.
    cached = pipeline.build([root], config, period="2021-06", out=tmp_path / "d", today=TODAY)
    pipeline.archive([june], config, root, cache=False, today=TODAY)  # same rows: same archive
    _queries(june, "Q04,2018-06-04,,in_progress,Parks,web,B")
    pipeline.archive([june], config, root, cache=False, today=TODAY)
    reopened = pipeline.build([root], config, period="2021-06", out=tmp_path / "e", today=TODAY)
    assert reopened.figures.backlog == cached.figures.backlog + 1


def test_counts_of_another_definition_are_not_used(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    export, root = _archive(tmp_path, config, *EARLY, *LATER)
    text = (root / "archive.json").read_text(encoding="utf-8")
    (root / "archive.json").write_text(text.replace(history.DEFINITION, "0" * 16), encoding="utf-8")
    direct = _build_files(export, config, "2021-06", tmp_path / "a")
    assert _build_files(root, config, "2021-06", tmp_path / "b") == direct
    _spoil(root, "2020-01")  # now they are read
    with pytest.raises(InputError, match=r"month=2017-03/part-.*\.parquet"):
        _build_files(root, config, "2021-06", tmp_path / "c")


def test_an_archive_written_before_the_counts_is_read(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    export, root = _archive(tmp_path, config, *EARLY, *LATER)
    raw = json.loads((root / "archive.json").read_text(encoding="utf-8"))
    for partition in raw["partitions"]:
        partition.pop("history", None)
        partition.pop("ids", None)
    (root / "archive.json").write_text(json.dumps(raw), encoding="utf-8")
    direct = _build_files(export, config, "2021-06", tmp_path / "a")
    assert _build_files(root, config, "2021-06", tmp_path / "b") == direct


def test_without_a_month_to_tell_the_ages_the_months_are_read(tmp_path: Path) -> None:
    # A year of holidays: a query received before 2020 may be under 31 working days
    # old at the cut-off, and the counts keep no dates of receipt.
    holidays = [
        date(2020, 1, 1).fromordinal(n).isoformat()
        for n in range(date(2020, 2, 1).toordinal(), date(2021, 5, 20).toordinal())
    ]
    config = parse_config({"calendar": {"extra_holidays": holidays}})
    export, root = _archive(tmp_path, config, *EARLY, *LATER)
    chosen = archive_months([root], "2021-06", config, TODAY, None, report=True)
    assert chosen is not None and not chosen.counted
    direct = _build_files(export, config, "2021-06", tmp_path / "a")
    assert _build_files(root, config, "2021-06", tmp_path / "b") == direct


def test_a_gap_in_the_archive_before_the_period(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    # Nothing from 2020 to May 2021: the trend's months without data still show the
    # backlog the early queries leave, as the rows do.
    rows = [
        *EARLY,
        "Q10,2019-07-06,2020-12-15,answered,Roads,web,A",  # closed inside the gap, not its month's first
        *(r for r in LATER if ",2021-06" in r or ",2021-07" in r),
    ]
    export, root = _archive(tmp_path, config, *rows)
    direct = _build_files(export, config, "2021-07", tmp_path / "a", allow_empty=True)
    assert _build_files(root, config, "2021-07", tmp_path / "b", allow_empty=True) == direct
    a = pipeline.build(
        [export], config, period="2021-07", out=tmp_path / "c", cache=False, today=TODAY
    )
    b = pipeline.build(
        [root], config, period="2021-07", out=tmp_path / "d", cache=False, today=TODAY
    )
    assert b.context.trend == a.context.trend


def test_an_import_opens_only_the_months_that_may_hold_its_ids(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    _, root = _archive(tmp_path, config, *EARLY, *LATER)
    assert read_manifest(root).of("queries")[0].ids == ("Q01", "Q01")
    _spoil(root, "2021-01")
    new = _queries(tmp_path / "new" / "queries.csv", "Q2022,2022-01-03,,in_progress,Roads,web,A")
    pipeline.archive([new], config, root, cache=False, today=TODAY)  # no earlier month opened
    assert [p.month for p in read_manifest(root).of("queries")][-1] == "2022-01"
    moved = _queries(tmp_path / "moved" / "queries.csv", "Q03,2022-01-04,,in_progress,Roads,web,A")
    with pytest.raises(InputError, match=r"month=2018-05/part-.*\.parquet"):
        pipeline.archive([moved], config, root, cache=False, today=TODAY)


def test_a_missing_partition_file_is_named(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    _, root = _archive(tmp_path, config, *EARLY, *LATER)
    (part,) = (root / "queries" / "month=2021-06").glob("part-*.parquet")
    part.unlink()
    with pytest.raises(InputError, match=r"month=2021-06/part-.*\.parquet.*missing"):
        pipeline.summary([root], config, "2021-06", cache=False, today=TODAY)


# --- validate on an archive ---------------------------------------------------------------


def test_validate_with_a_period_checks_what_a_build_of_it_reads(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    export, root = _archive(tmp_path, config, *EARLY, *LATER)
    _spoil(root, "2020-01")  # months a build of mid-2021 takes from the counts
    report = pipeline.check_inputs([root], config, cache=False, today=TODAY, period="2021-06")
    build = pipeline.build(
        [root], config, period="2021-06", out=tmp_path / "out", cache=False, today=TODAY
    )
    assert report.sources == build.data.report.sources
    assert report.rejected == 0 and report.problems == ()
    with pytest.raises(InputError, match=r"month=2017-03/part-.*\.parquet"):
        pipeline.check_inputs([root], config, cache=False, today=TODAY)  # every partition
    (part,) = (root / "queries" / "month=2021-06").glob("part-*.parquet")
    part.write_bytes(b"PAR1" + b"\0" * 100)
    with pytest.raises(InputError, match=r"month=2021-06/part-.*\.parquet"):
        pipeline.check_inputs([root], config, cache=False, today=TODAY, period="2021-06")
    with pytest.raises(UsageError, match="--period"):
        pipeline.check_inputs([export], config, cache=False, today=TODAY, period="2021-06")


def test_validate_names_a_partition_holding_other_rows_than_the_manifest_says(
    tmp_path: Path, config
) -> None:  # type: ignore[no-untyped-def]
    _, root = _archive(tmp_path, config, *EARLY, *LATER)
    raw = json.loads((root / "archive.json").read_text(encoding="utf-8"))
    for partition in raw["partitions"]:
        if partition["dataset"] == "queries" and partition["month"] == "2021-06":
            partition["rows"] = 7  # as if the manifest and the file disagreed
    (root / "archive.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(
        InputError, match=r"month=2021-06/part-.*\.parquet: .* holds 1 rows.*says 7"
    ):
        pipeline.check_inputs([root], config, cache=False, today=TODAY, period="2021-06")


def test_an_archive_at_a_url_does_not_fetch_the_months_it_counts(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    export, root = _archive(tmp_path, config, *EARLY, *LATER)
    direct = pipeline.summary([export], config, "2021-06", cache=False, today=TODAY)
    _spoil(root, "2020-01")  # fetched, they would be refused (their SHA-256 changed)
    url = root.as_uri()
    assert pipeline.summary([url], config, "2021-06", cache=False, today=TODAY) == direct
    report = pipeline.check_inputs([url], config, cache=False, today=TODAY, period="2021-06")
    assert all(s.file.startswith("file://") for s in report.sources)


def test_an_archive_written_before_the_question_log_is_read(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    # 0.3.0 wrote no column types for press_questions, a dataset it did not know.
    export, root = _archive(tmp_path, config, *EARLY, *LATER)
    raw = json.loads((root / "archive.json").read_text(encoding="utf-8"))
    del raw["dtypes"]["press_questions"]
    (root / "archive.json").write_text(json.dumps(raw), encoding="utf-8")
    direct = _build_files(export, config, "2021-06", tmp_path / "a")
    assert _build_files(root, config, "2021-06", tmp_path / "b") == direct
    summary = pipeline.summary([root], config, "2021-06", cache=False, today=TODAY)
    assert summary == pipeline.summary([export], config, "2021-06", cache=False, today=TODAY)


def test_a_month_whose_ids_lie_outside_the_imports_is_passed_over_without_comparing_each(
    tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A cron import's ids (greater than every earlier month's) are compared with an
    earlier month's range by their least and greatest alone, not one by one."""
    import pyarrow.compute as pc

    from engagement_report.archive import writer

    _, root = _archive(tmp_path, config, *EARLY, *LATER)
    compared: list[object] = []
    real = pc.greater_equal

    def greater_equal(*args: object, **kwargs: object) -> object:
        compared.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(writer.pc, "greater_equal", greater_equal)
    new = _queries(tmp_path / "new" / "queries.csv", "Q2022,2022-01-03,,in_progress,Roads,web,A")
    pipeline.archive([new], config, root, cache=False, today=TODAY)
    assert compared == []
    moved = _queries(tmp_path / "moved" / "queries.csv", "Q03,2022-01-04,,in_progress,Roads,web,A")
    pipeline.archive([moved], config, root, cache=False, today=TODAY)
    assert compared  # a range that may hold Q03 is still compared id by id
