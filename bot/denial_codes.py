"""Code tables behind :mod:`bot.denials`: CARC → root-cause category, and the RARC table that
sub-classifies CARCs 16, 96, A1 and 252.

Source: shared/spec/denials.md (practitioner grouping) for the CARC table. The RARC table is
ours, from the X12 RARC descriptions (x12.org/codes/remittance-advice-remark-codes); a RARC not
listed leaves the CARC's default category.
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
    "registration_eligibility": ("22", "26", "27", "31", "109"),
    "authorization": ("15", "197", "198"),
    "missing_invalid_claim_data": ("16",),
    "coding": ("4", "5", "6", "7", "8", "9", "10", "11", "97", "167"),
    "documentation_requested": ("226", "227", "251", "252"),
    "medical_necessity_not_covered": ("50", "96", "119", "151", "204"),
    "timely_filing": ("29",),
    "provider_enrollment_credentialing": ("185", "206", "207", "208", "B7", "170"),
    "duplicate": ("18",),
}
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
