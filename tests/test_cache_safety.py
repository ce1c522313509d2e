"""A cache folder is not a place to take code or figures from (issue 19): it is private,
a folder or entry others could have written is refused, every file is checked against
its checksum, a damaged entry is deleted, and no compiled template is ever loaded."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from helpers import calls_to

from engagement_report import cache, pipeline
from engagement_report.cache import store as cache_store
from engagement_report.config import Config

QUERIES = """\
    Номер обращения;Дата поступления;Дата ответа;Статус;Тема
    А-1;01.03.2021 09:00;02.03.2021 10:00;Исполнено;Дороги
    А-2;02.03.2021 09:00;;В работе;Экология
    А-3;03.03.2021 09:00;;В работе;Экология
"""


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(folder))
    monkeypatch.setattr(cache_store, "_warned", set())
    return folder


@pytest.fixture
def inputs(tmp_path: Path, write_csvs: Callable[..., Path]) -> Path:
    return write_csvs(tmp_path / "inputs", queries=QUERIES)


def build(inputs: Path, out: Path, **options: object) -> pipeline.BuildResult:
    result = pipeline.build([inputs], Config(), out=out, today=date(2021, 4, 1), **options)  # type: ignore[arg-type]
    cache.wait()
    return result


def entry(folder: Path, kind: str = "checked") -> Path:
    [found] = folder.glob(f"{kind}-*")
    return found


def test_the_cache_folder_is_created_private(
    inputs: Path, tmp_path: Path, cache_folder: Path
) -> None:
    build(inputs, tmp_path / "out")
    assert stat.S_IMODE(cache_folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(entry(cache_folder).stat().st_mode) == 0o700


@pytest.mark.parametrize("target", ["folder", "entry", "file"])
def test_a_cache_others_can_write_is_refused_with_one_warning(
    target: str,
    inputs: Path,
    tmp_path: Path,
    cache_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build(inputs, tmp_path / "a")
    capsys.readouterr()
    kept = entry(cache_folder)
    path = {"folder": cache_folder, "entry": kept, "file": kept / "queries.arrow"}[target]
    path.chmod(path.stat().st_mode | stat.S_IWOTH)
    monkeypatch.setattr(cache_store, "_warned", set())
    reads = calls_to(monkeypatch, pipeline.checking, "load_inputs")
    result = build(inputs, tmp_path / "b")
    assert len(reads) == 1  # checked afresh, not taken from the cache
    assert result.figures.queries.received == 3
    err = capsys.readouterr().err
    assert err.count("warning") == 1 and "writable by other users" in err


@pytest.mark.skipif(not hasattr(os, "chown") or os.geteuid() != 0, reason="needs root to chown")
def test_an_entry_owned_by_another_user_is_refused(
    inputs: Path,
    tmp_path: Path,
    cache_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build(inputs, tmp_path / "a")
    capsys.readouterr()
    os.chown(entry(cache_folder) / "meta.json", 4321, -1)
    reads = calls_to(monkeypatch, pipeline.checking, "load_inputs")
    build(inputs, tmp_path / "b")
    assert len(reads) == 1
    assert "owned by another user" in capsys.readouterr().err


def test_an_altered_arrow_file_does_not_change_the_figures(
    inputs: Path, tmp_path: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engagement_report.cache.arrow import read_frame, write_arrow

    first = build(inputs, tmp_path / "a")
    assert first.figures.queries.received == 3
    # A well-formed Arrow file with one query fewer, put in place of the kept one.
    arrow = entry(cache_folder) / "queries.arrow"
    write_arrow(arrow, read_frame(arrow.read_bytes()).iloc[:2])
    reads = calls_to(monkeypatch, pipeline.checking, "load_inputs")
    again = build(inputs, tmp_path / "b")
    assert again.figures.queries.received == 3
    assert len(reads) == 1
    # The damaged entry was deleted and the check kept anew: a third build reads nothing.
    build(inputs, tmp_path / "c")
    assert len(reads) == 1


@pytest.mark.parametrize("damage", ["meta", "truncated", "missing"])
def test_a_damaged_entry_is_deleted_not_read_again(
    damage: str, inputs: Path, tmp_path: Path, cache_folder: Path
) -> None:
    build(inputs, tmp_path / "a")
    kept = entry(cache_folder)
    if damage == "meta":
        (kept / "meta.json").write_text('{"key": "x"', encoding="utf-8")
    elif damage == "truncated":
        arrow = kept / "queries.arrow"
        arrow.write_bytes(arrow.read_bytes()[:100])
    else:
        (kept / "queries.arrow").unlink()
    store = cache_store.Store(cache_folder)
    assert store.load(kept.name, lambda e: e.read("queries.arrow")) is None
    assert not kept.exists()


def test_a_compiled_template_planted_in_the_cache_folder_never_runs(
    inputs: Path, tmp_path: Path, cache_folder: Path
) -> None:
    import jinja2
    from jinja2 import FileSystemBytecodeCache

    from engagement_report.render import environment

    # Compiled code where version 0.1 looked for the report's compiled templates, under
    # the key and checksum of the real template, printing a figure of its own.
    builtin = environment.builtin_templates_dir()
    for kind in ("md", "html"):
        folder = cache_folder / f"templates-{kind}-0.1.0-jinja2-{jinja2.__version__}"
        folder.mkdir(parents=True, mode=0o700)
        env = environment.make_environment(kind)  # type: ignore[arg-type]
        name = f"report.{kind}.j2"
        source = (builtin / name).read_text(encoding="utf-8")
        planted = FileSystemBytecodeCache(str(folder))
        bucket = planted.get_bucket(env, name, str(builtin / name), source)
        bucket.code = env.compile("PLANTED 999999 queries received", name, str(builtin / name))  # type: ignore[assignment]
        planted.set_bucket(bucket)
    cache_folder.chmod(0o700)
    build(inputs, tmp_path / "out")
    for name in ("report.md", "report.html"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert "PLANTED" not in text
        assert "Public engagement report" in text
