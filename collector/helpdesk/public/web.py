"""The public web form `/melding`: plain-language questions, contact details, attachments, CSRF and a
rate limit; the confirmation page shows the new number to whoever submitted it (a signed link)."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from collector.helpdesk import attachments as files
from collector.helpdesk import intake
from collector.helpdesk.context import Helpdesk
from collector.helpdesk.deps import HelpdeskDep, SignerDep
from collector.helpdesk.i18n import FORM_ERRORS, TEXTS, pick_language
from collector.helpdesk.public import questions
from collector.helpdesk.public.form_check import FormProblem, check_form
from collector.helpdesk.signing import FORM_COOKIE, Signer
from collector.storage.after_commit import transaction

# Beyond this many files the form is not read at all (each file is spooled while parsing).
MAX_POSTED_FILES = 20
FIELDS = ("name", "email", "phone", "subject", "description", "kind", "severity", "reach")
MAX_FIELD = 40_000


def unreadable_form(exc: Exception, lang: str, max_files: int) -> FormProblem:
    """What went wrong with a form that could not be parsed, in the customer's words (never "expired")."""
    say = FORM_ERRORS[lang]
    cause = " ".join(_chain(exc))
    if "Too many files" in cause:
        return FormProblem("attachments", say["too_many_files"].format(count=max_files))
    if "header size" in cause:  # a file name of thousands of characters
        return FormProblem("attachments", say["name_long"])
    return FormProblem("", say["unreadable"])


def _chain(exc: BaseException | None) -> list[str]:
    """The messages of an exception and of those behind it (Starlette wraps the parser's in a 400)."""
    seen: list[str] = []
    while exc is not None and len(seen) < 5:
        seen.append(f"{exc} {getattr(exc, 'detail', '')}")
        exc = exc.__cause__ or exc.__context__
    return seen


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


router = APIRouter(include_in_schema=False)


def form_page(
    helpdesk: Helpdesk, lang: str, values: dict[str, str], problems: list[FormProblem], status: int = 200
) -> Response:
    """The form with what was typed and what is wrong, and a fresh CSRF token bound to a cookie nonce."""
    settings = helpdesk.settings
    nonce = secrets.token_urlsafe(16)
    response = helpdesk.html(
        "melding.html",
        status,
        lang=lang,
        t=TEXTS[lang],
        values=values,
        problems=problems,
        invalid={p.field for p in problems},
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
    response.set_cookie(
        FORM_COOKIE,
        nonce,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="strict",
        path="/melding",
    )
    return response


def general(lang: str, key: str) -> list[FormProblem]:
    return [FormProblem("", TEXTS[lang][key])]


@router.get("/melding")
def show_form(request: Request, helpdesk: HelpdeskDep) -> Response:
    return form_page(helpdesk, pick_language(request.query_params.get("lang")), {}, [])


def refused_unread(request: Request, helpdesk: Helpdesk, lang: str, address: str) -> Response | None:
    """A refusal before reading (and spooling) a byte of the body, or None to go on.

    Size is bounded by the body-limit middleware. Without the form's cookie the token can never match.
    """
    if not request.cookies.get(FORM_COOKIE):
        return form_page(helpdesk, lang, {}, general(lang, "expired"), 403)
    attempts = helpdesk.form_attempts
    if attempts is not None and not attempts.allow(address):
        return form_page(helpdesk, lang, {}, general(lang, "too_many"), 429)
    return None


def posted_values(form: FormData) -> dict[str, str]:
    """The text fields, bounded; a file posted in a text field's place counts as empty."""
    raw = {k: form.get(k, "") for k in FIELDS}
    return {k: v[:MAX_FIELD] if isinstance(v, str) else "" for k, v in raw.items()}


def genuine(form: FormData, request: Request, signer: Signer) -> bool:
    """False for a forged or stale token, or when the honeypot field people never see is filled."""
    token = form.get("csrf")
    nonce = request.cookies.get(FORM_COOKIE)
    return not form.get("website") and signer.check_form_token(
        token if isinstance(token, str) else None, nonce
    )


@router.post("/melding")
async def submit(request: Request, helpdesk: HelpdeskDep) -> Response:
    lang = pick_language(request.query_params.get("lang"))
    address = client_address(request)
    refusal = refused_unread(request, helpdesk, lang, address)
    if refusal is not None:
        return refusal
    try:
        # More files than allowed are parsed (the body is bounded) so the answer can say so.
        form = await request.form(max_files=MAX_POSTED_FILES, max_fields=40)
    except Exception as exc:  # a malformed multipart body is the client's fault, not a server error
        problem = unreadable_form(exc, lang, helpdesk.settings.max_attachments)
        return form_page(helpdesk, lang, {}, [problem], 400)
    values = posted_values(form)
    if not genuine(form, request, helpdesk.signer):
        return form_page(helpdesk, lang, values, general(lang, "expired"), 403)
    problems, uploads = await check_form(form, values, lang, helpdesk.settings)
    if problems:
        return form_page(helpdesk, lang, values, problems, 422)
    # Only accepted reports count against the limit; what was typed stays in the form.
    if helpdesk.form_limiter.blocked(address):
        return form_page(helpdesk, lang, values, general(lang, "too_many"), 429)
    collector = helpdesk.collector
    try:
        with transaction(collector.engine) as conn:
            contact = intake.find_contact(conn, values["email"])
            if contact is None:
                raise intake.IntakeError("email", TEXTS[lang]["unknown_contact"])
            classified = questions.classify(values["kind"], values["severity"], values["reach"])
            description = values["description"]
            if values["phone"].strip():
                description += f"\n\n({TEXTS[lang]['phone']}: {values['phone'].strip()[:64]})"
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
        return form_page(helpdesk, lang, values, [FormProblem(exc.field, str(exc))], 422)
    helpdesk.form_limiter.hit(address)
    receipt = helpdesk.signer.receipt(opened.number)
    return RedirectResponse(f"/melding/ontvangen?lang={lang}&r={receipt}", status_code=303)


@router.get("/melding/ontvangen")
def received(request: Request, signer: SignerDep, helpdesk: HelpdeskDep) -> Response:
    lang = pick_language(request.query_params.get("lang"))
    number = signer.read_receipt(request.query_params.get("r"))
    if number is None:
        return RedirectResponse(f"/melding?lang={lang}", status_code=303)
    return helpdesk.html("ontvangen.html", lang=lang, t=TEXTS[lang], number=number)
