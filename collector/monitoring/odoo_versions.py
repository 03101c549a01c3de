"""Odoo versions outside the support window (the three latest majors, as data) are flagged; a customer
with the Migration extension gets a change request to plan the migration."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Connection, select, update

from collector.contracts.book import contract_in_force
from collector.storage import tables as t
from collector.storage.usage import latest_modules
from collector.tickets.core import TicketService
from collector.tickets.opening import TicketRequest
from prioritysupport.clock import Clock

DATA = Path(__file__).with_name("odoo_versions.toml")


@lru_cache(maxsize=1)
def supported_majors() -> tuple[str, ...]:
    return tuple(tomllib.loads(DATA.read_text(encoding="utf-8"))["supported_majors"])


def major_of(version: str) -> str | None:
    """'17.0', '17.0+e', 'saas~17.2' -> '17.0'; None when no major can be read."""
    match = re.search(r"(\d+)\.\d+", version)
    return f"{match.group(1)}.0" if match else None


def is_supported(version: str, majors: tuple[str, ...] | None = None) -> bool:
    major = major_of(version)
    return major is not None and major in (majors or supported_majors())


class VersionWatch:
    def __init__(self, clock: Clock, tickets: TicketService) -> None:
        self.clock = clock
        self.tickets = tickets

    def check(self, conn: Connection) -> list[str]:
        """Judge instances whose version changed since last time; returns the change requests opened.

        Set-based: a fleet's first reports (or a collector meeting an existing fleet) bring thousands of
        new versions at once, and an UPDATE per instance held the write lock and the interpreter for
        half a second at 10,000 instances. The versions are few: one UPDATE per distinct version marks
        its instances; only instances on an unsupported version are read one by one (rare)."""
        pending = t.instances.c.odoo_version.is_not(None) & (
            t.instances.c.version_checked.is_(None)
            | (t.instances.c.version_checked != t.instances.c.odoo_version)
        )
        versions = conn.execute(select(t.instances.c.odoo_version).where(pending).distinct()).scalars().all()
        unsupported = [version for version in versions if not is_supported(version)]
        rows = (
            conn.execute(
                select(t.instances)
                .where(pending & t.instances.c.odoo_version.in_(unsupported))
                .order_by(t.instances.c.id)  # the lock order of ingest batches (storage/hot_sql.py)
            ).all()
            if unsupported
            else []
        )
        if conn.dialect.name == "postgresql":
            # Row locks in id order first, the order every ingest batch updates them in. NO KEY UPDATE,
            # as the UPDATEs below take: a batch's report INSERTs hold KEY SHARE locks on their
            # instances (the foreign key check) in arrival order, and FOR UPDATE would wait for those
            # while the batch waits for a row locked here (a deadlock seen with three replicas).
            conn.execute(
                select(t.instances.c.id)
                .where(pending)
                .order_by(t.instances.c.id)
                .with_for_update(key_share=True)
            )
        for version in versions:
            conn.execute(
                update(t.instances)
                .where(pending & (t.instances.c.odoo_version == version))
                .values(version_checked=version, version_supported=version not in unsupported)
            )
        opened: list[str] = []
        for instance in rows:
            contract = contract_in_force(conn, instance.customer_id, self.clock.now().date())
            if contract is None or not contract.migration:
                continue
            key = f"migration:{instance.id}:{major_of(instance.odoo_version)}"
            if conn.execute(select(t.tickets.c.id).where(t.tickets.c.external_key == key)).first():
                continue
            customer = conn.execute(select(t.customers).where(t.customers.c.id == instance.customer_id)).one()
            ticket = self.tickets.open(
                conn,
                TicketRequest(
                    customer_id=instance.customer_id,
                    instance_id=instance.id,
                    subject=f"{instance.name}: plan the migration from Odoo {instance.odoo_version}",
                    description=self._description(conn, instance.id, instance.odoo_version),
                    category="change",
                    source="versions",
                    external_key=key,
                    language=customer.language,
                    actor="versions",
                ),
            )
            opened.append(ticket.number)
        return opened

    def _description(self, conn: Connection, instance_id: int, version: str) -> str:
        modules = [
            f"- {m['name']} ({m.get('author') or 'unknown author'})"
            for m in latest_modules(conn, instance_id) or ()
        ]
        lines = [
            f"Odoo {version} is outside the support window ({', '.join(supported_majors())}).",
            "The Migration extension covers the migration of standard Odoo.",
            "Not included: custom code and third-party modules, listed here:",
            *(modules or ["- (no module list reported yet)"]),
        ]
        return "\n".join(lines)
