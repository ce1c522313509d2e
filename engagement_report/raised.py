"""The topics officials raised: how many of a piece's broadcasts or press events were on
each topic (names with case ignored), a partial aggregate added up topic by topic."""

from __future__ import annotations

import pandas as pd


def topics_raised(frame: pd.DataFrame) -> dict[str, int]:
    """How many rows of ``frame`` (broadcasts or press events) are on each topic, its name
    in lower case; none without a topic column."""
    if "topic" not in frame:
        return {}
    counts = frame["topic"].dropna().astype("string").str.casefold().value_counts()
    return {str(k): int(v) for k, v in counts.items()}
