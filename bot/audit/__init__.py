"""The append-only audit trail: ``service`` (record/read), ``changes`` (change rows written in the
changing transaction), ``export`` (CSV for compliance review)."""

from bot.audit.service import AuditEntry, record, rows

__all__ = ["AuditEntry", "record", "rows"]
