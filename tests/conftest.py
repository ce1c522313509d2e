"""Shared fixtures: the sample data folder and writers of tiny CSV inputs."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _write_csvs(folder: Path, **texts: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        body = textwrap.dedent(text).lstrip("\n")
        (folder / f"{name}.csv").write_text(body, encoding="utf-8", newline="\n")
    return folder


@pytest.fixture(scope="session")
def sample_data() -> Path:
    """The generated Almaty sample CSVs."""
    return REPO / "sample_data"


@pytest.fixture(scope="session")
def write_csvs() -> Callable[..., Path]:
    """``write_csvs(folder, queries=..., broadcasts=..., press_events=...)`` → ``folder``.

    Each text is dedented and written as ``<name>.csv`` (UTF-8, LF). Usable from
    fixtures of any scope (give it a folder from ``tmp_path_factory``).
    """
    return _write_csvs


@pytest.fixture
def write_inputs(tmp_path: Path) -> Callable[..., Path]:
    """Like ``write_csvs``, into ``tmp_path / "inputs"``."""
    return lambda **texts: _write_csvs(tmp_path / "inputs", **texts)


@pytest.fixture(autouse=True)
def _parse_cache_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test has caches of its own (checked data, figures), under the
    test run's temporary folder: no test sees what another one kept, whatever the order."""
    monkeypatch.setenv("ENGAGEMENT_REPORT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _process_state_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with the messages a fresh process would show: a CLI test run with
    --quiet, or a warning said once per process, does not silence the next test."""
    from engagement_report import console
    from engagement_report.cache import store

    monkeypatch.setattr(console, "_state", {"quiet": False, "verbose": False})
    monkeypatch.setattr(store, "_warned", set())
