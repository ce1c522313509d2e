"""Exit codes and the exceptions the library raises for people to read.

The CLI maps each exception to one exit code; nothing else in the library
decides how the process ends.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The documented exit codes (README, "Exit codes")."""

    OK = 0
    DATA_PROBLEMS = 1  # rows rejected under --strict / validate, or a --fail-on check failed
    BAD_INPUT = 2  # bad usage, a bad config, or an input that cannot be read at all
    OUTPUT_FAILED = 3  # the report could not be written
    BUG = 70  # EX_SOFTWARE: anything not foreseen is a bug in this tool


# What each code means, for people: the README's table of exit codes is generated from it.
EXIT_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "done",
    ExitCode.DATA_PROBLEMS: (
        "data problems: `validate` found rejected rows or skipped a file; `archive` rejected "
        "rows (the other rows are archived); `build --strict` "
        "found rejected rows (no report written); a `build --fail-on` check held (report "
        "written); the period holds no rows of any dataset and `--allow-empty` was not given "
        "(nothing written)"
    ),
    ExitCode.BAD_INPUT: (
        "bad usage or unreadable input: a missing file, a file that is not a spreadsheet, "
        "encrypted, empty, a required column missing, a file named on the command line (or "
        "all the inputs) not recognised as any dataset, a bad `--period`, a bad config, a "
        "damaged archive partition file, `--engine dask` without dask installed"
    ),
    ExitCode.OUTPUT_FAILED: (
        "the output could not be written (or another run kept the output folder locked for "
        "5 minutes); stdout closed or full (`summary`, `validate`, `diff` have nowhere to "
        "write their data)"
    ),
    ExitCode.BUG: "a bug in this tool (the message asks to rerun with `--debug` and report it)",
}


class EngagementReportError(Exception):
    """Base class: a problem with a message meant for a person."""

    exit_code: ExitCode = ExitCode.BAD_INPUT


class InputError(EngagementReportError):
    """An input file cannot be read at all (corrupt, encrypted, empty, wrong kind)."""


class ConfigError(EngagementReportError):
    """The configuration file is missing, unreadable or has unknown keys."""


class UsageError(EngagementReportError):
    """Options that do not make sense together, or no inputs given."""


class TemplateError(EngagementReportError):
    """A user's template (``--templates``) cannot be compiled or rendered."""


class OutputError(EngagementReportError):
    """A report or summary could not be written."""

    exit_code = ExitCode.OUTPUT_FAILED


class DataQualityError(EngagementReportError):
    """Rows were rejected under ``--strict``, or a ``--fail-on`` check failed."""

    exit_code = ExitCode.DATA_PROBLEMS
