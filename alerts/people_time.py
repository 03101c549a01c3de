"""Times as a person reads them: Amsterdam local time, to the minute, with the weekday, and spans.

Pure functions of an instant (and of 'now' where a relative phrase is wanted), so every page, mail and
notification in collector/ and alerts/ says times the same way. Languages: "nl" (default) and "en".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PEOPLE_ZONE = ZoneInfo("Europe/Amsterdam")

_WEEKDAYS = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
_PHRASES = {
    "nl": {"in": "over {span}", "ago": "{span} geleden", "overdue": "{span} over tijd", "now": "nu"},
    "en": {"in": "in {span}", "ago": "{span} ago", "overdue": "{span} overdue", "now": "now"},
}


def _lang(language: str | None) -> str:
    return "en" if language == "en" else "nl"


def local_time(moment: datetime | None, language: str | None = "nl", *, with_year: bool = False) -> str:
    """'vr 27 nov 22:01' / 'Fri 27 Nov 22:01' in Amsterdam time; '-' when absent."""
    if moment is None:
        return "-"
    lang = _lang(language)
    local = moment.astimezone(PEOPLE_ZONE)
    day = _WEEKDAYS[lang][local.weekday()]
    month = _MONTHS[lang][local.month - 1]
    year = f" {local.year}" if with_year else ""
    return f"{day} {local.day} {month}{year} {local:%H:%M}"


def span(value: timedelta) -> str:
    """A span without a sign, to the minute: '2 h 58 min', '3 d 4 h', '12 min'."""
    minutes = abs(round(value.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def relative(moment: datetime, now: datetime, language: str | None = "nl") -> str:
    """'in 2 h 58 min' / '3 h ago' (Dutch: 'over 2 h 58 min' / '3 h geleden'); 'now' within a minute."""
    phrases = _PHRASES[_lang(language)]
    delta = moment - now
    if abs(delta) < timedelta(minutes=1):
        return phrases["now"]
    key = "in" if delta > timedelta(0) else "ago"
    return phrases[key].format(span=span(delta))


def deadline_phrase(deadline: datetime, now: datetime, language: str | None = "nl") -> str:
    """'in 2 h 58 min' before a deadline, '3 h overdue' after it (Dutch: 'over ...', '... over tijd')."""
    phrases = _PHRASES[_lang(language)]
    if deadline >= now:
        return relative(deadline, now, language)
    return phrases["overdue"].format(span=span(now - deadline))
