"""The central service: contracts, ingest, tickets, SLA, intake, evaluation."""
