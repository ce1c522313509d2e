"""Work a build needs later, started on the second core while the inputs are read.

Reading a file is Arrow or Rust work that lets go of the GIL, so meanwhile one thread
can import the holiday calendar (python-holidays imports its ~150 countries at once,
about 0.15 s) and hash the inputs for the manifest (0.2 s for a 200 MB CSV file).
Both are memoised where they are used and done again on demand, so nothing here is
needed for a correct result: a failure only means the time is spent later.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from pathlib import Path


def start(files: Sequence[Path], country: str | None) -> threading.Thread:
    """Start the warm-up thread: the holiday calendar of ``country``, then the digests."""
    thread = threading.Thread(
        target=_warm, args=(tuple(files), country), name="engagement-report-warmup", daemon=True
    )
    thread.start()
    return thread


def _warm(files: tuple[Path, ...], country: str | None) -> None:
    from engagement_report.hashing import file_digest

    if country:
        try:
            import holidays

            holidays.country_holidays(country)
        except Exception:  # an unknown country is reported where the calendar is used
            pass
    for path in files:
        with contextlib.suppress(OSError):  # reported by the reader, with the file's name
            file_digest(path)
