"""Large workbooks read ahead while the command imports pandas: used once, never stale."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from helpers import calls_to

from engagement_report import pipeline
from engagement_report.config import Config
from engagement_report.errors import InputError
from engagement_report.loading import early, xlsx


@pytest.fixture(autouse=True)
def every_workbook_is_large(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(early, "EARLY_MIN_BYTES", 0)
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(tmp_path / "cache"))


def registry(path: Path, topic: str = "Дороги") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Обращения"
    sheet.append(["Реестр обращений"])
    sheet.append(["Номер обращения", "Дата поступления", "Статус", "Тема"])
    for i in range(30):
        sheet.append([f"А-{i:03d}", f"{i % 28 + 1:02d}.03.2021", "Исполнено", topic])
    book.create_sheet("Пусто")
    book.save(path)
    return path


def counting(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    return calls_to(monkeypatch, xlsx, "read_batches")


def test_a_workbook_read_ahead_is_read_once_and_gives_the_same_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = registry(tmp_path / "registry.xlsx")
    plain = pipeline.load_and_validate([path], Config(), cache=False)
    reads = counting(monkeypatch)
    early.start([path])
    ahead = pipeline.load_and_validate([path], Config(), cache=False)
    assert reads == [path]  # read on the early thread, taken by the normal path
    assert ahead.queries.drop(columns=["_file"]).equals(plain.queries.drop(columns=["_file"]))
    assert ahead.report == plain.report
    assert len(ahead.queries) == 30 and ahead.queries["_row"].iloc[0] == 3
    assert early.take(path) is None  # taken once


def test_a_workbook_changed_after_the_read_began_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = registry(tmp_path / "registry.xlsx", topic="Дороги")
    reads = counting(monkeypatch)
    early.start([path])
    registry(path, topic="Экология")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    data = pipeline.load_and_validate([path], Config(), cache=False)
    assert set(data.queries["topic"]) == {"Экология"}
    assert len(reads) == 2


def test_a_broken_workbook_read_ahead_is_reported_by_the_normal_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    early.start([path])
    with pytest.raises(InputError, match=r"broken\.xlsx"):
        pipeline.load_and_validate([path], Config(), cache=False)


def test_missing_inputs_are_left_to_the_command(tmp_path: Path) -> None:
    early.start([tmp_path / "nowhere.xlsx"])  # no error here: the command reports it
    assert early.take(tmp_path / "nowhere.xlsx") is None


def test_the_build_command_reads_ahead_without_importing_pandas_first(tmp_path: Path) -> None:
    # The read starts before pandas is imported: importing the read-ahead needs no pandas.
    code = (
        "import sys\n"
        "from engagement_report.loading import early\n"
        "assert 'pandas' not in sys.modules, 'pandas imported'\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    path = registry(tmp_path / "registry.xlsx")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "engagement_report", "build", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "ENGAGEMENT_REPORT_CACHE_DIR": str(tmp_path / "c")},
    )
    assert done.returncode == 0, done.stderr
    assert (out / "report.html").is_file()
    result = pipeline.build([path], Config(), out=tmp_path / "out2", today=date(2021, 4, 1))
    assert result.figures.queries.received == 30


def test_a_csv_file_read_ahead_is_read_once_and_gives_the_same_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engagement_report.loading import csvfile

    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "queries.csv"
    lines = ["Номер обращения;Дата поступления;Статус;Тема"]
    lines += [f"А-{i:03d};{i % 28 + 1:02d}.03.2021;Исполнено;Дороги" for i in range(40)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plain = pipeline.load_and_validate([path], Config(), cache=False)
    reads: list[Path] = []
    real = csvfile._arrow_table

    def arrow_table(p: Path, *args: object) -> object:
        reads.append(p)
        return real(p, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(csvfile, "_arrow_table", arrow_table)
    early.start([path])
    ahead = pipeline.load_and_validate([path], Config(), cache=False)
    assert reads == [path]
    assert ahead.report == plain.report
    assert ahead.queries["query_id"].tolist() == plain.queries["query_id"].tolist()
    assert len(ahead.queries) == 40


def csv_registry(path: Path, rows: int = 400, topic: str = "Дороги") -> Path:
    lines = ["Номер обращения;Дата поступления;Статус;Тема"]
    lines += [
        f"А-{i:04d};{i % 28 + 1:02d}.03.2021 10:{i % 60:02d};Исполнено;{topic}" for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def early_reads_done() -> None:
    """Wait for the read-ahead threads, all of their work (a hash comes after the hand-over)."""
    for thread in threading.enumerate():
        if thread.name == "early-read":
            thread.join(30)


def test_a_csv_file_read_ahead_comes_with_each_column_in_one_piece(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engagement_report.loading import csvfile

    path = csv_registry(tmp_path / "queries.csv")
    monkeypatch.setattr(csvfile, "READ_BLOCK_BYTES", 1024)  # Arrow reads it in pieces
    pieces = csvfile._arrow_table(path, *csvfile.sniff_csv(path))
    assert min(column.num_chunks for column in pieces.columns) > 1
    ahead = csvfile.read_ahead(path)
    assert [column.num_chunks for column in ahead.columns] == [1] * pieces.num_columns
    assert ahead.equals(pieces) and ahead.column_names == pieces.column_names


def test_a_csv_file_read_ahead_is_hashed_beside_the_imports_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from engagement_report import hashing

    path = csv_registry(tmp_path / "queries.csv")
    early.start([path], cache=False)
    early_reads_done()
    hashed = calls_to(monkeypatch, hashing.hashlib, "file_digest")
    first = hashing.seen(path)
    assert hashed == []  # the read-ahead's thread hashed it
    assert first.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # A file changed since is hashed again, its new content.
    csv_registry(path, topic="Экология")
    again = hashing.seen(path)
    assert len(hashed) == 1
    assert again.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() != first.sha256


def test_a_word_that_is_no_input_does_not_stop_the_others(tmp_path: Path) -> None:
    path = registry(tmp_path / "registry.xlsx")
    early.start(["2021-01", str(tmp_path / "missing.csv"), str(path)])
    assert early.take(path) is not None


def test_a_workbook_whose_check_is_kept_is_not_read_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engagement_report import cache

    path = registry(tmp_path / "registry.xlsx")
    pipeline.load_and_validate([path], Config())
    cache.wait()
    reads = calls_to(monkeypatch, xlsx, "read_batches")
    early.start([path])
    assert early.take(path) is None  # the checked-data cache will serve it
    assert reads == []
    # Changed since: read ahead again.
    registry(path, topic="Экология")
    early.start([path])
    assert early.take(path) is not None
    assert len(reads) == 1


def test_templates_and_holidays_are_prepared_while_a_read_ahead_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engagement_report.pipeline import building

    path = registry(tmp_path / "registry.xlsx")
    today = date(2021, 4, 1)
    plain = pipeline.build([path], Config(), out=tmp_path / "plain", today=today, cache=False)
    prepared: list[Config] = []
    released = threading.Event()
    real_prepare, real_read = building.prepare_while_reading, xlsx.read_batches

    def prepare(config: Config, lang: str | None, templates: Path | None) -> None:
        prepared.append(config)
        real_prepare(config, lang, templates)
        released.set()

    def held_read(file: Path, *, inflate_check: bool = True) -> object:
        if threading.current_thread().name == "early-read":
            # The read ahead is still running while the build starts. (A read of the
            # build's own, as a library call makes, is not held: nothing would release it.)
            released.wait(30)
        return real_read(file, inflate_check=inflate_check)

    monkeypatch.setattr(building, "prepare_while_reading", prepare)
    monkeypatch.setattr(xlsx, "read_batches", held_read)
    # A library call reads nothing ahead: nothing is prepared, no thread is started.
    pipeline.build([path], Config(), out=tmp_path / "library", today=today, cache=False)
    assert prepared == [] and not early.reading()
    early.start([path], cache=False)
    assert early.reading()
    ahead = pipeline.build([path], Config(), out=tmp_path / "ahead", today=today, cache=False)
    assert len(prepared) == 1 and not early.reading()
    names = ("report.md", "report.html", "summary.csv", "summary.json")
    for name in names:
        assert (tmp_path / "ahead" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes()
    assert ahead.figures == plain.figures


def test_a_user_template_that_does_not_compile_ahead_is_reported_when_rendered(
    tmp_path: Path,
) -> None:
    from engagement_report.errors import TemplateError
    from engagement_report.render.environment import compile_templates, render

    (tmp_path / "report.md.j2").write_text("fine\n{% if %}\n", encoding="utf-8")
    compile_templates("md", "en", tmp_path)  # left for the render to report
    with pytest.raises(TemplateError, match=r"report\.md\.j2, line 2"):
        render("report.md.j2", "md", object(), "en", tmp_path)


def test_the_command_does_not_wait_for_the_zip_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The inflating check runs beside calamine's read, not before it, and not in front of
    # the command's imports; the read is handed over once both are done.
    path = registry(tmp_path / "registry.xlsx")
    release = threading.Event()
    checked: list[Path] = []
    real = xlsx.verify_workbook

    def slow_check(file: Path) -> None:
        release.wait(30)
        real(file)
        checked.append(file)

    monkeypatch.setattr(xlsx, "verify_workbook", slow_check)
    started = time.perf_counter()
    early.start([path], cache=False)
    assert time.perf_counter() - started < 20 and checked == []
    assert early.reading()
    release.set()
    assert early.take(path) is not None
    assert checked == [path]


def test_a_workbook_the_check_refuses_during_the_read_is_refused_without_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A part altered after it was written: its CRC-32 fails. calamine is held (a read
    # that would take long, or a part that unpacks without end): the check's failure
    # hands nothing over at once, and the normal path refuses the file with the reason.
    path = registry(tmp_path / "registry.xlsx")
    damaged = _with_a_sheet_byte_changed(path)
    release = threading.Event()
    real = xlsx.read_batches

    def held_read(file: Path, *, inflate_check: bool = True) -> object:
        if not inflate_check:
            release.wait(30)  # still reading when the check fails
        return real(file, inflate_check=inflate_check)

    monkeypatch.setattr(xlsx, "read_batches", held_read)
    early.start([damaged], cache=False)
    started = time.perf_counter()
    assert early.take(damaged) is None
    assert time.perf_counter() - started < 20
    with pytest.raises(InputError, match=r"fails its checksum"):
        pipeline.load_and_validate([damaged], Config(), cache=False)
    release.set()


def _with_a_sheet_byte_changed(path: Path) -> Path:
    """A copy of the workbook whose sheet part holds one byte other than it was written
    with, its declared CRC-32 and sizes unchanged (the part stored, so the byte is
    plain)."""
    import zipfile

    damaged = path.with_name("damaged.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            info.compress_type = zipfile.ZIP_STORED
            target.writestr(info, data)
    raw = bytearray(damaged.read_bytes())
    at = raw.index("Дороги".encode())  # a cell text's bytes
    raw[at + 1] ^= 0x01
    damaged.write_bytes(bytes(raw))
    return damaged


def test_a_read_waiting_for_another_does_not_hold_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = registry(tmp_path / "first.xlsx"), registry(tmp_path / "second.xlsx")
    monkeypatch.setattr(early, "_running", threading.BoundedSemaphore(1))  # one at a time
    release = threading.Event()
    real = xlsx.read_batches

    def held(path: Path, *, inflate_check: bool = True) -> object:
        result = real(path, inflate_check=inflate_check)
        release.wait(30)
        return result

    monkeypatch.setattr(xlsx, "read_batches", held)
    started = time.perf_counter()
    early.start([first, second], cache=False)
    # The second read waits for the first to end, and so does not the command.
    assert time.perf_counter() - started < 20
    release.set()
    assert early.take(first) is not None and early.take(second) is not None
