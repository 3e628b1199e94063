"""Claims, X12 835 remittances (claim payments, service lines, CAS adjustments) and the ledger."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Claim(Base):
    """A claim entered for billing. ``clean``: passed every scrubber edit with no manual touch
    before first submission (HFMA clean claim). Natural key: (source, external_id)."""

    __tablename__ = "claims"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_claims_natural_key"),
        Index("ix_claims_clinic_created", "clinic_id", "created_date"),
        Index("ix_claims_patient_control_number", "patient_control_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    patient_control_number: Mapped[str] = mapped_column(String(64))  # CLP01 on the remittance
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"))
    patient_pseudonym: Mapped[str | None] = mapped_column(String(32))
    service_date: Mapped[date] = mapped_column(Date)
    created_date: Mapped[date] = mapped_column(Date)
    submitted_date: Mapped[date | None] = mapped_column(Date)
    charge_cents: Mapped[int] = mapped_column(BigInteger)
    scrubber_edits: Mapped[int] = mapped_column(Integer, default=0)
    manually_touched: Mapped[bool] = mapped_column(Boolean, default=False)
    clean: Mapped[bool] = mapped_column(Boolean)
    feed_load_id: Mapped[int | None] = mapped_column(ForeignKey("feed_loads.id"))


class Remittance(Base):
    """One CLP loop (2100) of an 835: the payer's adjudication of one claim.

    ``is_denial`` / ``denial_category`` follow shared/spec/denials.md; ``excluded`` marks
    reversals (CLP02 22), duplicates (CARC 18) and non-adjudications (23, 25).
    ``is_first``: the first remittance for this claim from this payer (denial-rate denominator).
    """

    __tablename__ = "remittances"
    __table_args__ = (
        UniqueConstraint("natural_key", name="uq_remittances_natural_key"),
        Index("ix_remittances_clinic_date", "clinic_id", "remit_date"),
        Index("ix_remittances_payer_date", "payer_id", "remit_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    natural_key: Mapped[str] = mapped_column(String(40))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id"))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"))
    patient_control_number: Mapped[str] = mapped_column(String(64))
    payer_claim_control_number: Mapped[str | None] = mapped_column(String(64))
    claim_status_code: Mapped[str] = mapped_column(String(4))  # CLP02
    remit_date: Mapped[date] = mapped_column(Date)
    charge_cents: Mapped[int] = mapped_column(BigInteger)
    paid_cents: Mapped[int] = mapped_column(BigInteger)
    patient_responsibility_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    is_first: Mapped[bool] = mapped_column(Boolean, default=True)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    is_denial: Mapped[bool] = mapped_column(Boolean, default=False)
    denial_category: Mapped[str | None] = mapped_column(String(48))
    line_denials: Mapped[int] = mapped_column(Integer, default=0)
    feed_load_id: Mapped[int | None] = mapped_column(ForeignKey("feed_loads.id"))


class RemittanceServiceLine(Base):
    """One SVC loop (2110)."""

    __tablename__ = "remittance_service_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittances.id"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)
    procedure: Mapped[str] = mapped_column(String(64))
    charge_cents: Mapped[int] = mapped_column(BigInteger)
    paid_cents: Mapped[int] = mapped_column(BigInteger)
    is_denial: Mapped[bool] = mapped_column(Boolean, default=False)


class RemittanceAdjustment(Base):
    """One (group, CARC, amount) triple of a CAS segment, claim- or line-level, with its RARCs."""

    __tablename__ = "remittance_adjustments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittances.id"), index=True)
    service_line_id: Mapped[int | None] = mapped_column(ForeignKey("remittance_service_lines.id"))
    group_code: Mapped[str] = mapped_column(String(2))
    carc: Mapped[str] = mapped_column(String(8))
    rarcs: Mapped[str | None] = mapped_column(String(120))  # space-separated
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[float | None] = mapped_column()


class LedgerEntry(Base):
    """A financial transaction, by clinic and posting date.

    ``kind``: charge | payer_payment | patient_payment | refund | contractual_adjustment |
    denial_write_off | bad_debt_write_off | other_adjustment. Amounts are positive cents; the kind
    says the sign. ``at_service``: a patient payment taken at or before the service.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_ledger_entries_natural_key"),
        Index("ix_ledger_clinic_date_kind", "clinic_id", "posted_date", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("payers.id"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"))
    posted_date: Mapped[date] = mapped_column(Date)
    service_date: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    at_service: Mapped[bool | None] = mapped_column(Boolean)
    feed_load_id: Mapped[int | None] = mapped_column(ForeignKey("feed_loads.id"))


class ArSnapshot(Base):
    """Net accounts receivable of a clinic at the end of a day (cents)."""

    __tablename__ = "ar_snapshots"
    __table_args__ = (UniqueConstraint("clinic_id", "as_of_date", name="uq_ar_snapshots_clinic_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    as_of_date: Mapped[date] = mapped_column(Date)
    net_ar_cents: Mapped[int] = mapped_column(BigInteger)
    feed_load_id: Mapped[int | None] = mapped_column(ForeignKey("feed_loads.id"))
