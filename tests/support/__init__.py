"""Helpers the test suites share: real components started on 127.0.0.1."""
