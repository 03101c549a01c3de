"""The checks the agent runs, each a function that returns CheckResult values."""
