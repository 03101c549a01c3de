"""Every HTML response carries the security headers; the API description pages need staff sign-in."""

from __future__ import annotations

import requests

from collector.http.page_headers import DOCS_CSP, with_page_headers
from tests.helpdesk.conftest import Rig

CSP = "Content-Security-Policy"


def test_staff_reports_and_every_page_carry_csp_and_frame_options(rig: Rig) -> None:
    staff = rig.staff()
    pages = {
        "/staff/reports": staff,
        "/staff": staff,
        "/melding": requests.Session(),
        "/staff/login": requests.Session(),
        "/ack/not-a-token": requests.Session(),
    }
    for path, session in pages.items():
        answer = session.get(f"{rig.url}{path}", allow_redirects=False)
        assert answer.headers["content-type"].startswith("text/html"), path
        assert "frame-ancestors 'none'" in answer.headers[CSP], path
        assert answer.headers["X-Frame-Options"] == "DENY", path
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path


def test_api_description_pages_need_staff_sign_in(rig: Rig) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        anonymous = requests.get(f"{rig.url}{path}", allow_redirects=False)
        assert anonymous.status_code == 401, path
        assert "sign in as staff" in anonymous.json()["error"]
    staff = rig.staff()
    assert staff.get(f"{rig.url}/openapi.json").json()["info"]["title"] == "PrioritySupport collector"
    docs = staff.get(f"{rig.url}/docs")
    assert docs.status_code == 200 and docs.headers[CSP] == DOCS_CSP


def test_headers_are_added_to_html_only_and_never_replace_a_routes_own() -> None:
    json_headers = [(b"content-type", b"application/json")]
    assert with_page_headers(json_headers, "/api/v1/tickets") == json_headers
    own = [(b"content-type", b"text/html; charset=utf-8"), (b"x-frame-options", b"SAMEORIGIN")]
    added = dict(with_page_headers(own, "/x"))
    assert added[b"x-frame-options"] == b"SAMEORIGIN"
    assert added[b"content-security-policy"].startswith(b"default-src 'self'")
