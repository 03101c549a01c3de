"""The demo's notification sinks receive real SMTP and HTTP traffic."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import requests

from demo.sinks import CaughtMail, CaughtWebhook, MailCatcher, WebhookReceiver


def test_mail_catcher_keeps_a_real_smtp_message() -> None:
    seen: list[CaughtMail] = []
    catcher = MailCatcher(on_mail=seen.append).start()
    try:
        message = EmailMessage()
        message["From"] = "support@example.test"
        message["To"] = "klant@example.test"
        message["Subject"] = "[PS-2026-00001] Bevestiging"
        message.set_content("Uw melding is ontvangen.")
        with smtplib.SMTP("127.0.0.1", catcher.port, timeout=5) as smtp:
            smtp.send_message(message)
    finally:
        catcher.stop()
    assert [m.subject for m in catcher.snapshot()] == ["[PS-2026-00001] Bevestiging"]
    assert seen[0].recipients == ("klant@example.test",)
    assert "ontvangen" in seen[0].text


def test_webhook_receiver_records_json_and_lists_it() -> None:
    seen: list[CaughtWebhook] = []
    receiver = WebhookReceiver(on_post=seen.append).start()
    try:
        answer = requests.post(f"{receiver.url}/page", json={"title": "A incident"}, timeout=5)
        page = requests.get(receiver.url, timeout=5).text
    finally:
        receiver.stop()
    assert answer.status_code == 200
    assert seen[0].path == "/page"
    assert seen[0].body == {"title": "A incident"}
    assert "A incident" in page


def test_the_sinks_page_shows_simulated_amsterdam_times() -> None:
    from datetime import UTC, datetime

    simulated = datetime(2026, 11, 27, 21, 3, tzinfo=UTC)  # Friday 22:03 in Amsterdam
    receiver = WebhookReceiver(now=lambda: simulated).start()
    try:
        requests.post(f"{receiver.url}/person/anna", json={"title": "[A] page"}, timeout=5)
        page = requests.get(receiver.url, timeout=5).text
    finally:
        receiver.stop()
    assert receiver.snapshot()[0].received_at == simulated
    assert "Fri 27 Nov 22:03" in page and "21:03" not in page
