"""Clinics named like a date ("Mar Vista Clinic", "May Street Health Center", "Sunday Clinic") in
generated networks: the word after "at", "in", "for" or "clinic" is the clinic (the date reading
offered as an alternative); after a date's own lead ("on", "last", "during") it is the date; with
no lead both readings are asked back. Expected readings come from that rule and calendar
arithmetic on the network's clock, not from the reader."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.kpi.reader import Reading, read
from bot.kpi.reader.vocab import Vocabulary, build_vocabulary
from tests.reader.networks import network_rows

MONTH_WORDS = {"mar": 3, "march": 3, "may": 5, "june": 6, "jan": 1, "april": 4, "august": 8}
WEEKDAY_WORDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TAILS = ("Vista Clinic", "Street Health Center", "Family Practice", "Clinic", "Valley Primary Care")
NOW = datetime(2027, 2, 3, 15, tzinfo=UTC)  # n12's clock, a Wednesday; New York 10:00


def network(seed: int) -> tuple[Vocabulary, list[tuple[str, str, str]]]:
    """n12 plus three clinics whose first words are a month, a month and a weekday (unique first words)."""
    rng = random.Random(seed)
    clinics, providers, payers = network_rows("n12")
    words = rng.sample(sorted(set(MONTH_WORDS) - {"may"}), 1) + ["may"] + [rng.choice(WEEKDAY_WORDS)]
    added = []
    for w in words:
        name = f"{w.capitalize()} {rng.choice(TAILS)}"
        added.append((name.lower().replace(" ", "-"), name, "America/New_York"))
    v = build_vocabulary(clinics + added, providers, payers, default_zone="America/New_York",
                         data_start=date(2026, 1, 1), data_end=NOW.date())
    return v, added


def _month(word: str) -> tuple[str, str]:
    """The latest such month that has begun by NOW (2027-02-03)."""
    m = MONTH_WORDS[word]
    y = 2027 if m <= 2 else 2026
    end = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))
    return date(y, m, 1).isoformat(), end.isoformat()


def _weekday(word: str) -> tuple[str, str]:
    """The latest such day before today (Wed 3 Feb 2027)."""
    today = NOW.date()
    back = next(j for j in range(1, 8) if (today - timedelta(days=j)).weekday() == WEEKDAY_WORDS.index(word))
    d = (today - timedelta(days=back)).isoformat()
    return d, d


def _dates(word: str) -> tuple[str, str]:
    return _month(word) if word in MONTH_WORDS else _weekday(word)


def _json(r: Reading, v: Vocabulary) -> dict[str, object]:
    return r.to_json(v, NOW)


@pytest.mark.parametrize("seed", range(12))
def test_after_a_clinic_lead_the_word_is_the_clinic(seed: int) -> None:
    v, added = network(seed)
    for key, name, _ in added:
        word = name.split()[0].lower()
        for q in (f"no-show rate at {word}", f"no-show rate for {word} last month", f"no-show rate clinic {word}",
                  f"no-show rate at the {name.lower()}"):
            r = read(q, v, NOW)
            got = _json(r, v)
            assert (got["status"], got["clinic"]) == ("answer", key), (q, got, r.message)
            if "last month" in q:
                assert (got["start"], got["end"]) == ("2027-01-01", "2027-01-31")
            if q.endswith(f" {word}") and word != "may":
                alt = Reading(status="answer").patched(r.alternatives[0].patch).to_json(v, NOW)
                assert (alt["clinic"], alt["start"], alt["end"]) == (None, *_dates(word)), (q, r.alternatives)


@pytest.mark.parametrize("seed", range(12))
def test_after_a_date_lead_the_word_is_the_date(seed: int) -> None:
    v, added = network(seed)
    for _key, name, _ in added:
        word = name.split()[0].lower()
        for lead in ("on", "last") if word in WEEKDAY_WORDS else ("during", "of"):
            q = f"no-show rate {lead} {word}"
            got = _json(read(q, v, NOW), v)
            assert (got["status"], got["clinic"], got["start"], got["end"]) == ("answer", None, *_dates(word)), (q, got)


@pytest.mark.parametrize("seed", range(12))
def test_without_a_lead_or_after_in_or_for_both_readings_are_asked_back(seed: int) -> None:
    v, added = network(seed)
    for key, name, _ in added:
        word = name.split()[0].lower()
        for q in (f"{word} no-show rate", f"no-show rate in {word}", f"no-show rate for {word}"):
            if word == "may" and q.startswith("may"):
                continue  # "may" first is never a month ("may I see …"): nothing to choose
            _asked_both(read(q, v, NOW), v, word, key, name)


def _asked_both(r: Reading, v: Vocabulary, word: str, key: str, name: str) -> None:
    assert r.status == "clarify" and f"“{word}”" in r.message and name in r.message, r.message
    readings = [Reading(status="answer").patched(o.patch).to_json(v, NOW) for o in r.options]
    assert (None, *_dates(word)) in [(g["clinic"], g["start"], g["end"]) for g in readings], readings
    assert key in [g["clinic"] for g in readings], readings


def test_networks_without_such_a_clinic_keep_the_date() -> None:
    clinics, providers, payers = network_rows("n12")
    v = build_vocabulary(clinics, providers, payers, default_zone="America/New_York")
    first = clinics[0][1].lower()
    for q, dates in ((f"no-show rate at {first} in may", _month("may")), ("sunday no-show rate", _weekday("sunday")),
                     ("no-show rate for march", _month("march"))):
        got = _json(read(q, v, NOW), v)
        assert (got["status"], got["start"], got["end"]) == ("answer", *dates), (q, got)
