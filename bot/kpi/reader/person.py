"""Questions about one person (declined) and which unexplained words may be repeated back.

The bot answers about clinics, providers, payers and teams in aggregate, never about a patient.
After the reader has explained what it can (periods, KPI words, breakdowns, configured names),
:func:`names_a_person` reads what is left for a person: a given name followed by a family name
("Maria Silva", "José da Conceição", "kwame osei"), a title or patient word before a name
("Mrs Whitfield", "patient Reyes", "Sra. Lima"), a given name alone in a person's place ("for
John", "did Maria show up"), a possessive ("John's no-shows"), or a long number (an MRN). A
configured clinic or provider is never a person, even when named like one ("maria ortiz", a
Kaggle neighbourhood; "Dr Lee"): its words were read as that name before this runs.

Which unexplained words may be said back ("I didn't understand …") is :func:`bot.kpi.reader.judge.echoable`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.kpi.reader.dates import UNITS
from bot.kpi.reader.names import AFTER_CLINIC, NOT_NAMES, NameHit
from bot.kpi.reader.reading import Reading
from bot.kpi.reader.vocab import Vocabulary, norm
from bot.kpi.reader.words import FILLER
from bot.phi_guard import find_identifiers
from bot.phi_names import word_lists, wordish

TITLES = {"mr", "mrs", "ms", "miss", "mx", "mister", "missus", "sr", "sra", "srta", "senor", "senora", "senorita",
          "senhor", "senhora", "dona", "dom", "herr", "frau", "mme", "madame", "mlle", "monsieur", "signor", "signora"}
PATIENT_WORDS = {"patient", "patients", "pt", "pts", "client", "resident", "baby", "infant", "newborn", "paciente",
                 "pacientes", "patiente"}
PARTICLES = {"da", "de", "do", "dos", "das", "di", "del", "della", "van", "von", "der", "den", "le", "la", "du", "bin",
             "ibn", "al", "el", "mac", "mc", "st", "y", "e", "ter", "ten", "bint", "ben"}
# Words that never start or make a person's name, whatever the census lists say ("Sunday", "April" and
# "June" are given names there): weekdays and months (English, Portuguese, Spanish, French), prepositions,
# articles and period words of those languages, and KPI words as people write them in them ("taxa de
# faltas", "tasa de inasistencia"). Unexplained, they are said not understood, never a patient.
NEVER_PERSON = frozenset("""
monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays fridays saturdays
sundays mon tue tues wed thu thur thurs fri sat sun
weekday weekdays weekend weekends
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
segunda terca quarta quinta sexta sabado domingo feira lunes martes miercoles jueves viernes
lundi mardi mercredi jeudi vendredi samedi dimanche
janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro
enero febrero marzo mayo junio julio septiembre setiembre octubre noviembre diciembre
em no na nos nas ao aos pelo pela para por com sem entre desde hasta ate en el los las al con sin un una uma um
y e o a ou u dans pour sur avec sans les des au aux par chez
mes mese mois semana semaine ano anos annee dia dias jour jours hoje hoy ontem ayer manana amanha
passado passada pasado pasada ultimo ultima ultimos ultimas proximo proxima siguiente dernier derniere prochain
este esta esse essa ese esa isto eso qual cual quanto cuanto como
taxa tasa taux indice porcentaje porcentagem percentual falta faltas ausencia ausencias absence absences
inasistencia inasistencias no-show comparecimento asistencia presenca consultas consulta citas cita
atendimento atendimentos negativa negativas glosa glosas rechazo rechazos denegacion denegaciones
clinica clinicas centro posto unidade sede hospital cancelamento cancelamentos cancelacion cancelaciones
""".split())
# Endings of inflected verbs and participles in Portuguese, Spanish and French (productive
# morphology, so no word list has to hold every such word); a census name is never read by them.
INFLECTED = re.compile(r"(?:ados|adas|idos|idas|aram|eram|iram|aron|ieron|erent|aient|ees)$")
PERSON_CUES = {"did", "does", "has", "had", "about", "for", "with", "of", "whether", "was", "is"}
PLACE_CUES = {"at", "in", "from", "near"}
MAX_DIGITS = 4  # a longer run left over is an identifier (MRN, member id), never a count or a year
# A left-over number that is a count ("99999 days") or shaped as a date the reader reads ("2026-10-31",
# "10/31/2026", "2026-10-01..2026-10-31") is never an identifier, however many digits it has.
DATE_SHAPED = re.compile(r"(?:\d{4}-\d{1,2}(?:-\d{1,2})?|\d{1,2}/\d{1,2}(?:/\d{1,4})?)(?:\.\.(?:\d{4}-\d{1,2}"
                         r"(?:-\d{1,2})?|\d{1,2}/\d{1,2}(?:/\d{1,4})?))?")
COUNTED = frozenset(UNITS) | {"appointments", "visits", "claims", "patients", "no-shows", "noshows", "slots"}


def decline(question: str, vocab: Vocabulary) -> Reading:
    """The refusal for a question about one person; it never repeats any of the question's words
    (its example is a clinic sharing no word with the question: a clinic may be named like a person)."""
    asked = set(norm(question).split())
    example = next((c.name for c in sorted(vocab.clinics.values(), key=lambda c: c.name)
                    if not asked & set(norm(c.name).split())), "your clinic")
    return Reading(status="refuse", text=question,
                   message="I can't answer questions about an individual patient: I only report clinics, "
                           "providers, payers and teams in aggregate, never one person's record. If you meant "
                           f"a clinic or provider, use its configured name, e.g. “no-show rate at {example} "
                           "last month”.")


def _original_words(original: str) -> tuple[set[str], set[str]]:
    """(words capitalised in the question, not its first word; words written possessive), folded."""
    text = "".join(ch for ch in unicodedata.normalize("NFKD", original or "") if not unicodedata.combining(ch))
    words = re.findall(r"[A-Za-z]+", text)
    caps = {w.lower() for w in words[1:] if w[0].isupper() and not w.isupper()}
    poss = {m.lower() for m in re.findall(r"([A-Za-z]+)['’]s\b", text)}
    return caps, poss


def _tokens(q: str, masked: str, hits: list[NameHit]) -> list[list[tuple[str, str]]]:
    """The words of ``q`` in runs not cut by what the reader explained, as ``(word, role)``: role
    ``known`` (in a configured name), ``provider`` (in a provider's name), ``weak`` (one word
    that may name something configured: a bare surname, a place's first word), ``filler`` or
    ``free`` (unexplained). ``masked`` is
    ``q`` with periods, KPI words and breakdowns masked; a masked particle ("dos", also a KPI's
    short name) stays in the run, so "João dos Santos" is read as one name."""
    segments: list[list[tuple[str, str]]] = [[]]
    for m in re.finditer(r"\S+", q):
        word, at = m.group(0), m.start()
        if "\x00" in masked[m.start():m.end()]:
            if word in PARTICLES and masked[m.start():m.end()] == "\x00" * len(word):
                segments[-1].append((word, "free"))
            else:
                segments.append([])
            continue
        hit = next((h for h in hits if h.start <= at < h.end), None)
        if hit is not None and all(e.kind == "provider" for e in hit.entities):
            role = "weak" if hit.how == "weak" and " " not in hit.words else "provider"
        elif hit is not None:
            role = "weak" if hit.how == "weak" and " " not in hit.words else "known"
        else:
            role = "filler" if word in FILLER or word in NOT_NAMES else "free"
        segments[-1].append((word, role))
    return [seg for seg in segments if seg]


def names_a_person(q: str, masked: str, hits: list[NameHit], original: str, vocab: Vocabulary) -> bool:
    """Whether what the reader could not explain in ``q`` (the normalised question; ``masked``:
    the same with periods, KPI words and breakdowns masked by ``\\x00``; ``hits``: its configured
    names) names a person or carries an identifier (see the module docstring)."""
    if any(f.kind in ("ssn", "email", "phone") for f in find_identifiers(original or "")):
        return True
    staff = {k[3:] for k in vocab.weak if k.startswith("dr ")}  # providers' given names ("dr hannah")
    lists = _Lists(*_original_words(original), staff)
    for seg in _tokens(q, masked, hits):
        for i, (w, role) in enumerate(seg):
            if role == "free" and sum(ch.isdigit() for ch in w) > MAX_DIGITS and not _number(seg, i):
                return True  # an MRN, a member id
            if role == "provider" and i and seg[i - 1][0] in TITLES | {"patient", "pt"}:
                return True  # "patient Lee" is a patient, even one named like a provider
            if role in ("free", "weak") and w.isalpha() and lists.person_at(seg, i):
                return True
    return False


def _number(seg: list[tuple[str, str]], i: int) -> bool:
    """Whether the digits of ``seg[i]`` are a count (a unit or counted thing follows) or a date's."""
    nxt = seg[i + 1][0] if i + 1 < len(seg) else ""
    return DATE_SHAPED.fullmatch(seg[i][0]) is not None or (seg[i][0].isdigit() and nxt in COUNTED)


@dataclass(frozen=True)
class _Lists:
    caps: set[str]  # written capitalised (not as the question's first word)
    poss: set[str]  # written possessive ("John's")
    staff: set[str]  # given names of configured providers: alone, a provider more likely than a patient

    def given(self, w: str) -> bool:
        """A census given name, or a capitalised word no list knows ("Kwame")."""
        first, last, _ = word_lists()
        return w not in NEVER_PERSON and (w in first or (w in self.caps and not wordish(w) and w not in last))

    def family(self, w: str) -> bool:
        first, last, _ = word_lists()
        return w not in NEVER_PERSON and (w in last or w in first or self.unknown(w))

    @staticmethod
    def unknown(w: str) -> bool:
        """A word no English list holds, so possibly part of a name, unless it is a patient word
        ("pacientes") or, on no census list, inflected as a Portuguese, Spanish or French verb or
        participle (:data:`INFLECTED`): "perdidas", "rechazados", "faltaram", "perdieron" are that
        language's words, not a name."""
        first, last, _ = word_lists()
        return not wordish(w) and w not in PATIENT_WORDS and (w in first or w in last or not INFLECTED.search(w))

    def person_at(self, seg: list[tuple[str, str]], i: int) -> bool:
        """Whether ``seg[i]`` (an unexplained or weak word) starts or is a person's name."""
        first, last, _ = word_lists()
        words = [x for x, _ in seg]
        w, role = seg[i]
        prev = words[i - 1] if i else ""
        if (prev in TITLES or prev in PATIENT_WORDS) and (self.family(w) or w in self.caps):
            return True  # "mrs whitfield", "patient Reyes", "Sra. Lima"
        if role == "weak" or w in PARTICLES or w in NEVER_PERSON:
            return False  # a configured word alone; a name only with an unexplained word beside it
        j = i + 1
        while j < len(seg) and seg[j][0] in PARTICLES and seg[j][1] == "free":
            j += 1
        after = words[j + 1] if j + 1 < len(words) else ""
        placed = prev in PLACE_CUES or after in AFTER_CLINIC
        if j < len(seg) and seg[j][1] in ("free", "weak") and seg[j][0].isalpha() and self.family(seg[j][0]):
            b, b_free = seg[j][0], seg[j][1] == "free"
            unlisted = not wordish(w) and w not in last
            if (self.given(w) and not (placed and wordish(w))) or (unlisted and b_free and b in last) \
                    or (self.unknown(w) and self.unknown(b) and not placed):
                return True  # "Maria Silva", "jose da conceicao", "kwame osei", "dmitri volkov"
        a = words[i - 1] if i and seg[i - 1][1] == "weak" else ""
        if a and ((self.given(a) and self.family(w)) or (self.unknown(a) and self.unknown(w))):
            return True  # "maria" or "bento" (first word of a clinic "maria ortiz", "bento ferreira") + "silva"
        if w in self.poss and (w in first or w in last or not wordish(w)):
            return True  # "John's no-shows"
        nxt = words[i + 1] if i + 1 < len(words) else ""
        cued = prev in PERSON_CUES or (w in self.caps and not wordish(w))
        if prev in PLACE_CUES or nxt in AFTER_CLINIC or w in self.staff:
            return False  # "at springfield": an unknown place; "for hannah": Dr. Hannah Nguyen? asked back
        alone = i + 1 == len(seg) or seg[i + 1][1] == "filler"
        # A surname alone after "for" ("for Smith", "for Silva") is a possible patient either way.
        return (self.given(w) and (not wordish(w) or cued)) or (w in last and cued and (not wordish(w) or
                                                                                     (prev == "for" and alone)))
