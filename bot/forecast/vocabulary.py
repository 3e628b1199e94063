"""The look-ahead vocabulary, read from ``bot/data/forecast_terms.yml`` (one place, shared with
the plain-language reader): question ids and their phrases, day words, weekday names, week words, the high-risk threshold."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PATH = Path(__file__).resolve().parent.parent / "data" / "forecast_terms.yml"


@lru_cache(maxsize=1)
def terms() -> dict[str, Any]:
    """The parsed vocabulary file."""
    parsed: dict[str, Any] = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    return parsed


QUESTIONS: dict[str, list[str]] = terms()["questions"]
DAY_WORDS: dict[str, int] = terms()["days"]
WEEKDAYS: dict[str, int] = terms()["weekdays"]
WEEKS: dict[str, int] = terms()["weeks"]
HORIZON: dict[str, int] = terms()["horizon"]
HIGH_RISK: float = float(terms()["high_risk"])
