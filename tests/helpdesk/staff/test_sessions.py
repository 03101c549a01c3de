"""Staff sessions end at once: sign out, sign out everywhere, a new password; on pages and on the API."""

from __future__ import annotations

from pathlib import Path

import requests

from collector.cli_helpdesk import PASSWORD_ENV
from collector.helpdesk.staff.accounts import set_password
from collector.helpdesk.staff.sessions import KEEP_PER_USER, start_session
from collector.storage.database import writing
from collector.storage.helpdesk_tables import staff_sessions
from tests.helpdesk.conftest import PASSWORD, Rig

NEW_PASSWORD = "a brand new passphrase"


def copy_of(session: requests.Session) -> requests.Session:
    """Another client holding the same cookie (what an attacker who copied it would send)."""
    other = requests.Session()
    other.cookies.update(session.cookies)
    return other


def works(rig: Rig, session: requests.Session, csrf: str) -> tuple[bool, bool]:
    """(the staff page opens, the management API answers) for this cookie."""
    page = session.get(f"{rig.url}/staff", allow_redirects=False)
    api = session.get(f"{rig.url}/api/v1/tickets", headers={"X-CSRF-Token": csrf})
    return page.status_code == 200, api.status_code == 200


def test_sign_out_ends_the_session_for_a_copied_cookie(rig: Rig) -> None:
    session = rig.staff()
    csrf = rig.csrf(session)
    stolen = copy_of(session)
    assert works(rig, stolen, csrf) == (True, True)
    answer = session.post(f"{rig.url}/staff/logout", data={"csrf": csrf}, allow_redirects=False)
    assert answer.status_code == 303
    assert works(rig, stolen, csrf) == (False, False)


def test_sign_out_everywhere_ends_every_browser_of_that_person_only(rig: Rig) -> None:
    laptop, phone, colleague = rig.staff(), rig.staff(), rig.staff("max")
    laptop_csrf, phone_csrf, colleague_csrf = rig.csrf(laptop), rig.csrf(phone), rig.csrf(colleague)
    plain = copy_of(phone)
    laptop.post(f"{rig.url}/staff/logout", data={"csrf": laptop_csrf, "everywhere": "1"})
    assert works(rig, plain, phone_csrf) == (False, False)
    assert works(rig, colleague, colleague_csrf) == (True, True)


def test_a_new_password_ends_every_session_and_the_old_password(rig: Rig) -> None:
    session = rig.staff()
    csrf = rig.csrf(session)
    with writing(rig.collector.engine).begin() as conn:
        assert set_password(conn, "eva", NEW_PASSWORD) == 1
    assert works(rig, session, csrf) == (False, False)
    refused = requests.post(
        f"{rig.url}/staff/login", data={"username": "eva", "password": PASSWORD}, allow_redirects=False
    )
    assert refused.status_code == 401
    assert works(rig, rig.staff("eva", NEW_PASSWORD), "")[0]


def test_sessions_per_person_are_bounded(rig: Rig) -> None:
    from sqlalchemy import func, select

    with rig.collector.engine.begin() as conn:
        user_id = conn.execute(select(staff_sessions.c.staff_id).limit(1)).scalar()
        assert user_id is None  # nobody signed in yet
        from collector.storage.helpdesk_tables import staff_users

        eva = conn.execute(select(staff_users.c.id).where(staff_users.c.username == "eva")).scalar_one()
        for _ in range(KEEP_PER_USER + 5):
            start_session(conn, eva, rig.clock.now())
        count = conn.execute(
            select(func.count()).select_from(staff_sessions).where(staff_sessions.c.staff_id == eva)
        ).scalar_one()
    assert count == KEEP_PER_USER


def test_set_password_on_the_command_line_signs_out_everywhere(rig: Rig, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from prioritysupport.cli import build_app

    session = rig.staff()
    csrf = rig.csrf(session)
    config = tmp_path / "collector.toml"
    config.write_text(f'[database]\nurl = "{rig.collector.config.database_url}"\n', encoding="utf-8")
    runner, app = CliRunner(), build_app()
    weak = runner.invoke(
        app, ["collector", "set-password", "eva", "-c", str(config)], env={PASSWORD_ENV: "short"}
    )
    assert weak.exit_code == 2 and "at least 10 characters" in weak.output
    assert works(rig, session, csrf) == (True, True)  # a refused change ends nothing
    unknown = runner.invoke(
        app, ["collector", "set-password", "nobody", "-c", str(config)], env={PASSWORD_ENV: NEW_PASSWORD}
    )
    assert unknown.exit_code == 2 and "no staff account 'nobody'" in unknown.output
    done = runner.invoke(
        app, ["collector", "set-password", "Eva", "-c", str(config)], env={PASSWORD_ENV: NEW_PASSWORD}
    )
    assert done.exit_code == 0 and "new password set for eva; 1 session(s) ended" in done.output
    assert NEW_PASSWORD not in done.output
    assert works(rig, session, csrf) == (False, False)
