"""The run manifest (manifest.json) and ``diff_runs``: why did a figure change between runs?

Each run here is ``pipeline.build`` on tiny CSVs, with the manifest written beside the
reports by the test itself (build_manifest + write_files), so these tests do not depend
on how ``build`` wires the manifest in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from engagement_report import __version__, export, output, pipeline
from engagement_report.config import Config
from engagement_report.errors import InputError
from engagement_report.loading import discover_inputs
from engagement_report.manifest import MANIFEST_NAME, build_manifest, manifest_text
from engagement_report.run_diff import (
    FigureChange,
    InputChange,
    SourceChange,
    diff_dict,
    diff_runs,
    diff_text,
)

QUERIES = """\
query_id,received_at,answered_at,status,topic,channel,district
Q1,2021-03-01 09:00,2021-03-02 21:00,answered,Roads,Web,Medeu
Q2,2021-03-02 10:00,2021-03-03 10:00,answered,Roads,Web,Medeu
Q3,2021-03-03 10:00,,in progress,Parks,Phone,Almaly
"""
BROADCASTS = """\
date,program,speaker,topic,questions_answered,tv_segments
2021-03-04,Akimat LIVE,Head A,Roads,10,3
"""
PRESS_EVENTS = """\
date,title,topic,speakers,journalist_questions,publications
2021-03-05,Briefing: snow removal,Roads,2,5,40
"""
# One more answered query (a topic the first run did not have) and one whose date cannot
# be read, so it is rejected.
EXTRA_ROWS = (
    "Q4,2021-03-04 10:00,2021-03-05 10:00,answered,Снег,Phone,Almaly\n"
    "Q5,31.02.2021,,answered,Parks,Phone,Almaly\n"
)
ALMATY = timezone(timedelta(hours=5))
TODAY = date(2021, 4, 15)
FULL = Config()  # reports with charts: slower, for the tests about written files
FAST = Config(formats=("csv", "json"))


def run(
    inputs: Path,
    out: Path,
    when: datetime | None = None,
    *,
    config: Config = FAST,
    period: str = "2021-03",
) -> pipeline.BuildResult:
    """Build into ``out`` and write manifest.json there, last, as build will."""
    result = pipeline.build([inputs], config, period=period, out=out, today=TODAY)
    texts = {  # once build writes its own manifest, this one replaces it
        name: path.read_bytes().decode("utf-8")
        for name, path in result.files.items()
        if name != MANIFEST_NAME
    }
    manifest = build_manifest(
        command=["engagement-report", "build", str(inputs), "--period", "2021-03"],
        period=result.figures.period,
        inputs=discover_inputs([inputs]),
        report=result.data.report,
        records=export.summary_records(result.figures),
        files=texts,
        generated_at=when or datetime(2021, 4, 15, 9, 30, tzinfo=ALMATY),
    )
    output.write_files(out, {MANIFEST_NAME: manifest_text(manifest)})
    return result


@pytest.fixture
def inputs(write_csvs: Callable[..., Path], tmp_path: Path) -> Path:
    return write_csvs(
        tmp_path / "inputs", queries=QUERIES, broadcasts=BROADCASTS, press_events=PRESS_EVENTS
    )


def read(folder: Path) -> dict:
    return json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))


# --- the manifest ---------------------------------------------------------------------


def test_manifest_records_tool_period_inputs_sources_figures_outputs(
    inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "reports" / "2021-03"
    result = run(inputs, out, config=FULL)
    manifest = read(out)

    assert manifest["tool"] == {"name": "engagement-report", "version": __version__}
    assert manifest["command"] == ["engagement-report", "build", str(inputs), "--period", "2021-03"]
    assert manifest["period"]["label"] == "2021-03"
    assert (manifest["period"]["start"], manifest["period"]["end"]) == ("2021-03-01", "2021-03-31")
    assert manifest["generated_at"] == "2021-04-15T09:30:00+05:00"

    by_name = {i["name"]: i for i in manifest["inputs"]}
    assert set(by_name) == {"queries.csv", "broadcasts.csv", "press_events.csv"}
    queries = inputs / "queries.csv"
    assert by_name["queries.csv"] == {
        "path": str(queries),
        "name": "queries.csv",
        "size": queries.stat().st_size,
        "sha256": hashlib.sha256(queries.read_bytes()).hexdigest(),
    }

    source = next(s for s in manifest["sources"] if s["name"] == "queries.csv")
    assert source["dataset"] == "queries"
    assert source["sheet"] is None
    assert source["rows"] == {
        "read": 3,
        "used": 3,
        "duplicate": 0,
        "blank": 0,
        "total_rows": 0,
        "rejected": 0,
    }
    assert source["warnings"] == 0

    records = export.summary_records(result.figures)
    assert manifest["figures"] == [
        {
            "dataset": r.dataset,
            "metric": r.metric,
            "dimension": r.dimension,
            "category": r.category,
            "value": r.value,
        }
        for r in records
    ]
    received = next(f for f in manifest["figures"] if f["metric"] == "received")
    assert received["value"] == 3

    # every file written, with the hash and size of what is on disk; not the manifest itself
    outputs = {o["name"]: o for o in manifest["outputs"]}
    assert set(outputs) == set(result.files) - {MANIFEST_NAME}
    assert {"report.md", "report.html", "summary.csv", "summary.json"} <= set(outputs)
    for name, entry in outputs.items():
        data = (out / name).read_bytes()
        assert entry == {
            "name": name,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }


def test_manifest_text_is_sorted_utf8_json_with_a_final_newline(
    inputs: Path, tmp_path: Path
) -> None:
    with (inputs / "queries.csv").open("a", encoding="utf-8") as handle:
        handle.write(EXTRA_ROWS)
    out = tmp_path / "out"
    run(inputs, out)
    text = (out / MANIFEST_NAME).read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert '"Снег"' in text  # not \u-escaped
    manifest = json.loads(text)
    assert list(manifest) == sorted(manifest)
    assert manifest_text(manifest) == text


def test_generated_at_needs_a_time_zone(inputs: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="time zone"):
        run(inputs, tmp_path / "out", when=datetime(2021, 4, 15, 9, 30))


# --- diff_runs ------------------------------------------------------------------------


def test_diff_explains_an_added_row_and_a_rejected_row(inputs: Path, tmp_path: Path) -> None:
    old_dir, new_dir = tmp_path / "run1", tmp_path / "run2"
    run(inputs, old_dir)
    old_size = (inputs / "queries.csv").stat().st_size
    with (inputs / "queries.csv").open("a", encoding="utf-8") as handle:
        handle.write(EXTRA_ROWS)
    new_size = (inputs / "queries.csv").stat().st_size
    run(inputs, new_dir, when=datetime(2021, 4, 16, 8, 0, tzinfo=UTC))

    d = diff_runs(old_dir, new_dir)

    assert not d.empty
    assert not d.period_changed
    assert (d.old_version, d.new_version) == (__version__, __version__)
    assert d.inputs == (InputChange("queries.csv", "changed", old_size, new_size),)
    assert set(d.sources) == {
        SourceChange("queries.csv", None, "queries", "read", 3, 5),
        SourceChange("queries.csv", None, "queries", "used", 3, 4),
        SourceChange("queries.csv", None, "queries", "rejected", 0, 1),
    }
    figures = {(f.metric, f.dimension, f.category): f for f in d.figures}
    received = figures["received", "total", ""]
    assert (received.old, received.new, received.change) == (3, 4, 1)
    share = figures["answered_share", "total", ""]
    assert (share.old, share.new, share.change) == (0.666667, 0.75, 0.083333)
    # a topic only the second run has
    assert figures["received", "topic", "Снег"] == FigureChange(
        "queries", "received", "topic", "Снег", None, 1, only_in="new"
    )
    # figures that did not move are not listed
    assert ("broadcasts", "total", "") not in figures
    assert all(f.old != f.new for f in d.figures)

    text = diff_text(d)
    assert "queries.csv: changed" in text
    assert "rows read 3 → 5, used 3 → 4, rejected 0 → 1" in text
    assert "queries received: 3 → 4 (+1)" in text
    assert "queries answered_share: 0.666667 → 0.75 (+0.083333" in text
    assert "queries received (topic: Снег): only in the new run, 1" in text
    assert "no figure changed" not in text
    inputs_at = text.index("queries.csv: changed")
    rows_at = text.index("rejected 0 → 1")
    figures_at = text.index("queries received: 3 → 4")
    assert inputs_at < rows_at < figures_at

    as_dict = diff_dict(d)
    json.dumps(as_dict)  # JSON-ready
    assert as_dict["inputs"] == [
        {"name": "queries.csv", "change": "changed", "old_size": old_size, "new_size": new_size}
    ]
    assert {"name": "queries.csv", "sheet": None, "dataset": "queries", "field": "rejected",
            "old": 0, "new": 1} in as_dict["sources"]  # fmt: skip
    share_dict = next(
        f
        for f in as_dict["figures"]
        if f["metric"] == "answered_share" and f["dimension"] == "total"
    )
    assert (share_dict["old"], share_dict["new"], share_dict["change"]) == (
        0.666667,
        0.75,
        0.083333,
    )


def test_identical_runs_give_an_empty_diff(inputs: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    run(inputs, first, config=FULL)
    run(inputs, second, when=datetime(2022, 1, 1, tzinfo=UTC), config=FULL)  # only the time differs
    d = diff_runs(first, second)
    assert d.empty
    assert (d.inputs, d.sources, d.figures) == ((), (), ())
    assert "no figure changed" in diff_text(d)
    assert "no input file changed" in diff_text(d)
    assert diff_dict(d)["empty"] is True
    # the reports carry no time: the same inputs give the same bytes
    assert read(first)["outputs"] == read(second)["outputs"]


def test_removed_and_added_inputs(inputs: Path, tmp_path: Path) -> None:
    run(inputs, tmp_path / "a")
    size = (inputs / "press_events.csv").stat().st_size
    (inputs / "press_events.csv").rename(tmp_path / "press_events.csv")
    (inputs / "more_queries.csv").write_text(
        "query_id,received_at,status\nQ9,2021-03-09 10:00,answered\n", encoding="utf-8"
    )
    run(inputs, tmp_path / "b")
    d = diff_runs(tmp_path / "a", tmp_path / "b")
    changes = {i.name: i for i in d.inputs}
    assert changes["press_events.csv"] == InputChange("press_events.csv", "removed", size, None)
    assert changes["more_queries.csv"].change == "added"
    assert changes["more_queries.csv"].old_size is None
    assert SourceChange("press_events.csv", None, "press_events", "read", 1, None) in d.sources
    assert SourceChange("more_queries.csv", None, "queries", "read", None, 1) in d.sources
    text = diff_text(d)
    assert "press_events.csv: removed" in text
    assert "more_queries.csv (queries): new source: 1 rows read, 1 used" in text


def test_a_different_period_is_pointed_out(inputs: Path, tmp_path: Path) -> None:
    run(inputs, tmp_path / "march")
    run(inputs, tmp_path / "q1", period="2021-Q1")
    d = diff_runs(tmp_path / "march", tmp_path / "q1")
    assert d.period_changed
    assert not d.empty
    assert "different periods (2021-03 and 2021-Q1)" in diff_text(d)


def test_a_folder_without_a_manifest_is_named(inputs: Path, tmp_path: Path) -> None:
    good = tmp_path / "good"
    run(inputs, good)
    bare = tmp_path / "no-manifest"
    bare.mkdir()
    with pytest.raises(InputError) as caught:
        diff_runs(bare, good)
    assert str(bare) in str(caught.value)
    assert MANIFEST_NAME in str(caught.value)

    missing = tmp_path / "nowhere"
    with pytest.raises(InputError, match="no such report folder") as caught:
        diff_runs(good, missing)
    assert str(missing) in str(caught.value)

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON") as caught:
        diff_runs(good, broken)
    assert str(broken) in str(caught.value)

    (broken / MANIFEST_NAME).write_text('{"figures": []}', encoding="utf-8")
    with pytest.raises(InputError, match="not a run manifest") as caught:
        diff_runs(good, broken)
    assert str(broken) in str(caught.value)
