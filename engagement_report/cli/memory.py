"""How the command-line process asks the C library and the kernel for memory.

A 10-million-row summary makes some hundreds of temporary columns of 10-80 MB (masks,
casts, takes). glibc hands every block over 32 MB straight back to the kernel when it is
freed (``munmap``) and maps fresh pages for the next one, so each temporary is faulted in
and zeroed page by page again: about 24 GB of fresh pages for a 3.3 GB peak. With
transparent huge pages (numpy asks for them on large arrays) each fault zeroes 2 MB,
and on a virtual machine that returns freed memory to its host, every fresh page also
costs the host a fault: most of the run's system time (``benchmarks/README.md``).

The process therefore keeps what it frees and reuses it, and takes its memory in small
pages. Only the command-line process does this: it ends as soon as its files are
written, while a notebook or a service calling the library keeps its own settings.
Nothing here changes a result; where the C library is not glibc, nothing is done.
"""

from __future__ import annotations

import ctypes
import os
import sys

# <malloc.h>
_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4
# <linux/prctl.h>
_PR_SET_THP_DISABLE = 41

_KEEP_AT_TOP = 2**31 - 1  # mallopt takes an int: the largest free top it may keep


def keep_freed_memory() -> bool:
    """Ask glibc to serve large blocks from its heap and keep freed memory for reuse, and
    the kernel for small pages only; True where this was done (Linux with glibc)."""
    if not sys.platform.startswith("linux") or not _glibc():
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    # No block from its own mapping: a freed block goes back to the heap, not the kernel.
    done = libc.mallopt(_M_MMAP_MAX, 0) == 1
    # ... and the heap's free top is not given back either (up to 2 GB).
    done = libc.mallopt(_M_TRIM_THRESHOLD, _KEEP_AT_TOP) == 1 and done
    # Small pages: a huge page is zeroed whole at its first touch.
    done = libc.prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0 and done
    return done


def _glibc() -> bool:
    """Whether this process runs on glibc (musl has neither the options nor their names)."""
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError):
        return False
