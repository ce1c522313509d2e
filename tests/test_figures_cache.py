"""The figures cache: a build repeated on unchanged inputs reuses its figures, invisibly."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from engagement_report import analysis, cache, figures_cache, pipeline
from engagement_report.config import Config
from engagement_report.periods import parse_period

FILES = ("report.md", "report.html", "summary.csv", "summary.json")


@pytest.fixture(autouse=True)
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(folder))
    return folder


def counting(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []
    real = analysis.period_figures

    def period_figures(*args: object, **kwargs: object) -> object:
        calls.append(args[1])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "period_figures", period_figures)
    return calls


def build(inputs: Path, out: Path, **options: object) -> dict[str, bytes]:
    options.setdefault("today", date(2021, 3, 15))
    pipeline.build([inputs], Config(), out=out, **options)  # type: ignore[arg-type]
    cache.wait()
    return {name: (out / name).read_bytes() for name in FILES}


def test_a_second_build_reuses_the_figures_and_writes_the_same_files(
    sample_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    calls = counting(monkeypatch)
    first = build(sample_data, tmp_path / "a", period="2021-01")
    assert len(calls) == 1
    kept = list(cache_folder.glob("figures-*/analysis.json"))
    assert len(kept) == 1
    second = build(sample_data, tmp_path / "b", period="2021-01")
    assert len(calls) == 1  # not computed again
    assert second == first
    # Another language renders the same kept figures in Russian.
    russian = build(sample_data, tmp_path / "c", period="2021-01", lang="ru")
    assert len(calls) == 1
    assert "Обращения" in russian["report.md"].decode("utf-8")


@pytest.mark.parametrize(
    "change",
    [{"period": "2021-02"}, {"today": date(2021, 1, 20)}, {"as_of": date(2021, 1, 20)}],
)
def test_another_period_day_or_cut_off_is_computed(
    change: dict[str, object], sample_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = counting(monkeypatch)
    build(sample_data, tmp_path / "a", period="2021-01")
    options: dict[str, object] = {"period": "2021-01", **change}
    changed = build(sample_data, tmp_path / "b", **options)
    assert len(calls) == 2
    monkeypatch.undo()
    fresh = pipeline.build(
        [sample_data],
        Config(),
        out=tmp_path / "fresh",
        cache=False,
        **options,  # type: ignore[arg-type]
    )
    assert (tmp_path / "fresh" / "summary.csv").read_bytes() == changed["summary.csv"]
    asked = parse_period(str(options["period"]))
    today, as_of = options.get("today", date(2021, 3, 15)), options.get("as_of")
    expected = pipeline.window(asked, Config(), today, as_of)  # type: ignore[arg-type]
    assert fresh.figures.period == expected.period
    assert fresh.figures.cutoff == expected.cutoff


def test_a_damaged_figures_file_is_computed_afresh(
    sample_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_folder: Path
) -> None:
    first = build(sample_data, tmp_path / "a", period="2021-01")
    [kept] = cache_folder.glob("figures-*/analysis.json")
    kept.write_text('{"$type": "Nonsense"}', encoding="utf-8")
    calls = counting(monkeypatch)
    again = build(sample_data, tmp_path / "b", period="2021-01")
    assert len(calls) == 1
    assert again == first


def test_the_codec_gives_back_equal_results(sample_data: Path) -> None:
    config = Config()
    data = pipeline.load_and_validate([sample_data], config, cache=False)
    window = pipeline.window(parse_period("2021-01"), config, date(2021, 3, 15))
    result = analysis.analyse(data, window, config)
    text = json.dumps(figures_cache.encode(result))
    back = figures_cache.decode(json.loads(text))
    assert back == result
    assert back.figures.deadlines is not None and back.months and back.headlines
    assert isinstance(back.figures.datasets, frozenset)
    with pytest.raises(ValueError, match="unknown type"):
        figures_cache.decode({"$type": "os.system"})
    with pytest.raises(TypeError):
        figures_cache.encode(object())


def test_no_figures_are_kept_without_the_cache(
    write_csvs: Callable[..., Path], tmp_path: Path, cache_folder: Path
) -> None:
    inputs = write_csvs(
        tmp_path / "in",
        queries="""\
            query_id,received_at,status
            a,2021-01-05,answered
        """,
    )
    pipeline.build([inputs], Config(), out=tmp_path / "out", cache=False, today=date(2021, 3, 1))
    cache.wait()
    assert not list(cache_folder.glob("figures-*"))
