"""Push to a receiver on 127.0.0.1: while down, reports wait in the spool, then arrive once, in order."""

from __future__ import annotations

import logging
import os
import subprocess
import time
from pathlib import Path

import pytest

from agent.runner import Agent
from agent.spool import Spool
from tests.agent.conftest import SimFactory
from tests.agent.helpers import Receiver, assert_valid_report, config_for
from tests.support.components import free_port, require_binary


class StepClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def cycle(self, agent: Agent) -> None:
        self.now += 60.0
        agent.run_due()


def _agent(
    tmp_path: Path, sim_factory: SimFactory, receiver_url: str, token: str = "t0ken"
) -> tuple[Agent, StepClock]:
    sim = sim_factory(version="17.0")
    config = config_for(tmp_path, sim, collector={"url": receiver_url, "token": token, "timeout": 1.0})
    clock = StepClock()
    return Agent(config, monotonic=clock), clock


def test_reports_arrive_in_order_and_fit_the_schema(
    start_sim: SimFactory, tmp_path: Path, receiver: Receiver
) -> None:
    agent, clock = _agent(tmp_path, start_sim, receiver.url)
    for _ in range(3):
        clock.cycle(agent)
    sequences = [report["sequence"] for report in receiver.received]
    assert sequences == sorted(sequences) and len(sequences) == 3
    for report in receiver.received:
        assert_valid_report(report)
    assert agent.spool.pending() == []


def test_receiver_down_then_back_and_agent_restart(start_sim: SimFactory, tmp_path: Path) -> None:
    port = free_port()
    down = Receiver(port=port)
    agent, clock = _agent(tmp_path, start_sim, down.url)
    for _ in range(3):
        clock.cycle(agent)
    assert len(agent.spool.pending()) == 3
    # the agent restarts while the receiver is still down: a new process state, the same state_dir
    restarted = Agent(agent.config, monotonic=clock)
    clock.cycle(restarted)
    assert len(restarted.spool.pending()) == 4
    receiver = Receiver(port=port).start()
    try:
        clock.cycle(restarted)
        sequences = [report["sequence"] for report in receiver.received]
        assert len(sequences) == 5 and sequences == sorted(sequences) and len(set(sequences)) == 5
        assert len({report["report_id"] for report in receiver.received}) == 5
        assert restarted.spool.pending() == []
    finally:
        receiver.stop()


def test_rejected_token_keeps_reports(start_sim: SimFactory, tmp_path: Path, receiver: Receiver) -> None:
    agent, clock = _agent(tmp_path, start_sim, receiver.url, token="wrong")
    clock.cycle(agent)
    assert receiver.posts == 1 and receiver.received == []
    assert len(agent.spool.pending()) == 1
    assert agent.last_flush is not None and agent.last_flush.error == "collector answered HTTP 401"


def test_spool_drops_oldest_only_at_its_bounds(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    spool = Spool(tmp_path / "spool", max_bytes=3000, max_age_seconds=3600)
    with caplog.at_level(logging.WARNING):
        for sequence in range(1, 6):
            spool.put(sequence, f"id-{sequence}", b"x" * 1000)
    assert [item.sequence for item in spool.pending()] == [3, 4, 5]
    assert spool.dropped_total == 2
    assert "dropped the 1 oldest report(s)" in caplog.text
    old = spool.pending()[0].path
    past = time.time() - 7200
    os.utime(old, (past, past))
    assert spool.enforce_bounds() == 1
    assert [item.sequence for item in spool.pending()] == [4, 5]


def test_spool_files_are_private(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool", max_bytes=10_000, max_age_seconds=60)
    spool.put(1, "id", b"{}")
    assert (tmp_path / "spool").stat().st_mode & 0o077 == 0


def test_lost_answer_means_resent_and_stored_once(
    start_sim: SimFactory, tmp_path: Path, receiver: Receiver
) -> None:
    agent, clock = _agent(tmp_path, start_sim, receiver.url)
    receiver.lose_answers = 1
    clock.cycle(agent)
    assert len(agent.spool.pending()) == 1  # stored by the receiver, but not known to be
    clock.cycle(agent)
    assert receiver.posts == 3  # the first report twice, then the second
    assert [report["sequence"] for report in receiver.received] == [1, 2]
    assert agent.spool.pending() == []


def test_https_with_a_private_ca_bundle(start_sim: SimFactory, tmp_path: Path) -> None:
    openssl = require_binary("openssl")
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    receiver = Receiver(tls=(certificate, key)).start()
    try:
        sim = start_sim(version="17.0")
        trusted = {"url": receiver.url, "token": receiver.token, "ca_bundle": str(certificate)}
        clock = StepClock()
        agent = Agent(config_for(tmp_path / "trusted", sim, collector=trusted), monotonic=clock)
        clock.cycle(agent)
        assert len(receiver.received) == 1
        # without the CA bundle the certificate is not trusted: the report waits in the spool
        untrusted = {"url": receiver.url, "token": receiver.token}
        other = Agent(config_for(tmp_path / "untrusted", sim, collector=untrusted), monotonic=clock)
        clock.cycle(other)
        assert len(receiver.received) == 1 and len(other.spool.pending()) == 1
        assert other.last_flush is not None and "collector.ca_bundle" in (other.last_flush.error or "")
    finally:
        receiver.stop()
