"""Benchmark of the custom-code-line counter against its anchors."""
