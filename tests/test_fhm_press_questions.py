"""The Swedish Public Health Agency's real question log of 2020 through
examples/fhm-press-questions.toml (issue 14): 1,215 journalist questions at its press
conferences and TV interviews. Every expected figure is counted here with plain pandas
from the raw CSV, never from the tool's own output.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from engagement_report import pipeline
from engagement_report.config import load_config

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "examples" / "fhm-press-questions.toml"
FHM = Path(__file__).parent / "data" / "real" / "fhm_press_conferences_2020_questions.csv"
TODAY = date(2030, 1, 1)


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(FHM, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fhm") / "2020"
    pipeline.build([FHM], load_config(CONFIG), period="2020", out=folder, today=TODAY)
    return folder


@pytest.fixture(scope="module")
def built(out: Path) -> dict[tuple[str, str, str], str]:
    with (out / "summary.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return {
        (r["metric"], r["dimension"], r["category"]): r["value"]
        for r in rows
        if r["dataset"] == "press_events"
    }


def test_every_question_is_read(raw: pd.DataFrame) -> None:
    assert len(raw) == 1215
    [source] = pipeline.check_inputs([FHM], load_config(CONFIG)).sources
    assert source.dataset == "press_questions"
    assert (source.rows_read, source.used, source.rejected, source.warnings) == (1215, 1215, 0, 0)


def test_the_years_figures_match_an_independent_count(raw: pd.DataFrame, built: dict) -> None:
    events = raw.groupby(["Datum", "Medium"])
    assert int(built[("press_events", "total", "")]) == events.ngroups == 94
    assert int(built[("journalist_questions", "total", "")]) == len(raw) == 1215
    assert int(built[("speakers", "total", "")]) == events["Respondent"].nunique().sum()
    assert int(built[("outlets", "total", "")]) == events["Intervjuare"].nunique().sum()
    assert built[("publications", "total", "")] == ""  # the log has none: not recorded
    assert float(built[("questions_per_event", "total", "")]) == round(1215 / 94, 6)


@pytest.mark.parametrize(
    ("dimension", "column"),
    [("outlet", "Intervjuare"), ("speaker", "Respondent"), ("topic", "Ämne")],
)
def test_questions_by_outlet_speaker_and_topic(
    raw: pd.DataFrame, built: dict, dimension: str, column: str
) -> None:
    counts = raw[column].value_counts()
    found = {
        category: int(value)
        for (metric, dim, category), value in built.items()
        if metric == "journalist_questions" and dim == dimension
    }
    assert found == {str(k): int(v) for k, v in counts.items()}
    events = raw.drop_duplicates(["Datum", "Medium", column])[column].value_counts()
    assert {
        category: int(value)
        for (metric, dim, category), value in built.items()
        if metric == "press_events" and dim == dimension
    } == {str(k): int(v) for k, v in events.items()}
    top = counts.index[0]
    assert float(built[("share_of_questions", dimension, top)]) == round(counts.iloc[0] / 1215, 6)


def test_each_month_as_counted(raw: pd.DataFrame) -> None:
    records = pipeline.summarize([FHM], load_config(CONFIG), "2020", TODAY, as_of=TODAY, by="month")
    got = {
        r.period_start[:7]: r.value
        for r in records
        if r.dataset == "press_events" and r.metric == "press_events" and r.dimension == "total"
    }
    month = raw["Datum"].str[:7]
    expected = (
        raw.assign(month=month)
        .groupby("month")[["Datum", "Medium"]]
        .apply(lambda frame: len(frame.drop_duplicates()))
    )
    assert {m: v for m, v in got.items() if v} == expected.to_dict()


def test_the_topic_table_follows_the_one_topic_rule(raw: pd.DataFrame, out: Path) -> None:
    counts = raw["Ämne"].value_counts()
    # Ties broken by name, as the tool orders them.
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    top = [name for name, _ in ordered[:10]]
    assert "Övrig" not in top  # the log's own "other" topic, smaller than the ten
    rest = [(name, n) for name, n in ordered[10:] if name != "Övrig"]
    text = (out / "report.md").read_text(encoding="utf-8")
    table = text[text.index("### Journalists' questions by topic") :].split("\n\n")[1]
    names = [line.split(" | ")[0].lstrip("| ") for line in table.splitlines()[2:]]
    assert names == [*top, "Övrig", f"Remaining topics ({len(rest)})"]
    folded = sum(n for _, n in rest)
    share = f"{100 * folded / len(raw):.1f}%"
    assert table.splitlines()[-1] == f"| Remaining topics ({len(rest)}) | {folded} | {share} | |"
