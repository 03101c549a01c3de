"""The lightweight agent that runs beside a customer's Odoo."""
