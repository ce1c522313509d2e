"""Work done on two threads gives exactly what one thread gives."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from engagement_report import hashing
from engagement_report.config import Config
from engagement_report.loading import load_inputs, xlsx
from engagement_report.validation import prepare, validate
from engagement_report.validation.cache import FRAMES

MESSY = """\
    Реестр обращений
    Номер обращения;Дата поступления;Дата ответа;Статус;Тема;Канал;Район
    А-1;01.03.2021 09:00;02.03.2021 10:00;Исполнено;Дороги;109;Алмалинский
    А-2;2021-03-02;;в работе ;Экология;Сайт;Бостандыкский
    А-3;31.02.2021;;В работе;Экология;Сайт;Бостандыкский
    А-4;;не дата;Исполнено;;Сайт;
    А-1;03.03.2021 09:00;04.03.2021;Исполнено;Дороги;109;Алмалинский
    Итого:;3;;;;;
"""


@pytest.mark.parametrize("which", ["sample", "messy"])
def test_columns_checked_two_at_a_time_give_the_same_result(
    which: str,
    sample_data: Path,
    tmp_path: Path,
    write_csvs: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inputs = sample_data if which == "sample" else write_csvs(tmp_path / "in", queries=MESSY)
    loaded = load_inputs([inputs], Config())
    monkeypatch.setattr(prepare, "PARALLEL_ROWS", 10**9)
    alone = validate(loaded, Config())
    monkeypatch.setattr(prepare, "PARALLEL_ROWS", 0)
    paired = validate(loaded, Config())
    for name in FRAMES:
        pd.testing.assert_frame_equal(alone.frame(name), paired.frame(name))
    assert alone.report == paired.report
    if which == "messy":  # the mistakes are found either way
        assert paired.report.rejected == 2 and len(paired.report.problems) >= 3


def test_columns_cast_two_at_a_time_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa

    table = pa.table({"a": ["x", None, " y"], "b": ["1", "2", None]})
    monkeypatch.setattr(xlsx, "PARALLEL_CAST_ROWS", 0)
    paired = xlsx.frame_from_arrow(table)
    monkeypatch.setattr(xlsx, "PARALLEL_CAST_ROWS", 10**9)
    alone = xlsx.frame_from_arrow(table)
    pd.testing.assert_frame_equal(paired, alone)
    assert list(paired.columns) == [0, 1]
    assert paired[0].tolist()[0] == "x" and pd.isna(paired[0].tolist()[1])


def test_a_file_is_hashed_once_however_many_threads_ask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x;y\n" * 200_000)
    calls = []
    real = hashlib.file_digest

    def counted(handle, digest):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(handle, digest)

    monkeypatch.setattr(hashing.hashlib, "file_digest", counted)
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(hashing.file_digest(path))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert results == [hashlib.sha256(path.read_bytes()).hexdigest()] * 4
    # A changed file is hashed again.
    path.write_bytes(b"changed\n")
    assert hashing.file_digest(path) == hashlib.sha256(b"changed\n").hexdigest()
    assert len(calls) == 2


def test_repeated_ids_found_from_the_codes_made_while_checking(
    tmp_path: Path, write_csvs: Callable[..., Path]
) -> None:
    import dataclasses

    from engagement_report.validation import _duplicate_masks
    from engagement_report.validation.rows import check_table

    # А-1 three times (one of them rejected: a bad date), А-2 twice, blanks and a total.
    inputs = write_csvs(
        tmp_path / "in",
        queries=MESSY.replace("    Итого:;3;;;;;\n", "")
        + "    А-1;05.03.2021;;Исполнено;Дороги;109;Алмалинский\n"
        + "    А-2;06.03.2021;;Исполнено;Дороги;109;Алмалинский\n"
        + "    А-1;99.03.2021;;Исполнено;Дороги;109;Алмалинский\n",
    )
    loaded = load_inputs([inputs], Config())
    checked = [check_table(table, Config()) for table in loaded.tables]
    assert checked[0].query_ids is not None
    fast = _duplicate_masks(checked)
    slow = _duplicate_masks([dataclasses.replace(item, query_ids=None) for item in checked])
    assert [m.tolist() for m in fast] == [m.tolist() for m in slow]
    ids = checked[0].frame["query_id"].tolist()
    repeats = [ids[i] for i in range(len(ids)) if fast[0].iloc[i]]
    assert sorted(repeats) == ["А-1", "А-1", "А-2"]  # the last usable row of each wins


def test_ascending_ids_find_their_repeats_as_neighbours(
    tmp_path: Path, write_csvs: Callable[..., Path]
) -> None:
    import dataclasses

    from engagement_report.validation import _duplicate_masks
    from engagement_report.validation.rows import check_table

    # Ids in order (the usual registry): А-1 twice, А-3 three times with a rejected row
    # between them, a row without an id, a blank row; the last usable row of each wins.
    lines = [
        "А-1;01.03.2021;;Исполнено;Дороги;109;Алмалинский",
        "А-1;02.03.2021;;Исполнено;Дороги;109;Алмалинский",
        "А-2;02.03.2021;;Исполнено;Дороги;109;Алмалинский",
        ";03.03.2021;;Исполнено;Дороги;109;Алмалинский",
        "А-3;03.03.2021;;Исполнено;Дороги;109;Алмалинский",
        "А-3;99.03.2021;;Исполнено;Дороги;109;Алмалинский",
        "",
        "А-3;04.03.2021;;Исполнено;Дороги;109;Алмалинский",
        "Итого:;7;;;;;",
        "А-4;05.03.2021;;Исполнено;Дороги;109;Алмалинский",
    ]
    header = "Номер обращения;Дата поступления;Дата ответа;Статус;Тема;Канал;Район\n"
    inputs = write_csvs(tmp_path / "in", queries=header + "\n".join(lines) + "\n")
    loaded = load_inputs([inputs], Config())
    checked = [check_table(table, Config()) for table in loaded.tables]
    assert checked[0].ids_ascending and checked[0].query_ids is None
    neighbours = _duplicate_masks(checked)
    general = _duplicate_masks([dataclasses.replace(item, ids_ascending=False) for item in checked])
    assert [m.tolist() for m in neighbours] == [m.tolist() for m in general]
    assert neighbours[0].tolist() == [True] + [False] * 3 + [True] + [False] * 5

    # Out of order: encoded as before.
    shuffled = write_csvs(
        tmp_path / "shuffled", queries=header + "\n".join([lines[2], *lines]) + "\n"
    )
    table = load_inputs([shuffled], Config()).tables[0]
    again = check_table(table, Config())
    assert not again.ids_ascending and again.query_ids is not None
    # Taken for in order, they are found out of order among the usable rows: still right.
    expected = _duplicate_masks([again])
    assumed = _duplicate_masks([dataclasses.replace(again, ids_ascending=True, query_ids=None)])
    assert [m.tolist() for m in assumed] == [m.tolist() for m in expected]
    assert expected[0].tolist()[:3] == [True, True, False]  # А-2, А-1: later rows win


def test_ids_that_grow_a_digit_find_their_repeats_as_neighbours(
    tmp_path: Path, write_csvs: Callable[..., Path]
) -> None:
    import dataclasses

    from engagement_report.validation import _duplicate_masks
    from engagement_report.validation.rows import check_table

    # Numbered without leading zeros: 9 sorts after 10 byte by byte, but equal ids are
    # still neighbours when the numbers only grow.
    lines = [
        f"{n};0{day}.03.2021;;Исполнено;Дороги;109;Алмалинский"
        for n, day in ((8, 1), (9, 2), (9, 3), (10, 4), (10, 5), (11, 6))
    ]
    header = "Номер обращения;Дата поступления;Дата ответа;Статус;Тема;Канал;Район\n"
    inputs = write_csvs(tmp_path / "in", queries=header + "\n".join(lines) + "\n")
    checked = [check_table(table, Config()) for table in load_inputs([inputs], Config()).tables]
    assert checked[0].ids_ascending and checked[0].query_ids is None
    neighbours = _duplicate_masks(checked)
    general = _duplicate_masks([dataclasses.replace(item, ids_ascending=False) for item in checked])
    assert neighbours[0].tolist() == general[0].tolist() == [False, True, False, True, False, False]


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["А-1", "А-1", "А-2"], True),  # byte order
        (["9", "10", "10", "11"], True),  # length first
        (["ОБ-2020-9999999", "ОБ-2020-10000000"], True),  # a registry that grew a digit
        (["9", "10", "8"], False),  # shorter after longer, and 8 after 9 byte by byte
        (["12", "11"], False),  # same length, smaller after larger
        (["9", "10", "9"], False),  # neither order: 9 comes back
    ],
)
def test_ascending_in_either_order(ids: list[str], expected: bool) -> None:
    import pyarrow as pa

    from engagement_report.validation.prepare import ascending

    assert ascending(pa.array(ids)) is expected
