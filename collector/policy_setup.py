"""Build the one policy the whole collector process decides by, from the [policy] settings."""

from __future__ import annotations

from collector.config import ConfigError, PolicySettings
from collector.policy.catalogue import CatalogueError
from collector.policy.policy import Policy, load_policy


def policy_from_settings(settings: PolicySettings) -> Policy:
    """The shipped catalogue with the configured override merged over it; ConfigError when it is bad."""
    try:
        return load_policy(settings.catalogue)
    except CatalogueError as exc:  # its message names the file and the key
        raise ConfigError(f"policy.catalogue: {exc}") from None
    except (OSError, ValueError) as exc:  # unreadable (a folder, no permission) or an odd value
        raise ConfigError(
            f"policy.catalogue: catalogue file {settings.catalogue} cannot be used ({exc}): fix or replace it"
        ) from None
