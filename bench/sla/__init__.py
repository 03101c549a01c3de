"""Benchmark of the SLA deadline arithmetic against a naive minute-by-minute walk."""
