"""What offices are held to account for: the responsible body's record, citizens'
ratings, the outcome of answers, repeat appeals and queries per resident.

Pure functions of the clean queries of one window, as of its cut-off (give them as
:func:`engagement_report.figures.at_cutoff` leaves them). Each figure is defined once,
in :data:`engagement_report.figures.METRICS`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from engagement_report.config import Config
from engagement_report.figures import category_codes, share
from engagement_report.results import AccountabilityFigures, CategoryFigures, Figures
from engagement_report.validation.columns.labelled import fold_key

#: The columns behind each group of figures (a column no input has gives no figures).
RATING, OUTCOME, APPLICANT, ADDRESS = "rating", "outcome", "applicant", "address"
RESOLVED = ("resolved", "resolved_on_the_spot")
PER_RESIDENTS = 10_000
_LAST_MOMENT = np.timedelta64(86_400 * 10**9 - 1, "ns")  # a day's last moment after its midnight


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
    repeat: np.ndarray | None


def _parts(
    queries: pd.DataFrame, columns: frozenset[str], config: Config, repeat: np.ndarray | None
) -> _Parts:
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
    return _Parts(answered, rated, rating, satisfied, recorded, resolved, on_the_spot, repeat)


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
    repeat: np.ndarray | None = None,
) -> AccountabilityFigures:
    """The totals of the window's queries (as of the cut-off).

    ``columns``: the query columns some input has; ``repeat``: each query's
    :func:`repeat_flags`, None when no input has an applicant or address column.
    """
    parts = _parts(queries, columns, config, repeat)
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
    if parts.repeat is not None:
        repeats = int(parts.repeat.sum())
        out = replace(out, repeats=repeats, repeat_share=share(repeats, received))
    return out


def with_accountability(
    rows: tuple[CategoryFigures, ...],
    queries: pd.DataFrame,
    dimension: str,
    columns: frozenset[str],
    config: Config,
    repeat: np.ndarray | None = None,
) -> tuple[CategoryFigures, ...]:
    """``rows`` (a breakdown of ``queries`` by ``dimension``) with each category's
    ratings, outcomes and repeats, where the data has them."""
    if not rows:
        return rows
    parts = _parts(queries, columns, config, repeat)
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
        if parts.repeat is not None:
            repeats = int(count(parts.repeat)[code])
            changes.update(repeats=repeats, repeat_share=share(repeats, row.received))
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


def repeat_flags(queries: pd.DataFrame, window_days: int, cutoff: date | None = None) -> np.ndarray:
    """Which queries are repeats: an earlier query with the same applicant key, or the same
    address, and the same topic was answered within the ``window_days`` days before this
    one arrived (on or before the cut-off, when given).

    Earlier means received before it (at the same moment: higher up in the data). An
    answer with a bare date (no time of day) counts as given at the end of that day, the
    latest it can have been, so a query that arrived earlier that day is no repeat of it.
    An answer dated before its own receipt, or without a date, is not taken as an earlier
    answer. The keys are the salted hashes validation made; blank keys match nothing;
    a blank topic is the topic '(not stated)'.
    """
    n = len(queries)
    flags = np.zeros(n, dtype=bool)
    keys = [key for key in (APPLICANT, ADDRESS) if key in queries]
    if not n or not keys:
        return flags
    received = queries["received_at"].to_numpy(dtype="datetime64[ns]")
    answered_at = queries["answered_at"].to_numpy(dtype="datetime64[ns]")
    answered = queries["status"].eq("answered").fillna(False).to_numpy(dtype=bool, copy=True)
    answered &= ~np.isnat(answered_at) & ~np.isnat(received)
    if cutoff is not None:
        end = np.datetime64(pd.Timestamp(cutoff) + pd.Timedelta(days=1), "ns")
        answered &= answered_at < end
    if "answered_timed" in queries:
        bare = ~queries["answered_timed"].to_numpy(dtype=bool)
        day_end = answered_at.astype("datetime64[D]").astype("datetime64[ns]") + _LAST_MOMENT
        answered_at = np.where(bare, day_end, answered_at)
    with np.errstate(invalid="ignore"):
        answered &= answered_at >= received
    if "topic" in queries:
        topics, labels = category_codes(queries["topic"])
        topic_count = len(labels) + 1
    else:
        topics, topic_count = np.zeros(n, dtype=np.int64), 1
    # The order queries arrived in: by date received, then as they stand in the data.
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), received))] = np.arange(n)
    window = np.timedelta64(window_days, "D")
    for key in keys:
        codes, _ = pd.factorize(queries[key].astype("string"))
        usable = (codes >= 0) & ~np.isnat(received)
        group = codes.astype(np.int64) * topic_count + topics
        flags |= _repeats(group, usable, received, answered_at, answered & usable, rank, window)
    return flags


def _repeats(
    group: np.ndarray,
    usable: np.ndarray,
    received: np.ndarray,
    answered_at: np.ndarray,
    answered: np.ndarray,
    rank: np.ndarray,
    window: np.timedelta64,
) -> np.ndarray:
    """Within each group: whether an earlier query's answer lies in the window before
    each query's receipt.

    Groups and moments become one sortable integer (group × distinct moments + the
    moment's rank), so both searches are binary searches over NumPy arrays: a million
    queries take a fraction of a second, where joining frames took seconds.
    """
    flags = np.zeros(len(group), dtype=bool)
    if not answered.any() or not usable.any():
        return flags
    asks = np.flatnonzero(usable)
    done = np.flatnonzero(answered)
    moments, codes = np.unique(
        np.concatenate([received[asks], answered_at[done]]).astype(np.int64), return_inverse=True
    )
    span = np.int64(len(moments))
    ask_keys = group[asks] * span + codes[: len(asks)]
    answer_keys = group[done] * span + codes[len(asks) :]
    # Each answer key once, with the rank of the earliest query answered at it.
    order = np.argsort(answer_keys, kind="stable")
    keys, first = np.unique(answer_keys[order], return_index=True)
    earliest = np.minimum.reduceat(rank[done][order], first)
    # The queries in key order: the binary searches then walk the keys in one direction.
    by_key = np.argsort(ask_keys, kind="stable")
    asks, ask_keys = asks[by_key], ask_keys[by_key]
    at = np.searchsorted(keys, ask_keys, side="left")
    # The latest answer strictly before the query arrived, in its group: its own answer
    # never is (answers before receipt aside), and neither is a later query's.
    found = at > 0
    latest = keys[np.where(found, at - 1, 0)]
    found &= latest // span == group[asks]
    when = moments[latest % span].view("datetime64[ns]")
    flags[asks[found & (when >= received[asks] - window)]] = True
    # An answer at the very moment the query arrived counts when it answered a query
    # that arrived before this one.
    inside = at < len(keys)
    same = inside & (keys[np.where(inside, at, 0)] == ask_keys)
    tie = same & (earliest[np.where(inside, at, 0)] < rank[asks])
    flags[asks[tie]] = True
    return flags


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
