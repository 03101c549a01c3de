"""What a helpdesk route may ask for, the framework's way: `def route(helpdesk: HelpdeskDep, ...)`.

`install` (wiring.py) puts the one `Helpdesk` runtime on `app.state.helpdesk`; routers are module-level
and read the settings, the signer, the rate limits and the page renderer through these dependencies.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from collector.helpdesk.context import Helpdesk
from collector.helpdesk.settings import HelpdeskSettings
from collector.helpdesk.signing import Signer


def get_helpdesk(request: Request) -> Helpdesk:
    helpdesk: Helpdesk = request.app.state.helpdesk
    return helpdesk


def get_settings(helpdesk: Annotated[Helpdesk, Depends(get_helpdesk)]) -> HelpdeskSettings:
    return helpdesk.settings


def get_signer(helpdesk: Annotated[Helpdesk, Depends(get_helpdesk)]) -> Signer:
    return helpdesk.signer


HelpdeskDep = Annotated[Helpdesk, Depends(get_helpdesk)]
SettingsDep = Annotated[HelpdeskSettings, Depends(get_settings)]
SignerDep = Annotated[Signer, Depends(get_signer)]
