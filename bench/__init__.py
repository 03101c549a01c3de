"""Benchmarks: each runs our code and its anchor side by side in one run (see docs/benchmarks.md)."""
