"""Delivery of notifications: outbox, Apprise channels, on-call, escalation."""
