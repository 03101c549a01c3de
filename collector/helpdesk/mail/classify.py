"""Pure checks on an incoming mail: is it automatic (auto-reply, bounce, list) and which ticket it names."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import parseaddr

TICKET_NUMBER = re.compile(r"\[?\b(PS-\d{4}-\d{5})\b\]?")
_ROBOT_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply", "donotreply")


def automatic_reason(message: EmailMessage, envelope_sender: str) -> str | None:
    """Why this mail was sent by a machine (never answer it, never open a ticket), or None."""
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if message.get(header) is not None and header != "X-Auto-Response-Suppress":
            return f"{header} header"
    if str(message.get("Precedence", "")).strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {message.get('Precedence')}"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "mailing list"
    if message.get_content_type() == "multipart/report":
        return "delivery or read report (multipart/report)"
    if not envelope_sender or envelope_sender == "<>":
        return "empty envelope sender (bounce)"
    local = parseaddr(str(message.get("From", "")))[1].split("@")[0].lower()
    sender_local = envelope_sender.split("@")[0].lower()
    if any(local.startswith(robot) or sender_local.startswith(robot) for robot in _ROBOT_SENDERS):
        return "sent by a mail system account"
    return None


def ticket_number(subject: str) -> str | None:
    found = TICKET_NUMBER.search(subject.upper())
    return found.group(1) if found else None


def sender_address(message: EmailMessage, envelope_sender: str) -> str:
    """The From address (what the contact knows as theirs); the envelope sender when From is unusable."""
    address = parseaddr(str(message.get("From", "")))[1]
    return (address or envelope_sender).strip().lower()


def plain_text(message: EmailMessage, limit: int = 20_000) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        text = str(body.get_content())
    except (LookupError, ValueError):  # unknown charset or broken encoding: keep what decodes
        payload = body.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if body.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    return text.replace("\x00", "")[:limit]


def attachments_of(message: EmailMessage) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            out.append((part.get_filename() or "bijlage", data))
    return out


# -- structure: refused for good before the parser recurses into it ------------------------------------

MAX_MULTIPARTS = 200  # a real mail has a handful; thousands nested is an attack on the parser


def structure_problem(raw: bytes) -> str | None:
    """Why this message can never be processed (the sender must not retry), or None."""
    if raw.lower().count(b"boundary=") > MAX_MULTIPARTS:
        return f"more than {MAX_MULTIPARTS} MIME multiparts"
    return None


# -- who really sent it: the trust boundary (docs/reliability.md, "Mail intake") -------------------------

_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)([^;]*)", re.IGNORECASE)
_PROPERTY = re.compile(r"\b(header\.d|header\.i|header\.from|smtp\.mailfrom)\s*=\s*([^\s;]+)", re.IGNORECASE)


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip().strip(">").lower()


def _aligned(domain: str, from_domain: str) -> bool:
    # Relaxed alignment (RFC 7489): the same organisational domain, approximated as one being the other or
    # a subdomain of it (either way round, the signer controls DNS inside the From domain's organisation).
    if not domain or not from_domain:
        return False
    return domain == from_domain or from_domain.endswith("." + domain) or domain.endswith("." + from_domain)


def sender_verified(message: EmailMessage, envelope_sender: str) -> tuple[bool, str]:
    """Whether From: is the real sender, and why. The intake sits behind the company's MTA, which checks
    SPF, DKIM and DMARC and writes the verdict in Authentication-Results at the top of the header (and
    removes any copy the sender wrote). Only that topmost header counts. Without one, the envelope
    sender must be the From address."""
    from_address = parseaddr(str(message.get("From", "")))[1].strip().lower()
    if not from_address:
        return False, "no From address"
    from_domain = _domain(from_address)
    headers = message.get_all("Authentication-Results") or []
    if not headers:
        envelope = envelope_sender.strip().strip("<>").lower()
        if envelope == from_address:
            return True, "no Authentication-Results; envelope sender equals From"
        return False, f"no Authentication-Results and envelope sender {envelope or '<>'} is not From"
    verdict = str(headers[0])
    for method, result, rest in _RESULT.findall(verdict):
        if result.lower() != "pass":
            continue
        method = method.lower()
        properties = [(name.lower(), _domain(value)) for name, value in _PROPERTY.findall(rest)]
        if method == "dmarc":  # DMARC judged the From domain itself; a header.from, when given, must match
            if all(domain == from_domain for name, domain in properties if name == "header.from"):
                return True, "DMARC pass"
            continue
        for name, domain in properties:
            if name in ("header.d", "header.i", "smtp.mailfrom") and _aligned(domain, from_domain):
                return True, f"{method.upper()} pass aligned with {from_domain}"
    return False, f"Authentication-Results does not pass for {from_domain}: {verdict[:200]}"
