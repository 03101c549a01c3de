"""Labels of the staff pages, Dutch and English (the staff member's language, or `?lang=`)."""

from __future__ import annotations

STAFF_TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "main": "Hoofdinhoud", "sign_in": "Aanmelden", "sign_out": "Afmelden", "username": "Gebruikersnaam",
        "password": "Wachtwoord", "queue": "Wachtrij", "customers": "Klanten", "phone": "Telefoonmelding",
        "maintenance": "Onderhoud en stilte", "ticket": "Ticket", "subject": "Onderwerp",
        "customer": "Klant", "priority": "Prioriteit", "state": "Status", "assignee": "Behandelaar",
        "due": "Deadline", "left": "resterend", "overdue": "over tijd", "breach": "SLA geschonden",
        "prebreach": "bijna over tijd", "filter": "Filteren", "all": "alle", "open": "open",
        "timeline": "Tijdlijn", "deliveries": "Verzonden berichten", "actions": "Acties",
        "assess": "Beoordelen", "category": "Categorie", "impact": "Impact", "scope": "Omvang",
        "reason": "Reden", "proposed": "Voorgestelde prioriteit",
        "respond": "Antwoorden (mail naar melder)", "message": "Bericht", "note": "Interne notitie",
        "wait": "Wachten op klant", "resume": "Hervatten", "resolve": "Oplossen", "solution": "Oplossing",
        "share": "Oplossing mailen naar melder", "close": "Sluiten", "reopen": "Heropenen",
        "agreed": "Afgesproken datum", "ack": "Page bevestigen", "assign": "Toewijzen aan",
        "send": "Uitvoeren", "contract": "Contract", "instances": "Instanties", "limits": "Limietgebruik",
        "open_tickets": "Open tickets", "contacts": "Contactpersonen", "contact": "Contactpersoon",
        "description": "Omschrijving", "log_call": "Gesprek vastleggen", "windows": "Onderhoudsvensters",
        "add_window": "Venster toevoegen", "start": "Begin", "end": "Einde", "remove": "Verwijderen",
        "silence": "Stil tot", "conditions": "Storende controles", "reporter": "Melder",
        "registered": "Geregistreerd", "attachments": "Bijlagen", "none": "geen", "instance": "Instantie",
        "forbidden": "Uw rol mag dit niet; vraag een manager.", "done": "Gedaan.", "source": "Bron",
        "reports": "Rapportages", "period": "Maand (JJJJ-MM)", "format": "Formaat", "language": "Taal",
        "show": "Tonen", "priority_reason": "Reden (verplicht bij afwijkende prioriteit)",
        "window_reason": "Reden van het onderhoud", "silence_reason": "Reden van de stilte",
        "reopen_reason": "Waarom heropenen?", "count": "{n} tickets", "count_one": "1 ticket",
        "mine": "Mijn tickets", "me": "ik", "sla": "SLA-stand", "paused": "gepauzeerd: wacht op klant",
        "response_due": "Reactie uiterlijk", "resolution_due": "Oplossing uiterlijk",
        "answered": "beantwoord", "by_agreement": "in overleg", "no_deadline": "geen lopende deadline",
        "acked": "Page bevestigd door {by} op {at}", "last_report": "Laatste rapport",
        "never": "nog nooit", "silent": "agent stil", "package": "Pakket", "premium": "Premium",
        "migration": "PriorityMigration", "integrations": "Koppelingen",
        "notify": "Klant mailen bij storingen", "excluded": "Uitgesloten auteurs", "yes": "ja", "no": "nee",
        "metric": "Meting", "usage": "Gebruik", "limit": "Limiet", "not_measured": "nog niet gemeten",
        "no_limit": "geen limiet", "limit_state": "Limieten", "breached": "SLA geschonden",
        "check": "Controle", "since": "Sinds", "silenced_until": "stil tot {at}", "window": "Venster",
        "whole_customer": "alle instanties", "version": "Odoo-versie", "address": "Adres",
        "over_limit": "over limiet", "near_limit": "bijna aan limiet", "premium_ext": "premium",
        "no_contract": "geen contract in werking", "size": "{kb} kB",
    },
    "en": {
        "main": "Main content", "sign_in": "Sign in", "sign_out": "Sign out", "username": "User name",
        "password": "Password", "queue": "Queue", "customers": "Customers", "phone": "Phone intake",
        "maintenance": "Maintenance and silences", "ticket": "Ticket", "subject": "Subject",
        "customer": "Customer", "priority": "Priority", "state": "State", "assignee": "Assignee",
        "due": "Deadline", "left": "left", "overdue": "overdue", "breach": "SLA breached",
        "prebreach": "nearly due", "filter": "Filter", "all": "all", "open": "open",
        "timeline": "Timeline", "deliveries": "Deliveries", "actions": "Actions",
        "assess": "Assess", "category": "Category", "impact": "Impact", "scope": "Scope",
        "reason": "Reason", "proposed": "Proposed priority",
        "respond": "Respond (mail to the reporter)", "message": "Message", "note": "Internal note",
        "wait": "Waiting for customer", "resume": "Resume", "resolve": "Resolve", "solution": "Solution",
        "share": "Mail the solution to the reporter", "close": "Close", "reopen": "Reopen",
        "agreed": "Agreed date", "ack": "Acknowledge page", "assign": "Assign to",
        "send": "Apply", "contract": "Contract", "instances": "Instances", "limits": "Limits usage",
        "open_tickets": "Open tickets", "contacts": "Contacts", "contact": "Contact",
        "description": "Description", "log_call": "Log the call", "windows": "Maintenance windows",
        "add_window": "Add a window", "start": "Start", "end": "End", "remove": "Remove",
        "silence": "Silence until", "conditions": "Failing checks", "reporter": "Reporter",
        "registered": "Registered", "attachments": "Attachments", "none": "none", "instance": "Instance",
        "forbidden": "Your role may not do this; ask a manager.", "done": "Done.", "source": "Source",
        "reports": "Reports", "period": "Month (YYYY-MM)", "format": "Format", "language": "Language",
        "show": "Show", "priority_reason": "Reason (needed when overriding the priority)",
        "window_reason": "Reason for the maintenance", "silence_reason": "Reason for the silence",
        "reopen_reason": "Why reopen?", "count": "{n} tickets", "count_one": "1 ticket",
        "mine": "My tickets", "me": "me", "sla": "SLA status", "paused": "paused: waiting for the customer",
        "response_due": "Response due", "resolution_due": "Resolution due",
        "answered": "answered", "by_agreement": "by agreement", "no_deadline": "no running deadline",
        "acked": "Page acknowledged by {by} at {at}", "last_report": "Last report",
        "never": "never", "silent": "agent silent", "package": "Package", "premium": "Premium",
        "migration": "PriorityMigration", "integrations": "Integrations",
        "notify": "Mail the customer about incidents", "excluded": "Excluded authors", "yes": "yes",
        "no": "no", "metric": "Metric", "usage": "Usage", "limit": "Limit",
        "not_measured": "not measured yet",
        "no_limit": "no limit", "limit_state": "Limits", "breached": "SLA breached",
        "check": "Check", "since": "Since", "silenced_until": "silenced until {at}", "window": "Window",
        "whole_customer": "all instances", "version": "Odoo version", "address": "Address",
        "over_limit": "over limit", "near_limit": "near limit", "premium_ext": "premium",
        "no_contract": "no contract in force", "size": "{kb} kB",
    },
}  # fmt: skip

# Stored values shown to people (ticket states, categories, metrics, ...), per group and language; an
# unknown value shows as it is rather than failing the page.
WORDS: dict[str, dict[str, dict[str, str]]] = {
    "nl": {
        "state": {
            "new": "nieuw", "assessed": "beoordeeld", "in_progress": "in behandeling",
            "waiting_for_customer": "wacht op klant", "resolved": "opgelost", "closed": "gesloten",
        },
        "category": {"incident": "storing", "question": "vraag", "change": "wijzigingsverzoek"},
        "impact": {"low": "laag", "medium": "medium", "high": "hoog"},
        "scope": {
            "one-user": "een gebruiker", "multiple-users": "meerdere gebruikers",
            "organisation": "organisatie-breed",
        },
        "which": {"response": "reactie", "resolution": "oplossing", "none": "geen"},
        "metric": {"users": "interne gebruikers", "lines": "regels maatwerkcode"},
        "limit_state": {"ok": "binnen limiet", "near": "bijna aan limiet", "over": "over limiet"},
        "condition": {"ok": "in orde", "failing": "storing", "recovered": "hersteld"},
        "source": {
            "monitoring": "monitoring", "alertmanager": "Alertmanager", "web": "webformulier",
            "mail": "e-mail", "phone": "telefoon", "api": "API", "limits": "limietbewaking",
            "versions": "versiebewaking",
        },
        "kind": {
            "created": "aangemaakt", "assessed": "beoordeeld", "response": "reactie", "note": "notitie",
            "state": "status", "solution": "oplossing", "customer_reply": "reactie klant",
            "notification": "bericht", "delivery": "bezorging", "ack": "bevestigd",
            "acknowledged": "bevestigd", "assigned": "toegewezen", "breach": "SLA geschonden",
            "prebreach": "bijna over tijd", "condition": "controle", "recovered": "hersteld",
            "agreed_date": "afgesproken datum",
        },
        "language": {"nl": "Nederlands", "en": "Engels"},
    },
    "en": {
        "state": {
            "new": "new", "assessed": "assessed", "in_progress": "in progress",
            "waiting_for_customer": "waiting for customer", "resolved": "resolved", "closed": "closed",
        },
        "category": {"incident": "incident", "question": "question", "change": "change request"},
        "impact": {"low": "low", "medium": "medium", "high": "high"},
        "scope": {
            "one-user": "one user", "multiple-users": "multiple users", "organisation": "organisation-wide",
        },
        "which": {"response": "response", "resolution": "resolution", "none": "none"},
        "metric": {"users": "internal users", "lines": "custom code lines"},
        "limit_state": {"ok": "within limit", "near": "near limit", "over": "over limit"},
        "condition": {"ok": "fine", "failing": "failing", "recovered": "recovered"},
        "source": {
            "monitoring": "monitoring", "alertmanager": "Alertmanager", "web": "web form", "mail": "e-mail",
            "phone": "phone", "api": "API", "limits": "limit watch", "versions": "version watch",
        },
        "kind": {
            "created": "created", "assessed": "assessed", "response": "response", "note": "note",
            "state": "state", "solution": "solution", "customer_reply": "customer reply",
            "notification": "notification", "delivery": "delivery", "ack": "acknowledged",
            "acknowledged": "acknowledged", "assigned": "assigned", "breach": "SLA breached",
            "prebreach": "nearly due", "condition": "check", "recovered": "recovered",
            "agreed_date": "agreed date",
        },
        "language": {"nl": "Dutch", "en": "English"},
    },
}  # fmt: skip


def word(value: object, group: str, language: str) -> str:
    """The person's word for a stored value: ('waiting_for_customer', 'state', 'nl') -> 'wacht op klant'."""
    if value is None:
        return "-"
    words = WORDS.get(language, WORDS["nl"]).get(group, {})
    return words.get(str(value), str(value))
