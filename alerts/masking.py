"""Keep secrets out of records and logs: passwords, tokens and keys inside notification URLs."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<secret>[^@/\s]+)@", re.I)
_SECRET_PARAMS = re.compile(
    r"(?P<key>[?&](?:pass|password|pwd|token|secret|key|apikey|api_key|auth|access_token|webhook)=)[^&\s]+",
    re.I,
)


def mask_url(url: str) -> str:
    """The URL with its password and secret query values replaced by ****."""
    masked = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:****@", url)
    return _SECRET_PARAMS.sub(lambda m: f"{m['key']}****", masked)


def mask_text(text: str) -> str:
    """Mask every URL-like secret inside free text (error messages, log lines)."""
    return mask_url(text)
