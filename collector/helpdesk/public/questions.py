"""The web form's plain-language questions and how they map to category, impact and scope.

The customer answers in everyday words; the matrix priority that follows is shown to staff only.
"""

from __future__ import annotations

from dataclasses import dataclass

# question -> answer key -> (nl label, en label)
KIND: dict[str, tuple[str, str]] = {
    "broken": ("Er werkt iets niet (storing)", "Something does not work (incident)"),
    "question": ("Ik heb een vraag", "I have a question"),
    "change": ("Ik wil iets laten aanpassen", "I would like something changed"),
}
SEVERITY: dict[str, tuple[str, str]] = {
    "blocked": ("We kunnen ons werk niet doen", "We cannot do our work"),
    "hindered": ("Het werk gaat moeizaam of traag", "Work is slow or difficult"),
    "minor": ("Een klein ongemak, we kunnen verder", "A small nuisance, we can carry on"),
}
REACH: dict[str, tuple[str, str]] = {
    "me": ("Alleen ik", "Only me"),
    "several": ("Meerdere collega's", "Several colleagues"),
    "everyone": ("De hele organisatie", "The whole organisation"),
}

_CATEGORY = {"broken": "incident", "question": "question", "change": "change"}
_IMPACT = {"blocked": "high", "hindered": "medium", "minor": "low"}
_SCOPE = {"me": "one-user", "several": "multiple-users", "everyone": "organisation"}


class AnswerError(ValueError):
    """An answer is missing or not one of the choices; `field` names the question."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Classification:
    category: str
    impact: str | None
    scope: str | None


def classify(kind: str | None, severity: str | None, reach: str | None) -> Classification:
    if kind not in _CATEGORY:
        raise AnswerError("kind", "choose what you want to report")
    if kind != "broken":
        return Classification(_CATEGORY[kind], None, None)
    if severity not in _IMPACT:
        raise AnswerError("severity", "tell us how much the problem hinders you")
    if reach not in _SCOPE:
        raise AnswerError("reach", "tell us who is affected")
    return Classification("incident", _IMPACT[severity], _SCOPE[reach])
