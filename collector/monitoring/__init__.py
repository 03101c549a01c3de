"""What monitoring sees and what it opens: conditions per instance and check, outages, notices.

Owns conditions and their groups, incident tickets opened from agent reports, the silent-agent probe,
Alertmanager intake, maintenance windows, the Watchdog and Odoo version notices. Uses tickets and routing."""
