"""The cache store and its one key: where it lives, what its key covers, how entries are
written, evicted and swept, and that a cache problem never stops a build."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from helpers import build_twice, calls_to

from engagement_report import cache, pipeline
from engagement_report.cache import key as cache_key_module
from engagement_report.cache import store as cache_store
from engagement_report.cache.store import Store, cache_dir, cache_limit
from engagement_report.config import Config
from engagement_report.render import environment

HEADERS = ["Номер обращения", "Дата поступления", "Дата ответа", "Статус", "Тема"]
QUERIES = """\
    Номер обращения;Дата поступления;Дата ответа;Статус;Тема
    А-1;01.03.2021 09:00;02.03.2021 10:00;Исполнено;Дороги
    А-2;02.03.2021 09:00;;В работе;Экология
"""


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(folder))
    monkeypatch.delenv("ENGAGEMENT_REPORT_CACHE_LIMIT", raising=False)
    monkeypatch.setattr(cache_store, "_warned", set())
    return folder


@pytest.fixture
def inputs(tmp_path: Path, write_csvs: Callable[..., Path]) -> Path:
    return write_csvs(tmp_path / "inputs", queries=QUERIES)


def registry(path: Path, rows: int = 40) -> Path:
    """A workbook with a title row, a header row, a blank row and a total row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Обращения"
    sheet.append(["Реестр обращений"])
    sheet.append(HEADERS)
    for i in range(rows):
        if i == 5:
            sheet.append([])
        sheet.append([f"А-{i:04d}", f"{(i % 28) + 1:02d}.03.2021 09:00", "", "Исполнено", "Дороги"])
    sheet.append(["Итого:", None, None, None, rows])
    book.save(path)
    return path


def check(inputs: Path, config: Config | None = None, templates: Path | None = None) -> int:
    """Check ``inputs`` through the cache; the number of ``received`` queries."""
    data = pipeline.checking.check([inputs], config or Config(), True, templates).data
    cache.wait()
    return len(data.queries)


# --- the key -----------------------------------------------------------------------------


def _set_version(monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    module = __import__(library)
    monkeypatch.setattr(module, "__version__", "999.0", raising=False)


CHANGES: dict[str, Callable[[pytest.MonkeyPatch, Path], object]] = {
    "pandas": lambda mp, _: _set_version(mp, "pandas"),
    "pyarrow": lambda mp, _: _set_version(mp, "pyarrow"),
    "fastexcel": lambda mp, _: _set_version(mp, "fastexcel"),
    "holidays": lambda mp, _: _set_version(mp, "holidays"),
    "time-zone database": lambda mp, _: mp.setattr(
        cache_key_module, "timezone_database", lambda: "tzdata 2099z"
    ),
    "code": lambda mp, _: mp.setattr(cache_key_module, "code_fingerprint", lambda: "edited"),
    "input byte": lambda _, inputs: (inputs / "queries.csv").write_bytes(
        (inputs / "queries.csv").read_bytes().replace(b"2021 10:00", b"2021 10:01")
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_any_part_of_the_key_is_not_served_the_cached_result(
    change: str, inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = calls_to(monkeypatch, pipeline.checking, "load_inputs")
    check(inputs)
    check(inputs)
    assert len(reads) == 1  # the second check came from the cache
    CHANGES[change](monkeypatch, inputs)
    check(inputs)
    assert len(reads) == 2


def test_another_config_field_is_not_served_the_cached_result(
    inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = calls_to(monkeypatch, pipeline.checking, "load_inputs")
    check(inputs, Config())
    check(inputs, Config(min_category_size=3))  # a field no check reads
    check(inputs, Config(min_category_size=3))
    assert len(reads) == 2


def test_another_salt_is_not_served_rows_hashed_with_the_old_one(
    inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engagement_report.config.accountability import RepeatsConfig

    reads = calls_to(monkeypatch, pipeline.checking, "load_inputs")
    first = Config(repeats=RepeatsConfig(salt="a" * 16))
    check(inputs, first)
    check(inputs, first)
    assert len(reads) == 1
    check(inputs, Config(repeats=RepeatsConfig(salt="b" * 16)))
    assert len(reads) == 2
    assert "a" * 16 not in repr(first)  # kept out of messages all the same


def test_an_edited_template_is_not_served_the_cached_result(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = calls_to(monkeypatch, pipeline.checking, "load_inputs")
    # A copy of the built-in templates given with --templates, then one of them edited.
    user = tmp_path / "templates"
    shutil.copytree(environment.builtin_templates_dir(), user)
    check(inputs, templates=user)
    check(inputs, templates=user)
    assert len(reads) == 1
    page = user / "_quality.md.j2"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    check(inputs, templates=user)
    assert len(reads) == 2
    # And the built-in templates themselves.
    builtin = tmp_path / "builtin"
    shutil.copytree(environment.builtin_templates_dir(), builtin)
    monkeypatch.setattr(environment, "builtin_templates_dir", lambda: builtin)
    check(inputs)
    check(inputs)
    assert len(reads) == 3
    (builtin / "report.md.j2").write_text("edited\n", encoding="utf-8")
    check(inputs)
    assert len(reads) == 4


def test_the_code_fingerprint_covers_every_file_of_the_package(tmp_path: Path) -> None:
    package = tmp_path / "package"
    shutil.copytree(
        Path(cache_key_module.__file__).parent.parent,
        package,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    before = cache_key_module._folder_fingerprint(package)
    figures = package / "figures.py"
    figures.write_bytes(figures.read_bytes().replace(b"def ", b"def  ", 1))  # one byte more
    assert cache_key_module._folder_fingerprint(package) != before
    # Compiled files are not code to fingerprint: they follow the sources.
    figures.write_bytes(figures.read_bytes().replace(b"def  ", b"def ", 1))
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "figures.cpython-311.pyc").write_bytes(b"x")
    assert cache_key_module._folder_fingerprint(package) == before


def test_the_time_zone_database_and_library_versions_are_named() -> None:
    import pandas as pd

    versions = cache_key_module.library_versions()
    assert versions["pandas"] == pd.__version__
    assert {"pyarrow", "fastexcel", "holidays", "numpy"} <= set(versions)
    assert "tzdata" in cache_key_module.timezone_database()


# --- the store ---------------------------------------------------------------------------


def test_where_the_cache_lives(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ENGAGEMENT_REPORT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "engagement-report"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "engagement-report"
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(tmp_path / "own"))
    assert cache_dir() == tmp_path / "own"


@pytest.mark.parametrize(
    ("text", "limit"),
    [("", 2 * 1024**3), ("500M", 500 * 1024**2), ("1.5k", 1536), ("2GB", 2 * 1024**3), ("0", 0)],
)
def test_the_cache_limit(text: str, limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_LIMIT", text)
    assert cache_limit() == limit


@pytest.mark.parametrize("text", ["infG", "nan", "-1", "12 apples", "1e400", "G"])
def test_a_cache_limit_that_is_no_size_is_warned_about_and_the_default_used(
    text: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_LIMIT", text)
    assert cache_limit() == 2 * 1024**3
    assert cache_limit() == 2 * 1024**3
    err = capsys.readouterr().err
    assert err.count("ENGAGEMENT_REPORT_CACHE_LIMIT") == 1
    assert "default" in err


def test_a_cache_limit_that_is_no_size_does_not_stop_the_command(
    inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from engagement_report.cli import app

    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_LIMIT", "infG")
    result = CliRunner().invoke(app, ["validate", str(inputs)])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("ENGAGEMENT_REPORT_CACHE_LIMIT") == 1


def fill_with(size: int) -> Callable[[Path], dict[str, object]]:
    def fill(folder: Path) -> dict[str, object]:
        (folder / "data.bin").write_bytes(b"x" * size)
        return {"size": size}

    return fill


def test_the_oldest_entries_go_when_the_cache_is_full(cache_folder: Path) -> None:
    store = Store(cache_folder, limit=10**9)
    names = [f"checked-{str(i) * 40}" for i in range(3)]
    for number, name in enumerate(names):
        store.put(name, fill_with(1000))
        os.utime(cache_folder / name / "meta.json", (1_000_000 + number,) * 2)
    sizes = sorted(size for _, size, _ in store.entries())
    assert len(sizes) == 3
    store.limit = sizes[-1] + sizes[-2]  # room for two
    store.evict()
    assert store.entry(names[0]) is None  # the least recently used went
    assert store.entry(names[2]) is not None
    assert store.load(names[2], lambda entry: entry.read("data.bin")) == b"x" * 1000


def test_an_entry_is_complete_or_absent(cache_folder: Path) -> None:
    store = Store(cache_folder)
    name = "checked-" + "a" * 40

    def killed(folder: Path) -> dict[str, object]:
        (folder / "data.bin").write_bytes(b"half")
        raise OSError(28, "No space left on device")

    store.put(name, killed)
    assert store.entry(name) is None
    assert [p.name for p in cache_folder.iterdir()] == []  # nor a temporary folder left


def test_temporary_folders_left_by_a_killed_run_are_swept(cache_folder: Path) -> None:
    store = Store(cache_folder)
    store.put("checked-" + "b" * 40, fill_with(10))
    stale = cache_folder / ".tmp-killed"
    stale.mkdir()
    (stale / "data.bin").write_bytes(b"x" * 100)
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    legacy = cache_folder / "templates-md-0.1.0-jinja2-3.1.6"  # compiled templates of 0.1
    legacy.mkdir()
    os.utime(legacy, (old, old))
    live = cache_folder / ".tmp-being-written"
    live.mkdir()
    assert len(store.entries()) == 1  # temporaries are never counted as entries
    assert not stale.exists() and not legacy.exists()
    assert live.exists()  # a writer may still be at work on it


def test_a_cache_folder_holding_other_things_never_loses_them(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o700)
    (folder / "photos").mkdir()
    (folder / "photos" / "meta.json").write_text("{}")
    store = Store(folder)
    store.put("checked-" + "c" * 40, fill_with(10))
    store.limit = 0
    store.evict()
    assert (folder / "photos" / "meta.json").is_file()


def test_a_cache_that_cannot_be_written_is_skipped_with_one_warning(
    inputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(blocker / "cache"))
    result = pipeline.build([inputs], Config(), out=tmp_path / "out", today=date(2021, 4, 1))
    cache.wait()
    assert result.figures.queries.received == 2
    assert (tmp_path / "out" / "report.html").is_file()
    assert capsys.readouterr().err.count("warning") == 1


def test_an_entry_that_cannot_be_written_is_skipped_with_one_warning(
    inputs: Path, cache_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache_folder.mkdir(mode=0o700)
    store = Store(cache_folder)

    def full(folder: Path) -> dict[str, object]:
        raise OSError(28, "No space left on device")

    store.put("checked-" + "d" * 40, full)
    store.put("checked-" + "e" * 40, full)
    err = capsys.readouterr().err
    assert err.count("No space left on device") == 1


SLOW_WRITER = """
import sys, time
from engagement_report.cache import background, store
background.WAIT_SECONDS = {wait}
real = store.Store.put
def put(self, *args, **kwargs):
    time.sleep({sleep})  # a writer slower than the rest of the command
    return real(self, *args, **kwargs)
store.Store.put = put
from engagement_report.cli import main
sys.argv = ["engagement-report", *sys.argv[1:]]
main()
"""


def run_slow(inputs: Path, tmp_path: Path, cache_folder: Path, wait: float, sleep: float):  # type: ignore[no-untyped-def]
    import subprocess

    env = {**os.environ, "ENGAGEMENT_REPORT_CACHE_DIR": str(cache_folder), "NO_COLOR": "1"}
    build = ["build", str(inputs), "--out", str(tmp_path / "out"), "--today", "2021-04-01"]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", SLOW_WRITER.format(wait=wait, sleep=sleep), *build],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done, time.monotonic() - started


def test_the_command_waits_for_its_cache_writers(
    inputs: Path, tmp_path: Path, cache_folder: Path
) -> None:
    done, _ = run_slow(inputs, tmp_path, cache_folder, wait=30, sleep=1)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name.split("-")[0] for p in cache_folder.iterdir())
    assert names == ["checked", "figures", "reports"]
    assert all((p / "meta.json").is_file() for p in cache_folder.iterdir())


def test_the_wait_for_cache_writers_has_an_end(
    inputs: Path, tmp_path: Path, cache_folder: Path
) -> None:
    # A writer stuck (a hung network mount) holds the command at most the bounded wait.
    done, took = run_slow(inputs, tmp_path, cache_folder, wait=1, sleep=60)
    assert done.returncode == 0, done.stderr
    assert took < 30
    assert done.stderr.count("still being written") == 1
    assert (tmp_path / "out" / "manifest.json").is_file()
    assert not [p for p in cache_folder.iterdir() if not p.name.startswith(".tmp-")]


# --- through the pipeline ----------------------------------------------------------------


def test_a_build_from_the_cache_writes_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    registry(folder / "registry.xlsx")
    reads = calls_to(monkeypatch, pipeline.checking, "load_inputs")
    names = ("report.md", "report.html", "summary.csv", "summary.json", "manifest.json")
    outputs = build_twice(folder, tmp_path, names)
    assert len(reads) == 1
    manifests = [o.pop("manifest.json") for o in outputs]
    assert outputs[0] == outputs[1]
    assert manifests[0].count(b"sha256") == manifests[1].count(b"sha256")


def test_no_cache_option(inputs: Path, cache_folder: Path) -> None:
    from typer.testing import CliRunner

    from engagement_report.cli import app

    assert CliRunner().invoke(app, ["validate", str(inputs), "--no-cache"]).exit_code == 0
    cache.wait()
    assert not cache_folder.exists()
    assert CliRunner().invoke(app, ["validate", str(inputs)]).exit_code == 0
    cache.wait()
    names = [folder.name for _, _, folder in Store(cache_folder).entries()]
    assert len(names) == 1 and names[0].startswith("checked-")


# --- the inputs, found once and hashed as read --------------------------------------------


def test_the_input_folder_is_listed_once_per_build(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed: list[Path] = []
    real = Path.iterdir

    def iterdir(self: Path):  # type: ignore[no-untyped-def]
        if self == inputs:
            listed.append(self)
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    pipeline.build([inputs], Config(), out=tmp_path / "out", today=date(2021, 4, 1))
    assert listed == [inputs]


def test_an_input_changed_after_it_was_read_is_refused(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engagement_report.errors import InputError

    real = pipeline.checking.validate

    def validate_then_change(*args: object, **kwargs: object) -> object:
        checked = real(*args, **kwargs)  # type: ignore[arg-type]
        path = inputs / "queries.csv"
        path.write_bytes(path.read_bytes() + "А-3;03.03.2021;;В работе;Дороги\n".encode())
        return checked

    monkeypatch.setattr(pipeline.checking, "validate", validate_then_change)
    with pytest.raises(InputError, match=r"queries\.csv: the file changed while it was being read"):
        pipeline.build([inputs], Config(), out=tmp_path / "out", today=date(2021, 4, 1))
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_the_manifest_names_the_content_the_figures_came_from(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import json

    path = inputs / "queries.csv"
    read = hashlib.sha256(path.read_bytes()).hexdigest()
    real = pipeline.render_reports

    def change_then_render(*args: object, **kwargs: object) -> object:
        # After the inputs were read and checked, before the manifest is written.
        path.write_bytes(path.read_bytes() + "А-3;03.03.2021;;В работе;Дороги\n".encode())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.building, "render_reports", change_then_render)
    result = pipeline.build([inputs], Config(), out=tmp_path / "out", today=date(2021, 4, 1))
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert result.figures.queries.received == 2  # the two rows read, not the third
    assert [i["sha256"] for i in manifest["inputs"]] == [read]
    assert hashlib.sha256(path.read_bytes()).hexdigest() != read


def test_a_library_build_leaves_no_thread_behind(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    started: list[str] = []
    real = threading.Thread.start

    def start(self: threading.Thread) -> None:
        started.append(self.name)
        real(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    before = set(threading.enumerate())
    pipeline.build([inputs], Config(), out=tmp_path / "out", today=date(2021, 4, 1))
    pipeline.summarize([inputs], Config(), "2021-03")
    assert set(threading.enumerate()) == before  # the cache writers were waited for
    # No warm-up or read-ahead: a notebook or a service pays for no thread it does not use.
    assert not [name for name in started if "warm" in name or "early" in name], started
