"""Gettext catalogues for the report's fixed words (``locale/<lang>/LC_MESSAGES``)."""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"


@lru_cache(maxsize=8)
def translations_for(lang: str) -> gettext.NullTranslations:
    """The catalogue for ``lang``; English is the source language and needs none."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang])
