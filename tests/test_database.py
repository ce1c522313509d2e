"""``summary --to URL`` and ``[output] database``: the figures in table engagement_summary,
on SQLite and on a real PostgreSQL server (tests/postgres.py starts one)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
import sqlalchemy as sa
from postgres import PASSWORD, running_server, server_bin
from typer.testing import CliRunner

from engagement_report import __version__
from engagement_report.cli import app
from engagement_report.publish.database import TABLE_NAME, inputs_hash, redact

QUERIES = """\
query_id,received_at,answered_at,status,topic,channel,district
Q1,2021-03-01 09:00,2021-03-02 21:00,answered,Roads,Web,Medeu
Q2,2021-03-02 10:00,2021-03-03 10:00,answered,Roads,Web,Medeu
Q3,2021-03-03 10:00,,in progress,Parks,Phone,Almaly
Q4,2021-04-01 10:00,2021-04-02 10:00,answered,Parks,Phone,Almaly
"""


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ENGAGEMENT_REPORT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[tuple[int, str]]:
    if server_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must test against PostgreSQL: .ci/run installs Debian's postgresql")
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    with running_server() as server:
        yield server


def _pg_url(port: int, user: str, dbname: str, password: str = PASSWORD) -> str:
    return f"postgresql://{user}:{quote(password, safe='')}@127.0.0.1:{port}/{dbname}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database's URL: a SQLite file, or a fresh database on the server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'figures.db'}"
    port, user = request.getfixturevalue("postgres_server")
    name = f"t_{hashlib.sha256(str(tmp_path).encode()).hexdigest()[:12]}"
    with psycopg.connect(
        host="127.0.0.1",
        port=port,
        user=user,
        password=PASSWORD,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return _pg_url(port, user, name)


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def _rows(url: str) -> list[tuple]:
    engine = _engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                f"SELECT period_start, period_end, dataset, metric, dimension, category, value, "
                f"tool_version, inputs_sha256 FROM {TABLE_NAME} "
                "ORDER BY period_start, dataset, metric, dimension, category"
            )
        ).all()
    engine.dispose()
    return [tuple(str(v) if not isinstance(v, float | type(None)) else v for v in r) for r in rows]


def _figure(rows: list[tuple], start: str, metric: str, dimension: str = "total") -> object:
    found = [r[6] for r in rows if r[0] == start and r[3] == metric and r[4] == dimension]
    assert len(found) == 1, (start, metric, found)
    return found[0]


def invoke(*args: str | Path):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_period_lands_in_the_table_and_a_rerun_replaces_it(write_inputs, database) -> None:
    inputs = write_inputs(queries=QUERIES)
    first = invoke("summary", inputs, "--period", "2021-03", "--to", database)
    assert first.exit_code == 0, first.output
    assert first.stdout == ""  # the records went to the database, not to stdout
    assert "to table engagement_summary in" in first.stderr and PASSWORD not in first.stderr
    rows = _rows(database)
    assert _figure(rows, "2021-03-01", "received") == 3  # Q1, Q2, Q3
    assert _figure(rows, "2021-03-01", "answered") == 2
    assert _figure(rows, "2021-03-01", "answered_share") == pytest.approx(0.666667)
    assert _figure(rows, "2021-03-01", "median_response_days") is not None
    assert {r[7] for r in rows} == {__version__}
    assert {r[8] for r in rows} == {inputs_hash([inputs / "queries.csv"])}
    summary_csv = invoke("summary", inputs, "--period", "2021-03")
    assert len(rows) == len(summary_csv.stdout.splitlines()) - 1  # every record, once

    again = invoke("summary", inputs, "--period", "2021-03", "--to", database)
    assert again.exit_code == 0, again.output
    assert _rows(database) == rows  # replaced, not appended


def test_two_periods_each_replaced_alone(write_inputs, database) -> None:
    inputs = write_inputs(queries=QUERIES)
    assert invoke("summary", inputs, "--period", "2021-03", "--to", database).exit_code == 0
    assert invoke("summary", inputs, "--period", "2021-04", "--to", database).exit_code == 0
    rows = _rows(database)
    assert _figure(rows, "2021-03-01", "received") == 3
    assert _figure(rows, "2021-04-01", "received") == 1
    march = [r for r in rows if r[0] == "2021-03-01"]

    # April's data changes; rerunning April leaves March's rows exactly as they were.
    (inputs / "queries.csv").write_text(
        QUERIES + "Q5,2021-04-05 10:00,,in progress,Parks,Phone,Almaly\n", encoding="utf-8"
    )
    assert invoke("summary", inputs, "--period", "2021-04", "--to", database).exit_code == 0
    rows = _rows(database)
    assert _figure(rows, "2021-04-01", "received") == 2
    assert [r for r in rows if r[0] == "2021-03-01"] == march
    assert {r[8] for r in rows if r[0] == "2021-04-01"} == {inputs_hash([inputs / "queries.csv"])}


def test_summary_by_month_writes_each_month(write_inputs, database) -> None:
    inputs = write_inputs(queries=QUERIES)
    done = invoke("summary", inputs, "--period", "2021-03-01..2021-04-30", "--by", "month",
                  "--to", database)  # fmt: skip
    assert done.exit_code == 0, done.output
    rows = _rows(database)
    assert {r[0] for r in rows} == {"2021-03-01", "2021-04-01"}
    assert _figure(rows, "2021-03-01", "received") == 3


def _refuse_inserts(url: str) -> None:
    """Make the database refuse any new row of publications (a write failing half-way:
    after the period's old rows were deleted, while the new ones go in)."""
    engine = _engine(url)
    with engine.begin() as connection:
        if url.startswith("sqlite"):
            connection.execute(sa.text(
                f"CREATE TRIGGER refuse BEFORE INSERT ON {TABLE_NAME} "
                "WHEN NEW.metric = 'publications' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            ))  # fmt: skip
        else:
            connection.execute(sa.text(
                f"ALTER TABLE {TABLE_NAME} ADD CONSTRAINT refuse "
                "CHECK (metric <> 'publications') NOT VALID"
            ))  # fmt: skip
    engine.dispose()


def test_a_failing_write_leaves_the_table_as_it_was(write_inputs, database) -> None:
    inputs = write_inputs(queries=QUERIES)
    assert invoke("summary", inputs, "--period", "2021-03", "--to", database).exit_code == 0
    assert invoke("summary", inputs, "--period", "2021-04", "--to", database).exit_code == 0
    before = _rows(database)
    _refuse_inserts(database)
    (inputs / "queries.csv").write_text(
        QUERIES + "Q5,2021-03-05 10:00,,in progress,Parks,Phone,Almaly\n", encoding="utf-8"
    )
    failed = invoke("summary", inputs, "--period", "2021-03", "--to", database)
    assert failed.exit_code == 3, failed.output
    message = failed.stderr.strip()
    assert "\n" not in message and "cannot write table engagement_summary" in message
    assert PASSWORD not in failed.output and quote(PASSWORD, safe="") not in failed.output
    assert _rows(database) == before


def test_a_connection_that_fails_is_exit_3_without_the_password(postgres_server) -> None:
    port, user = postgres_server
    wrong = _pg_url(port, user, "postgres", password=PASSWORD + "-wrong")
    closed = _pg_url(port + 1 if port < 65535 else port - 1, user, "postgres")
    for url in (wrong, closed):
        done = invoke("summary", Path(__file__).parent.parent / "sample_data", "--period",
                      "2021-01", "--to", url)  # fmt: skip
        assert done.exit_code == 3, done.output
        message = done.stderr.strip()
        assert "\n" not in message, message
        assert message.startswith(f"error: postgresql://{user}:***@127.0.0.1"), message
        for spelling in (PASSWORD, quote(PASSWORD, safe=""), PASSWORD + "-wrong"):
            assert spelling not in done.output
    assert "password authentication failed" in invoke(
        "summary", Path(__file__).parent.parent / "sample_data", "--period", "2021-01",
        "--to", wrong,
    ).stderr  # fmt: skip


def test_a_missing_sqlite_folder_is_exit_3(write_inputs, tmp_path: Path) -> None:
    inputs = write_inputs(queries=QUERIES)
    done = invoke("summary", inputs, "--to", f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}")
    assert done.exit_code == 3, done.output
    assert "cannot write table engagement_summary" in done.stderr


def test_not_a_database_url_is_exit_2(write_inputs) -> None:
    inputs = write_inputs(queries=QUERIES)
    done = invoke("summary", inputs, "--to", "nosuchdb://x:pw@host/db")
    assert done.exit_code == 2, done.output
    assert "pw" not in done.stderr.replace("postgresql", "")


def test_redact_hides_the_password() -> None:
    assert redact("postgresql://u:p%40ss@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert redact("sqlite:///x.db") == "sqlite:///x.db"


def test_build_writes_the_config_database(write_inputs, tmp_path: Path) -> None:
    inputs = write_inputs(queries=QUERIES)
    url = f"sqlite:///{tmp_path / 'monthly.db'}"
    config = tmp_path / "engagement-report.toml"
    config.write_text(f'[output]\nfolder = "out"\ndatabase = "{url}"\n', encoding="utf-8")
    done = invoke("build", inputs, "--period", "2021-03", "--config", config)
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out" / "2021-03" / "summary.csv").is_file()
    assert _figure(_rows(url), "2021-03-01", "received") == 3


def test_inputs_hash_is_sha256sum_of_the_files(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text("b", encoding="utf-8")
    (tmp_path / "a.csv").write_text("a", encoding="utf-8")
    lines = "".join(
        f"{hashlib.sha256(text.encode()).hexdigest()}  {name}\n"
        for name, text in (("a.csv", "a"), ("b.csv", "b"))
    )
    expected = hashlib.sha256(lines.encode()).hexdigest()
    assert inputs_hash([tmp_path / "b.csv", tmp_path / "a.csv"]) == expected


def test_the_output_table_of_the_config() -> None:
    from engagement_report.config import parse_config
    from engagement_report.errors import ConfigError

    config = parse_config({"output": {"folder": "out", "database": "sqlite:///f.db"}})
    assert (config.output, config.database) == ("out", "sqlite:///f.db")
    assert parse_config({"output": "out"}).database is None
    with pytest.raises(ConfigError, match=r"unknown key 'output\.databse'"):
        parse_config({"output": {"databse": "sqlite:///f.db"}})
    with pytest.raises(ConfigError, match="must be a URL"):
        parse_config({"output": {"database": "figures.db"}})


def test_the_inputs_hash_is_of_the_content_as_it_was_read(tmp_path: Path) -> None:
    from engagement_report.hashing import seen

    path = tmp_path / "queries.csv"
    path.write_text("received_at,status\n2021-01-05,answered\n", encoding="utf-8")
    as_read = seen(path)
    path.write_text("received_at,status\n2021-01-06,answered\n", encoding="utf-8")
    expected = hashlib.sha256(f"{as_read.sha256}  queries.csv\n".encode()).hexdigest()
    assert inputs_hash([as_read]) == expected
    assert inputs_hash([path]) != expected  # a path is hashed as it is now


@pytest.mark.parametrize("at_url", [False, True], ids=["folder", "url"])
def test_a_summary_of_an_archive_records_the_partitions_it_read(
    write_inputs, database, tmp_path: Path, at_url: bool
) -> None:
    from engagement_report.archive import read_manifest

    root = tmp_path / "archive"
    inputs = write_inputs(queries=QUERIES)
    done = invoke("archive", inputs, "--to", root, "--today", "2026-01-01", "--quiet")
    assert done.exit_code == 0, done.output
    address = root.as_uri() if at_url else str(root)
    written = invoke(
        "summary", address, "--period", "2021-03", "--today", "2026-01-01", "--to", database
    )
    assert written.exit_code == 0, written.output
    # A summary of March reads the months up to March: the March partition, whose
    # SHA-256 the archive's manifest records (and the read checked), at a folder or a URL.
    (march,) = [p for p in read_manifest(root).partitions if p.month <= "2021-03"]
    part = root / march.key / march.file
    assert hashlib.sha256(part.read_bytes()).hexdigest() == march.sha256
    expected = hashlib.sha256(f"{march.sha256}  {march.file}\n".encode()).hexdigest()
    rows = _rows(database)
    assert _figure(rows, "2021-03-01", "received") == 3
    assert {r[8] for r in rows} == {expected}
