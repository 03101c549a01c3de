"""Where a recipient goes: Apprise tags, rota people and mailto addresses resolved to concrete targets.

A target is one Apprise service. We send target by target so that every target gets its own recorded
outcome and a PARTIAL result retries only the targets that failed. Apprise's priority-tag chains are not
used: escalation is ours (alerts/outbox.py and alerts/worker.py), so tags are matched as plain names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alerts.masking import mask_url

MAILTO_PREFIX = "mailto:"
PERSON_PREFIX = "person:"
TAG_PREFIX = "tag:"  # only the configured channels of a tag, not the rota person behind it


class ChannelConfigError(ValueError):
    """The channel configuration cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class SmtpSettings:
    """The SMTP server customer mail leaves through (mailto: recipients)."""

    host: str
    port: int = 25
    sender: str = "support@localhost"
    user: str | None = None
    password: str | None = None
    mode: str = "insecure"  # insecure, starttls or ssl

    def apprise_url(self, address: str) -> str:
        credentials = ""
        if self.user:
            credentials = quote(self.user, safe="")
            if self.password:
                credentials += ":" + quote(self.password, safe="")
            credentials += "@"
        scheme = "mailtos" if self.mode in ("starttls", "ssl") else "mailto"
        return (
            f"{scheme}://{credentials}{self.host}:{self.port}"
            f"?from={quote(self.sender, safe='@')}&to={quote(address, safe='@')}&mode={self.mode}"
            # RFC 3834: machines (our own intake, customers' auto-responders) never answer this mail.
            "&+Auto-Submitted=auto-generated"
        )


@dataclass(frozen=True)
class Target:
    """One concrete destination. `key` is stable between attempts; `masked` is safe to store and log."""

    recipient: str
    key: str
    masked: str
    channel: str
    service: Any = field(compare=False, repr=False)

    @property
    def is_mail(self) -> bool:
        return self.masked.startswith(("mailto://", "mailtos://"))


# (rotation tag, instant) -> the person id on call, or None when the tag is not a rota tag.
RotaLookup = Callable[[str, datetime], str | None]


def _tag_names(service: Any) -> set[str]:
    return {str(tag) for tag in getattr(service, "tags", set())}


class ChannelBook:
    """Channels by tag (Apprise URLs or Apprise YAML), people of the rota, and the SMTP server for mail."""

    def __init__(
        self,
        services: Sequence[Any] = (),
        smtp: SmtpSettings | None = None,
        people: Mapping[str, Sequence[str]] | None = None,
        rota: RotaLookup | None = None,
    ) -> None:
        self._services = list(services)
        self._smtp = smtp
        self._people_urls = {pid: list(urls) for pid, urls in (people or {}).items()}
        self._people_services: dict[str, list[Any]] = {}
        self._rota = rota

    @classmethod
    def from_urls(
        cls,
        urls: Sequence[tuple[str, Sequence[str]]],
        smtp: SmtpSettings | None = None,
        people: Mapping[str, Sequence[str]] | None = None,
        rota: RotaLookup | None = None,
    ) -> ChannelBook:
        """Channels from (Apprise URL, tags) pairs."""
        return cls([_instantiate(url, tags) for url, tags in urls], smtp, people, rota)

    @classmethod
    def from_yaml(
        cls,
        source: str | Path,
        smtp: SmtpSettings | None = None,
        people: Mapping[str, Sequence[str]] | None = None,
        rota: RotaLookup | None = None,
    ) -> ChannelBook:
        """Channels from an Apprise YAML configuration (a path or the text itself)."""
        import apprise

        text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
        config = apprise.AppriseConfig()
        if not config.add_config(text, format="yaml"):
            raise ChannelConfigError("the Apprise YAML configuration could not be read: check its syntax")
        services = list(config.services())
        if not services:
            raise ChannelConfigError(
                "the Apprise YAML configuration holds no usable URL: check the urls list"
            )
        return cls(services, smtp, people, rota)

    def resolve(self, recipient: str, at: datetime) -> list[Target]:
        """Every target of one recipient at an instant; empty when nothing matches (a NOMATCH)."""
        if recipient.startswith(MAILTO_PREFIX):
            return self._mail_target(recipient, recipient[len(MAILTO_PREFIX) :])
        if recipient.startswith(PERSON_PREFIX):
            return self._person_targets(recipient[len(PERSON_PREFIX) :])
        targets: list[Target] = []
        tag, recorded = recipient, recipient
        if recipient.startswith(TAG_PREFIX):
            tag = recipient[len(TAG_PREFIX) :]
        elif self._rota is not None:
            person = self._rota(recipient, at)
            if person is not None:
                targets.extend(self._person_targets(person, channel=recipient))
                # Recorded so that a recovery reaches this channel, not whoever is on call by then.
                recorded = TAG_PREFIX + recipient
        for index, service in enumerate(self._services):
            if tag in _tag_names(service):
                masked = mask_url(service.url(privacy=True))
                ident = service.url_id() or f"{index}"
                targets.append(Target(recorded, f"{recorded}|{ident}", masked, tag, service))
        return targets

    def _mail_target(self, recipient: str, address: str) -> list[Target]:
        if self._smtp is None or "@" not in address:
            return []
        service = _instantiate(self._smtp.apprise_url(address), ())
        masked = mask_url(service.url(privacy=True))
        return [Target(recipient, recipient.lower(), masked, "mail", service)]

    def _person_targets(self, person: str, channel: str = "person") -> list[Target]:
        if person not in self._people_services:
            services: list[Any] = []
            for url in self._people_urls.get(person, ()):
                if url.startswith(MAILTO_PREFIX) and "//" not in url:
                    services.extend(t.service for t in self._mail_target(url, url[len(MAILTO_PREFIX) :]))
                else:
                    services.append(_instantiate(url, ()))
            self._people_services[person] = services
        recipient = PERSON_PREFIX + person
        return [
            Target(recipient, f"{recipient}|{s.url_id() or i}", mask_url(s.url(privacy=True)), channel, s)
            for i, s in enumerate(self._people_services[person])
        ]


def _instantiate(url: str, tags: Sequence[str]) -> Any:
    import apprise

    service = apprise.Apprise.instantiate(url, tag=",".join(tags) if tags else None)
    if service is None:
        raise ChannelConfigError(f"Apprise does not understand the channel URL {mask_url(url)}: check it")
    return service
