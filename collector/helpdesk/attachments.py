"""Attachment checks: size, count and type (by content, not just by name), safe names, a total per ticket."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import Connection, func, select

from collector.http.body_limits import size_text
from collector.storage.helpdesk_tables import attachments

# Extension -> (stored content type, check on the first bytes).
_SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".pdf": ("application/pdf", (b"%PDF-",)),
}
_TEXT = {".txt": "text/plain", ".log": "text/plain", ".csv": "text/csv"}
ALLOWED = tuple(sorted({*_SIGNATURES, *_TEXT}))
MAX_NAME = 200
# All attachments of one ticket together (web form and mail), so one ticket cannot fill the database.
MAX_TICKET_BYTES = 20 * 1024 * 1024
# Unicode categories never shown as is in a name: controls, format characters (the bidi overrides
# U+202A-202E and isolates U+2066-2069, zero-width joiners), line and paragraph separators, unassigned.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


class AttachmentError(ValueError):
    """`code` (too_big, empty, fake, not_text, type) and `name` let the web form say it in Dutch too."""

    def __init__(self, code: str, name: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.name = name


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes


def safe_filename(filename: str) -> str:
    """The last path part, with control and bidi characters replaced by "_", at most MAX_NAME long.

    A right-to-left override would otherwise show "invoice\u202efdp.exe" to staff as "invoiceexe.pdf".
    """
    last = PurePosixPath(filename.replace("\\", "/")).name
    cleaned = "".join("_" if unicodedata.category(c) in _UNSAFE_CATEGORIES else c for c in last).strip()
    if len(cleaned) > MAX_NAME:  # keep the extension: the type check needs it
        suffix = PurePosixPath(cleaned).suffix[:16]
        cleaned = cleaned[: MAX_NAME - len(suffix)] + suffix
    return cleaned or "bijlage"


def check_file(filename: str, data: bytes, max_bytes: int) -> CheckedFile:
    name = safe_filename(filename)
    suffix = PurePosixPath(name).suffix.lower()
    if len(data) > max_bytes:
        raise AttachmentError(
            "too_big", name, f"{name} is larger than {max_bytes // (1024 * 1024)} MB; send a smaller file"
        )
    if not data:
        raise AttachmentError("empty", name, f"{name} is empty")
    if suffix in _SIGNATURES:
        content_type, magics = _SIGNATURES[suffix]
        if not data.startswith(magics):
            raise AttachmentError("fake", name, f"{name} is not a real {suffix[1:].upper()} file")
        return CheckedFile(name, content_type, data)
    if suffix in _TEXT:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise AttachmentError("not_text", name, f"{name} is not a UTF-8 text file") from None
        if b"\x00" in data:
            raise AttachmentError("not_text", name, f"{name} is not a text file")
        return CheckedFile(name, _TEXT[suffix], data)
    raise AttachmentError("type", name, f"{name}: only these file types are accepted: {', '.join(ALLOWED)}")


@dataclass(frozen=True)
class Dropped:
    filename: str
    reason: str


def fit_for_ticket(
    files: Sequence[CheckedFile], max_count: int, max_total: int = MAX_TICKET_BYTES
) -> tuple[list[CheckedFile], list[Dropped]]:
    """The files kept in order (at most `max_count`, `max_total` bytes together) and those left out."""
    kept: list[CheckedFile] = []
    dropped: list[Dropped] = []
    total = 0
    for item in files:
        if len(kept) >= max_count:
            dropped.append(Dropped(item.filename, f"more than {max_count} attachments"))
        elif total + len(item.data) > max_total:
            dropped.append(Dropped(item.filename, f"over {size_text(max_total)} in total"))
        else:
            kept.append(item)
            total += len(item.data)
    return kept, dropped


def dropped_note(dropped: Sequence[Dropped]) -> str:
    """A note for the ticket text naming every attachment that was not kept, and why."""
    if not dropped:
        return ""
    lines = "\n".join(f"- {item.filename} ({item.reason})" for item in dropped)
    return f"\n\n[{len(dropped)} attachment(s) not kept:\n{lines}]"


def stored_total(conn: Connection, ticket_id: int) -> int:
    total = conn.execute(
        select(func.coalesce(func.sum(attachments.c.size), 0)).where(attachments.c.ticket_id == ticket_id)
    ).scalar_one()
    return int(total)


def store(
    conn: Connection, ticket_id: int, files: list[CheckedFile], now: object, max_total: int = MAX_TICKET_BYTES
) -> None:
    total = stored_total(conn, ticket_id) + sum(len(item.data) for item in files)
    if total > max_total:
        raise AttachmentError(
            "ticket_full",
            "",
            f"the attachments of this ticket would be larger than {size_text(max_total)} together",
        )
    for item in files:
        conn.execute(
            attachments.insert().values(
                ticket_id=ticket_id,
                filename=item.filename,
                content_type=item.content_type,
                size=len(item.data),
                data=item.data,
                created_at=now,
            )
        )


def listed(conn: Connection, ticket_id: int) -> list[tuple[int, str, int]]:
    rows = conn.execute(
        select(attachments.c.id, attachments.c.filename, attachments.c.size)
        .where(attachments.c.ticket_id == ticket_id)
        .order_by(attachments.c.id)
    )
    return [(r.id, r.filename, r.size) for r in rows]


# A mail keeps this many attachments; the rest are named in a note on the ticket.
MAIL_MAX_ATTACHMENTS = 5


def for_mail(
    parts: Sequence[tuple[str, bytes]],
    max_bytes: int,
    max_count: int = MAIL_MAX_ATTACHMENTS,
    max_total: int = MAX_TICKET_BYTES,
) -> tuple[list[CheckedFile], str]:
    """A mail's attachments: the first `max_count` acceptable ones, and a note naming every one left out."""
    acceptable: list[CheckedFile] = []
    refused: list[Dropped] = []
    for name, data in parts:
        try:
            acceptable.append(check_file(name, data, max_bytes))
        except AttachmentError as exc:
            refused.append(Dropped(exc.name, str(exc).removeprefix(exc.name).lstrip(" :") or exc.code))
    kept, over = fit_for_ticket(acceptable, max_count, max_total)
    return kept, dropped_note([*refused, *over])
