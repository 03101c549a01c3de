"""Who hears about what: the routing rules, their TOML form, and the delivery worker built from settings.

Owns the mapping from a ticket or condition to notification requests (pages, escalations, notices) and
the configuration of the alerts/ delivery worker."""
