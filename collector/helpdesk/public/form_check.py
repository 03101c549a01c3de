"""Checking the web form: every problem at once, each a sentence in the customer's language, tied to
its field (so the page can point at it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile

from collector.helpdesk import attachments as files
from collector.helpdesk import intake
from collector.helpdesk.i18n import FORM_ERRORS, TEXTS
from collector.helpdesk.public import questions
from collector.helpdesk.settings import HelpdeskSettings

REQUIRED = ("name", "email", "subject", "description")  # "kind" is checked with the questions


@dataclass(frozen=True)
class FormProblem:
    field: str
    message: str


async def check_form(
    form: Any, values: dict[str, str], lang: str, settings: HelpdeskSettings
) -> tuple[list[FormProblem], list[files.CheckedFile]]:
    text, say = TEXTS[lang], FORM_ERRORS[lang]
    problems: list[FormProblem] = []
    for field in REQUIRED:
        if not values[field].strip():
            problems.append(FormProblem(field, say["required"].format(label=text[field])))
    email = values["email"].strip()
    if email and ("@" not in email or len(email) > 320 or any(c.isspace() for c in email)):
        problems.append(FormProblem("email", say["email"]))
    try:
        questions.classify(values["kind"] or None, values["severity"] or None, values["reach"] or None)
    except questions.AnswerError as exc:
        problems.append(FormProblem(exc.field, say[exc.field]))
    if len(" ".join(values["subject"].split())) > intake.MAX_SUBJECT:
        problems.append(FormProblem("subject", say["subject_long"]))
    if len(values["description"]) > intake.MAX_DESCRIPTION:
        problems.append(FormProblem("description", say["description_long"]))
    if any("\x00" in values[field] for field in values):
        problems.append(FormProblem("description", say["text_nul"]))
    uploads: list[files.CheckedFile] = []
    posted = [item for item in form.getlist("attachments") if isinstance(item, UploadFile) and item.filename]
    if len(posted) > settings.max_attachments:
        problems.append(
            FormProblem("attachments", say["too_many_files"].format(count=settings.max_attachments))
        )
    for item in posted[: settings.max_attachments]:
        data = await item.read(settings.max_attachment_bytes + 1)
        try:
            uploads.append(files.check_file(item.filename or "", data, settings.max_attachment_bytes))
        except files.AttachmentError as exc:
            message = say[exc.code].format(
                name=exc.name,
                limit=settings.max_attachment_bytes // (1024 * 1024),
                types=", ".join(files.ALLOWED),
            )
            problems.append(FormProblem("attachments", message))
    total = sum(len(item.data) for item in uploads)
    if total > settings.max_ticket_attachment_bytes:
        limit = settings.max_ticket_attachment_bytes // (1024 * 1024)
        problems.append(FormProblem("attachments", say["ticket_full"].format(limit=limit)))
    return problems, uploads
