"""Cache writers on threads of their own, and a bounded wait for them.

A build hands what it keeps to a writer thread and goes on; it waits for the writers
before it returns, at most :data:`WAIT_SECONDS` (a cache folder on a hung network mount
must not hold a cron job forever once its report is written). A writer still
busy then is abandoned with one warning; its entry was being written under a temporary
name, so nothing half-written is ever used, and a later run sweeps it.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable
from typing import Any

WAIT_SECONDS = 5.0

_pending: list[threading.Thread] = []
_pending_lock = threading.Lock()


def in_background(target: Callable[..., Any], *args: object, name: str) -> threading.Thread:
    """Run a cache writer on a thread of its own; :func:`wait` joins it.

    The thread is there so that the wait can end: a write to a hung network mount cannot
    be interrupted, only left behind.
    """
    # A daemon: the interpreter's exit does not wait for it without end; :func:`wait`
    # (also run at exit) gives it WAIT_SECONDS.
    thread = threading.Thread(target=target, args=args, name=name, daemon=True)
    thread.start()
    with _pending_lock:
        _pending.append(thread)
    return thread


def wait(timeout: float | None = None) -> bool:
    """Wait until the entries being written in the background are on disk, at most
    ``timeout`` seconds in all (default :data:`WAIT_SECONDS`); False (after one warning)
    when some are not."""
    if timeout is None:
        timeout = WAIT_SECONDS
    deadline = time.monotonic() + timeout
    with _pending_lock:
        threads, _pending[:] = list(_pending), []
    late = []
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
        if thread.is_alive():
            late.append(thread)
    if late:
        from engagement_report.cache.store import warn_once

        warn_once(
            "wait",
            f"the cache was still being written after {timeout:g} s: not waiting for it "
            "(the next run keeps its results instead)",
        )
    return not late


atexit.register(wait)
