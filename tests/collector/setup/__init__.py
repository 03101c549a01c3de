"""Configuration files: collector settings, contracts, routing rules, delivery."""
