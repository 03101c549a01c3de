"""What broke, in the customer's words and language: no check keys in anything a customer reads.

Staff see `condition_title` (English, with the key in brackets, to find the condition); customers get
these sentences in their own language.
"""

from __future__ import annotations

from collections.abc import Mapping

_BY_KEY: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "odoo.availability": "Odoo is onbereikbaar",
        "odoo.latency": "Odoo reageert traag",
        "odoo.authentication": "onze monitoring kan niet meer inloggen",
        "collector.probe": "Odoo is van buitenaf onbereikbaar",
    },
    "en": {
        "odoo.availability": "Odoo is unreachable",
        "odoo.latency": "Odoo is responding slowly",
        "odoo.authentication": "our monitoring can no longer sign in",
        "collector.probe": "Odoo is unreachable from outside",
    },
}
_BY_PREFIX: Mapping[str, Mapping[str, str]] = {
    "nl": {"integration": "de koppeling {name} werkt niet", "host.disk": "schijf {name} raakt vol"},
    "en": {"integration": "the integration {name} is failing", "host.disk": "disk {name} is filling up"},
}
_UNKNOWN = {"nl": "een controle geeft een storing", "en": "a check is failing"}

# The same, once fixed (the recovery mail).
_FIXED_BY_KEY: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "odoo.availability": "Odoo is weer bereikbaar",
        "odoo.latency": "Odoo reageert weer normaal",
        "odoo.authentication": "onze monitoring kan weer inloggen",
        "collector.probe": "Odoo is van buitenaf weer bereikbaar",
    },
    "en": {
        "odoo.availability": "Odoo is reachable again",
        "odoo.latency": "Odoo is responding normally again",
        "odoo.authentication": "our monitoring can sign in again",
        "collector.probe": "Odoo is reachable from outside again",
    },
}
_FIXED_BY_PREFIX: Mapping[str, Mapping[str, str]] = {
    "nl": {"integration": "de koppeling {name} werkt weer", "host.disk": "schijf {name} heeft weer ruimte"},
    "en": {"integration": "the integration {name} works again", "host.disk": "disk {name} has room again"},
}
_FIXED_UNKNOWN = {"nl": "de controle is weer in orde", "en": "the check is fine again"}


def customer_words(check_key: str, language: str) -> str:
    """'de koppeling webshop werkt niet' for 'integration:webshop' in Dutch; never the key itself."""
    lang = "en" if language == "en" else "nl"
    words = _BY_KEY[lang].get(check_key)
    if words is not None:
        return words
    prefix, separator, name = check_key.partition(":")
    template = _BY_PREFIX[lang].get(prefix) if separator else None
    return template.format(name=name) if template else _UNKNOWN[lang]


def customer_words_fixed(check_key: str, language: str) -> str:
    """'de koppeling webshop werkt weer' for 'integration:webshop' in Dutch; never the key itself."""
    lang = "en" if language == "en" else "nl"
    words = _FIXED_BY_KEY[lang].get(check_key)
    if words is not None:
        return words
    prefix, separator, name = check_key.partition(":")
    template = _FIXED_BY_PREFIX[lang].get(prefix) if separator else None
    return template.format(name=name) if template else _FIXED_UNKNOWN[lang]
