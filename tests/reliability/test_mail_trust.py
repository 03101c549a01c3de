"""The mail trust rule on its own: which Authentication-Results and envelope senders verify From:."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from collector.helpdesk.mail.classify import sender_verified

MTA = "mx.erpm.example"


def _message(*auth_results: str) -> EmailMessage:
    message = EmailMessage()
    for value in auth_results:
        message["Authentication-Results"] = value
    message["From"] = "Jan <jan@acme.example>"
    return message


@pytest.mark.parametrize(
    ("auth", "envelope", "verified"),
    [
        ((), "jan@acme.example", True),
        ((), "<JAN@acme.example>", True),
        ((), "bounce@mailer.acme.example", False),
        ((), "", False),
        ((f"{MTA}; dmarc=pass header.from=acme.example",), "x@evil.example", True),
        ((f"{MTA}; dmarc=pass header.from=evil.example",), "x@evil.example", False),
        ((f"{MTA}; dkim=pass header.d=acme.example",), "x@elsewhere.example", True),
        ((f"{MTA}; dkim=pass header.i=@mail.acme.example",), "x@elsewhere.example", True),
        ((f"{MTA}; dkim=pass header.d=acme.example.evil.example",), "x@elsewhere.example", False),
        ((f"{MTA}; dkim=pass header.d=evil.example",), "jan@acme.example", False),
        ((f"{MTA}; spf=pass smtp.mailfrom=bounce@acme.example",), "bounce@acme.example", True),
        ((f"{MTA}; spf=softfail smtp.mailfrom=acme.example",), "jan@acme.example", False),
        ((f"{MTA}; spf=fail smtp.mailfrom=evil.example", f"{MTA}; dmarc=pass"), "jan@acme.example", False),
        ((f"{MTA}; none",), "jan@acme.example", False),
    ],
)
def test_who_is_believed(auth: tuple[str, ...], envelope: str, verified: bool) -> None:
    assert sender_verified(_message(*auth), envelope)[0] is verified
