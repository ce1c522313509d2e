"""``--fail-on`` thresholds: when the data is not good enough for an unattended run.

A check reads ``NAME OP NUMBER[%]``, e.g. ``rejected>0``, ``coverage<100%``,
``on_time_share<0.9``. The run writes its reports (data-quality section
included) and then exits 1 when any check holds.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from engagement_report.errors import UsageError

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "!=": operator.ne,
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}

CHECK_NAMES: dict[str, str] = {
    "rejected": "rows rejected over all inputs",
    "warnings": "warnings over all inputs",
    "duplicates": "duplicate query rows",
    "coverage": "share of the period's months that hold data, lowest over the datasets present (100% = every month)",
    "received": "queries received in the period",
    "answered_share": "answered / received",
    "on_time_share": "on time / (on time + late)",
    "on_time_share_of_due": "on time / (on time + late + open overdue)",
    "open_overdue": "queries open past their deadline at the cut-off",
}

_PATTERN = re.compile(r"^\s*([a-z_]+)\s*(>=|<=|!=|==|>|<|=)\s*(-?\d+(?:[.,]\d+)?)\s*(%?)\s*$")


@dataclass(frozen=True)
class Check:
    """One parsed ``--fail-on`` expression."""

    text: str
    name: str
    op: str
    threshold: float

    def holds(self, values: Mapping[str, float | None]) -> bool:
        """True when the measured value meets the failure condition (undefined never does)."""
        value = values.get(self.name)
        return value is not None and _OPERATORS[self.op](float(value), self.threshold)


def parse_check(text: str) -> Check:
    """Read ``rejected>0``-style text; a percentage becomes a fraction."""
    match = _PATTERN.match(text)
    if not match or match.group(1) not in CHECK_NAMES:
        raise UsageError(
            f"--fail-on {text!r}: expected NAME OP NUMBER (e.g. rejected>0, coverage<100%); "
            f"names: {', '.join(CHECK_NAMES)}"
        )
    name, op, number, percent = match.groups()
    threshold = float(number.replace(",", "."))
    if percent:
        threshold /= 100.0
    return Check(text.strip(), name, op, threshold)


@dataclass(frozen=True)
class CheckResult:
    """A check with the value it was measured against."""

    check: Check
    value: float | None
    failed: bool


def evaluate(checks: Sequence[Check], values: Mapping[str, float | None]) -> list[CheckResult]:
    """Measure every check."""
    return [CheckResult(c, values.get(c.name), c.holds(values)) for c in checks]
