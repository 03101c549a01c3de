"""Attachments: precise errors for too many files and absurd names, safe names, a total per ticket, and
a mail with many attachments keeps some and names the rest."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy import select

from collector.helpdesk import attachments as files
from collector.helpdesk.mail.intake import handle_message
from collector.storage.helpdesk_tables import attachments as attachment_table
from tests.helpdesk.conftest import Rig, ticket_count
from tests.helpdesk.forms import good_fields, submit

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def text_file(name: str, data: bytes = b"log line\n") -> tuple[str, tuple[str, bytes, str]]:
    return ("attachments", (name, data, "text/plain"))


def stored_names(rig: Rig) -> list[str]:
    with rig.collector.engine.connect() as conn:
        return list(
            conn.execute(select(attachment_table.c.filename).order_by(attachment_table.c.id)).scalars()
        )


def test_five_files_say_how_many_are_allowed_and_keep_the_input(rig: Rig) -> None:
    answer = submit(
        rig.url, good_fields(subject="Vijf bestanden"), [text_file(f"f{n}.txt") for n in range(5)]
    )
    assert answer.status_code == 422
    assert "Voeg hoogstens 3 bijlagen toe." in answer.text
    assert "verlopen" not in answer.text
    assert "Vijf bestanden" in answer.text


def test_very_many_files_still_get_the_count_message(rig: Rig) -> None:
    answer = submit(rig.url, good_fields(), [text_file(f"f{n}.txt") for n in range(40)], lang="en")
    assert answer.status_code == 400
    assert "Attach at most 3 files." in answer.text
    assert "expired" not in answer.text
    assert ticket_count(rig.collector) == 0


def test_a_5000_character_file_name_gets_a_precise_error(rig: Rig) -> None:
    answer = submit(rig.url, good_fields(), [text_file("a" * 5000 + ".txt")], lang="en")
    assert answer.status_code == 400
    assert "file name is too long" in answer.text
    assert "expired" not in answer.text


def test_control_and_bidi_characters_never_reach_staff(rig: Rig) -> None:
    answer = submit(rig.url, good_fields(), [text_file("factuur\u202egnp.txt"), text_file("a\x1b[31mb.log")])
    assert answer.status_code == 200
    assert stored_names(rig) == ["factuur_gnp.txt", "a_[31mb.log"]


def test_safe_filename_keeps_the_extension_of_long_names() -> None:
    assert files.safe_filename("x" * 300 + ".pdf") == "x" * 196 + ".pdf"
    assert files.safe_filename("\u2066\u2069") == "__"
    assert files.safe_filename("\u200b") == "_"
    assert files.safe_filename("   ") == "bijlage"
    assert files.safe_filename("rapport-ëé.txt") == "rapport-ëé.txt"


def test_a_ticket_has_a_total_size_limit() -> None:
    small = [files.CheckedFile(f"f{n}.png", "image/png", PNG) for n in range(4)]
    kept, dropped = files.fit_for_ticket(small, max_count=3, max_total=2 * len(PNG))
    assert [f.filename for f in kept] == ["f0.png", "f1.png"]
    assert [(d.filename, d.reason) for d in dropped] == [
        ("f2.png", "over 216 bytes in total"),
        ("f3.png", "over 216 bytes in total"),
    ]
    kept, dropped = files.fit_for_ticket(small, max_count=1)
    assert [f.filename for f in kept] == ["f0.png"]
    assert {d.reason for d in dropped} == {"more than 1 attachments"}


def test_store_refuses_to_go_over_the_ticket_total(rig: Rig) -> None:
    submit(rig.url, good_fields(), [("attachments", ("a.png", PNG, "image/png"))])
    with rig.collector.engine.begin() as conn:
        ticket_id = conn.execute(select(attachment_table.c.ticket_id)).scalar_one()
        with pytest.raises(files.AttachmentError, match="larger than 118 bytes together"):
            files.store(conn, ticket_id, [files.CheckedFile("b.png", "image/png", PNG)], None, len(PNG) + 10)


def test_a_mail_with_60_attachments_keeps_five_and_names_the_rest(rig: Rig) -> None:
    message = EmailMessage()
    message["From"] = "jan@acme.example"
    message["To"] = "support@erpm.example"
    message["Subject"] = "Zestig bijlagen"
    message.set_content("Zie de bijlagen.")
    for n in range(60):
        message.add_attachment(
            f"regel {n}\n".encode(), maintype="text", subtype="plain", filename=f"log{n}.txt"
        )
    message.add_attachment(
        b"MZ", maintype="application", subtype="octet-stream", filename="tool\u202eexe.txt"
    )
    outcome = handle_message(rig.collector, message.as_bytes(), "jan@acme.example")
    assert outcome.action == "ticket"
    assert stored_names(rig) == [f"log{n}.txt" for n in range(5)]
    with rig.collector.engine.connect() as conn:
        from collector.storage import tables as core

        description = conn.execute(select(core.tickets.c.description)).scalar_one()
    assert "[56 attachment(s) not kept:" in description
    assert "- log5.txt (more than 5 attachments)" in description
    assert "- log59.txt (more than 5 attachments)" in description
    assert "tool_exe.txt" in description and "\u202e" not in description
