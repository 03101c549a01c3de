"""Fleet-shaped load: thousands of agents, each on its own jittered schedule, one new connection per push.

An agent reporting once a minute never finds its keep-alive connection still open (uvicorn closes idle
ones after 5 s), so every push here opens a new TCP connection, sends one request and closes. The
schedule is open loop: every push has a scheduled time fixed before the run, and its latency is
measured from that time, so a slow server cannot hide its queue (no coordinated omission).

The replay burst is what agent/push.py does after an outage: at its next wake-up each agent sends
its whole spool, oldest first, one after the other on one connection, each after the previous answer.
"""

from __future__ import annotations

import asyncio
import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from loadgen import Result  # type: ignore[import-not-found]

TIMEOUT = 30.0  # a push unanswered this long counts as an error; keeps every run bounded


@dataclass(frozen=True)
class FleetAgent:
    path: str
    headers: dict[str, str]
    body: Callable[[int], bytes]  # push number -> request body


@dataclass
class BurstResult(Result):
    per_agent_done: list[float] = field(default_factory=list)  # seconds until each agent's spool was empty


def fleet_schedule(
    agents: int, rate: float, seconds: float, jitter: float, seed: int
) -> list[tuple[float, int]]:
    """(offset in seconds, agent index), sorted: each agent pushes every agents/rate seconds from its own
    random phase, each push moved by up to +-jitter of the period (clock drift, check durations).

    The window is a slice of a steady state that was running before it and goes on after it: a push
    jittered past either edge wraps around to the other, so exactly `rate` pushes a second are offered
    inside `seconds` (clamping or dropping them would thin or crowd the edges)."""
    rng = random.Random(seed)
    period = agents / rate
    events = []
    for index in range(agents):
        at = rng.uniform(0, period)
        while at < seconds:
            events.append(((at + rng.uniform(-jitter, jitter) * period) % seconds, index))
            at += period
    events.sort()
    return events


def _head(agent: FleetAgent, host: str, port: int, keep_alive: bool) -> bytes:
    headers = "".join(f"{k}: {v}\r\n" for k, v in agent.headers.items())
    connection = "" if keep_alive else "Connection: close\r\n"
    return f"POST {agent.path} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}{connection}".encode()


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes, body: bytes
) -> int:
    writer.write(head + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
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


def _record(result: Result, status: int | None, scheduled: float, start: float) -> None:
    if status is None:
        result.errors += 1
        return
    result.statuses[status] = result.statuses.get(status, 0) + 1
    result.latencies.append(time.perf_counter() - scheduled)
    result.scheduled.append(scheduled - start)


async def _push_once(host: str, port: int, head: bytes, body: bytes) -> int | None:
    writer = None
    try:
        async with asyncio.timeout(TIMEOUT):
            reader, writer = await asyncio.open_connection(host, port)
            return await _exchange(reader, writer, head, body)
    except (OSError, ValueError, IndexError, asyncio.IncompleteReadError, TimeoutError):
        return None
    finally:
        if writer is not None:
            writer.close()


async def run_fleet(
    host: str, port: int, agents: list[FleetAgent], rate: float, seconds: float, seed: int = 1
) -> Result:
    """Open loop at `rate` pushes/s in total from all agents, one new connection per push."""
    heads = [_head(agent, host, port, keep_alive=False) for agent in agents]
    pushes = [0] * len(agents)
    # Every body is made before the clock starts and the heap is frozen: the generator's own work and
    # garbage collection (its heap holds every agent) must not show up as the server's latency.
    schedule = []
    for offset, index in fleet_schedule(len(agents), rate, seconds, 0.1, seed):
        schedule.append((offset, index, agents[index].body(pushes[index])))
        pushes[index] += 1
    gc.collect()
    gc.freeze()
    result = Result()
    start = time.perf_counter() + 0.2
    tasks = []

    async def push(index: int, scheduled: float, body: bytes) -> None:
        _record(result, await _push_once(host, port, heads[index], body), scheduled, start)

    try:
        for offset, index, body in schedule:
            scheduled = start + offset
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            result.late_ms = max(result.late_ms, -delay * 1000)
            result.sent += 1
            tasks.append(asyncio.ensure_future(push(index, scheduled, body)))
        await asyncio.gather(*tasks)
    finally:
        gc.unfreeze()
    result.elapsed = max(seconds, time.perf_counter() - start)  # until the last answer
    return result


async def run_replay(
    host: str, port: int, agents: list[FleetAgent], spool: int, window: float, seed: int = 2
) -> BurstResult:
    """Every agent wakes once within `window` seconds and empties a spool of `spool` reports, oldest
    first, on one connection, each sent when the previous one was acknowledged (agent/push.py)."""
    rng = random.Random(seed)
    result = BurstResult()
    start = time.perf_counter() + 0.2

    async def replay(agent: FleetAgent, wake: float) -> None:
        await asyncio.sleep(max(0.0, start + wake - time.perf_counter()))
        head = _head(agent, host, port, keep_alive=True)
        writer = None
        try:
            reader, writer = await asyncio.open_connection(host, port)
            for item in range(spool):
                sent = time.perf_counter()
                result.sent += 1
                async with asyncio.timeout(TIMEOUT):
                    status = await _exchange(reader, writer, head, agent.body(item))
                _record(result, status, sent, start)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError, TimeoutError):
            result.errors += 1
        finally:
            if writer is not None:
                writer.close()
        result.per_agent_done.append(time.perf_counter() - start - wake)

    await asyncio.gather(*(replay(agent, rng.uniform(0, window)) for agent in agents))
    result.elapsed = time.perf_counter() - start
    return result


def run_sync(coroutine_factory: Callable[[], object]) -> object:
    import uvloop

    return uvloop.run(coroutine_factory())  # type: ignore[arg-type]
