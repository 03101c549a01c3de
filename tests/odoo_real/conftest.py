"""One real Odoo per series named by ODOO_SOURCE, started once for the session and stopped at its end.

Without ODOO_SOURCE the suite is skipped (outside CI) with a line saying how to enable it; under
CI=true it fails, because nothing may skip there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.components import in_ci
from tests.support.odoo_real import ENABLE_HINT, OdooStack, bring_up, sources_from_env

_stacks: dict[str, OdooStack] = {}
_failures: dict[str, str] = {}


def _series_id(entry: str, index: int) -> str:
    found = re.search(r"(\d+\.\d)", Path(entry).name)
    return f"odoo{found.group(1)}" if found else f"source{index}"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "odoo" in metafunc.fixturenames:
        entries = sources_from_env()
        params = entries or [""]
        ids = [_series_id(entry, index) for index, entry in enumerate(entries)] or ["no-odoo-source"]
        metafunc.parametrize("odoo", params, ids=ids, indirect=True, scope="session")


@pytest.fixture(scope="session")
def odoo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> OdooStack:
    entry: str = request.param
    if not entry:
        if in_ci():
            pytest.fail(f"CI=true and ODOO_SOURCE is not set: {ENABLE_HINT}")
        pytest.skip(ENABLE_HINT)
    if entry not in _stacks and entry not in _failures:
        _bring_up_all(sources_from_env(), tmp_path_factory.mktemp("odoo-bring-up"))
    if entry in _failures:
        pytest.fail(_failures[entry])
    return _stacks[entry]


def _bring_up_all(entries: list[str], log_dir: Path) -> None:
    """Every series at once: their venvs, snapshots and servers are independent."""

    def one(entry: str) -> None:
        try:
            _stacks[entry] = bring_up(entry, log_dir)
        except Exception as error:  # one clear line per test, not one traceback each
            _failures[entry] = f"bringing up Odoo from {entry} failed: {error}"

    waiting = [entry for entry in entries if entry not in _stacks and entry not in _failures]
    with ThreadPoolExecutor(max_workers=max(len(waiting), 1)) as pool:
        list(pool.map(one, waiting))


@pytest.fixture(scope="session", autouse=True)
def _stop_every_stack() -> Iterator[None]:
    yield
    stacks = list(_stacks.values())
    _stacks.clear()
    with ThreadPoolExecutor(max_workers=max(len(stacks), 1)) as pool:
        list(pool.map(lambda stack: stack.close(), stacks))


@pytest.fixture
def up(odoo: OdooStack) -> OdooStack:
    """The stack, with both servers running (a fault test that failed half-way is undone first)."""
    if not odoo.cluster.running():
        odoo.start_postgres()
    odoo.start_odoo()
    return odoo
