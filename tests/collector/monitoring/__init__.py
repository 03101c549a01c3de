"""What monitoring opens: conditions, groups, Alertmanager, limits and version notices."""
