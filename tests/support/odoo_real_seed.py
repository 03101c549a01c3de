"""What the real Odoo is seeded with: custom modules on disk, one module to import, and the seed script.

Bump SEED_VERSION whenever anything here changes: it names the cached database snapshot.
"""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path

SEED_VERSION = "4"
DATABASE = "demo"
ADMIN_PASSWORD = "admin"
MONITORING_LOGIN = "monitoring"
MONITORING_PASSWORD = "monitoring-pw"
OVERDUE_CRON = "PS nightly export"
HEALTHY_CRON = "PS hourly sync"
FAILING_CRON = "PS failing import"  # 18.0+: failure_count > 0
INSTALLED_CUSTOM = ("ps_custom_sales", "ps_custom_tools")
IMPORTED_MODULE = "ps_imported"

# Manifest-only modules whose categories base's data refers to (see ../shared/odoo/README.md).
CATEGORIES = (
    "Inventory/Inventory",
    "Manufacturing/Manufacturing",
    "Marketing/Email Marketing",
    "Sales/Sales",
    "Services/Project",
    "Services/Timesheets",
    "Website/Website",
)

_SALES_MANIFEST = """{
    'name': 'PS custom sales',
    'version': '1.0',
    'author': 'Nhóm 01',
    'license': 'LGPL-3',
    'depends': ['base', 'mail'],
    'data': ['data/actions.xml', 'views/partner_views.xml'],
    'demo': ['demo/demo.xml'],
    'cloc_exclude': ['static/src/js/vendor_*.js'],
}
"""

CUSTOM_FILES: dict[str, str] = {
    "ps_custom_sales/__manifest__.py": _SALES_MANIFEST,
    "ps_custom_sales/__init__.py": "from . import models\n",
    "ps_custom_sales/models/__init__.py": "from . import partner\n",
    "ps_custom_sales/models/partner.py": '''"""Partner extras."""

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    ps_tier = fields.Selection(
        [("bronze", "Bronze"), ("silver", "Silver"), ("gold", "Gold")],
        default="bronze",
    )
    ps_note_length = fields.Integer(compute="_compute_ps_note_length")

    @api.depends("comment")
    def _compute_ps_note_length(self):
        for partner in self:
            # Plain length of the internal note.
            partner.ps_note_length = len(partner.comment or "")
''',
    "ps_custom_sales/data/actions.xml": """<?xml version="1.0" encoding="utf-8"?>
<odoo>
    <!-- A server action defined by a real module: Odoo's cloc does not count it. -->
    <record id="action_promote_partner" model="ir.actions.server">
        <field name="name">PS promote partner</field>
        <field name="model_id" ref="base.model_res_partner"/>
        <field name="state">code</field>
        <field name="code">records.write({'ps_tier': 'gold'})</field>
    </record>
</odoo>
""",
    "ps_custom_sales/views/partner_views.xml": """<?xml version="1.0" encoding="utf-8"?>
<odoo>
    <record id="view_partner_form_ps" model="ir.ui.view">
        <field name="name">res.partner.form.ps</field>
        <field name="model">res.partner</field>
        <field name="inherit_id" ref="base.view_partner_form"/>
        <field name="arch" type="xml">

            <field name="vat" position="after">
                <field name="ps_tier"/>
            </field>
        </field>
    </record>
</odoo>
""",
    "ps_custom_sales/demo/demo.xml": "<odoo>\n    <!-- demo data: not counted -->\n</odoo>\n",
    "ps_custom_sales/static/src/js/tier.js": """/** @odoo-module **/
// Tier badge colours.
const colours = {
    bronze: "#cd7f32", /* warm */
    gold: "#ffd700",
};
export function tierColour(tier) {
    return colours[tier] || "//not a comment";
}
""",
    "ps_custom_sales/static/src/js/vendor_lib.js": "var vendored = 1;\nvar more = 2;\n",
    "ps_custom_sales/static/src/css/tier.css": ".o_ps_tier {\n    /* badge */\n    color: gold;\n}\n",
    "ps_custom_sales/static/src/scss/tier.scss": "// spacing\n.o_ps_tier {\n    margin: 0;\n}\n",
    "ps_custom_sales/tests/__init__.py": "from . import test_tier\n",
    "ps_custom_sales/tests/test_tier.py": "def test_nothing():\n    assert True\n",
    "ps_custom_tools/__manifest__.py": """{
    'name': 'PS custom tools',
    'version': '1.0',
    'author': 'Partner Tools BV',
    'license': 'LGPL-3',
    'depends': ['base'],
}
""",
    "ps_custom_tools/__init__.py": "from . import models\n",
    "ps_custom_tools/models/__init__.py": "from . import helpers\n",
    "ps_custom_tools/models/helpers.py": '''from odoo import models


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    def ps_flag(self, key):
        """True when the parameter is set to a true-looking value."""
        value = self.sudo().get_param(key, "")
        return value.lower() in (
            "1",
            "true",
            "yes",
        )
''',
    "ps_custom_draft/__manifest__.py": """{
    'name': 'PS draft (not installed)',
    'version': '1.0',
    'author': 'Partner Tools BV',
    'license': 'LGPL-3',
    'depends': ['base'],
}
""",
    "ps_custom_draft/__init__.py": "",
    "ps_custom_draft/models.py": "X = 1\nY = 2\n",
}

IMPORTED_FILES: dict[str, str] = {
    "__manifest__.py": """{
    'name': 'PS imported portal tweaks',
    'version': '1.0',
    'author': 'Nhóm 02',
    'license': 'LGPL-3',
    'depends': ['web', 'mail'],
    'data': ['views/templates.xml', 'data/actions.xml'],
    'cloc_exclude': ['static/src/js/generated.js'],
}
""",
    "views/templates.xml": """<?xml version="1.0" encoding="utf-8"?>
<odoo>
    <!-- QWeb views of an imported module count under its name. -->
    <template id="ps_banner" name="PS banner">
        <div class="o_ps_banner">
            <t t-esc="message"/>

            <span>Support</span>
        </div>
    </template>
    <template id="ps_footer" name="PS footer">
        <footer><t t-out="note"/></footer>
    </template>
</odoo>
""",
    "data/actions.xml": """<?xml version="1.0" encoding="utf-8"?>
<odoo>
    <record id="action_ps_archive_old" model="ir.actions.server">
        <field name="name">PS archive old partners</field>
        <field name="model_id" ref="base.model_res_partner"/>
        <field name="state">code</field>
        <field name="code">
old = records.filtered(lambda partner: not partner.email)
# Archive only what has no e-mail.
old.write({'active': False})
        </field>
    </record>
</odoo>
""",
    "static/src/js/banner.js": """/** @odoo-module **/
/* Banner behaviour */
export function bannerText(note) {
    // fall back to a default
    return note || 'Support';
}
""",
    "static/src/js/generated.js": "var generated = 1;\n",
    "static/src/xml/banner.xml": """<?xml version="1.0" encoding="UTF-8"?>
<templates>
    <!-- client template -->
    <t t-name="ps_imported.Banner">
        <div class="o_ps_banner"/>
    </t>
</templates>
""",
    "static/src/css/banner.css": (
        ".o_ps_banner {\n    /* layout */\n    padding: 4px;\n\n    color: navy;\n}\n"
    ),
    "static/src/img/readme.txt": "not counted\n",
}


def write_addons(base: Path) -> tuple[Path, Path]:
    """The custom addons folder and the category stubs folder, written under `base`."""
    custom = base / "custom_addons"
    for relative, text in CUSTOM_FILES.items():
        path = custom / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    stubs = base / "category_stubs"
    for index, category in enumerate(CATEGORIES):
        folder = stubs / f"ps_category_stub_{index}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__manifest__.py").write_text(
            f"{{'name': 'Category stub {category}', 'category': {category!r},"
            " 'installable': False, 'license': 'LGPL-3'}\n"
        )
    return custom, stubs


def imported_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for relative, text in IMPORTED_FILES.items():
            # A fixed date: the archive, and so the snapshot key, must not change between runs.
            entry = zipfile.ZipInfo(f"{IMPORTED_MODULE}/{relative}", date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(entry, text.encode("utf-8"))
    return buffer.getvalue()


def seed_script() -> str:
    """Run by `odoo-bin shell`: prints one line `PS-SEED {json}`."""
    archive = base64.b64encode(imported_zip()).decode()
    return f"""
import base64, io, json, datetime
import odoo
series = odoo.release.version_info[0]
now = datetime.datetime.now()
env = env(user=odoo.SUPERUSER_ID, context={{"no_reset_password": True, "tracking_disable": True}})
ref = env.ref
env.ref("base.user_admin").write({{"password": {ADMIN_PASSWORD!r}}})
user_group, portal_group = ref("base.group_user"), ref("base.group_portal")
system_group = ref("base.group_system")

def make(login, groups, active=True):
    user = env["res.users"].create({{"name": login.title(), "login": login, "password": login + "-pw",
        "email": login + "@example.invalid", "groups_id": [(6, 0, [g.id for g in groups])]}})
    if not active:
        user.active = False
    return user

# The monitoring user reads queue.job too (OCA queue_job keeps it to its managers).
monitoring = make({MONITORING_LOGIN!r}, [user_group, system_group, ref("queue_job.group_queue_job_manager")])
alice, bob = make("alice", [user_group]), make("bob", [user_group])
make("carol", [portal_group]); make("dave", [portal_group])
make("eve", [user_group], active=False); make("frank", [portal_group], active=False)
# A login leaves a res.users.log row created by the user (only administrators may create one).
env["res.users.log"].with_user(alice).sudo().create({{}})
env["res.users.log"].with_user(bob).sudo().create({{}})
keys = env["res.users.apikeys"].with_user(monitoring)
# 18.0 added a required expiration date; None (never) is for administrators only.
api_key = keys._generate(None, "prioritysupport", *([None] if series >= 18 else []))

partner_model = ref("base.model_res_partner")
env["ir.actions.server"].create({{"name": "PS tag customers", "model_id": partner_model.id, "state": "code",
    "code": "for record in records:\\n    # tag\\n    record.write({{'comment': 'customer'}})\\n"}})
excluded = env["ir.actions.server"].create({{"name": "PS excluded helper", "model_id": partner_model.id,
    "state": "code", "code": "records.write({{}})\\n"}})
env["ir.model.data"].create({{"module": "__cloc_exclude__", "name": "ps_excluded_helper",
    "model": "ir.actions.server", "res_id": excluded.id}})
env["ir.model.fields"].create({{"name": "x_ps_name_length", "field_description": "Name length",
    "model_id": partner_model.id, "ttype": "integer", "state": "manual", "store": False, "depends": "name",
    "compute": "for record in self:\\n    record['x_ps_name_length'] = len(record.name or '')\\n"}})

def cron(name, **values):
    return env["ir.cron"].create({{"name": name, "model_id": partner_model.id, "state": "code",
        "code": "pass", "interval_number": 1, "interval_type": "hours", "active": True, **values}})

crons = {{"overdue": cron({OVERDUE_CRON!r}).id, "healthy": cron({HEALTHY_CRON!r}).id}}
if series >= 18:
    crons["failing"] = cron({FAILING_CRON!r}).id

from odoo.addons.queue_job.job import Job
job = Job(env["res.partner"].browse(ref("base.partner_admin").id).exists, description="PS export partner")
job.store()
env["queue.job"].search([("uuid", "=", job.uuid)]).write({{"state": "failed", "exc_name": "ValueError",
    "exc_message": "PS export refused by the remote shop",
    "exc_info": "Traceback (most recent call last):\\nValueError: PS export refused by the remote shop\\n"}})

env["mail.mail"].create({{"subject": "PS invoice reminder", "email_to": "customer@example.invalid",
    "body_html": "<p>Reminder</p>", "state": "exception", "failure_type": "mail_smtp",
    "failure_reason": "Connection refused by the SMTP server"}})

env["ir.module.module"]._import_zipfile(io.BytesIO(base64.b64decode({archive!r})))
env.cr.commit()
print("PS-SEED " + json.dumps({{"api_key": api_key, "crons": crons, "users": {{
    "alice": alice.id, "bob": bob.id, "monitoring": monitoring.id}}}}))
"""


def refresh_sql(seed: dict[str, object]) -> str:
    """Run at every start, so that a snapshot made days ago still has fresh and overdue items."""
    crons = dict(seed["crons"])  # type: ignore[call-overload]
    users = dict(seed["users"])  # type: ignore[call-overload]
    now = "now() at time zone 'UTC'"
    sql = [
        f"update ir_cron set nextcall = {now} - interval '3 hours' where id = {crons['overdue']}",
        f"update ir_cron set nextcall = {now} + interval '1 day' where id = {crons['healthy']}",
        f"update res_users_log set create_date = {now} where create_uid = {users['alice']}",
        f"update res_users_log set create_date = {now} - interval '30 days'"
        f" where create_uid = {users['bob']}",
    ]
    # Like a Dutch customer's administrator (the simulator answers with this time zone too).
    users_partners = "select partner_id from res_users"
    sql.append(f"update res_partner set tz = 'Europe/Amsterdam' where id in ({users_partners})")
    if "failing" in crons:
        sql.append(
            f"update ir_cron set nextcall = {now} + interval '1 day', failure_count = 2,"
            f" first_failure_date = {now} - interval '1 day' where id = {crons['failing']}"
        )
    return ";\n".join(sql)
