"""Texts of the helpdesk pages in Dutch (default) and English, and picking the language of a request."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LANGUAGES = ("nl", "en")
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")

_NL_DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_NL_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip

CATEGORY_NAMES = {
    "nl": {"incident": "storing", "question": "vraag", "change": "wijzigingsverzoek"},
    "en": {"incident": "incident", "question": "question", "change": "change request"},
}

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "form_title": "Melding maken",
        "form_intro": "Vertel ons wat er aan de hand is. U ontvangt direct een bevestiging per e-mail.",
        "you": "Uw gegevens",
        "name": "Naam",
        "email": "E-mailadres (zoals bij ons bekend)",
        "phone": "Telefoonnummer (optioneel)",
        "what": "Wat wilt u melden?",
        "severity": "Hoeveel last heeft u ervan?",
        "reach": "Wie hebben er last van?",
        "severity_hint": "Alleen invullen bij een storing.",
        "subject": "Onderwerp",
        "description": "Omschrijving",
        "attachments": "Bijlagen (optioneel)",
        "attachments_hint": "Maximaal {count} bestanden van {mb} MB: {types}.",
        "submit": "Melding versturen",
        "errors": "Controleer het formulier:",
        "thanks_title": "Melding ontvangen",
        "thanks": "Bedankt. Uw melding is geregistreerd onder nummer",
        "thanks_mail": "U ontvangt een bevestiging per e-mail. Vermeld dit nummer als u ons mailt of belt.",
        "other_language": "English",
        "too_many": "U heeft te veel meldingen kort na elkaar verstuurd; "
        "probeer het over tien minuten opnieuw.",
        "expired": "Het formulier is verlopen; laad de pagina opnieuw en verstuur het nog eens.",
        "unknown_contact": "Wij kennen dit e-mailadres niet; gebruik het adres dat uw organisatie "
        "bij ons heeft opgegeven, of bel ons.",
        "required": "vul dit veld in",
        "main": "Hoofdinhoud",
    },
    "en": {
        "form_title": "Report an issue",
        "form_intro": "Tell us what is going on. You will receive a confirmation by e-mail at once.",
        "you": "Your details",
        "name": "Name",
        "email": "E-mail address (as registered with us)",
        "phone": "Phone number (optional)",
        "what": "What would you like to report?",
        "severity": "How much does it hinder you?",
        "reach": "Who is affected?",
        "severity_hint": "Only for incidents.",
        "subject": "Subject",
        "description": "Description",
        "attachments": "Attachments (optional)",
        "attachments_hint": "At most {count} files of {mb} MB: {types}.",
        "submit": "Send report",
        "errors": "Please check the form:",
        "thanks_title": "Report received",
        "thanks": "Thank you. Your report is registered under number",
        "thanks_mail": "A confirmation is on its way by e-mail. Quote this number when you mail or call us.",
        "other_language": "Nederlands",
        "too_many": "You sent too many reports in a short time; please try again in ten minutes.",
        "expired": "The form has expired; reload the page and send it again.",
        "unknown_contact": "We do not know this e-mail address; use the address your organisation registered "
        "with us, or call us.",
        "required": "please fill in this field",
        "main": "Main content",
    },
}


def pick_language(query: str | None, accept_language: str | None = None) -> str:
    """`?lang=` wins; else Dutch (the offer's default), English only when explicitly asked."""
    if query in LANGUAGES:
        return query
    return "nl"


def local_time(value: datetime, language: str) -> str:
    """A deadline as people read it, in Amsterdam time."""
    local = value.astimezone(LOCAL_ZONE)
    if language == "nl":
        day, month = _NL_DAYS[local.weekday()], _NL_MONTHS[local.month - 1]
        return f"{day} {local.day} {month} {local.year} om {local:%H:%M}"
    return f"{local:%A %d %B %Y at %H:%M} (Amsterdam time)"


def confirmation_summary(language: str, category: str, priority: str) -> str:
    name = CATEGORY_NAMES.get(language, CATEGORY_NAMES["nl"]).get(category, category)
    if language == "en":
        return f"Category: {name}. Provisional priority: {priority} (our engineers assess it)."
    return f"Categorie: {name}. Voorlopige prioriteit: {priority} (onze engineers beoordelen deze)."
