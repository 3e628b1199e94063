"""audit_events: no insert may overwrite a row on SQLite (INSERT OR REPLACE, upserts)

SQLite's ``REPLACE`` conflict resolution deletes the conflicting row without firing DELETE
triggers (``recursive_triggers`` is off by default; https://sqlite.org/lang_conflict.html), so
``INSERT OR REPLACE INTO audit_events`` rewrote an existing row despite the UPDATE/DELETE
triggers of 0006. A BEFORE INSERT trigger refuses any insert whose id or (request_id, seq) is
already taken, whatever the statement's conflict clause; it raises with ABORT, which reaches
Python as ``IntegrityError`` as the unique constraint did. PostgreSQL has no REPLACE, and its
``ON CONFLICT DO UPDATE`` already fires the UPDATE trigger of 0006.

In a BEFORE INSERT trigger SQLite gives ``NEW.id`` = -1 when the id is to be generated
(https://sqlite.org/lang_createtrigger.html), so a normal insert never matches an existing row.

Revision ID: 0010_i14b
Revises: 0010_i18
"""
from alembic import op

revision = "0010_i14b"
down_revision = "0010_i13b"
branch_labels = None
depends_on = None

SQLITE_TRIGGER = """CREATE TRIGGER audit_events_no_overwrite BEFORE INSERT ON audit_events
WHEN EXISTS (SELECT 1 FROM audit_events
             WHERE id = NEW.id OR (request_id = NEW.request_id AND seq = NEW.seq))
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: an insert may not overwrite a row'); END"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_overwrite")
