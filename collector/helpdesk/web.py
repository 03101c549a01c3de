"""The public web form `/melding`: plain-language questions, contact details, attachments, CSRF and a
rate limit; the confirmation page shows the new number to whoever submitted it (a signed link)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from collector.after_commit import transaction
from collector.helpdesk import attachments as files
from collector.helpdesk import intake, questions
from collector.helpdesk.context import Helpdesk
from collector.helpdesk.i18n import TEXTS, pick_language
from collector.helpdesk.signing import FORM_COOKIE

FIELDS = ("name", "email", "phone", "subject", "description", "kind", "severity", "reach")
MAX_FIELD = 20_000


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def router(helpdesk: Helpdesk) -> APIRouter:
    web = APIRouter(include_in_schema=False)
    settings = helpdesk.settings

    def form_page(lang: str, values: dict[str, str], errors: list[str], status: int = 200) -> Response:
        nonce = secrets.token_urlsafe(16)
        html = helpdesk.render(
            "melding.html",
            lang=lang,
            t=TEXTS[lang],
            values=values,
            errors=errors,
            csrf=helpdesk.signer.new_form_token(nonce),
            kinds=questions.KIND,
            severities=questions.SEVERITY,
            reaches=questions.REACH,
            hint=TEXTS[lang]["attachments_hint"].format(
                count=settings.max_attachments,
                mb=settings.max_attachment_bytes // (1024 * 1024),
                types=", ".join(files.ALLOWED),
            ),
        )
        response = HTMLResponse(html, status_code=status)
        response.set_cookie(
            FORM_COOKIE,
            nonce,
            httponly=True,
            secure=settings.cookie_secure,
            samesite="strict",
            path="/melding",
        )
        return response

    @web.get("/melding")
    def show_form(request: Request) -> Response:
        return form_page(pick_language(request.query_params.get("lang")), {}, [])

    @web.post("/melding")
    async def submit(request: Request) -> Response:
        lang = pick_language(request.query_params.get("lang"))
        text = TEXTS[lang]
        limit = settings.max_attachment_bytes * settings.max_attachments + 256 * 1024
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            return form_page(lang, {}, [f"{text['attachments']}: > {limit // (1024 * 1024)} MB"], 413)
        if not helpdesk.form_limiter.allow(client_address(request)):
            return form_page(lang, {}, [text["too_many"]], 429)
        try:
            form = await request.form(max_files=settings.max_attachments + 1, max_fields=40)
        except Exception:  # a malformed multipart body is the client's fault, not a server error
            return form_page(lang, {}, [text["expired"]], 400)
        values = {k: v for k in FIELDS if isinstance(v := form.get(k, ""), str) and len(v) <= MAX_FIELD}
        values = {k: values.get(k, "") for k in FIELDS}
        if form.get("website"):  # the honeypot field people never see
            return form_page(lang, values, [text["expired"]], 400)
        token = form.get("csrf")
        if not helpdesk.signer.check_form_token(
            token if isinstance(token, str) else None, request.cookies.get(FORM_COOKIE)
        ):
            return form_page(lang, values, [text["expired"]], 403)
        errors, uploads = await _check(helpdesk, form, values, lang)
        if errors:
            return form_page(lang, values, errors, 422)
        collector = helpdesk.collector
        try:
            with transaction(collector.engine) as conn:
                contact = intake.find_contact(conn, values["email"])
                if contact is None:
                    raise intake.IntakeError("email", text["unknown_contact"])
                classified = questions.classify(values["kind"], values["severity"], values["reach"])
                description = values["description"]
                if values["phone"].strip():
                    description += f"\n\n({text['phone']}: {values['phone'].strip()[:64]})"
                opened = intake.open_ticket(
                    collector,
                    conn,
                    contact,
                    intake.Request(
                        subject=values["subject"],
                        description=description,
                        category=classified.category,
                        impact=classified.impact,
                        scope=classified.scope,
                        source="web",
                        actor=f"web:{contact.email}",
                        attachments=tuple(uploads),
                    ),
                )
        except (intake.IntakeError, questions.AnswerError) as exc:
            return form_page(lang, values, [str(exc)], 422)
        receipt = helpdesk.signer.receipt(opened.number)
        return RedirectResponse(f"/melding/ontvangen?lang={lang}&r={receipt}", status_code=303)

    @web.get("/melding/ontvangen")
    def received(request: Request) -> Response:
        lang = pick_language(request.query_params.get("lang"))
        number = helpdesk.signer.read_receipt(request.query_params.get("r"))
        if number is None:
            return RedirectResponse(f"/melding?lang={lang}", status_code=303)
        return HTMLResponse(helpdesk.render("ontvangen.html", lang=lang, t=TEXTS[lang], number=number))

    return web


async def _check(
    helpdesk: Helpdesk, form: Any, values: dict[str, str], lang: str
) -> tuple[list[str], list[files.CheckedFile]]:
    """Every problem at once, each a sentence, so the customer fixes the form in one go."""
    text = TEXTS[lang]
    errors: list[str] = []
    for field in ("name", "email", "subject", "description", "kind"):
        if not values[field].strip():
            errors.append(
                f"{text.get(field, text['what'] if field == 'kind' else field)}: {text['required']}"
            )
    if values["email"] and ("@" not in values["email"] or len(values["email"]) > 320):
        errors.append(f"{text['email']}: {values['email'][:50]!r}")
    if values["kind"]:
        try:
            questions.classify(values["kind"], values["severity"], values["reach"])
        except questions.AnswerError as exc:
            label = {"kind": text["what"], "severity": text["severity"], "reach": text["reach"]}[exc.field]
            errors.append(f"{label}: {exc}")
    try:
        intake.check_text(values["subject"] or "x", values["description"])
    except intake.IntakeError as exc:
        errors.append(str(exc))
    uploads: list[files.CheckedFile] = []
    posted = [item for item in form.getlist("attachments") if isinstance(item, UploadFile) and item.filename]
    if len(posted) > helpdesk.settings.max_attachments:
        errors.append(
            text["attachments_hint"].split(":")[0].format(count=helpdesk.settings.max_attachments, mb="")
        )
    for item in posted[: helpdesk.settings.max_attachments]:
        data = await item.read(helpdesk.settings.max_attachment_bytes + 1)
        try:
            uploads.append(
                files.check_file(item.filename or "", data, helpdesk.settings.max_attachment_bytes)
            )
        except files.AttachmentError as exc:
            errors.append(str(exc))
    return errors, uploads
