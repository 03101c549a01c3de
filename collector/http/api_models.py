"""Request bodies of the management API (pydantic, so FastAPI validates them and names the field)."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TicketCreate(_Strict):
    customer: str = Field(min_length=1, max_length=64)
    subject: str = Field(min_length=1, max_length=300)
    category: str = Field(min_length=1, max_length=32)
    source: str = Field(default="api", max_length=16)
    impact: str | None = Field(default=None, max_length=32)
    scope: str | None = Field(default=None, max_length=32)
    description: str = Field(default="", max_length=20_000)
    reporter: str | None = Field(default=None, max_length=320)
    instance: str | None = Field(default=None, max_length=128)
    actor: str = Field(default="api", min_length=1, max_length=200)


class Actor(_Strict):
    actor: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=20_000)


class Assessment(_Strict):
    actor: str = Field(min_length=1, max_length=200)
    category: str = Field(min_length=1, max_length=32)
    impact: str | None = Field(default=None, max_length=32)
    scope: str | None = Field(default=None, max_length=32)
    priority: str | None = Field(default=None, max_length=1)
    reason: str | None = Field(default=None, max_length=2000)


class Reopen(_Strict):
    actor: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)


class AgreedDate(_Strict):
    actor: str = Field(min_length=1, max_length=200)
    at: AwareDatetime


class MaintenanceCreate(_Strict):
    customer: str = Field(min_length=1, max_length=64)
    instance: str | None = Field(default=None, max_length=128)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    reason: str = Field(default="", max_length=2000)


class SilenceCreate(_Strict):
    until: AwareDatetime
    reason: str = Field(min_length=1, max_length=2000)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
