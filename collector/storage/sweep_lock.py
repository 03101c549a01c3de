"""One sweep at a time across collector replicas sharing a PostgreSQL database.

Every replica runs the periodic sweep (breach flags, held tickets, version checks, pre-breach warnings).
Two at once would update the same ticket and instance rows in different orders (deadlocks) and could both
open the same migration ticket. A transaction-level advisory lock lets one replica sweep; the others skip
that round, and the lock ends with the transaction, so a crashed replica never holds it. SQLite needs
nothing: its writers are serialised by the database lock already.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# An arbitrary constant that names "the collector's periodic sweep" among advisory locks.
SWEEP_LOCK_KEY = 0x50535357  # "PSSW"


def sweep_turn(conn: Connection) -> bool:
    """Whether this transaction may sweep now; False when another replica's sweep is running."""
    if conn.dialect.name != "postgresql":
        return True
    return bool(
        conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": SWEEP_LOCK_KEY}).scalar()
    )
