"""Work a build needs later, started on the second core while the inputs are read.

Reading a file is Arrow or Rust work that lets go of the GIL (fastexcel reads a
workbook on one core for seconds), so meanwhile one thread can import the holiday
calendar (python-holidays imports its ~150 countries at once, about 0.15 s), compile
the report's templates (about 0.2 s) and hash the inputs for the manifest (0.2 s for a
200 MB CSV file). Each is memoised where it is used and done again on demand, so
nothing here is needed for a correct result: a failure only means the time is spent
later, where the build reports it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Templates:
    """Which report templates the build will render."""

    lang: str
    user_dir: Path | None
    cache: bool


def start(
    files: Sequence[Path], country: str | None, templates: Templates | None = None
) -> threading.Thread:
    """Start the warm-up thread: the holiday calendar of ``country``, the templates, the digests."""
    thread = threading.Thread(
        target=_warm,
        args=(tuple(files), country, templates),
        name="engagement-report-warmup",
        daemon=True,
    )
    thread.start()
    return thread


def _warm(files: tuple[Path, ...], country: str | None, templates: Templates | None) -> None:
    from engagement_report.hashing import file_digest
    from engagement_report.loading.cache import lowest_priority

    if country:
        with contextlib.suppress(Exception):  # an unknown country is reported where used
            import holidays

            holidays.country_holidays(country)
    if templates is not None:
        with contextlib.suppress(Exception):  # a broken template is reported when rendered
            from engagement_report.render.environment import prepare

            prepare(templates.lang, templates.user_dir, cache=templates.cache)
    # The digests are needed last (for the manifest and the checked-data cache), so they
    # take only the CPU the build leaves idle: hashing a 200 MB file at full priority
    # slowed the checking beside it.
    lowest_priority()
    for path in files:
        with contextlib.suppress(OSError):  # reported by the reader, with the file's name
            file_digest(path)
