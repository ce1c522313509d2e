"""Standard streams: data to stdout as UTF-8, and descriptors the process was started
without."""

from __future__ import annotations

import os
import sys

import typer


def _emit(chunks: object) -> None:
    """Write data to stdout, as UTF-8 whatever the locale (the summary contract);
    a reader that closes the pipe early ends the run quietly."""
    from engagement_report.errors import OutputError

    if "stdout" in _CLOSED:
        raise OutputError("stdout is closed: there is nowhere to write the data to")
    try:
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)
        for chunk in chunks:  # type: ignore[attr-defined]
            if out is None:
                sys.stdout.write(chunk)
            else:
                out.write(chunk.encode("utf-8", "surrogateescape"))
        (out or sys.stdout).flush()
    except BrokenPipeError:
        # Python would complain again when flushing stdout at exit; point it at devnull.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except OSError as exc:  # a full disk behind a redirection, /dev/full, a quota
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # what is still buffered cannot fail again
        raise OutputError(f"cannot write to stdout: {exc.strerror or exc}") from None


_CLOSED: set[str] = set()  # standard streams the process was started without


def _guard_standard_streams() -> None:
    """Give a closed stdin, stdout or stderr a /dev/null of its own.

    A closed descriptor 1 or 2 would otherwise be handed to the next file opened (a
    report file, the lock) and messages written "to stderr" would land inside it. With
    stderr closed the run goes on silently and its exit code tells the outcome; with
    stdout closed a command that has data to print fails with exit 3.
    """
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            devnull = os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: fd
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
            _CLOSED.add(name)
    if sys.stdout is None:
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
