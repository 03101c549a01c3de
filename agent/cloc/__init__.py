"""The counter of custom code lines, identical to odoo-bin cloc."""
