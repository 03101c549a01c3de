"""A wire-faithful fake Odoo (14.0-19.0) with fault injection, for tests and the demo."""

from demo.sim.server import OdooSimulator
from demo.sim.versions import SUPPORTED_SERIES

__all__ = ["SUPPORTED_SERIES", "OdooSimulator"]
