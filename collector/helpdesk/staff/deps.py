"""The staff guard and the page renderer as FastAPI dependencies.

`Who` signs the request in (or raises NotSignedIn, which the app turns into the sign-in redirect);
`PageDep` renders a staff template with what every staff page shows (language, labels, the outcome of
the last action). FastAPI resolves `Who` once per request even when a route asks for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from collector.helpdesk.context import Helpdesk
from collector.helpdesk.deps import HelpdeskDep
from collector.helpdesk.staff.auth import Signed, current


def signed_in(request: Request, helpdesk: HelpdeskDep) -> Signed:
    return current(helpdesk, request)


Who = Annotated[Signed, Depends(signed_in)]


@dataclass(frozen=True)
class StaffPage:
    helpdesk: Helpdesk
    who: Signed
    request: Request

    def __call__(self, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        who, query = self.who, self.request.query_params
        return self.helpdesk.html(
            name,
            status,
            lang=who.lang,
            t=who.t,
            who=who,
            now=self.helpdesk.collector.clock.now(),
            ok=query.get("ok", "")[:300],
            error=query.get("error", "")[:300],
            **values,
        )


def staff_page(request: Request, helpdesk: HelpdeskDep, who: Who) -> StaffPage:
    return StaffPage(helpdesk, who, request)


PageDep = Annotated[StaffPage, Depends(staff_page)]
