"""Customers, their contacts, instances and contracts as loaded from TOML, and the watch on their limits.

Owns the contract book (parse everything first, apply at once) and the limit watch that turns counted
users and
code lines into warnings, reminders and package advice. Reads policy; writes through storage and outbox."""
