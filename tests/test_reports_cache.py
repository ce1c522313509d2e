"""The rendered reports kept between runs: a build repeated on the same day with the same
inputs, config and templates renders nothing and writes the same files; anything that
could change a report's text renders it anew."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import calls_to
from markupsafe import Markup

from engagement_report import cache, pipeline
from engagement_report.cache import key as cache_key_module
from engagement_report.config import Config, ReportConfig
from engagement_report.pipeline import reporting
from engagement_report.render import environment
from engagement_report.render.kept import context_digest

FILES = ("report.md", "report.html", "summary.csv", "summary.json")
NOON = datetime(2021, 3, 15, 12, 0, tzinfo=ZoneInfo("Asia/Almaty"))


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(folder))
    return folder


def build(
    inputs: Path, out: Path, config: Config | None = None, **options: object
) -> dict[str, bytes]:
    options.setdefault("today", date(2021, 3, 15))
    options.setdefault("generated_at", NOON)
    pipeline.build(
        [inputs],
        config or Config(),
        out=out,
        period="2021-01",
        **options,  # type: ignore[arg-type]
    )
    cache.wait()
    return {name: (out / name).read_bytes() for name in FILES if (out / name).exists()}


def test_a_second_build_on_the_same_day_renders_nothing_and_writes_the_same_files(
    sample_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    rendered = calls_to(monkeypatch, reporting, "render")
    first = build(sample_data, tmp_path / "a")
    assert rendered == ["report.md.j2", "report.html.j2"]
    assert len(list(cache_folder.glob("reports-*/reports.json"))) == 1
    second = build(sample_data, tmp_path / "b")
    assert len(rendered) == 2  # not rendered again
    assert second == first
    fresh = build(sample_data, tmp_path / "c", cache=False)
    assert fresh == first


def _edit_template(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, object]:
    builtin = tmp_path / "builtin"
    shutil.copytree(environment.builtin_templates_dir(), builtin)
    page = builtin / "_about.md.j2"
    page.write_text(page.read_text(encoding="utf-8") + "Edited.\n", encoding="utf-8")
    monkeypatch.setattr(environment, "builtin_templates_dir", lambda: builtin)
    return {}


def _library(name: str) -> Callable[[pytest.MonkeyPatch, Path], dict[str, object]]:
    def change(monkeypatch: pytest.MonkeyPatch, _: Path) -> dict[str, object]:
        monkeypatch.setattr(__import__(name), "__version__", "999.0", raising=False)
        return {}

    return change


CHANGES: dict[str, Callable[[pytest.MonkeyPatch, Path], dict[str, object]]] = {
    # the "about this report" block names the run's day
    "another day": lambda *_: {"generated_at": datetime(2021, 3, 16, 9, 0, tzinfo=NOON.tzinfo)},
    "another cut-off": lambda *_: {"today": date(2021, 1, 20)},
    "another language": lambda *_: {"lang": "kk"},
    "another title": lambda *_: {"config": Config(report=ReportConfig(title={"": "Отчёт"}))},
    "another format list": lambda *_: {"formats": ["md", "html"]},
    "an edited template": _edit_template,
    "the code": lambda mp, _: mp.setattr(cache_key_module, "code_fingerprint", lambda: "x") or {},
    "Jinja": _library("jinja2"),
    "Babel": _library("babel"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_anything_that_can_change_the_text_renders_it_anew(
    change: str, sample_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(sample_data, tmp_path / "a")
    rendered = calls_to(monkeypatch, reporting, "render")
    options = CHANGES[change](monkeypatch, tmp_path)
    changed = build(sample_data, tmp_path / "b", **options)
    assert len(rendered) == 2
    # and what was rendered is what a build without any cache writes
    fresh = build(sample_data, tmp_path / "fresh", cache=False, **options)
    assert changed == fresh


def test_a_damaged_entry_is_rendered_afresh(
    sample_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    first = build(sample_data, tmp_path / "a")
    [kept] = cache_folder.glob("reports-*/reports.json")
    kept.write_text('{"report.md": "planted"}', encoding="utf-8")
    rendered = calls_to(monkeypatch, reporting, "render")
    again = build(sample_data, tmp_path / "b")
    assert len(rendered) == 2
    assert again == first


def test_nothing_is_kept_without_the_cache(
    sample_data: Path, tmp_path: Path, cache_folder: Path
) -> None:
    build(sample_data, tmp_path / "a", cache=False)
    assert not list(cache_folder.glob("reports-*"))


# --- the digest of a context ----------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    value: object
    other: object = None


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (1, True),  # prints "1" and "True"
        (1, 1.0),
        (0.0, -0.0),
        ("<b>", Markup("<b>")),  # escaped, and not
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # a template prints a dict in its order
        ((1, 2), [1, 2]),
        (date(2021, 1, 1), "2021-01-01"),
        (date(2021, 1, 1), datetime(2021, 1, 1)),
        (float("nan"), "nan"),
        (None, ""),
    ],
)
def test_values_that_print_differently_have_different_digests(one: object, other: object) -> None:
    assert context_digest(Shown(one)) != context_digest(Shown(other))


def test_the_digest_of_a_set_does_not_depend_on_its_order() -> None:
    one = frozenset(f"district {i}" for i in range(50))
    other = frozenset(sorted(one, reverse=True))
    assert context_digest(Shown(one)) == context_digest(Shown(other))
    assert context_digest(Shown(one)) != context_digest(Shown(one - {"district 1"}))


def test_a_context_holding_an_unknown_value_is_rendered_every_time(
    sample_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    assert context_digest(Shown(object())) is None
    assert context_digest(Shown(1, other=Path("x"))) is None
    real = reporting.report_context
    monkeypatch.setattr(
        reporting, "report_context", lambda *a, **k: replace(real(*a, **k), office=Path("x"))
    )
    from engagement_report.pipeline import building

    monkeypatch.setattr(building, "report_context", reporting.report_context)
    rendered = calls_to(monkeypatch, reporting, "render")
    build(sample_data, tmp_path / "a")
    build(sample_data, tmp_path / "b")
    assert len(rendered) == 4
    assert not list(cache_folder.glob("reports-*"))


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_built_report_context_has_a_digest(
    lang: str, sample_data: Path, tmp_path: Path
) -> None:
    """The sample data's context, charts and all, is made of values the digest knows:
    otherwise no build would ever be served from the cache."""
    result = pipeline.build(
        [sample_data], Config(), out=tmp_path / "out", cache=False, lang=lang, period="2021-01"
    )
    assert result.context.charts  # the digest covers the charts drawn
    assert context_digest(result.context) is not None
