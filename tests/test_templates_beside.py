"""A build whose inputs are checked afresh compiles its report's templates on a thread
beside the checking; a rebuild the checked-data cache serves compiles nothing ahead, and
whatever fails on that thread leaves the report rendered, or the failure reported, as
without it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from helpers import calls_to
from jinja2 import Environment

from engagement_report import cache, pipeline
from engagement_report.config import Config
from engagement_report.errors import TemplateError
from engagement_report.pipeline import building
from engagement_report.render import environment

QUERIES = """\
    query_id,received_at,status,topic
    1,05.03.2021,answered,Roads
    2,06.03.2021,answered,Parks
"""
TODAY = date(2021, 4, 1)
REPORTS = ("report.md", "report.html")


@pytest.fixture(autouse=True)
def fresh_environments(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process does: no template compiled yet."""
    monkeypatch.setattr(environment, "_prepared", {})


def started_threads(monkeypatch: pytest.MonkeyPatch) -> list[threading.Thread | None]:
    """What every call to ``compile_beside`` in a build returned (the call still runs)."""
    returned: list[threading.Thread | None] = []
    real = environment.compile_beside

    def recorded(lang: str = "en", user_dir: Path | None = None) -> threading.Thread | None:
        returned.append(real(lang, user_dir))
        return returned[-1]

    monkeypatch.setattr(building, "compile_beside", recorded)
    return returned


def reports(folder: Path) -> list[bytes]:
    return [(folder / name).read_bytes() for name in REPORTS]


def test_a_first_build_compiles_beside_the_checking_and_a_rebuild_does_not(
    tmp_path: Path, write_inputs: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = write_inputs(queries=QUERIES)
    threads = started_threads(monkeypatch)
    pipeline.build([inputs], Config(), out=tmp_path / "first", today=TODAY)
    assert len(threads) == 1 and isinstance(threads[0], threading.Thread)
    assert not threads[0].is_alive()  # joined before the render
    cache.wait()
    compiled = calls_to(monkeypatch, environment, "compile_templates")
    pipeline.build([inputs], Config(), out=tmp_path / "again", today=TODAY)
    assert len(threads) == 1 and compiled == []  # the kept check served the rebuild
    assert reports(tmp_path / "again") == reports(tmp_path / "first")


def test_a_process_that_compiled_its_templates_starts_no_thread_for_them(
    tmp_path: Path, write_inputs: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = write_inputs(queries=QUERIES)
    threads = started_threads(monkeypatch)
    pipeline.build([inputs], Config(), out=tmp_path / "first", today=TODAY, cache=False)
    pipeline.build([inputs], Config(), out=tmp_path / "second", today=TODAY, cache=False)
    assert threads[0] is not None and threads[1:] == [None]
    # Another language is another environment: compiled beside its first build.
    pipeline.build([inputs], Config(), out=tmp_path / "ru", today=TODAY, cache=False, lang="ru")
    assert len(threads) == 3 and threads[2] is not None


def test_the_report_is_the_same_with_or_without_the_thread(
    tmp_path: Path, write_inputs: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = write_inputs(queries=QUERIES)
    threads = started_threads(monkeypatch)
    pipeline.build([inputs], Config(), out=tmp_path / "beside", today=TODAY, cache=False)
    assert threads[0] is not None
    monkeypatch.setattr(environment, "_prepared", {})
    monkeypatch.setattr(building, "compile_beside", lambda *args: None)
    pipeline.build([inputs], Config(), out=tmp_path / "plain", today=TODAY, cache=False)
    assert reports(tmp_path / "beside") == reports(tmp_path / "plain")


def test_a_thread_that_fails_leaves_the_report_rendered_the_normal_way(
    tmp_path: Path,
    write_inputs: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    inputs = write_inputs(queries=QUERIES)
    pipeline.build([inputs], Config(), out=tmp_path / "plain", today=TODAY, cache=False)
    monkeypatch.setattr(environment, "_prepared", {})
    threads = started_threads(monkeypatch)
    failed: list[str] = []
    real = environment.make_environment

    def failing(
        kind: environment.Kind, lang: str = "en", user_dir: Path | None = None
    ) -> Environment:
        if threading.current_thread() is not threading.main_thread():
            failed.append(threading.current_thread().name)
            raise OSError("the templates folder went away")
        return real(kind, lang, user_dir)

    monkeypatch.setattr(environment, "make_environment", failing)
    capsys.readouterr()
    pipeline.build([inputs], Config(), out=tmp_path / "failed", today=TODAY, cache=False)
    assert threads[0] is not None and failed == ["templates-compile"]
    assert "Traceback" not in capsys.readouterr().err
    assert reports(tmp_path / "failed") == reports(tmp_path / "plain")


def test_a_user_template_that_fails_beside_is_reported_by_the_render(
    tmp_path: Path, write_inputs: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.md.j2").write_text("fine\n{% if %}\n", encoding="utf-8")
    threads = started_threads(monkeypatch)
    with pytest.raises(TemplateError, match=r"report\.md\.j2, line 2"):
        pipeline.build(
            [write_inputs(queries=QUERIES)],
            Config(),
            out=tmp_path / "out",
            today=TODAY,
            cache=False,
            templates=folder,
        )
    assert threads[0] is not None
