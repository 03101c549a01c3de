"""Signed, expiring acknowledgement links. Expiry is checked against the injected clock, not the wall."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from prioritysupport.clock import Clock

_SALT = "prioritysupport.ack.v1"


class InvalidAckToken(ValueError):
    """The link is forged, damaged or expired. An expired link still names its subject (`claim`), so the
    page can offer to sign in to the ticket instead."""

    def __init__(self, message: str, claim: AckClaim | None = None) -> None:
        super().__init__(message)
        self.claim = claim

    @property
    def expired(self) -> bool:
        return self.claim is not None


@dataclass(frozen=True)
class AckClaim:
    subject_ref: str
    recipient: str
    expires: datetime


class AckSigner:
    def __init__(self, secret: str, clock: Clock, valid_for: timedelta = timedelta(hours=24)) -> None:
        if len(secret) < 16:
            raise ValueError("the acknowledgement secret must be at least 16 characters long")
        self._secret = secret
        self._clock = clock
        self._valid_for = valid_for

    def sign(self, subject_ref: str, recipient: str = "") -> str:
        from itsdangerous import URLSafeSerializer

        expires = self._clock.now() + self._valid_for
        serializer = URLSafeSerializer(self._secret, salt=_SALT)
        return str(serializer.dumps({"ref": subject_ref, "to": recipient, "exp": int(expires.timestamp())}))

    def verify(self, token: str) -> AckClaim:
        from datetime import UTC

        from itsdangerous import BadSignature, URLSafeSerializer

        serializer = URLSafeSerializer(self._secret, salt=_SALT)
        try:
            data = serializer.loads(token)
            claim = AckClaim(
                subject_ref=str(data["ref"]),
                recipient=str(data.get("to", "")),
                expires=datetime.fromtimestamp(int(data["exp"]), UTC),
            )
        except (BadSignature, KeyError, TypeError, ValueError, OverflowError, OSError) as error:
            # OverflowError/OSError: an expiry beyond what a datetime holds (a signed exp of 10**20).
            raise InvalidAckToken("this acknowledgement link is not valid") from error
        if self._clock.now() >= claim.expires:
            raise InvalidAckToken("this acknowledgement link has expired", claim)
        return claim
