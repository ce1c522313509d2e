"""The config's ``[ratings]``, ``[outcomes]``, ``[repeats]`` and ``[population]`` tables,
read and checked. Standard library only (the config is read before pandas is needed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engagement_report.schema import header_key
from engagement_report.spellings import OUTCOME_CLASSES

RATING_SCALES = ("1-5", "yes-no")


@dataclass(frozen=True)
class RatingsConfig:
    """``[ratings]``: the scale citizens rate answers on, and which ratings say satisfied."""

    scale: str = "1-5"  # or "yes-no"
    satisfied_from: int = 4  # on the 1-5 scale: 4 and 5 are satisfied
    yes: tuple[str, ...] = ()  # more spellings of a yes on the yes-no scale
    no: tuple[str, ...] = ()


@dataclass(frozen=True)
class RepeatsConfig:
    """``[repeats]``: how far back an earlier answer makes a query a repeat, and the salt
    applicant keys and addresses are hashed with (None: a new random one each run)."""

    window_days: int = 30
    # Not shown in any repr: the cache key and messages never carry it.
    salt: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class PopulationConfig:
    """``[population]``: residents per district, with the year and source of the figures."""

    districts: dict[str, int] = field(default_factory=dict)
    year: int | None = None
    source: str | None = None


def parse_ratings(table: dict[str, Any], fail: Any) -> RatingsConfig:
    """``[ratings]`` checked."""
    _known(table, "ratings", {"scale", "satisfied_from", "yes", "no"}, fail)
    scale = table.get("scale", "1-5")
    if scale not in RATING_SCALES:
        raise fail(f"ratings.scale must be '1-5' or 'yes-no', not {scale!r}")
    satisfied = table.get("satisfied_from", 4)
    if not isinstance(satisfied, int) or isinstance(satisfied, bool) or not 1 <= satisfied <= 5:
        raise fail("ratings.satisfied_from must be a whole number from 1 to 5")
    yes, no = _words(table, "yes", "ratings", fail), _words(table, "no", "ratings", fail)
    both = {header_key(w) for w in yes} & {header_key(w) for w in no}
    if both:
        raise fail(f"ratings: {sorted(both)[0]!r} is listed under both yes and no")
    return RatingsConfig(scale, satisfied, yes, no)


def parse_outcomes(table: dict[str, Any], fail: Any) -> dict[str, tuple[str, ...]]:
    """``[outcomes]``: outcome class → the office's spellings of it."""
    _known(table, "outcomes", set(OUTCOME_CLASSES), fail)
    outcomes = {cls: _words(table, cls, "outcomes", fail) for cls in table}
    seen: dict[str, str] = {}
    for cls, spellings in outcomes.items():
        for spelling in spellings:
            key = header_key(spelling)
            if key in seen and seen[key] != cls:
                raise fail(
                    f"outcome {spelling!r} is listed under both outcomes.{seen[key]} and "
                    f"outcomes.{cls}; keep it under one of them"
                )
            seen[key] = cls
    return outcomes


def parse_repeats(table: dict[str, Any], fail: Any) -> RepeatsConfig:
    """``[repeats]`` checked."""
    _known(table, "repeats", {"window_days", "salt"}, fail)
    days = table.get("window_days", 30)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 366:
        raise fail("repeats.window_days must be a whole number of days from 1 to 366")
    salt = table.get("salt")
    if salt is not None and (not isinstance(salt, str) or len(salt) < 16):
        raise fail("repeats.salt must be a string of at least 16 characters")
    return RepeatsConfig(days, salt)


def parse_population(table: dict[str, Any], fail: Any) -> PopulationConfig:
    """``[population]``: ``year``, ``source`` and every other key a district = residents."""
    year = table.get("year")
    if year is not None and (
        not isinstance(year, int) or isinstance(year, bool) or not 1800 <= year <= 2100
    ):
        raise fail("population.year must be a year such as 2021")
    source = table.get("source")
    if source is not None and not isinstance(source, str):
        raise fail("population.source must be a string")
    districts: dict[str, int] = {}
    folded: dict[str, str] = {}
    for name, residents in table.items():
        if name in ("year", "source"):
            continue
        if not isinstance(residents, int) or isinstance(residents, bool) or residents < 1:
            raise fail(f"population.{name} must be a whole number of residents, at least 1")
        key = header_key(name)
        if key in folded:
            raise fail(f"population: {folded[key]!r} and {name!r} name the same district")
        folded[key] = name
        districts[name] = residents
    if districts and source is None:
        raise fail("population.source is required: say where the residents' figures come from")
    return PopulationConfig(districts, year, source)


def _known(table: dict[str, Any], name: str, known: set[str], fail: Any) -> None:
    for key in table:
        if key not in known:
            raise fail(f"unknown key '{name}.{key}'; known: {', '.join(sorted(known))}")


def _words(table: dict[str, Any], key: str, name: str, fail: Any) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"{name}.{key} must be a string or a list of strings")
    return tuple(value)
