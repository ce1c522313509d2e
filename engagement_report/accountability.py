"""What offices are held to account for: the responsible body's record, citizens'
ratings, the outcome of answers, repeat appeals and queries per resident.

The ratings and outcomes are finished here from the partial aggregates of a window's
rows (:mod:`engagement_report.accountable_parts`, as of its cut-off), whichever engine
added them up; the repeats from the window's repeat counts
(:mod:`engagement_report.repeats`). Each figure is defined once, in
:data:`engagement_report.figures.METRICS`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from engagement_report.accountable_parts import (
    OUTCOME,
    RATING,
    AccountablePart,
    Answers,
    rating_mean,
)
from engagement_report.config import Config
from engagement_report.figures import share
from engagement_report.repeats import RepeatCounts
from engagement_report.results import (
    AccountabilityFigures,
    CategoryFigures,
    Figures,
    QueryFigures,
)
from engagement_report.validation.columns.labelled import fold_key

PER_RESIDENTS = 10_000


def satisfied_values(rating: np.ndarray, config: Config) -> np.ndarray:
    """Which ratings say the citizen was satisfied: yes (1) on a yes/no scale, else at
    least ``[ratings] satisfied_from`` (4 on the 1-5 scale)."""
    with np.errstate(invalid="ignore"):
        if config.ratings.scale == "yes-no":
            return rating == 1
        return rating >= config.ratings.satisfied_from


def _answer_figures(
    answers: Answers, answered: int, part: AccountablePart, columns: frozenset[str], config: Config
) -> dict[str, object]:
    """The ratings' and outcomes' figures of a category's (or all) ``answers``, of its
    ``answered`` queries, where the data has the columns."""
    out: dict[str, object] = {}
    if RATING in columns and part.rating_column:
        ratings = answers.ratings
        rated = ratings.size
        satisfied = int(ratings.counts[satisfied_values(ratings.values, config)].sum())
        out.update(
            rated=rated,
            rated_share=share(rated, answered),
            rating_mean=None if config.ratings.scale == "yes-no" else rating_mean(ratings),
            satisfied_share=share(satisfied, rated),
        )
    if OUTCOME in columns and part.outcome_column:
        out.update(
            outcome_recorded=answers.outcome_recorded,
            resolved=answers.resolved,
            resolved_share=share(answers.resolved, answered),
            resolved_on_the_spot=answers.resolved_on_the_spot,
        )
    return out


def accountability_figures(
    part: AccountablePart,
    queries: QueryFigures,
    columns: frozenset[str],
    config: Config,
    repeats: RepeatCounts | None = None,
) -> AccountabilityFigures:
    """The totals of the window's queries (as of the cut-off), from the partial
    aggregates of its rows (``part``) and its query totals (``queries``).

    ``columns``: the query columns some input has; ``repeats``: the window's repeat
    counts, None when no input has an applicant or address column.
    """
    out = AccountabilityFigures(
        repeat_window_days=config.repeats.window_days,
        rating_scale=config.ratings.scale,
        population_year=config.population.year,
        population_source=config.population.source,
    )
    changes = _answer_figures(part.total, queries.answered, part, columns, config)
    if repeats is not None:
        changes.update(repeats=repeats.total, repeat_share=share(repeats.total, queries.received))
    return replace(out, **changes)  # type: ignore[arg-type]


def with_accountability(
    rows: tuple[CategoryFigures, ...],
    part: AccountablePart,
    dimension: str,
    columns: frozenset[str],
    config: Config,
    repeats: RepeatCounts | None = None,
) -> tuple[CategoryFigures, ...]:
    """``rows`` (a breakdown by ``dimension``) with each category's ratings, outcomes and
    repeats, where the data has them, from the partial aggregates of the window's rows
    (``part``, ``repeats``)."""
    answers = part.categories.get(dimension, {})
    repeated = repeats.categories.get(dimension, {}) if repeats is not None else {}
    out = []
    for row in rows:
        changes = _answer_figures(
            answers.get(row.category, Answers()), row.answered, part, columns, config
        )
        changes.pop("outcome_recorded", None)  # a total's figure, not a category's
        if repeats is not None:
            count = repeated.get(row.category, 0)
            changes.update(repeats=count, repeat_share=share(count, row.received))
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
