"""``[topics.ru]``, ``[channels.kk]`` …: a report language shows its own category labels;
the figures and the summary keep the data's."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from engagement_report import pipeline
from engagement_report.cache import cache_key
from engagement_report.config import parse_config
from engagement_report.errors import ConfigError

Q_HEADER = "query_id,received_at,answered_at,status,topic,channel,district\n"
ROWS = "".join(
    f"Q{i},2021-03-0{1 + i % 5} 10:00,2021-03-0{2 + i % 5} 10:00,answered,Roads,Web,Almaly\n"
    for i in range(6)
)
CONFIG = """
[topics]
"roads and streets" = "Roads"

[topics.ru]
Roads = "Дороги"

[topics.kk]
Roads = "Жолдар"

[districts.ru]
Almaly = "Алмалинский"
"""


def config(text: str = CONFIG):  # type: ignore[no-untyped-def]
    return parse_config(tomllib.loads(text))


def test_language_tables_are_read_apart_from_the_data_relabels() -> None:
    parsed = config()
    assert parsed.topics == {"roads and streets": "Roads"}
    assert parsed.shown_labels == {
        "topic": {"ru": {"Roads": "Дороги"}, "kk": {"Roads": "Жолдар"}},
        "district": {"ru": {"Almaly": "Алмалинский"}},
    }


def test_a_table_under_another_name_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"topics\.de must be a string, or a table"):
        config("[topics.de]\nRoads = 'Straßen'\n")
    with pytest.raises(ConfigError, match=r"topics\.ru\.Roads must be a string"):
        config("[topics.ru]\nRoads = 1\n")


@pytest.mark.parametrize(("lang", "shown"), [("ru", "Дороги"), ("kk", "Жолдар"), ("en", "Roads")])
def test_the_report_shows_the_language_label_the_summary_the_data_one(
    write_inputs, tmp_path: Path, lang: str, shown: str
) -> None:
    folder = write_inputs(queries=Q_HEADER + ROWS)
    result = pipeline.build(
        [folder],
        config(),
        period="2021-03",
        out=tmp_path / "out",
        lang=lang,
        today=date(2021, 6, 1),
    )
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert f"| {shown} | 6 |" in report
    assert shown in html
    if lang != "en":
        assert "| Roads |" not in report
    assert ("Алмалинский" in report) == (lang == "ru")
    summary = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8")
    assert ",topic,Roads," in summary and shown not in summary.replace("Roads", "")
    assert [row.category for row in result.figures.by_topic] == ["Roads"]


def test_the_labels_reach_the_cache_key() -> None:
    def key(text: str) -> str:
        return cache_key("figures", config=config(text), templates=[], inputs=[])

    assert key("[topics.ru]\nRoads = 'Дороги'\n") != key("[topics.ru]\nRoads = 'Дорога'\n")
