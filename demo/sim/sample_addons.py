"""Module folders written to disk so the simulator's installed modules can be counted like real ones."""

from __future__ import annotations

from pathlib import Path

# name -> (installed, author, {relative path: content}); a standard folder holds base and web.
_CUSTOM_MODULES: dict[str, tuple[bool, str, dict[str, str]]] = {
    "erpm_sale_extra": (
        True,
        "ERP.M",
        {
            "__manifest__.py": (
                "{\n    'name': 'Sale extras',\n    'version': '1.0',\n    'author': 'ERP.M',\n"
                "    'depends': ['base'],\n    'data': ['views/sale_views.xml'],\n"
                "    'demo': ['demo/demo.xml'],\n}\n"
            ),
            "__init__.py": "from . import models\n",
            "models/__init__.py": "from . import sale_order\n",
            "models/sale_order.py": (
                '"""Extra fields on quotations."""\n\nfrom odoo import api, fields, models\n\n\n'
                "class SaleOrder(models.Model):\n    _inherit = 'sale.order'\n\n"
                "    delivery_note = fields.Text(\n        string='Delivery note',\n"
                "        help='Printed on the picking.',\n    )\n"
                "    rush = fields.Boolean()\n\n"
                "    @api.depends('order_line')\n    def _compute_rush(self):\n"
                "        # rush orders have fewer than three lines\n"
                "        for order in self:\n            order.rush = len(order.order_line) < 3\n"
            ),
            "views/sale_views.xml": (
                "<?xml version='1.0' encoding='utf-8'?>\n<odoo>\n    <!-- the form gets one field -->\n"
                "    <record id='view_order_form' model='ir.ui.view'>\n"
                "        <field name='name'>sale.order.form.extra</field>\n\n\n"
                "        <field name='model'>sale.order</field>\n    </record>\n</odoo>\n"
            ),
            "demo/demo.xml": "<odoo>\n    <record id='x' model='res.partner'/>\n</odoo>\n",
            "static/src/js/rush.js": (
                "/** @odoo-module */\n// marks rush orders\nexport function isRush(order) {\n"
                "    return order.lines.length < 3; // few lines\n}\n"
            ),
            "tests/test_rush.py": "def test_rush():\n    assert True\n",
        },
    ),
    "erpm_webshop_sync": (
        True,
        "ERP.M",
        {
            "__manifest__.py": "{'name': 'Webshop sync', 'author': 'ERP.M', 'depends': ['base']}\n",
            "__init__.py": "from . import models\n",
            "models/__init__.py": "from . import sync\n",
            "models/sync.py": (
                "import logging\n\nfrom odoo import models\n\n_logger = logging.getLogger(__name__)\n\n\n"
                "class WebshopSync(models.AbstractModel):\n    _name = 'erpm.webshop.sync'\n"
                "    _description = 'Webshop synchronisation'\n\n"
                "    def run(self):\n        _logger.info('sync')\n        return True\n"
            ),
            "static/src/css/sync.css": "/* badge */\n.o_sync_badge {\n    color: red;\n}\n",
        },
    ),
    "oca_queue_tools": (
        True,
        "Odoo Community Association (OCA)",
        {
            "__manifest__.py": "{'name': 'Queue tools', 'author': 'Odoo Community Association (OCA)'}\n",
            "__init__.py": "",
            "helpers.py": "def channel(name):\n    '''Root channel.'''\n    return name or 'root'\n",
        },
    ),
    "erpm_unused_draft": (
        False,
        "ERP.M",
        {
            "__manifest__.py": "{'name': 'Never installed', 'author': 'ERP.M'}\n",
            "__init__.py": "",
            "draft.py": "A = 1\nB = 2\nC = 3\n",
        },
    ),
}

_STANDARD_MODULES: dict[str, dict[str, str]] = {
    "base": {"__manifest__.py": "{'name': 'Base', 'author': 'Odoo S.A.'}\n", "__init__.py": "X = 1\n"},
    "web": {"__manifest__.py": "{'name': 'Web', 'author': 'Odoo S.A.'}\n", "__init__.py": "Y = 1\n"},
    "mail": {"__manifest__.py": "{'name': 'Discuss', 'author': 'Odoo S.A.'}\n", "__init__.py": "Z = 1\n"},
}


def custom_modules() -> dict[str, tuple[bool, str]]:
    """Module name -> (installed, author) for the custom modules written by write_sample_addons."""
    return {name: (installed, author) for name, (installed, author, _files) in _CUSTOM_MODULES.items()}


def standard_modules() -> list[str]:
    return list(_STANDARD_MODULES)


def write_sample_addons(root: Path) -> list[Path]:
    """Write a standard addons folder and a custom one under root; return both paths (standard first)."""
    standard = root / "odoo" / "addons"
    custom = root / "custom"
    for folder, modules in (
        (standard, _STANDARD_MODULES),
        (custom, {name: files for name, (_i, _a, files) in _CUSTOM_MODULES.items()}),
    ):
        for module, files in modules.items():
            for relative, content in files.items():
                path = folder / module / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="latin-1")
    return [standard, custom]
