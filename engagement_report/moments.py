"""Date-times as nanosecond integers, the one spelling of what that view needs.

Comparing a million ``datetime64[ns]`` values as ``int64`` skips NumPy's and pandas'
unit and NaT checks on every value; these are the constants that view is read with.
"""

from __future__ import annotations

import numpy as np

#: NaT as a ``datetime64`` viewed as ``int64``: the smallest integer, so it sorts first.
NAT = np.iinfo(np.int64).min
#: Nanoseconds in a day: a moment's day number is its floor division by this (as NumPy's
#: cast to days has it: a moment before 1970 keeps its own day).
DAY_NS = 86_400 * 10**9
#: A day's last moment after its midnight: "the end of" a day is its midnight plus this.
LAST_MOMENT = np.timedelta64(DAY_NS - 1, "ns")
