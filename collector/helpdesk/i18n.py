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
        "too_large": "Het formulier met bijlagen is te groot; stuur minder of kleinere bestanden.",
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
        "too_large": "The form with its attachments is too large; send fewer or smaller files.",
        "main": "Main content",
    },
}


def pick_language(query: str | None) -> str:
    """`?lang=en` gives English; everything else Dutch (the offer's default)."""
    return query if query in LANGUAGES and query is not None else "nl"


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


# Web form problems, by code; {name}, {limit}, {types}, {count} are filled in.
FORM_ERRORS: dict[str, dict[str, str]] = {
    "nl": {
        "required": "{label}: vul dit veld in.",
        "email": "Het e-mailadres is niet geldig; controleer het.",
        "kind": "Kies wat u wilt melden.",
        "severity": "Geef bij een storing aan hoeveel last u ervan heeft.",
        "reach": "Geef bij een storing aan wie er last van hebben.",
        "subject_long": "Het onderwerp is te lang; houd het onder 300 tekens.",
        "description_long": "De omschrijving is te lang; houd het onder 20.000 tekens "
        "of voeg een bijlage toe.",
        "text_nul": "De tekst bevat een ongeldig teken; verwijder het.",
        "too_many_files": "Voeg hoogstens {count} bijlagen toe.",
        "name_long": "De naam van een bijlage is te lang; geef het bestand een kortere naam "
        "(hoogstens 200 tekens) en voeg het opnieuw toe.",
        "unreadable": "Het formulier kon niet worden gelezen; voeg de bijlagen opnieuw toe "
        "en verstuur het nog eens.",
        "ticket_full": "De bijlagen samen zijn groter dan {limit} MB; stuur minder of kleinere bestanden.",
        "too_big": "{name} is groter dan {limit} MB; stuur een kleiner bestand.",
        "empty": "{name} is leeg.",
        "fake": "{name} is geen echt bestand van dit type; stuur het originele bestand.",
        "not_text": "{name} is geen leesbaar tekstbestand (UTF-8).",
        "type": "{name}: alleen deze bestandstypen worden aangenomen: {types}.",
    },
    "en": {
        "required": "{label}: please fill in this field.",
        "email": "The e-mail address is not valid; please check it.",
        "kind": "Choose what you would like to report.",
        "severity": "For an incident, tell us how much it hinders you.",
        "reach": "For an incident, tell us who is affected.",
        "subject_long": "The subject is too long; keep it under 300 characters.",
        "description_long": "The description is too long; keep it under 20,000 characters or attach a file.",
        "text_nul": "The text contains an invalid character; remove it.",
        "too_many_files": "Attach at most {count} files.",
        "name_long": "A file name is too long; rename the file (at most 200 characters) and attach it again.",
        "unreadable": "The form could not be read; attach the files again and send it once more.",
        "ticket_full": "The attachments together are larger than {limit} MB; send fewer or smaller files.",
        "too_big": "{name} is larger than {limit} MB; send a smaller file.",
        "empty": "{name} is empty.",
        "fake": "{name} is not a genuine file of its type; send the original file.",
        "not_text": "{name} is not a readable text file (UTF-8).",
        "type": "{name}: only these file types are accepted: {types}.",
    },
}
