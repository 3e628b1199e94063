"""Code tables behind :mod:`bot.denials`: CARC → root-cause category, and the RARC table that
sub-classifies CARCs 16, 96, A1 and 252.

Source: shared/spec/denials.md (practitioner grouping) for the CARC table, widened with the
CARCs whose published X12 description names one of its root causes (X12 External Code Source
139, x12.org/codes/claim-adjustment-reason-codes, as published on 2026-08-17; statuses
"current"/"deactivated" from the same list). The RARC table is ours, from the X12 RARC
descriptions (x12.org/codes/remittance-advice-remark-codes); a RARC not listed leaves the CARC's
default category.
"""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "registration_eligibility": "Registration / eligibility",
    "authorization": "Authorization / pre-certification",
    "missing_invalid_claim_data": "Missing or invalid claim data",
    "coding": "Coding",
    "documentation_requested": "Documentation requested",
    "medical_necessity_not_covered": "Medical necessity / not covered",
    "timely_filing": "Timely filing",
    "provider_enrollment_credentialing": "Provider enrollment / credentialing",
    "duplicate": "Duplicate",
    "uncategorised": "Uncategorised",
}

#: Cost share, contractual, prior payer, informational, sequestration, capitation (denials.md).
NON_DENIAL_CARCS = frozenset({"1", "2", "3", "45", "23", "59", "94", "253", "24"})

_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    # spec table first, then (after the blank comment) codes added from the X12 descriptions
    "registration_eligibility": ("22", "26", "27", "31", "109",
                                 # 32 not an eligible dependent, 33 no dependent coverage, 34 no
                                 # newborn coverage, 140 ID/name mismatch, 141 spans eligible and
                                 # ineligible periods (deactivated 2012, still on old claims), 177
                                 # eligibility requirements not met, 200 lapse in coverage
                                 "32", "33", "34", "140", "141", "177", "200"),
    "authorization": ("15", "197", "198",
                      # 39 denied when authorization was requested, 210 authorization not timely
                      "39", "210"),
    "missing_invalid_claim_data": ("16",),
    "coding": ("4", "5", "6", "7", "8", "9", "10", "11", "97", "167",
               # 12 diagnosis vs provider type, 146 diagnosis invalid for the date, 181/182
               # procedure code/modifier invalid on the date, 189 unlisted code billed, 199
               # revenue and procedure code do not match
               "12", "146", "181", "182", "189", "199"),
    "documentation_requested": ("226", "227", "251", "252",
                                # 163/164 attachment not received (in time), 175 prescription
                                # incomplete, 176 prescription not current
                                "163", "164", "175", "176"),
    "medical_necessity_not_covered": ("50", "96", "119", "151", "204",
                                      # 49 routine/preventive, 55 experimental, 56 not proven
                                      # effective, 58 place of service, 150 level of service
                                      "49", "55", "56", "58", "150"),
    "timely_filing": ("29",),
    "provider_enrollment_credentialing": ("185", "206", "207", "208", "B7", "170",
                                          # 147 contracted rate expired or not on file, 183/184
                                          # referring/prescribing provider not eligible
                                          "147", "183", "184"),
    "duplicate": ("18",),
}

#: Current X12 CARCs that are payment adjustments rather than a denial root cause (104 managed
#: care withholding, 44 prompt-pay discount, 105 tax withholding, 144 incentive adjustment):
#: kept as "uncategorised" without a warning that the code is unknown.
KNOWN_WITHOUT_CATEGORY = frozenset({"44", "104", "105", "144"})

#: CARCs the X12 list marks deactivated (a retired code on an old claim is kept, and said so).
DEACTIVATED_CARCS = frozenset({"17", "25", "28", "30", "36", "37", "38", "41", "42", "43", "46", "47", "48",
                               "52", "57", "62", "63", "64", "65", "67", "68", "71", "72", "73", "77", "79",
                               "80", "81", "82", "83", "84", "86", "87", "88", "92", "93", "138", "141",
                               "145", "156", "162", "165", "168", "191", "196", "214", "217", "218", "220",
                               "221", "A2", "A7"})
CARC_CATEGORY: dict[str, str] = {carc: cat for cat, carcs in _BY_CATEGORY.items() for carc in carcs}

#: CARCs whose root cause is in the RARC (denials.md); A1 ("claim/service denied") has none alone.
RARC_REFINED_CARCS = frozenset({"16", "96", "A1", "252"})

RARC_CATEGORY: dict[str, str] = {
    # registration / eligibility / coordination of benefits
    "MA04": "registration_eligibility",  # secondary payment needs the primary payer's information
    "MA27": "registration_eligibility",  # missing/invalid entitlement number or name
    "MA61": "registration_eligibility",  # missing/invalid SSN or HICN
    "N382": "registration_eligibility",  # missing/invalid patient identifiers
    # authorization
    "M62": "authorization",  # missing/invalid treatment authorization code
    "N54": "authorization",  # claim inconsistent with pre-certified/authorized services
    # claim data
    "MA130": "missing_invalid_claim_data",  # incomplete and/or invalid information; no appeal rights
    "M119": "missing_invalid_claim_data",  # missing/invalid NDC
    # coding
    "M20": "coding",  # missing/invalid HCPCS
    "M51": "coding",  # missing/invalid procedure code(s)
    "M76": "coding",  # missing/invalid diagnosis or condition
    "M81": "coding",  # code to the highest level of specificity
    # documentation
    "M127": "documentation_requested",  # missing patient medical record for this service
    "N29": "documentation_requested",  # missing documentation/orders/notes/summary/report/chart
    "N206": "documentation_requested",  # supporting documentation does not match the claim
    # medical necessity / coverage
    "N115": "medical_necessity_not_covered",  # decision based on a Local Coverage Determination
    "N130": "medical_necessity_not_covered",  # see plan benefit restrictions for this service
    # provider enrollment
    "N290": "provider_enrollment_credentialing",  # missing/invalid rendering provider identifier
    "MA120": "provider_enrollment_credentialing",  # missing/invalid CLIA certification number
}

#: Who carries the amount, by CAS group (X12 claim adjustment group codes).
LIABILITY = {"CO": "provider", "PR": "patient", "OA": "other", "PI": "payer", "CR": "other"}


def carc_status(carc: str) -> str:
    """"categorised" | "known" (a current code without a root cause) | "deactivated" | "unknown"."""
    if carc in DEACTIVATED_CARCS:
        return "deactivated"
    if carc in CARC_CATEGORY or carc in NON_DENIAL_CARCS:
        return "categorised"
    return "known" if carc in KNOWN_WITHOUT_CATEGORY else "unknown"


def carc_label(carc: str | None) -> str:
    """"CARC 197 (Authorization / pre-certification)" for a breakdown row."""
    if carc is None:
        return "(no reason code)"
    return f"CARC {carc} ({CATEGORIES[CARC_CATEGORY.get(carc, 'uncategorised')]})"
