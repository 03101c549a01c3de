"""Signed values: the staff session cookie, CSRF tokens and confirmation links (itsdangerous).

The key comes from the settings, or else from the database (made once, shared by every replica).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from collector.storage.database import writing
from collector.storage.helpdesk_tables import secrets as secret_table

SESSION_COOKIE = "ps_staff"
FORM_COOKIE = "ps_form"


def load_or_create_secret(engine: Engine) -> str:
    """The signing secret every replica shares; the first process to start creates it."""
    try:
        with writing(engine).begin() as conn:
            value = conn.execute(
                select(secret_table.c.value).where(secret_table.c.name == "signing")
            ).scalar()
            if value is None:
                value = secrets.token_urlsafe(48)
                conn.execute(secret_table.insert().values(name="signing", value=value))
    except IntegrityError:
        # Another replica created it between our read and our insert (PostgreSQL): use theirs.
        with engine.connect() as conn:
            value = conn.execute(
                select(secret_table.c.value).where(secret_table.c.name == "signing")
            ).scalar_one()
    return str(value)


@dataclass(frozen=True)
class Session:
    user_id: int
    csrf: str
    session_id: str  # names the server-side row (collector/helpdesk/staff/sessions.py)


class Signer:
    def __init__(self, secret: str, session_seconds: float) -> None:
        self._session = URLSafeTimedSerializer(secret, salt="ps-staff-session")
        self._form = URLSafeTimedSerializer(secret, salt="ps-form-csrf")
        self._receipt = URLSafeTimedSerializer(secret, salt="ps-receipt")
        self.session_seconds = session_seconds

    # -- staff session -------------------------------------------------------------------------------------
    def new_session(self, user_id: int, session_id: str) -> str:
        return self._session.dumps({"u": user_id, "c": secrets.token_urlsafe(24), "s": session_id})

    def read_session(self, cookie: str | None) -> Session | None:
        data = self._loads(self._session, cookie, self.session_seconds)
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("u"), int)
            or not isinstance(data.get("c"), str)
            or not isinstance(data.get("s"), str)
        ):
            return None
        return Session(data["u"], data["c"], data["s"])

    # -- public form: double submit (a random nonce in a cookie, its signed copy in the form) -------------
    def new_form_token(self, nonce: str) -> str:
        return self._form.dumps(nonce)

    def check_form_token(self, token: str | None, nonce: str | None, max_age: float = 4 * 3600) -> bool:
        if not nonce:
            return False
        return bool(self._loads(self._form, token, max_age) == nonce)

    # -- confirmation page link (shows the number only to whoever submitted) ---------------------------------
    def receipt(self, number: str) -> str:
        return self._receipt.dumps(number)

    def read_receipt(self, token: str | None) -> str | None:
        data = self._loads(self._receipt, token, 24 * 3600)
        return data if isinstance(data, str) else None

    @staticmethod
    def _loads(serializer: URLSafeTimedSerializer, value: str | None, max_age: float) -> Any:
        if not value or len(value) > 4096:
            return None
        try:
            return serializer.loads(value, max_age=int(max_age))
        except BadSignature:
            return None


def token_hash(token: str) -> str:
    """What is stored of a bearer token or session id: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
