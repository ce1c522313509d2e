"""Messages for people, on stderr: the only module that imports Rich.

No colour and no progress display when stderr is not a terminal or
``NO_COLOR`` is set; ``--quiet`` keeps only errors.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Rich is imported when something is shown, not by --help or --version
    from rich.console import Console
    from rich.status import Status

_state = {"quiet": False, "verbose": False}
# A step shows its spinner only once it has run this long: short runs stay silent.
SHOW_AFTER_SECONDS = 1.0


def _console() -> Console:
    from rich.console import Console

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
    from engagement_report.safe_text import terminal_text

    # A message may quote a cell, a header or a file name: no escape sequence gets through.
    _console().print(f"{prefix}{terminal_text(message)}", style=style or None, markup=False)


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


class _Step:
    """A running step's message and, once shown, its spinner."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.spinner: Status | None = None
        self.done = False
        self.lock = threading.Lock()

    def show(self) -> None:
        with self.lock:
            if self.done:
                return
            self.spinner = _console().status(self.message)
            self.spinner.start()

    def say(self, message: str) -> None:
        with self.lock:
            self.message = message
            if self.spinner is not None:
                self.spinner.update(message)

    def end(self) -> None:
        with self.lock:
            self.done = True
            if self.spinner is not None:
                self.spinner.stop()


_steps: list[_Step] = []


def _showing_progress() -> bool:
    return not (
        _state["quiet"]
        or not sys.stderr.isatty()
        or os.environ.get("NO_COLOR")
        or os.environ.get("CI")
    )


@contextmanager
def status(message: str) -> Iterator[None]:
    """A spinner on a terminal while a long step runs; silent elsewhere.

    The spinner appears only once the step has run for about a second, so quick
    commands print nothing extra; :func:`note` changes its message as the step goes on.
    """
    if not _showing_progress() or _steps:  # Rich shows one live display at a time
        yield
        return
    step = _Step(message)
    timer = threading.Timer(SHOW_AFTER_SECONDS, step.show)
    timer.daemon = True
    _steps.append(step)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        step.end()
        _steps.remove(step)


def note(message: str) -> None:
    """What the running step is doing now (``Reading registry.xlsx…``), on its spinner;
    nothing when no spinner runs (not a terminal, ``--quiet``, a library call)."""
    if _steps:
        _steps[-1].say(message)
