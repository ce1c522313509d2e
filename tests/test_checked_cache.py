"""The checked-data cache: inputs checked before are not read or checked again.

Every test points the cache at its own folder. A hit must be indistinguishable from
checking afresh: the same frames (values and dtypes), rejected rows and report.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from helpers import build_twice, calls_to

from engagement_report import cache as cache_store
from engagement_report import pipeline
from engagement_report.config import Config
from engagement_report.models import CleanData
from engagement_report.validation.cache import FRAMES

QUERIES = """\
    Реестр обращений
    Номер обращения;Дата поступления;Дата ответа;Статус;Тема;Канал;Район
    А-1;01.03.2021 09:00;02.03.2021 10:00;Исполнено;Дороги;109;Алмалинский
    А-2;02.03.2021 09:00;;В работе;Экология;Сайт;Бостандыкский
    А-3;31.02.2021;;В работе;Экология;Сайт;Бостандыкский
    А-1;03.03.2021 09:00;04.03.2021;Исполнено;Дороги;109;Алмалинский
    Итого:;3;;;;;
"""
PRESS = """\
    Дата;Количество спикеров;Вопросы журналистов;Публикации
    05.03.2021;2;10;300
"""


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def inputs(tmp_path: Path, write_csvs: Callable[..., Path]) -> Path:
    return write_csvs(tmp_path / "inputs", queries=QUERIES, press_events=PRESS)


def counting_loads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every real read of the inputs (a checked-cache hit reads none)."""
    return calls_to(monkeypatch, pipeline.checking, "load_inputs")


def check(inputs: Path, config: Config | None = None, *, cache: bool = True) -> CleanData:
    data = pipeline.load_and_validate([inputs], config or Config(), cache=cache)
    cache_store.wait()  # the entry is written in the background
    return data


def assert_same(a: CleanData, b: CleanData) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(a.frame(name), b.frame(name), check_dtype=True)
    assert a.report == b.report
    assert a.present == b.present


def test_a_second_check_of_the_same_inputs_is_loaded_and_identical(
    inputs: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    loads = counting_loads(monkeypatch)
    first = check(inputs)
    assert len(loads) == 1
    assert [p.name for p in cache_folder.iterdir() if p.name.startswith("checked-")]
    second = check(inputs)
    assert len(loads) == 1  # neither read nor checked again
    assert_same(first, second)
    # What the fixture holds, so "identical" is not identical emptiness.
    assert first.report.rejected == 1  # 31.02.2021
    assert sum(s.duplicate for s in first.report.sources) == 1  # А-1 twice
    assert len(first.rejected_rows) == 1
    assert str(first.queries["status"].dtype) == "category"


def test_a_build_from_the_checked_cache_writes_the_same_files(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = counting_loads(monkeypatch)
    names = ("report.md", "report.html", "summary.csv", "summary.json", "rejected.csv")
    outputs = build_twice(inputs, tmp_path, names)
    assert len(loads) == 1
    assert outputs[0] == outputs[1]


def test_a_changed_input_of_the_same_size_and_time_is_checked_again(
    inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = counting_loads(monkeypatch)
    path = inputs / "queries.csv"
    first = check(inputs)
    stat = path.stat()
    path.write_bytes(path.read_bytes().replace("Дороги".encode(), "Дорогу".encode()))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    second = check(inputs)
    assert len(loads) == 2
    assert "Дороги" in set(first.queries["topic"])
    assert "Дорогу" in set(second.queries["topic"]) and "Дороги" not in set(second.queries["topic"])
    # The new content has an entry of its own: a third run reads nothing.
    third = check(inputs)
    assert len(loads) == 2
    assert_same(second, third)


def test_another_configuration_is_checked_again(
    inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = counting_loads(monkeypatch)
    check(inputs)
    other = check(inputs, Config(timezone="Europe/Moscow"))
    assert len(loads) == 2
    assert other.queries["received_at"].notna().all()


def test_no_cache_neither_uses_nor_fills_it(
    inputs: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    loads = counting_loads(monkeypatch)
    check(inputs, cache=False)
    assert not cache_folder.exists() or not any(
        p.name.startswith("checked-") for p in cache_folder.iterdir()
    )
    check(inputs)
    check(inputs, cache=False)
    assert len(loads) == 3


def test_a_damaged_entry_is_checked_afresh(
    inputs: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    first = check(inputs)
    entry = next(p for p in cache_folder.iterdir() if p.name.startswith("checked-"))
    (entry / "queries.arrow").write_bytes(b"not arrow")
    loads = counting_loads(monkeypatch)
    second = check(inputs)
    assert len(loads) == 1
    assert_same(first, second)


def test_a_cache_that_cannot_be_written_is_no_error(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(blocker / "cache"))
    out = tmp_path / "out"
    result = pipeline.build([inputs], Config(), out=out, today=date(2021, 4, 1))
    cache_store.wait()
    assert result.figures.queries.received == 2
    assert (out / "report.html").is_file()


def test_the_same_files_named_another_way_keep_their_own_provenance(
    inputs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Provenance (_file) and messages name a file as it was given, so a relative and an
    # absolute name for one file are two entries.
    first = check(inputs)
    monkeypatch.chdir(inputs.parent)
    second = check(Path(inputs.name))
    assert set(first.queries["_file"].astype(str)) != set(second.queries["_file"].astype(str))


def test_the_sample_data_comes_back_identical(
    sample_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = counting_loads(monkeypatch)
    first = check(sample_data)
    second = check(sample_data)
    assert len(loads) == 1
    assert_same(first, second)
    assert len(second.queries) > 20_000 and len(second.broadcasts) and len(second.press_events)
