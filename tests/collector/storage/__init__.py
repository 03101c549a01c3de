"""The database: migrations, PostgreSQL, retention."""
