"""Checking a query's rating, outcome and personal columns (applicant key, address).

An applicant key (an id, phone or e-mail) and an address are hashed here, as they are
read, with a salt (``[repeats] salt``, else a random one drawn once per run): the clear
value never reaches the clean frame, and so no report, summary, rejected.csv, cache
entry or manifest. Only the distinct values are hashed, not the rows.
"""

from __future__ import annotations

import hashlib
import re
import secrets

import numpy as np
import pandas as pd

from engagement_report.config import Config
from engagement_report.spellings import OUTCOME_CLASSES, OUTCOME_SPELLINGS, RATING_NO, RATING_YES
from engagement_report.validation.cells import Cells
from engagement_report.validation.columns.labelled import fold_key
from engagement_report.validation.columns.shared import categorical, missing_text, raw_cells
from engagement_report.validation.numbers import parse_number_text
from engagement_report.validation.problems import ProblemCollector

#: What rejected.csv shows instead of a personal cell.
HIDDEN = "(hidden: personal data)"
#: The query columns hashed as they are read.
PRIVATE_COLUMNS = ("applicant", "address")

# One salt per run when the config gives none: hashes are comparable within a run only.
_RUN_SALT = secrets.token_bytes(16)

_PHONE = re.compile(r"[\d\s()+\-.]+")
_ADDRESS_WORDS = frozenset(
    [
        "ул",
        "улица",
        "пр",
        "пр-т",
        "проспект",
        "д",
        "дом",
        "мкр",
        "микрорайон",
        "г",
        "город",
        "кв",
        "квартира",
        "street",
        "st",
        "avenue",
        "ave",
        "road",
        "rd",
        "apt",
        "көшесі",
        "көш",
        "даңғылы",
        "шағын",
        "ауданы",
        "үй",
        "пәтер",
    ]
)
_PUNCTUATION = re.compile(r"[^\w\s-]+|(?<!\w)-|-(?!\w)")


def salt(config: Config) -> bytes:
    """The salt personal values are hashed with: the config's, else this run's."""
    given = config.repeats.salt
    return given.encode("utf-8") if given is not None else _RUN_SALT


def applicant_key(text: str) -> str:
    """An applicant key as compared: a phone number as its last ten digits (so +7 701 …
    and 8 701 … are one), anything else folded (case, spaces, ``ё``)."""
    if _PHONE.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 7:
            return digits[-10:]
    return fold_key(text)


def address_key(text: str) -> str:
    """An address as compared: folded, punctuation and words such as ул., дом, street
    left out, so "ул. Абая, д. 10" and "Абая 10" are one address."""
    words = _PUNCTUATION.sub(" ", fold_key(text)).split()
    return " ".join(word for word in words if word not in _ADDRESS_WORDS)


def hashed(value: str, key: bytes) -> str:
    """The salted hash a personal value is kept as."""
    return hashlib.blake2b(value.encode("utf-8"), key=key, digest_size=12).hexdigest()


def private_column(
    table: Cells, position: int | None, index: pd.Index, name: str, config: Config
) -> pd.Series:
    """An applicant key or address column as salted hashes (NA where blank)."""
    if position is None:
        return missing_text(index)
    normal = applicant_key if name == "applicant" else address_key
    key = salt(config)

    def hashed_value(value: str | None) -> str | None:
        folded = normal(value) if value else ""
        return hashed(folded, key) if folded else None

    return pd.Series(
        table.by_value(position, hashed_value, object, None), index=index, dtype="string"
    )


def outcome_lookup(config: Config) -> dict[str, str]:
    """Folded spelling → outcome class, the config's spellings first."""
    table: dict[str, str] = {}
    for cls, spellings in config.outcomes.items():
        for spelling in spellings:
            table.setdefault(fold_key(spelling), cls)
    for cls, spellings in OUTCOME_SPELLINGS.items():
        for spelling in spellings:
            table.setdefault(fold_key(spelling), cls)
    return table


def outcome_column(
    table: Cells,
    position: int | None,
    index: pd.Index,
    header: str,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
) -> pd.Series:
    """Outcomes folded into the outcome classes; an unknown spelling is reported and
    counted as ``other``."""
    categories = pd.Index(OUTCOME_CLASSES, dtype=object)
    if position is None:
        return categorical(pd.Categorical.from_codes(np.full(len(index), -1), categories), index)
    lookup = outcome_lookup(config)
    other = OUTCOME_CLASSES.index("other")

    def code(value: str | None) -> int:
        cls = lookup.get(fold_key(value)) if value else None
        return -1 if not value else other if cls is None else OUTCOME_CLASSES.index(cls)

    def is_unknown(value: str | None) -> bool:
        return bool(value) and lookup.get(fold_key(value or "")) is None

    row_codes = table.by_value(position, code, np.int64, -1)
    unknown = pd.Series(table.by_value(position, is_unknown, bool, False), index=index)
    problems.add(
        unknown & live,
        "unknown_outcome",
        "warning",
        header,
        raw_cells(table, position),
        f"'{{value}}' in {header} is not a known outcome: counted as 'other', not as "
        "resolved; add the spelling under [outcomes] in the config",
    )
    return categorical(pd.Categorical.from_codes(row_codes, categories), index)


def rating_column(
    table: Cells,
    position: int | None,
    index: pd.Index,
    header: str,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
) -> pd.Series:
    """Ratings as numbers: 1 to 5, or 1 (yes) and 0 (no) on a yes/no scale; a rating off
    the scale is reported and read as no rating."""
    if position is None:
        return pd.Series(np.nan, index=index, dtype=float)
    raw = raw_cells(table, position)
    if config.ratings.scale == "yes-no":
        yes = {fold_key(w) for w in (*RATING_YES, *config.ratings.yes)}
        no = {fold_key(w) for w in (*RATING_NO, *config.ratings.no)}

        def score(value: str | None) -> float:
            folded = fold_key(value) if value else ""
            return 1.0 if folded in yes else 0.0 if folded in no else np.nan

        known = table.by_value(position, score, float, np.nan)
        filled = table.by_value(position, bool, bool, False)
        bad = filled & np.isnan(known)
        expected = "yes or no (да/нет, иә/жоқ)"
    else:
        if table.kind(position) == "number":
            numbers = pd.to_numeric(table.series(position), errors="coerce").to_numpy(
                dtype=float, na_value=np.nan
            )
            invalid = np.zeros(len(index), dtype=bool)
        else:
            numbers, invalid = parse_number_text(table.text(position))
        numbers = np.asarray(numbers, dtype=float)
        with np.errstate(invalid="ignore"):
            off = ~np.isnan(numbers) & ((numbers % 1 != 0) | (numbers < 1) | (numbers > 5))
        bad = np.asarray(invalid, dtype=bool) | off
        known = np.where(bad, np.nan, numbers)
        expected = "a whole number from 1 to 5"
    problems.add(
        pd.Series(bad, index=index) & live,
        "invalid_rating",
        "warning",
        header,
        raw,
        f"'{{value}}' in {header} is not a rating on the scale ({expected}): read as no "
        "rating; correct it, or set [ratings] scale in the config",
    )
    return pd.Series(known, index=index, dtype=float)


#: The column kinds checked here (schema.Column.kind).
KINDS = ("rating", "outcome", "private")


def check_column(
    kind: str,
    name: str,
    table: Cells,
    position: int | None,
    index: pd.Index,
    header: str,
    live: pd.Series,
    config: Config,
    problems: ProblemCollector,
) -> pd.Series:
    """The column ``name`` of ``kind`` (one of :data:`KINDS`) read and checked."""
    if kind == "rating":
        return rating_column(table, position, index, header, live, config, problems)
    if kind == "outcome":
        return outcome_column(table, position, index, header, live, config, problems)
    return private_column(table, position, index, name, config)
