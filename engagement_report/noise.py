"""Whether a change between two periods exceeds what chance gives at those counts.

A report says "better" or "worse" only where the change is beyond noise at the
:data:`LEVEL` (95 %, two-sided); otherwise "little change". Each kind of figure has its
test, all standard library:

- a share (answered / received): the two-proportion z-test with the pooled share;
- a count (queries received, broadcasts): the two counts as Poisson at one rate per day,
  so given their sum the first is binomial with p its period's share of the two
  periods' days (½ for periods of equal length; all of January against February is
  31 against 28): an exact binomial test (its normal approximation above
  :data:`_EXACT_UP_TO`);
- a ratio (questions per broadcast): the mean per unit (broadcast, event) of each
  period compared by Welch's test (normal approximation: each side has at least the
  minimum count of units), since questions and publications vary far more from one
  broadcast to the next than a Poisson count would;
- a median (response time): Mood's median test, the shares of each period's values
  above the pooled median compared as two proportions.

Each returns the two-sided p-value, or None where there is nothing to test.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

#: The confidence level of every verdict: a change is beyond noise when p < 1 − LEVEL.
LEVEL = 0.95
_EXACT_UP_TO = 2000  # counts summing to more use the normal approximation
_NORMAL = NormalDist()


def beyond_noise(p_value: float | None) -> bool:
    """Whether a two-sided p-value says the change exceeds chance at :data:`LEVEL`."""
    return p_value is not None and p_value < 1 - LEVEL


def _two_sided(z: float) -> float:
    return min(1.0, 2 * (1 - _NORMAL.cdf(abs(z))))


def shares(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """p-value of x1/n1 against x2/n2 (two-proportion z-test, pooled share)."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if spread == 0:
        return 1.0  # both 0 % or both 100 %: no difference to find
    return _two_sided((x1 / n1 - x2 / n2) / spread)


def counts(a: int, b: int, share: float = 0.5) -> float | None:
    """p-value of count ``a`` against ``b`` (exact binomial), ``share`` the part of the
    two periods' length that is ``a``'s (½: periods of equal length)."""
    n = a + b
    if n <= 0:
        return None
    if n > _EXACT_UP_TO:
        return _two_sided((a - n * share) / math.sqrt(n * share * (1 - share)))
    if share == 0.5:
        low = min(a, b)
        tail = sum(math.comb(n, k) for k in range(low + 1)) / 2**n
        return min(1.0, 2 * tail)

    # Unequal lengths: the two-sided p-value sums every outcome no likelier than ``a``.
    def log_pmf(k: int) -> float:
        return (
            math.lgamma(n + 1)
            - math.lgamma(k + 1)
            - math.lgamma(n - k + 1)
            + k * math.log(share)
            + (n - k) * math.log(1 - share)
        )

    seen = log_pmf(a)
    total = sum(math.exp(log_pmf(k)) for k in range(n + 1) if log_pmf(k) <= seen + 1e-7)
    return min(1.0, total)


def means(first: np.ndarray, second: np.ndarray) -> float | None:
    """p-value of the two samples' means differing (Welch's test, normal approximation)."""
    if len(first) < 2 or len(second) < 2:
        return None
    spread = math.sqrt(
        float(np.var(first, ddof=1)) / len(first) + float(np.var(second, ddof=1)) / len(second)
    )
    difference = float(np.mean(first)) - float(np.mean(second))
    if spread == 0:
        return 1.0 if difference == 0 else 0.0
    return _two_sided(difference / spread)


def medians(first: np.ndarray, second: np.ndarray) -> float | None:
    """p-value of the two samples' medians differing (Mood's median test)."""
    if not len(first) or not len(second):
        return None
    pooled = float(np.median(np.concatenate([first, second])))
    above1 = int(np.count_nonzero(first > pooled))
    above2 = int(np.count_nonzero(second > pooled))
    return shares(above1, len(first), above2, len(second))
