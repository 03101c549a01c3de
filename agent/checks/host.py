"""Host figures via psutil: CPU, load, memory, swap, disks, Odoo workers, PostgreSQL."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from agent.checks.spec import CheckSpec
from agent.report import CheckResult, Disk, HostFigures, Status

# Policy section 8: a disk at or above 90% is a B, at or above 97% an A; no PostgreSQL is a database down.
DISK = CheckSpec("disk", impact="medium", scope="organisation", high_at=97.0)
HOST = CheckSpec("host", impact="high", scope="organisation")
HOST_CHECKS: tuple[CheckSpec, ...] = (DISK, HOST)

# Pseudo and read-only image file systems say nothing about space for Odoo.
_IGNORED_FS = {"squashfs", "tmpfs", "devtmpfs", "overlay", "iso9660", "proc", "sysfs", "nsfs"}
_ODOO_MARKERS = ("odoo-bin", "openerp-server", "odoo.py")
_POSTGRES_NAMES = ("postgres", "postmaster")
PROCESS_ATTRS = ["name", "cmdline", "memory_info", "status"]
# psutil's names of processes that are gone or going: right after `pg_ctl stop` the postmaster
# lingers as a zombie until its parent reaps it, and must not count as a running server.
_GONE = ("zombie", "dead")


def _is_odoo(cmdline: list[str] | None) -> bool:
    return bool(cmdline) and any(marker in part for part in cmdline or [] for marker in _ODOO_MARKERS)


@dataclass
class ProcessScan:
    postgres: bool = False
    odoo_workers: int = 0
    odoo_workers_rss: int = 0


def scan_processes(infos: Iterable[dict[str, Any]]) -> ProcessScan:
    """PostgreSQL and Odoo among live processes (psutil's info dicts with PROCESS_ATTRS)."""
    scan = ProcessScan()
    for info in infos:
        if info.get("status") in _GONE:
            continue
        if (info.get("name") or "") in _POSTGRES_NAMES:
            scan.postgres = True
        elif _is_odoo(info.get("cmdline")):
            scan.odoo_workers += 1
            memory = info.get("memory_info")
            scan.odoo_workers_rss += int(memory.rss) if memory is not None else 0
    return scan


def collect_host(
    disk_warn: float, disk_critical: float, local_postgres: bool = False
) -> tuple[HostFigures, list[CheckResult]]:
    import psutil

    disks: list[Disk] = []
    checks: list[CheckResult] = []
    for partition in psutil.disk_partitions(all=False):
        if partition.fstype in _IGNORED_FS or len(disks) >= 64:
            continue
        try:
            usage = psutil.disk_usage(partition.mountpoint)
        except OSError:
            continue
        disks.append(Disk(partition.mountpoint, float(usage.percent), int(usage.total), int(usage.used)))
    for disk in disks:
        status: Status = "failing" if disk.percent >= disk_warn else "ok"
        critical = disk.percent >= disk_critical
        checks.append(
            DISK.result(
                f"host.disk:{disk.mount}",
                status,
                name=disk.mount,
                value=disk.percent,
                unit="percent",
                detail=f"{disk.mount} {disk.percent:.1f}% used",
                impact="high" if critical else None,
            )
        )

    scan = scan_processes(process.info for process in psutil.process_iter(PROCESS_ATTRS))
    postgres = scan.postgres
    if local_postgres:
        checks.append(
            HOST.result(
                "host.postgres",
                "ok" if postgres else "failing",
                name="postgresql",
                detail="PostgreSQL " + ("runs" if postgres else "does not run") + " on this host",
            )
        )

    load1, load5, load15 = os.getloadavg()
    figures = HostFigures(
        hostname=socket.gethostname(),
        cpu_percent=float(psutil.cpu_percent(interval=None)),
        load1=round(load1, 2),
        load5=round(load5, 2),
        load15=round(load15, 2),
        memory_percent=float(psutil.virtual_memory().percent),
        swap_percent=float(psutil.swap_memory().percent),
        disks=disks,
        odoo_workers=scan.odoo_workers,
        odoo_workers_rss_bytes=scan.odoo_workers_rss,
        postgres_running=True if postgres else (False if local_postgres else None),
    )
    return figures, checks
