"""Odoo simulator and the demo scenario, shared by the demo and the tests."""
