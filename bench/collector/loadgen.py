"""An open-loop HTTP load generator: many simulated agents on keep-alive connections, a fixed total rate.

Latency is measured from each request's *scheduled* time, so a slow server cannot hide its queueing
(no coordinated omission). Plain asyncio streams keep the generator cheap on a 2-core machine.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    scheduled: list[float] = field(default_factory=list)  # seconds from the start, per latency
    errors: int = 0
    elapsed: float = 0.0
    late_ms: float = 0.0  # the most the generator itself sent after a scheduled time (its own stalls)


@dataclass(frozen=True)
class Agent:
    path: str
    headers: dict[str, str]
    body: Callable[[int], bytes]  # sequence number -> request body


async def _request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes, body: bytes
) -> int:
    writer.write(head + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def _agent_loop(
    host: str,
    port: int,
    agent: Agent,
    start: float,
    interval: float,
    offset: float,
    until: float,
    result: Result,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    headers = "".join(f"{k}: {v}\r\n" for k, v in agent.headers.items())
    head = f"POST {agent.path} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}".encode()
    sequence = 0
    try:
        while True:
            scheduled = start + offset + sequence * interval
            if scheduled >= until:
                return
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            body = agent.body(sequence)
            sequence += 1
            result.sent += 1
            try:
                status = await _request(reader, writer, head, body)
            except (OSError, ValueError, asyncio.IncompleteReadError):
                result.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            result.statuses[status] = result.statuses.get(status, 0) + 1
            result.latencies.append(time.perf_counter() - scheduled)
            result.scheduled.append(scheduled - start)
    finally:
        writer.close()


async def run_load(host: str, port: int, agents: list[Agent], rate: float, seconds: float) -> Result:
    """Each agent sends `rate / len(agents)` requests per second for `seconds`, staggered evenly."""
    result = Result()
    interval = len(agents) / rate
    start = time.perf_counter() + 0.2
    until = start + seconds
    tasks = [
        _agent_loop(host, port, agent, start, interval, interval * index / len(agents), until, result)
        for index, agent in enumerate(agents)
    ]
    await asyncio.gather(*tasks)
    result.elapsed = time.perf_counter() - start
    return result


def run_in_process(host: str, port: int, agents: list[Agent], rate: float, seconds: float) -> Result:
    try:
        import uvloop

        return uvloop.run(run_load(host, port, agents, rate, seconds))
    except ImportError:
        return asyncio.run(run_load(host, port, agents, rate, seconds))
