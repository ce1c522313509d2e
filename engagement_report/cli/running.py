"""What every command does around its library call: read the config and the inputs'
names, parse dates, and map exceptions to one stderr line and an exit code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

import typer

from engagement_report import console
from engagement_report.config import Config, find_config, load_config
from engagement_report.errors import EngagementReportError, ExitCode, UsageError

T = TypeVar("T")


@contextmanager
def _outcome(debug: bool) -> Iterator[None]:
    """Map library exceptions to one clear stderr line and the documented exit code."""
    try:
        yield
    except typer.Exit:
        raise
    except EngagementReportError as exc:
        if debug:
            raise
        console.error(str(exc))
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        console.error("interrupted")
        raise typer.Exit(130) from None
    except Exception as exc:
        if debug:
            raise
        console.error(
            f"internal error ({type(exc).__name__}: {exc}); this is a bug: rerun with --debug and report it"
        )
        raise typer.Exit(ExitCode.BUG) from None


def _setup(config_path: Path | None, quiet: bool = False, verbose: bool = False) -> Config:
    console.configure(quiet=quiet, verbose=verbose)
    return load_config(find_config(config_path))


def _inputs(given: list[str] | None, config: Config) -> list[str]:
    if given:
        return [str(p) for p in given]
    if config.inputs:
        base = config.source.parent if config.source else Path.cwd()
        return [
            i if "://" in i or Path(i).expanduser().is_absolute() else str(base / i)
            for i in config.inputs
        ]
    raise UsageError(
        "no inputs: give files or folders, or name them with inputs = [...] in the config"
    )


def _date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r}: expected a date as YYYY-MM-DD") from None


def _today(text: str | None) -> date | None:
    return _date("--today", text)


def _run(debug: bool, action: Callable[[], T]) -> T:
    with _outcome(debug):
        return action()
    raise AssertionError("unreachable")  # pragma: no cover
