"""Benchmark of alerts/: enqueue-to-delivery latency beside Alertmanager's default path."""
