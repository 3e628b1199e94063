"""The reader's "one person" rule (:mod:`bot.kpi.reader.person`) measured on labelled questions:
missed names (a question naming a person that is answered or asked back) and false refusals (a
question naming nobody that is refused as naming a patient).

    .venv/bin/python bench/bench_person.py [--show]

Names: the reader's person tests (``tests/reader/test_reader_person.py``: 16 made-up people × 8
forms, as written and lower-cased; titles, possessives and numbers; people beside clinics named
like people; a surname alone after "for", ``test_reader_not_a_person.py``). Nobody named: every
question of the development set, the reader's own sets and the hand-written set that expects an
answer or a question back, and the day/month/foreign-wording cases of ``test_reader_not_a_person.py``.
A further set, ``tests/reader/foreign_wording.jsonl``, holds KPI questions in Portuguese, Spanish and
French with words outside the reader's lists, and ``FOREIGN_FORMS`` below names the same people inside
such questions (both written for this measure, before the rule they measure was chosen). Number-heavy
questions (``devtools/seed/number_heavy.py``: impossible dates, zero/negative/huge counts, ranges; 3,000
drawn) name nobody either: refused by the reader, or answered by the ``/kpi`` or look-ahead grammar
with a patient/person wording (or a traceback), is a false refusal. No database.
Prints figures; never fails.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.errors import UsageError  # noqa: E402
from bot.forecast.grammar import parse_lookahead  # noqa: E402
from bot.kpi.grammar import parse_kpi_command  # noqa: E402
from bot.kpi.reader import Reading, read  # noqa: E402
from bot.kpi.reader.vocab import Vocabulary  # noqa: E402
from devtools.seed import person_labels as tp  # noqa: E402
from devtools.seed.number_heavy import questions as number_heavy_questions  # noqa: E402
from devtools.seed.reader_networks import NETWORKS, vocabulary  # noqa: E402

DEV = ROOT.parent / "shared" / "spec" / "questions" / "dev_questions.jsonl"
SETS = (ROOT / "tests" / "reader" / "questions.jsonl", ROOT / "tests" / "reader" / "handwritten.jsonl")
FOREIGN = ROOT / "tests" / "reader" / "foreign_wording.jsonl"
Ask = Callable[[], Reading]


def declined(r: Reading) -> bool:
    return r.status == "refuse" and "individual patient" in r.message


def _at(net: str) -> tuple[Vocabulary, object]:
    return vocabulary(net), NETWORKS[net][2]


def names() -> Iterator[tuple[str, Ask]]:
    v, now = _at("dev")
    for template, person in itertools.product(tp.TEMPLATES, tp.PEOPLE):
        for written in (person, person.lower()):
            q = template.format(n=written)
            yield q, lambda q=q: read(q, v, now)  # type: ignore[misc]
    for q, _name in [("no-show rate for John", ""), ("John's no-shows", ""), ("did maria show up", ""),
                     ("no shows for patient Reyes", ""), ("patient Tomas Reyes no-show history", ""),
                     ("mrs whitfield no-shows", ""), ("did Mr. Okonkwo come in", ""), ("Sra. Lima no-show rate", ""),
                     ("no show rate for pt. gonzalez at highland", ""), ("Gonzalez's denial rate", "")]:
        yield q, lambda q=q: read(q, v, now)  # type: ignore[misc]
    for q in ("how many no-shows did Maria Silva have?", "no-show rate at maria ortiz for Maria Silva",
              "did bento souza show up", "no-show rate for patient Lee"):
        yield q, lambda q=q: read(q, tp.KAGGLE, tp.KNOW)  # type: ignore[misc]
    configured = tp.configured()
    for s, form in itertools.product(tp.SURNAMES, ("no show rate for {s}", "no-show rate for {s} last month",
                                                    "denials for {s}")):
        if s.lower() not in configured:
            q = form.format(s=s)
            yield q, lambda q=q: read(q, v, now)  # type: ignore[misc]


# People named inside questions written in Portuguese, Spanish and French (the rule must not lose them
# there): the person tests' made-up people in forms written for this measure.
FOREIGN_FORMS = ("taxa de faltas de {n} em highland", "quantas consultas {n} perdeu em riverside",
                 "tasa de inasistencia de {n} en maple grove", "cuántas citas perdió {n} en highland",
                 "taux d'absence de {n} à riverside", "combien de rendez-vous {n} a manqués à highland")


def foreign_names() -> Iterator[tuple[str, Ask]]:
    v, now = _at("dev")
    for template, person in itertools.product(FOREIGN_FORMS, tp.PEOPLE):
        for written in (person, person.lower()):
            q = template.format(n=written)
            yield q, lambda q=q: read(q, v, now)  # type: ignore[misc]


def nobody() -> Iterator[tuple[str, Ask]]:
    lines = [("dev", line) for line in DEV.read_text().splitlines()] if DEV.exists() else []
    for path in SETS:
        for line in path.read_text().splitlines():
            lines.append((json.loads(line).get("network", "n12"), line))
    for net, line in lines:
        if not line.strip():
            continue
        item = json.loads(line)
        v, now = _at(net)
        for step in item.get("thread") or [item]:
            if step["expect"]["status"] != "refuse":
                yield step["q"], lambda q=step["q"], v=v, now=now: read(q, v, now)  # type: ignore[misc]
    v, now = _at("dev")
    for q in tp.cases():
        yield q, lambda q=q: read(q, v, now)  # type: ignore[misc]


def foreign() -> Iterator[tuple[str, Ask]]:
    v, now = _at("dev")
    for line in FOREIGN.read_text().splitlines() if FOREIGN.exists() else []:
        if line.strip():
            q = json.loads(line)["q"]
            yield q, lambda q=q: read(q, v, now)  # type: ignore[misc]


def number_heavy() -> Iterator[tuple[str, Ask]]:
    """Generated number-heavy questions (``devtools/seed/number_heavy.py``: impossible dates, zero,
    negative and huge counts, ranges): nobody is named in any of them."""
    v, now = _at("dev")
    for q in number_heavy_questions(20261206, 3000):
        yield q, lambda q=q: read(q, v, now)  # type: ignore[misc]


def grammar_says_person(q: str) -> bool:
    """Whether the ``/kpi`` or the look-ahead grammar answers ``q`` with a patient or person wording
    (or anything but a usage error)."""
    for parse in (lambda t: parse_kpi_command(t.removeprefix("/kpi ")), parse_lookahead):
        try:
            parse(q)
        except UsageError as exc:
            if "individual patient" in str(exc) or "person's name" in str(exc):
                return True
        except Exception:  # noqa: BLE001 - a traceback on user text is counted, not raised
            return True
    return False


def main(show: bool) -> None:
    for label, items, bad in (("questions naming a person", names(), lambda r: not declined(r)),
                              ("people in foreign wording", foreign_names(), lambda r: not declined(r)),
                              ("questions naming nobody (labelled sets)", nobody(), declined),
                              ("foreign wording outside the lists", foreign(), declined),
                              ("number-heavy questions, reader (generated)", number_heavy(),
                               lambda r: declined(r) or "person's name" in (r.message or "")),
                              ("number-heavy questions, /kpi and look-ahead grammars (generated)", number_heavy(),
                               lambda r: grammar_says_person(r.text))):
        total, wrong = 0, []
        for q, ask in items:
            total += 1
            if bad(ask()):
                wrong.append(q)
        what = "missed names" if label.startswith(("questions naming a", "people")) else "false refusals"
        print(f"{label}: {total} · {what} {len(wrong)}")
        if show:
            for q in wrong:
                print(f"   {q!r}")


if __name__ == "__main__":
    main("--show" in sys.argv)
