"""Declarative base and shared column types.

Conventions for every table: money is stored as integer cents (``*_cents``, exact sums in SQL on
SQLite and PostgreSQL); instants are naive UTC datetimes (``*_at``); local calendar dates of a
clinic are ``date`` columns (``*_date``); patient identifiers are only ever stored as keyed-hash
pseudonyms (``patient_pseudonym``, see ``bot.privacy``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    """Naive UTC now, the storage convention for instants."""
    return datetime.now(UTC).replace(tzinfo=None)
