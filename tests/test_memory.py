"""The command-line process reuses the memory it frees (``cli/memory.py``).

Each check runs in a child process: the settings are the process's own, and a test
process must keep its usual ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"),
    reason="the settings are glibc's and Linux's",
)

# Frees a 200 MB array (a 25M-row column) and makes another: the minor page faults of
# the second tell whether its pages were fresh from the kernel (about 49,000 of 4 KB, or
# 100 huge ones) or the first's, reused (a handful).
REFAULTS = textwrap.dedent(
    """
    import resource, sys
    import numpy as np
    {setup}
    first = np.ones(25_000_000)
    del first
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    second = np.ones(25_000_000)
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    thp = [line for line in open("/proc/self/status") if line.startswith("THP_enabled")]
    print(faults, thp[0].split()[1] if thp else "?")
    """
)


def _child(setup: str) -> tuple[int, str]:
    out = subprocess.run(
        [sys.executable, "-c", REFAULTS.format(setup=setup)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return int(out[0]), out[1]


def test_a_freed_column_is_reused_not_faulted_in_again() -> None:
    kept = "from engagement_report.cli.memory import keep_freed_memory; keep_freed_memory()"
    plain_faults, plain_thp = _child("")
    kept_faults, kept_thp = _child(kept)
    assert plain_faults > 60  # the plain process maps fresh pages for the second array
    assert kept_faults < 30
    assert kept_thp in ("0", "?")  # small pages (the field is missing before Linux 6.8)
    assert plain_thp in ("1", "?")


def test_the_command_line_process_keeps_freed_memory() -> None:
    """``main`` sets the process up before the command runs (its own child: it ends with
    ``os._exit``)."""
    code = textwrap.dedent(
        """
        import engagement_report.cli as cli
        import numpy as np, resource

        def app():
            first = np.ones(25_000_000)
            del first
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            second = np.ones(25_000_000)
            print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)

        cli.app = app
        cli.main()
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert int(out) < 30


def test_a_library_caller_keeps_its_own_settings() -> None:
    """Importing the package and the pipeline changes nothing about the process."""
    faults, _ = _child("import engagement_report.pipeline")
    assert faults > 60
