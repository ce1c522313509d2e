"""The report's "about this report" block: data as of, made on, source files, contact,
links to the summary files; and what reaches the cache key."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engagement_report.cache import cache_key
from engagement_report.config import Config, load_config
from engagement_report.config.settings import ReportConfig
from engagement_report.errors import ConfigError
from engagement_report.hashing import seen
from engagement_report.output import LEGACY_LOCK_NAME, lock_path
from engagement_report.pipeline import build

QUERIES = """\
query_id,received_at,answered_at,status,topic,channel,district
A-1,2021-03-01 09:00,2021-03-02 09:00,answered,Roads,Web,Medeu
A-2,2021-03-02 10:00,,in progress,Roads,Web,Medeu
"""
BROADCASTS = "date,program,questions_answered\n2021-03-04,Akimat LIVE,12\n"

# 23:30 UTC on 15 April is already 16 April in Almaty (UTC+5): the day in the
# config's time zone is the day the report was made.
LATE_EVENING_UTC = datetime(2021, 4, 15, 23, 30, tzinfo=UTC)
CONTACT = (
    'contact = { en = "Press office, +7 727 000 00 00", ru = "Пресс-служба, +7 727 000 00 00" }'
)


def _build(inputs: Path, out: Path, config: Config, **options: object) -> tuple[str, str]:
    defaults: dict[str, object] = {
        "period": "2021-03",
        "today": datetime(2021, 4, 15).date(),
        "generated_at": LATE_EVENING_UTC,
    }
    build([inputs], config, out=out, **(defaults | options))  # type: ignore[arg-type]
    return (
        (out / "report.md").read_text(encoding="utf-8"),
        (out / "report.html").read_text(encoding="utf-8"),
    )


@pytest.fixture
def inputs(write_inputs) -> Path:
    return write_inputs(queries=QUERIES, broadcasts=BROADCASTS)


def test_the_block_says_as_of_when_made_when_and_from_which_files(
    inputs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    md, html = _build(inputs, out, Config())
    assert "## About this report" in md
    assert "- Data as of: the end of March 31, 2021" in md  # the cut-off
    assert "- Report made on: April 16, 2021" in md  # the run's day in Asia/Almaty
    assert "<dt>Report made on</dt><dd>April 16, 2021</dd>" in html
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert datetime.fromisoformat(manifest["generated_at"]) == LATE_EVENING_UTC  # one run
    files = "; ".join(f"{i['name']} (SHA-256 `{i['sha256'][:12]}`)" for i in manifest["inputs"])
    assert f"- Source files: {files}" in md
    for item in manifest["inputs"]:
        assert (
            f'{item["name"]} <span class="muted">(SHA-256 <code>{item["sha256"][:12]}</code>)'
            in html
        )
    # No contact configured: no contact line.
    assert "Contact" not in md and "<dt>Contact</dt>" not in html
    # The default formats write both summaries: both are linked, relatively.
    assert "- Figures as data: [summary.csv](summary.csv), [summary.json](summary.json)" in md
    assert '<a href="summary.csv">summary.csv</a>, <a href="summary.json">summary.json</a>' in html
    # The folder is locked from beside it while written, and nothing of the lock stays.
    assert not (out / LEGACY_LOCK_NAME).exists()
    assert not lock_path(out).exists()


def test_summary_links_only_to_the_files_written(inputs: Path, tmp_path: Path) -> None:
    md, html = _build(inputs, tmp_path / "a", Config(), formats=["md", "html"])
    assert "summary.csv" not in md and "summary.json" not in html
    assert "Figures as data" not in md
    md, html = _build(inputs, tmp_path / "b", Config(), formats=["md", "html", "json"])
    assert "- Figures as data: [summary.json](summary.json)" in md
    assert 'href="summary.csv"' not in html and 'href="summary.json"' in html


def test_the_contact_is_configured_per_language(inputs: Path, tmp_path: Path) -> None:
    path = tmp_path / "engagement-report.toml"
    path.write_text(f"[report]\n{CONTACT}\n", encoding="utf-8")
    config = load_config(path)
    assert config.report.contact_in("kk") == "Press office, +7 727 000 00 00"  # English next
    md, _ = _build(inputs, tmp_path / "ru", config, lang="ru")
    assert "## Сведения об отчёте" in md
    assert "- Контакты: Пресс-служба, +7 727 000 00 00" in md
    assert "- Отчёт подготовлен: 16 апреля 2021 г." in md
    md, html = _build(inputs, tmp_path / "en", config, lang="en")
    assert "- Contact: Press office, +7 727 000 00 00" in md
    assert "<dt>Contact</dt><dd>Press office, +7 727 000 00 00</dd>" in html


def test_a_contact_in_an_unknown_language_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "engagement-report.toml"
    path.write_text('[report]\ncontact = { de = "Pressestelle" }\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"report\.contact\.de"):
        load_config(path)


def test_the_contact_reaches_the_cache_key(inputs: Path) -> None:
    files = [seen(inputs / "queries.csv")]
    plain = Config()
    with_contact = replace(plain, report=ReportConfig(contact={"": "Press office"}))
    assert cache_key("figures", config=plain, templates=[], inputs=files) != cache_key(
        "figures", config=with_contact, templates=[], inputs=files
    )


def test_figures_from_the_cache_never_bring_an_old_made_on_date(
    inputs: Path, tmp_path: Path
) -> None:
    # The second build loads its figures from the cache the first one kept: the made-on
    # day is the second run's own, not the one the cached entry was made with.
    first, _ = _build(inputs, tmp_path / "first", Config())
    later = datetime(2021, 5, 2, 8, 0, tzinfo=UTC)
    second, _ = _build(inputs, tmp_path / "second", Config(), generated_at=later)
    assert "- Report made on: April 16, 2021" in first
    assert "- Report made on: May 2, 2021" in second
    assert first.replace("April 16, 2021", "May 2, 2021") == second
