"""An archive named by fsspec URL: file:// and s3:// (a local moto server), read by the
pandas engine and by Dask's workers, with the figures of the archive's folder."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from engagement_report import pipeline
from engagement_report.config import load_config
from engagement_report.errors import InputError, UsageError

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def config():  # type: ignore[no-untyped-def]
    return load_config(None)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, config) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("archive") / "archive"
    pipeline.archive([SAMPLE], config, root, cache=False, today=TODAY)
    return root


@pytest.fixture(scope="module")
def bucket(archive: Path):  # type: ignore[no-untyped-def]
    """The archive uploaded to a bucket of a local S3 server (moto); its s3:// URL."""
    pytest.importorskip("s3fs")
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    patch = pytest.MonkeyPatch()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,  # botocore reads it: s3fs then talks to moto
        "FSSPEC_S3_ENDPOINT_URL": endpoint,
    }.items():
        patch.setenv(name, value)
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": endpoint})
    fs.mkdir("archives")
    for path in sorted(archive.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            fs.put_file(str(path), f"archives/city/{path.relative_to(archive).as_posix()}")
    yield "s3://archives/city"
    patch.undo()
    server.stop()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_file_url_archive_gives_the_folders_summary(archive: Path, config) -> None:  # type: ignore[no-untyped-def]
    url = archive.as_uri()  # file:///…
    for period in ("2021-01", None):
        assert pipeline.summary([url], config, period, cache=False, today=TODAY) == (
            pipeline.summary([archive], config, period, cache=False, today=TODAY)
        )


def test_an_s3_archive_builds_the_folders_report(  # type: ignore[no-untyped-def]
    archive: Path, bucket: str, tmp_path: Path, config
) -> None:
    from_folder = pipeline.build(
        [archive], config, period="2021-01", out=tmp_path / "folder", cache=False, today=TODAY
    )
    from_s3 = pipeline.build(
        [bucket], config, period="2021-01", out=tmp_path / "s3", cache=False, today=TODAY
    )
    assert from_s3.figures == from_folder.figures
    for name in ("summary.csv", "summary.json"):
        assert (tmp_path / "s3" / name).read_bytes() == (tmp_path / "folder" / name).read_bytes()
    # The report names the partition files by their URL, not by the local copy read.
    sources = [s.file for s in from_s3.data.report.sources]
    assert sources and all(s.startswith(f"{bucket}/") and "/month=" in s for s in sources)
    assert f"{bucket}/queries/month=2021-01/part-" in (tmp_path / "s3" / "manifest.json").read_text(
        encoding="utf-8"
    )


def test_dask_workers_read_an_s3_archive(
    archive: Path, bucket: str, tmp_path: Path, config
) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    from engagement_report.engines.dask import Cluster

    cluster = Cluster(workers=2, processes=False)
    on_pandas = pipeline.summary([archive], config, "2020", by="quarter", cache=False, today=TODAY)
    on_dask = pipeline.summary(
        [bucket], config, "2020", by="quarter", today=TODAY, engine="dask", cluster=cluster
    )
    assert "".join(on_dask).encode() == "".join(on_pandas).encode()


def test_a_damaged_partition_at_a_url_is_named(archive: Path, tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(archive, copy)
    part = next((copy / "queries" / "month=2021-01").glob("*.parquet"))
    part.write_bytes(part.read_bytes()[:-100])
    with pytest.raises(InputError, match=r"month=2021-01.*changed since it was imported"):
        pipeline.summary([copy.as_uri()], config, "2021-01", cache=False, today=TODAY)
    part.unlink()
    with pytest.raises(InputError, match=rf"{copy.as_uri()}/queries/month=2021-01/.*missing"):
        pipeline.summary([copy.as_uri()], config, "2021-01", cache=False, today=TODAY)


def test_a_url_without_an_archive_is_refused(tmp_path: Path, config) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="no archive there"):
        pipeline.summary([tmp_path.as_uri()], config, "2021-01", cache=False, today=TODAY)


def test_a_protocol_without_its_package_says_so(tmp_path: Path) -> None:
    import os
    import subprocess

    # A process of its own: fsspec keeps the file systems it has imported.
    blocked = (
        "import sys; sys.modules['s3fs'] = None; from engagement_report.cli import main; main()"
    )
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("ENGAGEMENT_REPORT_CONFIG", None)
    for url, said in (("s3://bucket/archive", "s3fs"), ("nosuch://x/archive", "nosuch")):
        done = subprocess.run(
            [sys.executable, "-c", blocked, "summary", url, "--period", "2021-01"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert said in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_the_run_manifest_names_the_urls_read_with_their_sha256(  # type: ignore[no-untyped-def]
    archive: Path, tmp_path: Path, config
) -> None:
    import json

    from engagement_report.archive import read_manifest

    url = archive.as_uri()
    pipeline.build([url], config, period="2021-01", out=tmp_path / "o", cache=False, today=TODAY)
    inputs = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    recorded = {f"{url}/{p.key}/{p.file}": p.sha256 for p in read_manifest(archive).partitions}
    assert inputs and {i["path"]: i["sha256"] for i in inputs}.items() <= recorded.items()
    assert all(i["name"] == i["path"].rsplit("/", 1)[1] for i in inputs)


def test_the_figures_cache_serves_a_url_archive_only_its_own_content(  # type: ignore[no-untyped-def]
    tmp_path: Path, config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run reads a URL through a temporary copy, another one each process: the cache
    keys on the URLs and the SHA-256 checked on arrival, so an unchanged archive is served
    from the cache and an archive imported again is not."""
    from engagement_report import analysis, cache
    from engagement_report.archive import remote

    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[object] = []
    real = analysis.period_figures

    def period_figures(*args: object, **kwargs: object) -> object:
        calls.append(args[1])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "period_figures", period_figures)
    header = "query_id,received_at,answered_at,status,topic,channel,district\n"
    export = tmp_path / "in" / "queries.csv"
    export.parent.mkdir()
    export.write_text(header + "Q1,2021-03-01,,in_progress,Roads,web,A\n", encoding="utf-8")
    root = tmp_path / "archive"
    pipeline.archive([export], config, root, cache=False, today=TODAY)

    def build(out: str) -> pipeline.BuildResult:
        monkeypatch.setattr(remote, "_copies", {})  # a new process: a new temporary copy
        result = pipeline.build(
            [root.as_uri()], config, period="2021-03", out=tmp_path / out, today=TODAY
        )
        cache.wait()
        return result

    assert build("a").figures.queries.answered == 0
    assert build("b").figures.queries.answered == 0
    assert len(calls) == 1  # the second run was served its figures from the cache
    export.write_text(header + "Q1,2021-03-01,2021-03-02,answered,Roads,web,A\n", encoding="utf-8")
    pipeline.archive([export], config, root, cache=False, today=TODAY)
    assert build("c").figures.queries.answered == 1
    assert len(calls) == 2


@pytest.mark.parametrize("url", ["s3://bucket/archive", "file:///srv/archive"])
def test_an_archive_is_not_written_to_a_url(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused by name (exit 2) before anything is read or written: an object store
    can neither swap an import in whole nor lock out a second import; and the URL is
    never folded into a local folder named ``s3:``."""
    from typer.testing import CliRunner

    from engagement_report.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENGAGEMENT_REPORT_CONFIG", raising=False)
    done = CliRunner().invoke(app, ["archive", str(SAMPLE), "--to", url, "--today", "2026-01-01"])
    assert done.exit_code == 2, done.output
    assert f"--to {url}: an archive is written to a folder, not to a URL" in done.output
    assert "Traceback" not in done.output
    assert list(tmp_path.iterdir()) == []
