"""Attachment checks: size, count and type (by content, not just by name)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import Connection, select

from collector.helpdesk.tables import attachments

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


def check_file(filename: str, data: bytes, max_bytes: int) -> CheckedFile:
    name = PurePosixPath(filename.replace("\\", "/")).name.strip()[:200] or "bijlage"
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


def store(conn: Connection, ticket_id: int, files: list[CheckedFile], now: object) -> None:
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
