"""The command line: options → one library call → output → exit code.

The only package that imports Typer. Heavy modules (pandas, the readers, Jinja, Babel)
are imported inside the commands, so ``--help`` and ``--version`` stay fast. One module
per job: the application (``application``), shared options (``options``), what every
command does around its call (``running``), the commands (``reports``, ``checks``,
``archiving``, ``kit``, ``runs``), what they say (``messages``) and the standard streams (``streams``).
"""

from __future__ import annotations

import contextlib
import os
import sys

from engagement_report.cli.application import app
from engagement_report.cli.memory import keep_freed_memory
from engagement_report.cli.streams import _guard_standard_streams

# The command modules register their commands on ``app`` as they are imported, in the
# order --help lists them.
# isort: off
from engagement_report.cli import reports, checks, archiving, kit, runs
# isort: on

__all__ = ["app", "archiving", "checks", "kit", "main", "reports", "runs"]


def main() -> None:
    """Console-script entry point.

    When the command is done (its files written and closed, its cache writers joined),
    the process ends at once: the interpreter would otherwise free a million-row build's
    frames and modules one object at a time on its way out, a fifth of a second for
    nothing. Before the command runs, the process is set to reuse the memory it frees
    (:func:`keep_freed_memory`).
    """
    keep_freed_memory()
    _guard_standard_streams()
    try:
        app()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    _end(code)


def _end(code: object) -> None:
    """Exit with ``code`` as ``sys.exit`` would, without the interpreter's teardown.

    The cache writers are the only threads whose work should finish (the warm-up and
    read-ahead threads are daemons); they are waited for first, a few seconds at most.
    """
    writers = sys.modules.get("engagement_report.cache.background")  # not loaded: none started
    if writers is not None:
        writers.wait()
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
