"""What offices are held to account for: the responsible body's record, citizens'
ratings, the outcome of answers, repeat appeals and queries per resident.

Pure functions of the clean queries of one window, as of its cut-off (give them as
:func:`engagement_report.figures.at_cutoff` leaves them), the repeats from the window's
counts (:mod:`engagement_report.repeats`). Each figure is defined once, in
:data:`engagement_report.figures.METRICS`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from engagement_report.config import Config
from engagement_report.figures import category_codes, share
from engagement_report.repeats import RepeatCounts
from engagement_report.results import AccountabilityFigures, CategoryFigures, Figures
from engagement_report.validation.columns.labelled import fold_key

#: The columns behind each group of figures (a column no input has gives no figures).
RATING, OUTCOME = "rating", "outcome"
RESOLVED = ("resolved", "resolved_on_the_spot")
PER_RESIDENTS = 10_000


@dataclass(frozen=True)
class _Parts:
    """Per row of the window's queries: what each figure counts."""

    answered: np.ndarray
    rated: np.ndarray | None
    rating: np.ndarray | None
    satisfied: np.ndarray | None
    recorded: np.ndarray | None
    resolved: np.ndarray | None
    on_the_spot: np.ndarray | None


def _parts(queries: pd.DataFrame, columns: frozenset[str], config: Config) -> _Parts:
    answered = queries["status"].eq("answered").fillna(False).to_numpy(dtype=bool)
    rated = rating = satisfied = recorded = resolved = on_the_spot = None
    if RATING in columns and RATING in queries:
        rating = queries[RATING].to_numpy(dtype=float, na_value=np.nan)
        # A rating of a query not answered at the cut-off did not exist then.
        rated = answered & ~np.isnan(rating)
        satisfied = rated & satisfied_values(rating, config)
    if OUTCOME in columns and OUTCOME in queries:
        outcome = queries[OUTCOME].astype("string")
        recorded = answered & outcome.notna().to_numpy(dtype=bool)
        resolved = answered & outcome.isin(RESOLVED).fillna(False).to_numpy(dtype=bool)
        on_the_spot = answered & outcome.eq("resolved_on_the_spot").fillna(False).to_numpy(
            dtype=bool
        )
    return _Parts(answered, rated, rating, satisfied, recorded, resolved, on_the_spot)


def satisfied_values(rating: np.ndarray, config: Config) -> np.ndarray:
    """Which ratings say the citizen was satisfied: yes (1) on a yes/no scale, else at
    least ``[ratings] satisfied_from`` (4 on the 1-5 scale)."""
    with np.errstate(invalid="ignore"):
        if config.ratings.scale == "yes-no":
            return rating == 1
        return rating >= config.ratings.satisfied_from


def accountability_figures(
    queries: pd.DataFrame,
    columns: frozenset[str],
    config: Config,
    repeats: RepeatCounts | None = None,
) -> AccountabilityFigures:
    """The totals of the window's queries (as of the cut-off).

    ``columns``: the query columns some input has; ``repeats``: the window's repeat
    counts, None when no input has an applicant or address column.
    """
    parts = _parts(queries, columns, config)
    answered = int(parts.answered.sum())
    received = len(queries)
    out = AccountabilityFigures(
        repeat_window_days=config.repeats.window_days,
        rating_scale=config.ratings.scale,
        population_year=config.population.year,
        population_source=config.population.source,
    )
    if parts.rated is not None and parts.rating is not None and parts.satisfied is not None:
        rated = int(parts.rated.sum())
        mean = float(parts.rating[parts.rated].mean()) if rated else None
        out = replace(
            out,
            rated=rated,
            rated_share=share(rated, answered),
            rating_mean=None if config.ratings.scale == "yes-no" else mean,
            satisfied_share=share(int(parts.satisfied.sum()), rated),
        )
    if parts.recorded is not None and parts.resolved is not None and parts.on_the_spot is not None:
        resolved = int(parts.resolved.sum())
        out = replace(
            out,
            outcome_recorded=int(parts.recorded.sum()),
            resolved=resolved,
            resolved_share=share(resolved, answered),
            resolved_on_the_spot=int(parts.on_the_spot.sum()),
        )
    if repeats is not None:
        out = replace(out, repeats=repeats.total, repeat_share=share(repeats.total, received))
    return out


def with_accountability(
    rows: tuple[CategoryFigures, ...],
    queries: pd.DataFrame,
    dimension: str,
    columns: frozenset[str],
    config: Config,
    repeats: RepeatCounts | None = None,
) -> tuple[CategoryFigures, ...]:
    """``rows`` (a breakdown of ``queries`` by ``dimension``) with each category's
    ratings, outcomes and repeats (``repeats``: the window's counts), where the data has
    them."""
    if not rows:
        return rows
    parts = _parts(queries, columns, config)
    repeated = repeats.categories.get(dimension, {}) if repeats is not None else {}
    codes, labels = category_codes(queries[dimension])
    size = len(labels)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask], minlength=size)

    answered = count(parts.answered)
    position = {label: code for code, label in enumerate(labels)}
    out = []
    for row in rows:
        code = position.get(row.category)
        if code is None:
            out.append(row)
            continue
        changes: dict[str, object] = {}
        if parts.rated is not None and parts.rating is not None and parts.satisfied is not None:
            in_row = parts.rated & (codes == code)
            rated = int(in_row.sum())
            mean = float(parts.rating[in_row].mean()) if rated else None
            changes.update(
                rated=rated,
                rated_share=share(rated, int(answered[code])),
                rating_mean=None if config.ratings.scale == "yes-no" else mean,
                satisfied_share=share(int((parts.satisfied & (codes == code)).sum()), rated),
            )
        if parts.resolved is not None and parts.on_the_spot is not None:
            resolved = int(count(parts.resolved)[code])
            changes.update(
                resolved=resolved,
                resolved_share=share(resolved, int(answered[code])),
                resolved_on_the_spot=int(count(parts.on_the_spot)[code]),
            )
        if repeats is not None:
            found = repeated.get(row.category, 0)
            changes.update(repeats=found, repeat_share=share(found, row.received))
        out.append(replace(row, **changes))  # type: ignore[arg-type]
    return tuple(out)


def per_resident(
    rows: tuple[CategoryFigures, ...], population: dict[str, int]
) -> tuple[CategoryFigures, ...]:
    """District rows with their residents and queries received per 10,000 residents
    (districts matched as labels are: case, spaces and ``ё`` aside)."""
    if not population:
        return rows
    residents = {fold_key(name): count for name, count in population.items()}
    out = []
    for row in rows:
        count = residents.get(fold_key(row.category))
        rate = None if not count else row.received * PER_RESIDENTS / count
        out.append(replace(row, residents=count, received_per_10k=rate))
    return tuple(out)


_GROUPS = {
    "rated": ("rated", "rated_share", "rating_mean", "satisfied_share"),
    "resolved": ("outcome_recorded", "resolved", "resolved_share", "resolved_on_the_spot"),
    "repeats": ("repeats", "repeat_share"),
}


def absent_metrics(figures: Figures) -> frozenset[str]:
    """The query figures of this module the data has no column for: a report defines only
    the figures it can show."""
    totals = figures.accountability
    absent = (
        {"received_per_10k"} if all(r.residents is None for r in figures.by_district) else set()
    )
    for lead, names in _GROUPS.items():
        if totals is None or getattr(totals, lead) is None:
            absent.update(names)
    return frozenset(absent)
