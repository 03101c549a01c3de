"""Staff pages: sign-in, the queue, customers, phone intake, maintenance and silences.

Server-rendered HTML; every form carries the session's CSRF token; roles: engineer < manager < admin.
Ticket pages and their actions live in staff_tickets.py.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from collector.contracts.book import contract_in_force
from collector.helpdesk import intake
from collector.helpdesk.context import Helpdesk
from collector.helpdesk.staff import evaluations as staff_reports
from collector.helpdesk.staff import tickets as staff_tickets
from collector.helpdesk.staff.accounts import list_usernames
from collector.helpdesk.staff.auth import Signed, login_page, safe_next, sign_in, sign_out
from collector.helpdesk.staff.customers import CustomerMarks, customer_marks, limit_rows
from collector.helpdesk.staff.forms import (
    Refused,
    back,
    checked_form,
    need,
    page_renderer,
    parse_local,
    signed_in,
)
from collector.helpdesk.staff.queue import sla_view, sort_key
from collector.helpdesk.staff.texts import STAFF_TEXTS
from collector.monitoring.maintenance import (
    MaintenanceError,
    add_window,
    list_windows,
    remove_window,
    silence,
)
from collector.policy.triage import Impact, Scope
from collector.storage import tables as core
from collector.storage.after_commit import transaction
from collector.storage.helpdesk_tables import assignments
from collector.tickets.acknowledgement import current_acks
from collector.tickets.core import OPEN_STATES, STATES


def router(helpdesk: Helpdesk) -> APIRouter:
    collector = helpdesk.collector
    staff = APIRouter(prefix="/staff", include_in_schema=False)

    Who = Annotated[Signed, Depends(signed_in(helpdesk))]
    page = page_renderer(helpdesk)

    # -- sign in / out ---------------------------------------------------------------------------------

    @staff.get("/login")
    def login_form(request: Request) -> Response:
        lang = request.query_params.get("lang", "nl")
        lang = lang if lang in STAFF_TEXTS else "nl"
        return login_page(helpdesk, lang, next_url=safe_next(request.query_params.get("next")))

    @staff.post("/login")
    async def login(request: Request) -> Response:
        lang = request.query_params.get("lang", "nl")
        lang = lang if lang in STAFF_TEXTS else "nl"
        try:
            form = await request.form(max_files=0, max_fields=10)
        except Exception:
            return login_page(helpdesk, lang, STAFF_TEXTS[lang]["err_unreadable"], status=400)
        if not helpdesk.login_limiter.allow(request.client.host if request.client else "unknown"):
            return login_page(helpdesk, lang, STAFF_TEXTS[lang]["err_login_many"], status=429)
        username, password = form.get("username"), form.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
            return login_page(helpdesk, lang, STAFF_TEXTS[lang]["err_login_fill"], status=400)
        next_url = form.get("next")
        return sign_in(
            helpdesk, username, password, next_url if isinstance(next_url, str) else "/staff", lang
        )

    @staff.post("/logout")
    async def logout(request: Request, who: Who) -> Response:
        form = await checked_form(request, who)
        return sign_out(helpdesk, who, everywhere=form.get("everywhere") == "1")

    # -- queue ------------------------------------------------------------------------------------------

    @staff.get("")
    def queue(
        request: Request,
        who: Who,
        customer: str = "",
        priority: str = "",
        state: str = "open",
        assignee: str = "",
    ) -> Response:
        now = collector.clock.now()
        query = (
            select(
                core.tickets,
                core.customers.c.key.label("customer_key"),
                core.customers.c.name.label("customer_name"),
                assignments.c.username.label("assignee"),
            )
            .join(core.customers, core.customers.c.id == core.tickets.c.customer_id)
            .outerjoin(assignments, assignments.c.ticket_id == core.tickets.c.id)
        )
        if customer:
            query = query.where(core.customers.c.key == customer)
        if priority:
            query = query.where(core.tickets.c.priority == priority)
        if state == "open":
            query = query.where(core.tickets.c.state.in_(OPEN_STATES))
        elif state in STATES:
            query = query.where(core.tickets.c.state == state)
        if assignee == "me":
            assignee = who.user.username
        if assignee == "-":
            query = query.where(assignments.c.username.is_(None))
        elif assignee:
            query = query.where(assignments.c.username == assignee)
        with collector.engine.connect() as conn:
            rows = conn.execute(query.order_by(core.tickets.c.id.desc()).limit(1000)).all()
            customers = list(
                conn.execute(select(core.customers.c.key).order_by(core.customers.c.key)).scalars()
            )
            users = list_usernames(conn)
            acks = current_acks(conn, [row.number for row in rows], who.lang)
        items = sorted(((row, sla_view(row, now)) for row in rows), key=lambda pair: sort_key(pair[1]))
        return page(
            "staff/queue.html",
            who,
            request,
            items=items,
            acks=acks,
            customers=customers,
            users=users,
            states=STATES,
            filters={"customer": customer, "priority": priority, "state": state, "assignee": assignee},
        )

    # -- customers --------------------------------------------------------------------------------------

    @staff.get("/customers")
    def customers(request: Request, who: Who) -> Response:
        with collector.engine.connect() as conn:
            rows = conn.execute(
                select(core.customers, func.count(core.tickets.c.id).label("open"))
                .outerjoin(
                    core.tickets,
                    (core.tickets.c.customer_id == core.customers.c.id)
                    & core.tickets.c.state.in_(OPEN_STATES),
                )
                .group_by(core.customers.c.id)
                .order_by(core.customers.c.key)
            ).all()
            marks = customer_marks(conn)
        return page(
            "staff/customers.html", who, request, rows=rows, marks=marks, no_marks=CustomerMarks("ok", 0)
        )

    @staff.get("/customers/{key}")
    def customer(request: Request, who: Who, key: str) -> Response:
        now = collector.clock.now()
        with collector.engine.connect() as conn:
            row = conn.execute(select(core.customers).where(core.customers.c.key == key)).first()
            if row is None:
                return page(
                    "staff/message.html",
                    who,
                    request,
                    404,
                    message=who.t["err_customer"].format(key=key[:64]),
                )
            contract = contract_in_force(conn, row.id, now.date())
            instances = conn.execute(
                select(core.instances).where(core.instances.c.customer_id == row.id)
            ).all()
            contacts = conn.execute(select(core.contacts).where(core.contacts.c.customer_id == row.id)).all()
            limits = conn.execute(
                select(core.limit_states).where(core.limit_states.c.customer_id == row.id)
            ).all()
            tickets = conn.execute(
                select(core.tickets)
                .where((core.tickets.c.customer_id == row.id) & core.tickets.c.state.in_(OPEN_STATES))
                .order_by(core.tickets.c.response_due)
            ).all()
        return page(
            "staff/customer.html",
            who,
            request,
            customer=row,
            contract=contract,
            instances=instances,
            contacts=contacts,
            limits=limit_rows(limits, package_limits(contract)),
            tickets=[(t, sla_view(t, now)) for t in tickets],
        )

    def package_limits(contract: Any) -> dict[str, int | None]:
        if contract is None or contract.package is None:
            return {}
        try:
            package = collector.limits.catalogue.package(contract.package)
        except ValueError:
            return {}
        return {"users": package.max_users, "lines": package.max_custom_lines}

    # -- phone intake -----------------------------------------------------------------------------------

    def contact_choices() -> list[Any]:
        with collector.engine.connect() as conn:
            return list(
                conn.execute(
                    select(core.contacts, core.customers.c.key, core.customers.c.name.label("customer_name"))
                    .join(core.customers, core.customers.c.id == core.contacts.c.customer_id)
                    .order_by(core.customers.c.key, core.contacts.c.name)
                )
            )

    @staff.get("/phone")
    def phone_form(request: Request, who: Who) -> Response:
        return page(
            "staff/phone.html",
            who,
            request,
            contacts=contact_choices(),
            impacts=list(Impact),
            scopes=list(Scope),
            values={},
        )

    @staff.post("/phone")
    async def phone_log(request: Request, who: Who) -> Response:
        form = await checked_form(request, who)
        values = {
            k: form.get(k, "") for k in ("contact", "subject", "description", "category", "impact", "scope")
        }
        try:
            with transaction(collector.engine) as conn:
                contact_row = (
                    conn.execute(
                        select(core.contacts.c.email, core.contacts.c.customer_id).where(
                            core.contacts.c.id == int(values["contact"])
                        )
                    ).first()
                    if values["contact"].isdigit()
                    else None
                )
                if contact_row is None:
                    raise intake.IntakeError("contact", who.t["err_contact"])
                contact = intake.find_contact(conn, contact_row.email, contact_row.customer_id)
                assert contact is not None
                opened = intake.open_ticket(
                    collector,
                    conn,
                    contact,
                    intake.Request(
                        subject=values["subject"],
                        description=values["description"],
                        category=values["category"],
                        impact=values["impact"] or None,
                        scope=values["scope"] or None,
                        source="phone",
                        actor=who.user.username,
                    ),
                )
        except intake.IntakeError as exc:
            return page(
                "staff/phone.html",
                who,
                request,
                422,
                contacts=contact_choices(),
                impacts=list(Impact),
                scopes=list(Scope),
                values=values,
                form_error=str(exc),
            )
        return back(f"/staff/tickets/{opened.number}", message=f"{opened.number}", lang=who.lang)

    # -- maintenance windows and silences (manager and admin) ---------------------------------------------

    @staff.get("/maintenance")
    def maintenance(request: Request, who: Who) -> Response:
        with collector.engine.connect() as conn:
            windows = list_windows(conn)
            conditions = conn.execute(
                select(
                    core.conditions,
                    core.instances.c.name.label("instance"),
                    core.customers.c.key.label("customer"),
                )
                .join(core.instances, core.instances.c.id == core.conditions.c.instance_id)
                .join(core.customers, core.customers.c.id == core.instances.c.customer_id)
                .where(core.conditions.c.state == "failing")
                .order_by(core.conditions.c.since)
            ).all()
            customers = list(
                conn.execute(select(core.customers.c.key).order_by(core.customers.c.key)).scalars()
            )
        return page(
            "staff/maintenance.html",
            who,
            request,
            windows=windows,
            conditions=conditions,
            customers=customers,
        )

    @staff.post("/maintenance")
    async def maintenance_add(request: Request, who: Who) -> Response:
        form = await checked_form(request, who)
        need(who, "manager")
        from collector.contracts.lookup import resolve_target

        try:
            starts = parse_local(form.get("start", ""), "start")
            ends = parse_local(form.get("end", ""), "end")
            with transaction(collector.engine) as conn:
                customer_id, instance_id = resolve_target(
                    conn, form.get("customer", ""), form.get("instance") or None
                )
                add_window(
                    conn,
                    customer_id,
                    instance_id,
                    starts,
                    ends,
                    form.get("reason", ""),
                    collector.clock.now(),
                )
        except ValueError as exc:
            return back("/staff/maintenance", error=str(exc), lang=who.lang)
        return back("/staff/maintenance", message=who.t["done"], lang=who.lang)

    @staff.post("/maintenance/{window_id}/remove")
    async def maintenance_remove(request: Request, who: Who, window_id: int) -> Response:
        await checked_form(request, who)
        need(who, "manager")
        with transaction(collector.engine) as conn:
            removed = remove_window(conn, window_id)
        if not removed:
            return back("/staff/maintenance", error=who.t["err_window"].format(id=window_id), lang=who.lang)
        return back("/staff/maintenance", message=who.t["done"], lang=who.lang)

    @staff.post("/conditions/{condition_id}/silence")
    async def silence_condition(request: Request, who: Who, condition_id: int) -> Response:
        form = await checked_form(request, who)
        need(who, "manager")
        try:
            until = parse_local(form.get("until", ""), "until")
            reason = form.get("reason", "").strip()
            if not reason:
                raise MaintenanceError(who.t["err_silence"])
            with transaction(collector.engine) as conn:
                silence(conn, condition_id, until, f"{reason} ({who.user.username})")
        except ValueError as exc:
            return back("/staff/maintenance", error=str(exc), lang=who.lang)
        return back("/staff/maintenance", message=who.t["done"], lang=who.lang)

    staff_tickets.add_routes(staff, helpdesk)
    staff_reports.add_routes(staff, helpdesk)

    return staff


def install_handlers(app: Any, helpdesk: Helpdesk) -> None:
    """Not signed in: to the sign-in page. Refused: a 403 page in the user's language."""
    from collector.helpdesk.staff.auth import NotSignedIn, to_login

    async def not_signed_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NotSignedIn)
        return to_login(exc.next_url)

    async def refused(request: Request, exc: Exception) -> Response:
        lang = request.query_params.get("lang", "nl")
        lang = lang if lang in STAFF_TEXTS else "nl"
        return helpdesk.html(
            "staff/message.html",
            403,
            lang=lang,
            t=STAFF_TEXTS[lang],
            who=None,
            ok="",
            error="",
            message=str(exc),
        )

    app.add_exception_handler(NotSignedIn, not_signed_in)
    app.add_exception_handler(Refused, refused)
