"""A press question log in an archive: imported as its own dataset's month partitions and
counted as read directly, by the pandas engine and by Dask (issue 14 with issue 15)."""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from engagement_report import pipeline
from engagement_report.archive import read_manifest
from engagement_report.config import load_config

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
TODAY = date(2026, 1, 1)
PERIODS = (("2021-01", None), ("2020-Q4", None), ("2020-12-15..2021-02-10", "month"), (None, None))


def _question_log(path: Path) -> Path:
    """A question log from late November 2020 to February 2021: some days the sample's
    press-events sheet lists, some it does not; blank events, speakers and topics, and a
    topic literally called "Other"."""
    pick = random.Random(14)
    outlets = ["Daily News", "City Radio", "TV 7", "Other", ""]
    speakers = ["Mayor", "Deputy mayor", "Head of roads", ""]
    topics = ["Roads and sidewalks", "Utilities and heating", "Other", "Transport", ""]
    rows = ["date,event,media outlet,speaker,topic"]
    day = date(2020, 11, 25)
    while day <= date(2021, 2, 28):
        for event in pick.sample(["Briefing", "Interview", ""], k=pick.randint(1, 2)):
            for _ in range(pick.randint(1, 6)):
                rows.append(
                    f"{day.isoformat()},{event},{pick.choice(outlets)},"
                    f"{pick.choice(speakers)},{pick.choice(topics)}"
                )
        day += timedelta(days=pick.randint(1, 4))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data with a question log beside it."""
    folder = tmp_path_factory.mktemp("inputs")
    for name in ("queries.csv", "broadcasts.csv", "press_events.csv"):
        shutil.copy(SAMPLE / name, folder / name)
    _question_log(folder / "press_questions.csv")
    return folder


@pytest.fixture(scope="module")
def archive(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive") / "archive"
    pipeline.archive([inputs], load_config(None), root, cache=False, today=TODAY)
    return root


def test_the_log_is_archived_as_its_own_months(archive: Path) -> None:
    months = sorted(p.month for p in read_manifest(archive).of("press_questions"))
    assert months == ["2020-11", "2020-12", "2021-01", "2021-02"]
    for month in months:
        assert list((archive / "press_questions" / f"month={month}").glob("part-*.parquet"))
    partition = read_manifest(archive).of("press_questions")[0]
    assert set(partition.mapped) == {"date", "event", "outlet", "speaker", "topic"}


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_archive_with_a_log_summarises_as_its_files(
    inputs: Path, archive: Path, fmt: str
) -> None:
    config = load_config(None)
    for period, by in PERIODS:
        direct = pipeline.summary(
            [inputs], config, period, fmt=fmt, by=by, cache=False, today=TODAY
        )
        archived = pipeline.summary(
            [archive], config, period, fmt=fmt, by=by, cache=False, today=TODAY
        )
        text = "".join(direct)
        assert "".join(archived).encode() == text.encode(), period
        # the log's figures are in it: its outlets and its breakdowns
        assert "outlets" in text and "share_of_questions" in text and "Daily News" in text


def test_dask_counts_the_log_as_pandas_does(inputs: Path, archive: Path) -> None:
    pytest.importorskip("distributed")
    from engagement_report.engines.dask import Cluster

    config = load_config(None)
    cluster = Cluster(workers=2, processes=False)
    for fmt in ("csv", "json"):
        for period, by in PERIODS:
            direct = pipeline.summary(
                [inputs], config, period, fmt=fmt, by=by, cache=False, today=TODAY
            )
            on_dask = pipeline.summary(
                [archive],
                config,
                period,
                fmt=fmt,
                by=by,
                today=TODAY,
                engine="dask",
                cluster=cluster,
            )
            assert "".join(on_dask).encode() == "".join(direct).encode(), (fmt, period)


def test_a_report_from_the_archive_counts_the_log_as_from_its_files(
    inputs: Path, archive: Path, tmp_path: Path
) -> None:
    config = load_config(None)
    for period in ("2021-01", "2021-02-01..2021-02-10"):
        direct = pipeline.build(
            [inputs], config, period=period, out=tmp_path / "a", cache=False, today=TODAY
        )
        archived = pipeline.build(
            [archive], config, period=period, out=tmp_path / "b", cache=False, today=TODAY
        )
        assert direct.figures.by_outlet and direct.figures.press.questions_logged
        assert archived.figures == direct.figures
        assert archived.context.trend == direct.context.trend
        assert archived.context.headlines == direct.context.headlines
        assert archived.context.coverage == direct.context.coverage
        assert archived.context.agenda == direct.context.agenda
        for name in ("summary.csv", "summary.json"):
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
