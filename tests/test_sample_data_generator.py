"""The committed sample data reproduces the akimat's published figures, and is reproducible.

The figures are computed straight from the CSV files with pandas, independently of the tool,
so a bug in the tool cannot hide a wrong sample file (and the other way round).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
FILES = ("queries.csv", "broadcasts.csv", "press_events.csv")
HEADERS = {
    "queries.csv": "query_id,received_at,answered_at,status,topic,channel,district,deadline,"
    "extended_until,body",
    "broadcasts.csv": "date,program,speaker,topic,questions_answered,tv_segments",
    "press_events.csv": "date,title,topic,speakers,journalist_questions,publications",
}
TOP_FIVE = [
    "Public transport",
    "Construction quality",
    "Roads and sidewalks",
    "Public safety",
    "Engineering networks",
]


def load_generator() -> ModuleType:
    """Import sample_data/generate.py (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location("sample_generate", SAMPLE_DIR / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def queries() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / "queries.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def broadcasts() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE_DIR / "broadcasts.csv", dtype={"date": str})
    frame["year"] = frame["date"].str[:4]
    return frame


@pytest.fixture(scope="module")
def press() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE_DIR / "press_events.csv", dtype={"date": str})
    frame["month"] = frame["date"].str[:7]
    return frame


@pytest.mark.parametrize("name", FILES)
def test_files_are_utf8_lf_with_exact_headers(name: str) -> None:
    data = (SAMPLE_DIR / name).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert b"\r" not in data, "LF line endings only"
    data.decode("utf-8")
    assert data.split(b"\n", 1)[0].decode() == HEADERS[name]


def test_rerunning_the_generator_gives_byte_identical_files(tmp_path: Path) -> None:
    written = load_generator().main(tmp_path)
    assert sorted(p.name for p in written) == sorted(FILES)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name


def test_about_94_percent_of_queries_are_answered(queries: pd.DataFrame) -> None:
    """ "approximately 94% of these queries are promptly addressed"."""
    share = (queries["status"] == "answered").mean()
    assert 0.937 <= share <= 0.943


def test_five_topics_lead_in_the_published_order(queries: pd.DataFrame) -> None:
    """ "The majority of these queries revolve around public transportation, construction
    quality, road and sidewalk conditions, public safety, and ... engineering networks"."""
    counts = queries["topic"].value_counts()
    assert list(counts.index[:5]) == TOP_FIVE
    assert counts.iloc[4] > counts.iloc[5]
    assert 0.52 <= counts.iloc[:5].sum() / len(queries) <= 0.58


def test_queries_are_consistent(queries: pd.DataFrame) -> None:
    assert set(queries["status"]) == {"answered", "in_progress", "rejected", "redirected"}
    assert queries["query_id"].is_unique
    received = pd.to_datetime(queries["received_at"], format="%Y-%m-%d %H:%M")
    assert received.is_monotonic_increasing
    assert received.min() >= pd.Timestamp("2020-01-01")
    assert received.max() < pd.Timestamp("2021-03-01")
    per_month = received.dt.to_period("M").value_counts()
    assert len(per_month) == 14 and per_month.between(1200, 1800).all()
    open_ = queries["status"] == "in_progress"
    assert (queries["answered_at"][open_] == "").all()
    assert (queries["answered_at"][~open_] != "").all()
    answered = pd.to_datetime(queries["answered_at"][~open_], format="%Y-%m-%d %H:%M")
    assert (answered >= received[~open_]).all()
    assert answered.max() <= pd.Timestamp("2021-02-28 23:59")
    # Open queries are the recent ones: most arrived in February 2021.
    assert (received[open_] >= pd.Timestamp("2021-02-01")).mean() > 0.9


def test_2020_broadcasts(broadcasts: pd.DataFrame) -> None:
    """ "Looking back at 2020, 96 broadcasts were aired, during which 2,400 citizen questions
    were answered"."""
    year = broadcasts[broadcasts["year"] == "2020"]
    assert len(year) == 96
    assert year["questions_answered"].sum() == 2400


def test_2021_live_broadcasts(broadcasts: pd.DataFrame) -> None:
    """ "the six live broadcasts held this year, including one with the city akim himself.
    During these broadcasts, 165 citizen questions were addressed ... over 1,500 TV segments
    being aired on all channels following these events"."""
    year = broadcasts[broadcasts["year"] == "2021"]
    assert len(year) == 6
    assert year["questions_answered"].sum() == 165
    assert 1501 <= year["tv_segments"].sum() <= 1600
    assert (year["speaker"] == "Akim of Almaty B. Sagintayev").sum() == 1
    assert set(broadcasts["year"]) == {"2020", "2021"}
    assert broadcasts["date"].is_monotonic_increasing


def test_2020_press_events(press: pd.DataFrame) -> None:
    """ "A total of 3,048 journalist questions were clarified during press conferences held at
    the city akimat press center, involving 623 speakers"."""
    year = press[press["month"].str.startswith("2020")]
    assert year["journalist_questions"].sum() == 3048
    assert year["speakers"].sum() == 623
    assert 250 <= len(year) <= 330
    assert year["speakers"].between(1, 4).all()
    assert year["journalist_questions"].between(0, 25).all()


def test_january_2021_press_events(press: pd.DataFrame) -> None:
    """ "In January 2021 alone, 45 press events were held with 84 speakers, resulting in over
    24,000 materials being published ... These events clarified 293 journalist questions"."""
    january = press[press["month"] == "2021-01"]
    assert len(january) == 45
    assert january["speakers"].sum() == 84
    assert january["journalist_questions"].sum() == 293
    assert 24001 <= january["publications"].sum() <= 24600


def test_february_2021_press_events_and_order(press: pd.DataFrame) -> None:
    assert 35 <= (press["month"] == "2021-02").sum() <= 45
    assert set(press["month"].str[:4]) == {"2020", "2021"}
    assert press["date"].is_monotonic_increasing
