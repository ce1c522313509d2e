"""Messages for people, on stderr: the only module that imports Rich.

No colour and no progress display when stderr is not a terminal or
``NO_COLOR`` is set; ``--quiet`` keeps only errors.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

_state = {"quiet": False, "verbose": False}


def _console() -> Console:
    plain = bool(os.environ.get("NO_COLOR")) or not sys.stderr.isatty()
    # NO_COLOR means no escape codes at all: Rich's no_color keeps bold, so drop the colour system.
    return Console(
        file=sys.stderr,
        no_color=plain,
        color_system=None if plain else "auto",
        highlight=False,
        soft_wrap=True,
        emoji=False,
    )


def configure(*, quiet: bool = False, verbose: bool = False) -> None:
    """Set how much is said for the rest of the run."""
    _state["quiet"] = quiet
    _state["verbose"] = verbose and not quiet


def _say(style: str, prefix: str, message: str) -> None:
    _console().print(f"{prefix}{message}", style=style or None, markup=False)


def error(message: str) -> None:
    """An error line (always shown)."""
    _say("bold red", "error: ", message)


def warning(message: str) -> None:
    """A warning line (hidden by --quiet)."""
    if not _state["quiet"]:
        _say("yellow", "warning: ", message)


def info(message: str) -> None:
    """A progress or result line (hidden by --quiet)."""
    if not _state["quiet"]:
        _say("", "", message)


def detail(message: str) -> None:
    """A line shown only with --verbose."""
    if _state["verbose"]:
        _say("dim", "", message)


@contextmanager
def status(message: str) -> Iterator[None]:
    """A spinner on a terminal while a long step runs; silent elsewhere."""
    console = _console()
    if (
        _state["quiet"]
        or not sys.stderr.isatty()
        or os.environ.get("NO_COLOR")
        or os.environ.get("CI")
    ):
        yield
        return
    with console.status(message):
        yield
