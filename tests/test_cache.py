"""The parse cache: a workbook read again comes from its cached cells, invisibly.

Every test points the cache at its own folder and caches workbooks of any size (the real
threshold, 1 MB, would need large files).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from helpers import build_twice, calls_to

from engagement_report import hashing, loading, pipeline
from engagement_report.config import Config
from engagement_report.loading import cache as parse_cache
from engagement_report.loading import xlsx
from engagement_report.loading.cache import WorkbookCache, cache_dir, cache_limit
from engagement_report.models import CleanData

HEADERS = ["Номер обращения", "Дата поступления", "Дата ответа", "Статус", "Тема"]


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(folder))
    monkeypatch.delenv("ENGAGEMENT_REPORT_CACHE_LIMIT", raising=False)
    monkeypatch.setattr(loading, "CACHE_MIN_BYTES", 0)
    return folder


def registry(path: Path, rows: int = 40, status: str = "Исполнено") -> Path:
    """A workbook with a title row, a header row, a blank row and a total row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Обращения"
    sheet.append(["Реестр обращений"])
    sheet.append(HEADERS)
    for i in range(rows):
        if i == 5:
            sheet.append([])
        sheet.append([f"А-{i:04d}", f"{(i % 28) + 1:02d}.03.2021 09:00", "", status, "Дороги"])
    sheet.append(["Итого:", None, None, None, rows])
    press = book.create_sheet("Пресс-мероприятия")
    press.append(["Дата", "Количество спикеров", "Вопросы журналистов", "Публикации"])
    press.append(["05.03.2021", 2, 10, 300])
    book.save(path)
    return path


def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every real parse of a workbook (cache hits do not parse)."""
    return calls_to(monkeypatch, loading, "read_workbook")


def load(path: Path, *, cache: bool = True) -> CleanData:
    data = pipeline.validate(loading.load_inputs([path], Config(), cache=cache), Config())
    parse_cache.wait()  # the copy is written in the background
    return data


def fingerprint(data: CleanData) -> tuple[object, ...]:
    queries = data.queries
    return (
        queries["query_id"].tolist(),
        queries["_row"].tolist(),
        queries["received_at"].tolist(),
        queries["status"].tolist(),
        [
            (s.sheet, s.header_row, s.rows_read, s.used, s.blank, s.total_rows)
            for s in data.report.sources
        ],
        [(p.code, p.row, p.column, p.value) for p in data.report.problems],
    )


def test_a_second_read_comes_from_the_cache_and_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    path = registry(tmp_path / "registry.xlsx")
    reads = counting_reads(monkeypatch)
    first = load(path)
    assert reads == [path]
    assert len(WorkbookCache(cache_folder).entries()) == 1
    second = load(path)
    assert reads == [path]  # not parsed again
    assert fingerprint(second) == fingerprint(first)
    assert second.queries["_row"].tolist()[:6] == [3, 4, 5, 6, 7, 9]  # row 8 is blank


def stored(path: Path, replace: tuple[str, str] | None = None) -> None:
    """Repack a workbook without compression, optionally replacing text in its parts."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, content in parts:
            if replace is not None:
                content = content.replace(replace[0].encode(), replace[1].encode())
            archive.writestr(name, content)


def test_a_changed_file_is_read_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = registry(tmp_path / "registry.xlsx", status="Исполнено")
    reads = counting_reads(monkeypatch)
    first = load(path)
    registry(path, status="Отказано")
    second = load(path)
    assert reads == [path, path]
    assert set(first.queries["status"]) == {"answered"}
    assert set(second.queries["status"]) == {"rejected"}


def test_a_changed_file_of_the_same_size_and_time_is_not_served_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = registry(tmp_path / "registry.xlsx")
    stored(path)
    reads = counting_reads(monkeypatch)
    first = load(path)
    stat = path.stat()
    stored(path, replace=("Дороги", "Дорогу"))  # the same number of bytes
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    second = load(path)
    assert reads == [path, path]
    assert set(first.queries["topic"]) == {"Дороги"}
    assert set(second.queries["topic"]) == {"Дорогу"}


def test_a_workbook_not_in_the_cache_is_not_hashed_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    path = registry(tmp_path / "registry.xlsx")
    hashed = calls_to(monkeypatch, hashing, "file_digest")
    assert not WorkbookCache(cache_folder).has(path)
    assert hashed == []  # a miss is told by stat alone
    load(path)  # the background writer hashes the file for the entry
    assert hashed == [path.resolve()]
    assert WorkbookCache(cache_folder).has(path)  # a hit is confirmed by the hash
    assert len(hashed) == 2


def test_a_workbook_changed_while_it_was_read_is_not_kept(
    tmp_path: Path, cache_folder: Path
) -> None:
    path = registry(tmp_path / "registry.xlsx")
    before = path.stat()
    sheets = xlsx.read_workbook(path)
    registry(path, status="Отказано")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
    store = WorkbookCache(cache_folder)
    store.store(path, sheets, background=False, read_from=(before.st_size, before.st_mtime_ns))
    assert store.entries() == []
    store.store(path, sheets, background=False)  # without read_from: kept as the file is now
    assert len(store.entries()) == 1


def test_no_cache_neither_reads_nor_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    path = registry(tmp_path / "registry.xlsx")
    reads = counting_reads(monkeypatch)
    load(path, cache=False)
    assert not cache_folder.exists()
    load(path)  # parsed, and now cached
    load(path, cache=False)  # parsed again: the cache is not looked at
    assert reads == [path, path, path]


def test_small_workbooks_are_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    monkeypatch.setattr(loading, "CACHE_MIN_BYTES", 1024**2)
    load(registry(tmp_path / "registry.xlsx"))
    assert not cache_folder.exists()


def test_the_oldest_entries_go_when_the_cache_is_full(tmp_path: Path, cache_folder: Path) -> None:
    store = WorkbookCache(cache_folder, limit=10**9)
    paths = [registry(tmp_path / f"book{i}.xlsx", rows=10 + i) for i in range(3)]
    for number, path in enumerate(paths):
        store.store(path, xlsx.read_workbook(path), background=False)
        for _, _, folder in store.entries():  # an older last use for the earlier ones
            os.utime(folder / "meta.json", (1_000_000 + number, 1_000_000 + number))
    entries = store.entries()
    assert len(entries) == 3
    sizes = sorted(size for _, size, _ in entries)
    store.limit = sizes[-1] + sizes[-2]  # room for two
    store.evict()
    assert len(store.entries()) == 2
    assert store.load(paths[0]) is None  # the least recently used went
    assert store.load(paths[2]) is not None


def test_a_cache_that_cannot_be_written_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(blocker / "cache"))
    data = load(registry(tmp_path / "registry.xlsx"))
    assert data.report.sources[0].used == 40


def test_where_the_cache_lives(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ENGAGEMENT_REPORT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "engagement-report"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "engagement-report"
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(tmp_path / "own"))
    assert cache_dir() == tmp_path / "own"
    assert cache_limit() == 2 * 1024**3
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_LIMIT", "500M")
    assert cache_limit() == 500 * 1024**2


def test_a_build_from_the_cache_writes_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_csvs: Callable[..., Path]
) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    registry(folder / "registry.xlsx")
    reads = counting_reads(monkeypatch)
    names = ("report.md", "report.html", "summary.csv", "summary.json")
    outputs = build_twice(folder, tmp_path, names)
    assert len(reads) == 1
    assert outputs[0] == outputs[1]


def test_no_cache_option(tmp_path: Path, cache_folder: Path) -> None:
    from typer.testing import CliRunner

    from engagement_report.cli import app

    path = registry(tmp_path / "registry.xlsx")
    assert CliRunner().invoke(app, ["validate", str(path), "--no-cache"]).exit_code == 0
    parse_cache.wait()
    assert not cache_folder.exists()
    assert CliRunner().invoke(app, ["validate", str(path)]).exit_code == 0
    parse_cache.wait()
    # The workbook's cells and the result of checking them.
    names = sorted(folder.name for _, _, folder in WorkbookCache(cache_folder).entries())
    assert len(names) == 2
    assert sum(name.startswith("checked-") for name in names) == 1
