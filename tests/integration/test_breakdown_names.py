"""By-provider (and by-clinic/payer) lists never show two rows under one name: providers who
share a display name are told apart by their clinic, and by their key when they share the clinic
too; unique names are left as they are (issue: "Dr. Noah Johansson" listed twice)."""

from __future__ import annotations

from bot.kpi.scope import names_for
from storage.reference import ensure_clinics, ensure_providers


def test_colliding_provider_names_are_qualified(sessions) -> None:
    with sessions() as s:
        ensure_clinics(s, [{"key": "seaside", "name": "Seaside Internal Medicine"},
                           {"key": "cedar", "name": "Cedar Hill Primary Care"}])
        ids = ensure_providers(s, [
            {"key": "p1", "clinic_key": "seaside", "name": "Dr. Noah Johansson"},
            {"key": "p2", "clinic_key": "cedar", "name": "Dr. Noah Johansson"},
            {"key": "p3", "clinic_key": "cedar", "name": "Dr. Ravi Johansson"},
            {"key": "p4", "clinic_key": "cedar", "name": "Dr. Ana Lee"},
            {"key": "p5", "clinic_key": "cedar", "name": "Dr. Ana Lee"},
            {"key": "p6", "clinic_key": "seaside", "name": "Dr. Ana Lee"},
        ])
        s.flush()
        names = names_for(s, "provider", [*ids.values(), None])
        assert {k: names[ids[k]] for k in ids} == {
            "p1": "Dr. Noah Johansson (Seaside Internal Medicine)",
            "p2": "Dr. Noah Johansson (Cedar Hill Primary Care)",
            "p3": "Dr. Ravi Johansson",
            "p4": "Dr. Ana Lee (Cedar Hill Primary Care, p4)",
            "p5": "Dr. Ana Lee (Cedar Hill Primary Care, p5)",
            "p6": "Dr. Ana Lee (Seaside Internal Medicine)",
        }
        assert names[None] == "(no provider)"
        # only the rows of the answer count: one of the two Noahs alone keeps the plain name
        assert names_for(s, "provider", [ids["p1"], ids["p3"]])[ids["p1"]] == "Dr. Noah Johansson"


def test_colliding_clinic_names_are_qualified_by_key(sessions) -> None:
    with sessions() as s:
        ids = ensure_clinics(s, [{"key": "north-1", "name": "Family Practice"},
                                 {"key": "south-2", "name": "Family Practice"}, {"key": "x", "name": "Other"}])
        s.flush()
        names = names_for(s, "clinic", list(ids.values()))
        assert sorted(names[i] for i in ids.values()) == [
            "Family Practice (north-1)", "Family Practice (south-2)", "Other"]


def test_a_stored_name_with_an_identifier_is_withheld(sessions) -> None:
    """Defence in depth: a provider stored with an MRN in its name (before imports checked display
    fields) is shown by its id and the kind found, never by the name; "Maria Silva" stays."""
    with sessions() as s:
        ensure_clinics(s, [{"key": "seaside", "name": "Seaside Internal Medicine"}])
        ids = ensure_providers(s, [{"key": "p1", "clinic_key": "seaside", "name": "MRN 48213377 Smith"},
                                   {"key": "p2", "clinic_key": "seaside", "name": "Maria Silva"},
                                   {"key": "0005364682", "clinic_key": "seaside", "name": "0005364682"}])
        s.flush()
        names = names_for(s, "provider", list(ids.values()))
        assert names[ids["p1"]] == (f"(provider #{ids['p1']}: name withheld, it holds what looks like "
                                    "a medical record number)")
        assert names[ids["p2"]] == "Maria Silva"
        assert names[ids["0005364682"]] == "0005364682"  # a numeric id stored as the name: a key
