"""The demo's three customers as data: their contracts, simulated Odoo instances and agent settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoIntegration:
    name: str
    check: str  # http or tcp: both point at a small local server the demo runs (and can stop)


@dataclass(frozen=True)
class DemoCustomer:
    key: str
    name: str
    language: str
    contact_name: str
    contact_email: str
    package: str
    premium: bool
    migration: bool
    integrations: tuple[DemoIntegration, ...]
    odoo_version: str
    users: int  # internal users in the simulated Odoo at the start

    @property
    def instance(self) -> str:
        return "prod"


ACCOUNT_MANAGER = "accountmanager@partner.example"
SUPPORT_SENDER = "support@partner.example"

SMALL = DemoCustomer(
    key="small",
    name="Klein Fietsen B.V.",
    language="nl",
    contact_name="Sanne Klein",
    contact_email="sanne@kleinfietsen.example",
    package="small",
    premium=False,
    migration=False,
    integrations=(DemoIntegration("webshop", "http"), DemoIntegration("edi", "tcp")),
    odoo_version="17.0",
    users=21,  # of 25: under the 90% "near" mark until the scenario adds users
)
MEDIUM = DemoCustomer(
    key="medium",
    name="Middelgroot Logistiek B.V.",
    language="nl",
    contact_name="Mark de Wit",
    contact_email="mark@middelgroot.example",
    package="medium",
    premium=True,
    migration=False,
    integrations=(),
    odoo_version="18.0",
    users=40,
)
LARGE = DemoCustomer(
    key="large",
    name="Groot Handelshuis N.V.",
    language="en",
    contact_name="Lisa Groot",
    contact_email="it@groothandelshuis.example",
    package="large",
    premium=True,
    migration=True,
    integrations=(DemoIntegration("warehouse", "http"), DemoIntegration("payments", "http")),
    odoo_version="16.0",  # outside Odoo's support window: Migration opens a change request
    users=90,
)
CUSTOMERS: tuple[DemoCustomer, ...] = (SMALL, MEDIUM, LARGE)


def contracts_toml(instance_urls: dict[str, str]) -> str:
    """The contracts file the demo loads (the same format as deploy/examples/contracts.toml)."""
    parts = ["# Written by `prioritysupport demo`: the three demo customers.\n"]
    for customer in CUSTOMERS:
        integrations = ", ".join(f'"{i.name}"' for i in customer.integrations)
        parts.append(
            f"""
[[customer]]
key = "{customer.key}"
name = "{customer.name}"
language = "{customer.language}"
account_manager = "{ACCOUNT_MANAGER}"

  [[customer.contact]]
  name = "{customer.contact_name}"
  email = "{customer.contact_email}"
  language = "{customer.language}"

  [[customer.instance]]
  name = "{customer.instance}"
  url = "{instance_urls[customer.key]}"

  [[customer.contract]]
  effective_from = 2026-01-01
  package = "{customer.package}"
  premium = {str(customer.premium).lower()}
  migration = {str(customer.migration).lower()}
  integrations = [{integrations}]
"""
        )
    return "".join(parts)


def agent_toml(
    customer: DemoCustomer,
    *,
    state_dir: str,
    collector_url: str,
    token: str,
    odoo_url: str,
    integration_targets: dict[str, str],
) -> str:
    """One agent's configuration: short real-time intervals so reports keep up with the demo clock."""
    lines = [
        f'agent_id = "demo-{customer.key}"',
        f'state_dir = "{state_dir}"',
        "counts_in_child = false  # a child process every two seconds would only burn the demo's CPU",
        "",
        "[collector]",
        f'url = "{collector_url}/api/v1/reports"',
        f'token = "{token}"',
        "timeout = 5.0",
        "",
        "[intervals]",
        "availability = 1",
        "integrations = 1",
        "host = 3600",
        "counts = 2",
        "",
        "[[instances]]",
        f'name = "{customer.instance}"',
        f'url = "{odoo_url}"',
        'database = "demo"',
        'login = "admin"',
        'password = "admin"',
        'protocol = "xmlrpc"',
        "timeout = 2.0",
        "retries = 0",
    ]
    for integration in customer.integrations:
        target = integration_targets[f"{customer.key}/{integration.name}"]
        lines += ["", "  [[instances.integrations]]", f'  name = "{integration.name}"']
        if integration.check == "http":
            lines += ['  check = "http"', f'  url = "{target}"', "  timeout = 1.0"]
        else:
            host, _, port = target.rpartition(":")
            lines += ['  check = "tcp"', f'  host = "{host}"', f"  port = {port}", "  timeout = 1.0"]
    return "\n".join(lines) + "\n"
