"""The `prioritysupport` command: one entry point, sub-commands registered by each package."""
