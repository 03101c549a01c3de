"""Everything a person reads in the played demo: every staff page (Dutch and English), the public form, and
every mail and notification that arrived. No raw ISO time and no Python value anywhere; no internal key
(check keys, routing references, stored values) in anything a customer or the account manager reads."""

from __future__ import annotations

import re

import requests

from demo.customers import ACCOUNT_MANAGER, CUSTOMERS
from demo.stack import STAFF_USER
from tests.demo.conftest import Played
from tests.support.visible_text import problems, visible_text

NUMBER = re.compile(r"PS-\d{4}-\d{5}")
CUSTOMER_READERS = {c.contact_email for c in CUSTOMERS} | {ACCOUNT_MANAGER}


def staff_session(played: Played) -> requests.Session:
    session = requests.Session()
    answer = session.post(
        f"{played.stack.url}/staff/login",
        data={"username": STAFF_USER, "password": played.stack.staff_password},
        timeout=30,
    )
    assert answer.status_code == 200 and "/staff/login" not in answer.url
    return session


def test_every_staff_page_reads_without_iso_times_or_python_values(played: Played) -> None:
    session, url = staff_session(played), played.stack.url
    queue = session.get(f"{url}/staff", params={"state": "all"}, timeout=30).text
    numbers = sorted(set(NUMBER.findall(queue)))
    assert len(numbers) >= 4, numbers
    paths = ["/staff", "/staff/customers", "/staff/maintenance", "/staff/phone", "/staff/reports"]
    paths += [f"/staff/customers/{c.key}" for c in CUSTOMERS]
    paths += [f"/staff/tickets/{number}" for number in numbers]
    found: dict[str, list[str]] = {}
    for path in paths:
        for language in ("nl", "en"):
            answer = session.get(f"{url}{path}", params={"lang": language}, timeout=30)
            assert answer.status_code == 200, path
            assert f'<html lang="{language}">' in answer.text
            wrong = problems(visible_text(answer.text), keys=False)
            if wrong:
                found[f"{path}?lang={language}"] = wrong
    for language in ("nl", "en"):
        form = requests.get(f"{url}/melding", params={"lang": language}, timeout=30)
        wrong = problems(visible_text(form.text))
        if wrong:
            found[f"/melding?lang={language}"] = wrong
    assert found == {}


def test_every_mail_to_a_customer_or_account_manager_is_free_of_internal_keys(played: Played) -> None:
    mails = played.stack.mails.snapshot()
    to_customers = [m for m in mails if CUSTOMER_READERS & set(m.recipients)]
    assert to_customers, "the demo sends customers and the account manager mail"
    found: dict[str, list[str]] = {}
    for mail in mails:
        customer_facing = bool(CUSTOMER_READERS & set(mail.recipients))
        html_part = mail.message.get_body(preferencelist=("html",))
        html_text = visible_text(html_part.get_content()) if html_part is not None else ""
        for part in (mail.subject, mail.text, html_text):
            wrong = problems(part, keys=customer_facing)
            if wrong:
                found[f"{mail.subject} -> {', '.join(mail.recipients)}"] = wrong
    assert found == {}


def test_every_notification_reads_without_iso_times_or_python_values(played: Played) -> None:
    found = {
        f"{arrival.subject} -> {', '.join(arrival.to)}": wrong
        for arrival in played.stack.feed.snapshot()
        if (wrong := problems(f"{arrival.subject}\n{arrival.text}", keys=False))
    }
    assert found == {}
