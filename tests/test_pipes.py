"""``engagement-report summary`` in pipes: real OS pipes into other processes, a reader
that stops early, and the output rules other tools rely on (README, "Summary contract").

Every run here is the installed console script in its own process, so what is checked
is the bytes another program would read.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import pytest

from engagement_report.export import format_value

SCRIPT = Path(sys.executable).parent / "engagement-report"
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
HEADER = "period_start,period_end,dataset,metric,dimension,category,value"
BOM = b"\xef\xbb\xbf"
PIPE_BUFFER = 65536  # Linux's default pipe capacity


def script_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ENGAGEMENT_REPORT_CONFIG", "NO_COLOR")}
    return {**env, **extra}


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ENGAGEMENT_REPORT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def run_summary(*args: str | Path, env: dict[str, str] | None = None) -> bytes:
    proc = subprocess.run(
        [str(SCRIPT), "summary", *map(str, args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env or script_env(),
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert proc.stderr == b"", proc.stderr.decode("utf-8", "replace")
    return proc.stdout


@cache
def sample_summary(*args: str) -> bytes:
    """``engagement-report summary sample_data ARGS`` (one run per distinct ARGS)."""
    return run_summary(SAMPLE, *args)


def rows(data: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter))


def pipe_into(reader: list[str], *args: str | Path, tmp_path: Path) -> tuple[str, int]:
    """``engagement-report summary ARGS | READER`` over a real OS pipe: the reader's stdout
    and the summary's exit code."""
    with (tmp_path / "summary.stderr").open("wb") as errors:
        writer = subprocess.Popen(
            [str(SCRIPT), "summary", *map(str, args)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=script_env(),
        )
        assert writer.stdout is not None
        consumer = subprocess.Popen(
            reader,
            stdin=writer.stdout,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=script_env(),
        )
        writer.stdout.close()  # the reader holds the only read end now
        out, err = consumer.communicate(timeout=300)
        code = writer.wait(timeout=300)
    assert consumer.returncode == 0, err.decode("utf-8", "replace")
    assert (tmp_path / "summary.stderr").read_bytes() == b""
    return out.decode("utf-8"), code


# --- into another process ----------------------------------------------------------------

CSV_READER = textwrap.dedent(
    """
    import csv, json, sys
    rows = list(csv.DictReader(sys.stdin))
    [value] = [
        r["value"] for r in rows
        if (r["dataset"], r["metric"], r["dimension"]) == ("press_events", "publications", "total")
    ]
    print(json.dumps({"publications": value, "rows": len(rows), "columns": list(rows[0])}))
    """
)


def test_summary_piped_into_a_csv_reader(tmp_path: Path) -> None:
    out, code = pipe_into(
        [sys.executable, "-c", CSV_READER], SAMPLE, "--period", "2021-01", tmp_path=tmp_path
    )
    assert code == 0
    got = json.loads(out)
    assert got["publications"] == "24525"
    assert got["columns"] == HEADER.split(",")
    assert got["rows"] == len(rows(sample_summary("--period", "2021-01")))


# duckdb's CSV sniffer reads the file to guess its dialect and types when the query is
# bound, and the query then reads it again. A pipe cannot be read twice: with
# auto-detection, read_csv('/dev/stdin') on a pipe sees the rest of the stream or nothing
# (duckdb 2.0.1 names the columns column0... or returns no rows). With the contract's
# schema given and auto_detect off, nothing is read ahead and duckdb reads the pipe in one
# pass. (Reading the bytes first and giving duckdb a file works too, see the next test.)
DUCKDB_FROM_STDIN = textwrap.dedent(
    """
    import duckdb
    duckdb.sql("SET enable_progress_bar = false")
    row = duckdb.sql(
        "SELECT count(*), sum(value) FILTER (dataset = 'press_events' "
        "AND metric = 'publications' AND dimension = 'total') "
        "FROM read_csv('/dev/stdin', auto_detect = false, header = true, delim = ',', "
        "quote = '\\"', escape = '\\"', columns = {"
        "'period_start': 'DATE', 'period_end': 'DATE', 'dataset': 'VARCHAR', "
        "'metric': 'VARCHAR', 'dimension': 'VARCHAR', 'category': 'VARCHAR', "
        "'value': 'DOUBLE'})"
    ).fetchall()[0]
    print(f"{row[0]} {row[1]:g}")
    """
)


def test_duckdb_reads_the_summary_from_a_pipe_with_the_contract_schema(tmp_path: Path) -> None:
    pytest.importorskip("duckdb", reason="duckdb is in the test extra: pip install -e '.[test]'")
    out, code = pipe_into(
        [sys.executable, "-c", DUCKDB_FROM_STDIN], SAMPLE, "--period", "2021-01", tmp_path=tmp_path
    )
    assert code == 0
    count, publications = out.split()
    assert publications == "24525"
    assert int(count) == len(rows(sample_summary("--period", "2021-01")))


def test_duckdb_detects_the_summary_types_from_the_piped_bytes(tmp_path: Path) -> None:
    # The other way round: take the bytes off the pipe, then let duckdb sniff a file.
    duckdb = pytest.importorskip(
        "duckdb", reason="duckdb is in the test extra: pip install -e '.[test]'"
    )
    proc = subprocess.Popen(
        [str(SCRIPT), "summary", str(SAMPLE), "--period", "2021-01"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=script_env(),
    )
    data, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    path = tmp_path / "summary.csv"
    path.write_bytes(data)
    con = duckdb.connect()
    con.sql("SET enable_progress_bar = false")
    relation = con.read_csv(str(path))
    assert relation.columns == HEADER.split(",")
    types = dict(zip(relation.columns, map(str, relation.types), strict=True))
    assert types["period_start"] == "DATE" and types["value"] == "DOUBLE"
    [(value,)] = con.sql(
        f"SELECT value FROM read_csv('{path}') WHERE dataset = 'press_events' "
        "AND metric = 'publications' AND dimension = 'total'"
    ).fetchall()
    assert value == 24525


# --- a reader that stops early -------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_head_closing_the_pipe_early_ends_the_summary_quietly(fmt: str, tmp_path: Path) -> None:
    args = ["--by", "month", "--format", fmt]
    # More than a pipe holds, so the summary is still writing when head goes away.
    assert len(sample_summary(*args)) > 2 * PIPE_BUFFER
    command = (
        f"{SCRIPT} summary {SAMPLE} {' '.join(args)} | head -1; "
        'echo "summary exit status: ${PIPESTATUS[0]}" >&2'
    )
    proc = subprocess.run(
        ["bash", "-c", command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=script_env(),
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.count("\n") == 1
    assert proc.stdout.startswith(HEADER if fmt == "csv" else "{")
    assert "Traceback" not in proc.stderr
    assert "BrokenPipe" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert proc.stderr == "summary exit status: 0\n"


# --- output rules -------------------------------------------------------------------------


def test_csv_is_utf8_with_lf_and_no_bom() -> None:
    data = sample_summary("--period", "2021-01")
    assert data.startswith(HEADER.encode() + b"\n")
    assert not data.startswith(BOM)
    assert b"\r" not in data
    assert data.endswith(b"\n")
    data.decode("utf-8")


@pytest.mark.parametrize(
    "locale_env",
    [{"LANG": "C"}, {"LC_ALL": "POSIX"}, {"LANG": "C", "PYTHONIOENCODING": "latin-1"}],
    ids=["LANG=C", "LC_ALL=POSIX", "latin-1-stdout"],
)
def test_csv_is_utf8_whatever_the_locale(
    locale_env: dict[str, str], write_inputs, tmp_path: Path
) -> None:
    folder = write_inputs(
        queries="""\
        query_id,received_at,answered_at,status,topic,channel,district
        Q1,2021-03-01 09:00,2021-03-02 21:00,answered,Общественный транспорт,Web,Медеу
        """
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **locale_env}
    data = run_summary(folder, "--period", "2021-03", env=env)
    assert "queries,received,topic,Общественный транспорт,1\n".encode() in data
    assert "district,Медеу,".encode() in data


def test_excel_csv_has_bom_semicolons_and_decimal_commas() -> None:
    plain = rows(sample_summary("--period", "2021-01"))
    data = sample_summary("--period", "2021-01", "--excel")
    assert data.startswith(BOM + HEADER.replace(",", ";").encode() + b"\n")
    assert b"\r" not in data
    excel = rows(data[len(BOM) :], delimiter=";")
    assert len(excel) == len(plain)
    by_key = {(r["dataset"], r["metric"], r["dimension"], r["category"]): r for r in excel}
    assert by_key["press_events", "questions_per_event", "total", ""]["value"] == "6,511111"
    for row in plain:
        key = (row["dataset"], row["metric"], row["dimension"], row["category"])
        assert by_key[key]["value"] == row["value"].replace(".", ",")


def test_no_header_appends_to_a_file_with_one_header(tmp_path: Path) -> None:
    target = tmp_path / "all.csv"
    command = (
        f"{SCRIPT} summary {SAMPLE} --period 2021-01 > {target} && "
        f"{SCRIPT} summary {SAMPLE} --period 2021-02 --no-header >> {target}"
    )
    subprocess.run(["bash", "-c", command], env=script_env(), cwd=tmp_path, timeout=300, check=True)
    data = target.read_bytes()
    assert data.count(HEADER.encode()) == 1
    january = rows(sample_summary("--period", "2021-01"))
    february = rows(run_summary(SAMPLE, "--period", "2021-02"))
    assert rows(data) == january + february


def test_excel_no_header_rows_carry_no_bom() -> None:
    # Rows meant for appending to an Excel CSV must not bring a second BOM along.
    data = sample_summary("--period", "2021-01", "--excel", "--no-header")
    assert not data.startswith(BOM)
    assert data.startswith(b"2021-01-01;2021-01-31;queries;received;total;;")


def test_jsonl_is_one_object_per_line_with_the_csv_records() -> None:
    data = sample_summary("--period", "2021-01", "--format", "jsonl")
    assert b"\r" not in data and data.endswith(b"\n")
    lines = data.decode("utf-8").splitlines()
    objects = [json.loads(line) for line in lines]
    assert all(isinstance(o, dict) for o in objects)
    from_csv = rows(sample_summary("--period", "2021-01"))
    assert len(objects) == len(from_csv)
    for obj, row in zip(objects, from_csv, strict=True):
        assert list(obj) == HEADER.split(",")
        assert {k: v for k, v in obj.items() if k != "value"} == {
            k: v for k, v in row.items() if k != "value"
        }
        assert format_value(obj["value"]) == row["value"]


def test_wide_has_one_row_per_period_and_one_column_per_figure() -> None:
    data = sample_summary("--period", "2021-01", "--wide")
    header = data.decode("utf-8").splitlines()[0]
    assert header.startswith("period_start,period_end,queries.received,queries.answered,")
    [row] = rows(data)
    assert "queries.received.topic.Public transport" in row
    long = rows(sample_summary("--period", "2021-01"))
    assert len(row) == 2 + len(long)
    for record in long:
        name = f"{record['dataset']}.{record['metric']}"
        if record["dimension"] != "total":
            name += f".{record['dimension']}.{record['category']}"
        assert row[name] == record["value"], name


def test_wide_by_month_matches_the_long_format() -> None:
    period = ("--period", "2020-01-01..2020-03-31", "--by", "month")
    wide = rows(sample_summary(*period, "--wide"))
    assert [(r["period_start"], r["period_end"]) for r in wide] == [
        ("2020-01-01", "2020-01-31"),
        ("2020-02-01", "2020-02-29"),
        ("2020-03-01", "2020-03-31"),
    ]
    long = {
        r["period_start"]: r["value"]
        for r in rows(sample_summary(*period))
        if (r["dataset"], r["metric"], r["dimension"]) == ("queries", "received", "total")
    }
    assert len(long) == 3
    assert {r["period_start"]: r["queries.received"] for r in wide} == long
    assert all(int(value) > 0 for value in long.values())


def test_by_quarter_gives_four_blocks() -> None:
    records = rows(sample_summary("--period", "2020", "--by", "quarter"))
    blocks: list[tuple[str, str]] = []
    for r in records:
        if not blocks or blocks[-1] != (r["period_start"], r["period_end"]):
            blocks.append((r["period_start"], r["period_end"]))
    assert blocks == [
        ("2020-01-01", "2020-03-31"),
        ("2020-04-01", "2020-06-30"),
        ("2020-07-01", "2020-09-30"),
        ("2020-10-01", "2020-12-31"),
    ]
    # Each block is the summary of that quarter on its own.
    q2 = [r for r in records if r["period_start"] == "2020-04-01"]
    assert q2 == rows(run_summary(SAMPLE, "--period", "2020-Q2"))


@pytest.mark.parametrize(
    "args",
    [("--period", "2021-01"), ("--period", "2020", "--by", "quarter", "--wide")],
    ids=["long", "wide-by-quarter"],
)
def test_two_runs_give_the_same_bytes(args: tuple[str, ...]) -> None:
    assert run_summary(SAMPLE, *args) == sample_summary(*args)
