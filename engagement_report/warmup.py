"""Work a build needs later, started on the second core while the inputs are read.

Reading a file is Arrow or Rust work that lets go of the GIL (fastexcel reads a
workbook on one core for seconds), so meanwhile one thread can import the holiday
calendar (python-holidays imports its ~150 countries at once, about 0.15 s) and compile
the report's templates (about 0.2 s). Each is memoised where it is used and done again
on demand, so nothing here is needed for a correct result: a failure only means the
time is spent later, where the build reports it.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Templates:
    """Which report templates the build will render."""

    lang: str
    user_dir: Path | None


def start(country: str | None, templates: Templates | None = None) -> threading.Thread:
    """Start the warm-up thread: the holiday calendar of ``country``, the templates."""
    thread = threading.Thread(
        target=_warm, args=(country, templates), name="engagement-report-warmup", daemon=True
    )
    thread.start()
    return thread


def _warm(country: str | None, templates: Templates | None) -> None:
    if country:
        with contextlib.suppress(Exception):  # an unknown country is reported where used
            import holidays

            holidays.country_holidays(country)
    if templates is not None:
        with contextlib.suppress(Exception):  # a broken template is reported when rendered
            from engagement_report.render.environment import prepare

            prepare(templates.lang, templates.user_dir)
