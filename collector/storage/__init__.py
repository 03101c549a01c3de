"""The database: engine, tables, migrations, hot SQL statements, group commit and retention.

Owns the schema (Alembic revisions under migrations/), the write transaction helper, the statements on the
ingest path and the pruning of old rows. Imports nothing above it in the collector."""
