"""The ticket core, the configured policy's deadlines, acknowledgement pages and on-call."""
