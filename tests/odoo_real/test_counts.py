"""Users and custom lines against Odoo's own numbers, computed inside Odoo (items 1 and 2).

Users: the publisher-warranty message (mail's `_get_message`), run by `odoo-bin shell`.
Lines: `odoo-bin cloc -d DB -v`, per module and per file, imported module and database code included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.cloc import ClocReport, book_stored_code, count_addons, rules_for_version
from agent.counts import collect_counts, stored_code
from agent.odoo import Credentials
from agent.odoo.transport import HttpTransport, TransportSettings
from agent.odoo.xmlrpc import XmlRpcClient
from tests.support.odoo_real import OdooStack
from tests.support.odoo_real_cloc import OdooCloc, parse_cloc
from tests.support.odoo_real_seed import IMPORTED_MODULE, MONITORING_LOGIN

PUBLISHER_WARRANTY = """
import json
message = env["publisher_warranty.contract"]._get_message()
keys = ("nbr_users", "nbr_share_users", "nbr_active_users")
print("PS-JSON " + json.dumps({key: message[key] for key in keys}))
"""


def _client(stack: OdooStack) -> XmlRpcClient:
    credentials = Credentials(stack.database, MONITORING_LOGIN, stack.api_key, True)
    return XmlRpcClient(stack.url, credentials, HttpTransport(TransportSettings(timeout=60.0, retries=0)))


@pytest.fixture(scope="module")
def odoo_cloc(odoo: OdooStack) -> OdooCloc:
    """`odoo-bin cloc -d DB -v`, run once per series for this module."""
    return parse_cloc(odoo.cloc("-d", odoo.database, "-v"))


def _agent_cloc(stack: OdooStack, client: XmlRpcClient) -> ClocReport:
    """What the agent's count does (agent.counts.count_lines), kept as a report with its files."""
    from agent.cloc.stored import imported_modules

    rules = rules_for_version(stack.series)
    installed = client.search_read("ir.module.module", [("state", "=", "installed")], ["name"])
    imported = imported_modules(lambda model, domain, fields: client.search_read(model, domain, fields))
    names = [row["name"] for row in installed if row["name"] not in imported.all]
    report = count_addons([str(p) for p in stack.addons_paths], installed=names, rules=rules, workers=1)
    return book_stored_code(report, stored_code(client, rules.extensions), rules.max_line_size)


def test_user_counts_equal_the_publisher_warranty_message(up: OdooStack, tmp_path: Path) -> None:
    client = _client(up)
    client.authenticate()
    counts = collect_counts(client, up.series, [], cache_dir=tmp_path, now=datetime.now(UTC))
    odoo = up.shell_json(PUBLISHER_WARRANTY)
    assert isinstance(odoo, dict)
    assert counts.share_users == odoo["nbr_share_users"]
    assert counts.internal_users == odoo["nbr_users"] - odoo["nbr_share_users"]
    assert counts.active_users_15d == odoo["nbr_active_users"]
    # The seed: admin, monitoring, alice, bob internal; carol, dave portal; two archived users.
    assert (counts.internal_users, counts.share_users) == (4, 2)


def test_cloc_equals_odoo_per_module_and_per_file(up: OdooStack, odoo_cloc: OdooCloc) -> None:
    client = _client(up)
    client.authenticate()
    odoo = odoo_cloc
    ours = _agent_cloc(up, client)
    assert {name: (entry.code, entry.total) for name, entry in ours.modules.items()} == odoo.modules
    for name, entry in ours.modules.items():
        assert {path: tuple(count) for path, count in entry.files.items()} == odoo.files.get(name, {}), name
    assert {item: tuple(count) for items in ours.excluded.values() for item, count in items.items()} == (
        odoo.excluded
    )
    assert ours.errors == odoo.errors
    # Item 1: the imported module counts its QWeb views, its js/xml/css attachments and its server action.
    imported = odoo.files[IMPORTED_MODULE]
    assert any(path.startswith(f"/{IMPORTED_MODULE}/views/") for path in imported)
    static = f"/{IMPORTED_MODULE}/static/"
    assert {path.rsplit(".", 1)[1] for path in imported if path.startswith(static)} == {"js", "xml", "css"}
    assert any(path.startswith("ir.actions.server/") for path in imported)
    assert any(path.startswith("ir.model.fields/") for path in odoo.files["odoo/studio"])


def test_the_agents_count_and_authors(up: OdooStack, odoo_cloc: OdooCloc, tmp_path: Path) -> None:
    client = _client(up)
    client.authenticate()
    odoo = odoo_cloc
    counts = collect_counts(client, up.series, list(up.addons_paths), cache_dir=tmp_path)
    assert counts.custom_lines_source == "addons"
    assert {module.name: (module.code, module.total) for module in counts.modules} == odoo.modules
    assert counts.custom_lines == sum(code for code, _total in odoo.modules.values())
    authors = {module.name: module.author for module in counts.modules}
    # Item 2: UTF-8 manifests, on disk and imported (the author comes from Odoo's API).
    assert authors["ps_custom_sales"] == "Nhóm 01"
    assert authors[IMPORTED_MODULE] == "Nhóm 02"
    sources = {module.name: module.source for module in counts.modules}
    assert sources["ps_custom_sales"] == "file" and sources[IMPORTED_MODULE] == "database"
