"""The first line of a page or team notice: what a phone's lock screen shows (about 100 characters).

Priority, customer, what broke, the deadline in Amsterdam time and the ticket number, in that order; the
customer and the subject are shortened so the deadline and the number always fit. Pure functions.
"""

from __future__ import annotations

from datetime import datetime

from alerts.people_time import local_time

LOCK_SCREEN = 100
ELLIPSIS = "…"

_DEADLINE_LABEL = {
    "nl": {"response": "reactie vóór", "resolution": "oplossen vóór"},
    "en": {"response": "respond by", "resolution": "resolve by"},
}


def _lang(language: str | None) -> str:
    return "en" if language == "en" else "nl"


def parse_instant(value: object) -> datetime | None:
    """An aware instant from a notification value (stored as ISO text); None when absent or unreadable."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def when(value: object, language: str | None = "nl") -> str:
    """'vr 27 nov 22:15' for an ISO value; '' when there is none (the template leaves the line out)."""
    instant = parse_instant(value)
    return local_time(instant, _lang(language)) if instant else ""


def deadline_text(value: object, which: object, language: str | None = "nl") -> str:
    """'reactie vóór vr 27 nov 22:15' / 'respond by Fri 27 Nov 22:15'; '' without a deadline."""
    shown = when(value, language)
    if not shown:
        return ""
    labels = _DEADLINE_LABEL[_lang(language)]
    return f"{labels.get(str(which), labels['response'])} {shown}"


def shorten(text: str, room: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= room:
        return text
    return text[: max(room - 1, 0)].rstrip() + ELLIPSIS


def headline(
    prefix: str,
    priority: object,
    customer: object,
    subject: object,
    deadline: str,
    ref: str,
    limit: int = LOCK_SCREEN,
) -> str:
    """'[A] Groot Handelshuis: Nobody can log in · reactie vóór vr 27 nov 22:15 · PS-2026-00012'.

    `prefix` (e.g. 'TERUGVAL', 'ESCALATIE 1') goes first. Whatever is cut, it is the customer's name
    and then the subject, never the deadline or the ticket number."""
    head = " ".join(part for part in (prefix, f"[{priority}]" if priority else "") if part)
    tail = " · ".join(part for part in (deadline, ref) if part)
    fixed = len(head) + len(tail) + len(": ") + len(" · ") + (1 if head else 0)
    room = max(limit - fixed, 12)
    who, what = " ".join(str(customer or "").split()), " ".join(str(subject or "").split())
    if len(who) + len(what) > room:
        who = shorten(who, max(min(len(who), room * 2 // 5), 8))
        what = shorten(what, max(room - len(who), 4))
    body = f"{who}: {what}" if who and what else who or what
    line = " ".join(part for part in (head, body) if part)
    return f"{line} · {tail}" if tail else line
