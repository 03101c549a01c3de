"""The evaluation report (policy section 10): per customer and period, computed from the database alone."""
