"""Agent reports in: enrolment, the schema check, group commit, the ingest endpoint."""
