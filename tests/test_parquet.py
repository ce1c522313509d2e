"""Parquet input: column names are the header row, record i is row i + 2.

Typed columns (date-times, dates, numbers, dictionaries) are taken as they are; text
columns are read by the same parsers as spreadsheet cells, so the same rows give the
same figures as a CSV file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from engagement_report import pipeline
from engagement_report.cli import app
from engagement_report.config import Config
from engagement_report.errors import InputError
from engagement_report.export import csv_text
from engagement_report.loading import discover_inputs

TODAY = date(2021, 4, 30)


def write(path: Path, columns: dict[str, pa.Array]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def typed_queries(path: Path) -> Path:
    return write(
        path,
        {
            "Номер обращения": pa.array(["А-1", "А-2", None, "А-3", "А-4"]),
            "Дата поступления": pa.array(
                [
                    datetime(2021, 3, 1, 9, 0),
                    datetime(2021, 3, 2, 10, 30),
                    None,
                    None,  # a query without a date: rejected, on row 5
                    datetime(2021, 3, 4, 8, 0),
                ],
                pa.timestamp("ms"),
            ),
            "Дата ответа": pa.array(
                [datetime(2021, 3, 3, 9, 0), None, None, None, datetime(2021, 3, 5, 8, 0)],
                pa.timestamp("us"),
            ),
            "Статус": pa.array(
                ["Исполнено", "В работе", None, "Исполнено", "Закрыто"]
            ).dictionary_encode(),
            "Тема": pa.array(["Дороги", "дороги ", None, "Парки", "Парки"]),
            "Район": pa.array([7, 7, None, 3, 3], pa.int64()),
            "Срок исполнения": pa.array([date(2021, 3, 10), None, None, None, None], pa.date32()),
            "Комментарий": pa.array(["x", "y", None, "z", "w"]),
        },
    )


def test_a_typed_parquet_file_is_read_by_its_column_names(tmp_path: Path) -> None:
    data = pipeline.load_and_validate([typed_queries(tmp_path / "обращения.parquet")], Config())
    (source,) = data.report.sources
    assert (source.dataset, source.header_row, source.recognised_by) == ("queries", 1, "name")
    assert source.ignored_columns == ("Комментарий",)
    assert (source.rows_read, source.used, source.blank, source.rejected) == (5, 3, 1, 1)
    queries = data.queries
    assert queries["_row"].tolist() == [2, 3, 6]
    assert queries["query_id"].tolist() == ["А-1", "А-2", "А-4"]
    assert queries["received_at"].tolist()[0] == datetime(2021, 3, 1, 9, 0)
    assert queries["status"].tolist() == ["answered", "in_progress", "other"]
    assert queries["topic"].tolist() == ["Дороги", "Дороги", "Парки"]
    assert queries["district"].tolist() == ["7", "7", "3"]
    assert queries["deadline"].tolist()[0] == datetime(2021, 3, 10)
    (missing,) = [p for p in data.report.problems if p.code == "missing_date"]
    assert (missing.row, missing.column) == (5, "Дата поступления")
    (unknown,) = [p for p in data.report.problems if p.code == "unknown_status"]
    assert (unknown.row, unknown.value) == (6, "Закрыто")


def test_zoned_times_are_converted_to_the_office_zone(tmp_path: Path) -> None:
    path = write(
        tmp_path / "queries.parquet",
        {
            "received_at": pa.array(
                [datetime(2021, 2, 28, 20, 0, tzinfo=UTC)], pa.timestamp("s", "UTC")
            ),
            "status": pa.array(["answered"]),
        },
    )
    data = pipeline.load_and_validate([path], Config(timezone="Asia/Almaty"))
    assert data.queries["received_at"].tolist() == [datetime(2021, 3, 1, 2, 0)]


def test_text_parquet_gives_the_figures_of_the_same_csv(
    tmp_path: Path, write_csvs: Callable[..., Path]
) -> None:
    rows = [
        ("Q1", "01.03.2021 09:00", "03.03.2021 10:00", "отвечено", "Roads", "7"),
        ("Q2", "2021-03-02", "", "в работе", "Parks", "7.0"),
        ("Q3", "31.02.2021", "", "отвечено", "Roads", "3"),
        ("Q1", "04.03.2021 12:00", "05.03.2021", "Отвечено", "roads", "3"),
        ("", "", "", "", "", ""),
        ("Итого", "", "", "", "", "4"),
    ]
    headers = ("query_id", "received_at", "answered_at", "status", "topic", "district")
    text = ",".join(headers) + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
    csv_folder = write_csvs(tmp_path / "csv", queries=text)
    columns = {
        h: pa.array([r[i] or None for r in rows], pa.string()) for i, h in enumerate(headers)
    }
    parquet_folder = tmp_path / "parquet"
    parquet_folder.mkdir()
    write(parquet_folder / "queries.parquet", columns)

    def summary(folder: Path) -> str:
        return csv_text(pipeline.summarize([folder], Config(), "2021-03", TODAY))

    assert summary(parquet_folder) == summary(csv_folder)
    parquet = pipeline.load_and_validate([parquet_folder], Config())
    text_data = pipeline.load_and_validate([csv_folder], Config())
    # The same rows numbered the same way: header row 1, data from row 2.
    assert [(p.code, p.row) for p in parquet.report.problems] == [
        (p.code, p.row) for p in text_data.report.problems
    ]
    (source,) = parquet.report.sources
    assert (source.duplicate, source.blank, source.total_rows, source.rejected) == (1, 1, 1, 1)


def test_a_parquet_file_named_otherwise_is_recognised_by_its_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "export.parquet",
        {
            "Дата": pa.array([date(2021, 3, 1)], pa.date32()),
            "Количество спикеров": pa.array([2], pa.int32()),
            "Вопросы журналистов": pa.array([10.0]),
            "Публикации": pa.array([300], pa.int64()),
        },
    )
    data = pipeline.load_and_validate([path], Config())
    assert data.report.sources[0].recognised_by == "header"
    assert data.press_events["publications"].tolist() == [300]
    assert data.press_events["journalist_questions"].tolist() == [10]


def test_unrecognised_parquet_files_in_a_folder_are_skipped(tmp_path: Path) -> None:
    write(tmp_path / "other.parquet", {"a": pa.array([1])})
    typed_queries(tmp_path / "queries.parquet")
    data = pipeline.load_and_validate([tmp_path], Config())
    assert [s.file.name for s in data.report.skipped] == ["other.parquet"]
    assert "headers found: 'a'" in data.report.skipped[0].reason
    # named on its own, the same file is an error, never a silent skip
    with pytest.raises(InputError, match=r"other\.parquet: not recognised as any dataset"):
        pipeline.load_and_validate([tmp_path / "other.parquet"], Config())


def test_a_named_parquet_file_without_a_required_column_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "queries.parquet", {"Статус": pa.array(["Исполнено"])})
    with pytest.raises(InputError, match="required column"):
        pipeline.load_and_validate([path], Config())


def test_a_file_that_is_not_parquet_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "queries.parquet"
    path.write_text("query_id,received_at\n1,2021-01-01\n")
    with pytest.raises(InputError, match="not a Parquet file"):
        pipeline.load_and_validate([path], Config())
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2


def test_folders_contribute_their_parquet_files(tmp_path: Path) -> None:
    typed_queries(tmp_path / "queries.parquet")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in discover_inputs([tmp_path])] == ["notes.txt", "queries.parquet"]
