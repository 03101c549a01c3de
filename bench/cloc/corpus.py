"""Pinned real Odoo addons (OCA wheels from PyPI), downloaded once and unpacked as module folders."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

# The test set: small to medium modules with Python, XML, JS and SCSS, different authors.
TEST_WHEELS = (
    "odoo-addon-auditlog==19.0.2.0.1",
    "odoo-addon-base-tier-validation==19.0.1.4.6",
    "odoo-addon-account-reconcile-oca==19.0.1.1.1",
    "odoo-addon-mis-builder==19.0.1.2.1",
    "odoo-addon-l10n-es-aeat==19.0.1.2.8",
)
# The benchmark set: at least 60,000 code lines.
BENCH_WHEELS = (
    *TEST_WHEELS,
    "odoo-addon-account-financial-report==19.0.0.0.26.3",
    "odoo-addon-contract==19.0.1.2.1.2",
    "odoo-addon-dms==19.0.1.1.6",
    "odoo-addon-fieldservice==19.0.1.2.3.6",
    "odoo-addon-helpdesk-mgmt==19.0.1.3.2",
    "odoo-addon-account-invoice-import==19.0.1.1.1",
    "odoo-addon-base-rest==18.0.1.2.0",
    "odoo-addon-edi-oca==18.0.1.5.2.22",
    "odoo-addon-connector==19.0.1.0.0.5",
    "odoo-addon-component==19.0.1.0.1.6",
    "odoo-addon-queue-job==19.0.2.4.0.1",
    "odoo-addon-web-responsive==19.0.1.1.1",
    "odoo-addon-web-timeline==19.0.1.0.0.2",
    "odoo-addon-rma==19.0.1.0.4.2",
    "odoo-addon-shopfloor==18.0.1.4.1.1",
    "odoo-addon-stock-barcodes==18.0.1.6.0.4",
    "odoo-addon-l10n-es-aeat-sii-oca==19.0.1.1.10",
    "odoo-addon-account-payment-order==19.0.1.0.8",
    "odoo-addon-hr-timesheet-sheet==18.0.1.3.2.5",
    "odoo-addon-mrp-multi-level==19.0.1.0.5.4",
)


def _wheel_name(spec: str) -> str:
    name, version = spec.split("==")
    return f"{name.replace('-', '_')}-{version}-py3-none-any.whl"


def fetch_addons(specs: tuple[str, ...], cache: Path) -> Path:
    """Download the wheels missing from `cache` (pip, no dependencies) and unpack their modules.

    Returns the folder holding one sub-folder per module. Idempotent; a partial unpack is redone.
    """
    wheels = cache / "wheels"
    addons = cache / "addons"
    wheels.mkdir(parents=True, exist_ok=True)
    missing = [spec for spec in specs if not (wheels / _wheel_name(spec)).exists()]
    if missing:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
        done = subprocess.run([*command, "--dest", str(wheels), *missing], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"pip could not download {missing}: {done.stderr.strip()[-2000:]}")
    for spec in specs:
        wheel = wheels / _wheel_name(spec)
        marker = addons / f".{wheel.name}.done"
        if marker.exists():
            continue
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.infolist():
                if member.filename.startswith("odoo/addons/") and not member.is_dir():
                    relative = member.filename[len("odoo/addons/") :]
                    target = addons / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(member))
        marker.touch()
    return addons


def module_folders(addons: Path) -> list[str]:
    return sorted(str(addons / name) for name in os.listdir(addons) if not name.startswith("."))
