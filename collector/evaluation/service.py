"""Reports from a database: load, then compute. The clock and the policy are injected."""

from __future__ import annotations

from sqlalchemy import Engine

from collector.evaluation.compute import build_customer_report
from collector.evaluation.data import customer_keys, load_customer
from collector.evaluation.model import CustomerReport, Overview
from collector.evaluation.overview import build_overview
from collector.evaluation.period import Period
from collector.policy.policy import Policy
from prioritysupport.clock import Clock


def customer_report(
    engine: Engine, customer: str, period: Period, *, clock: Clock, policy: Policy
) -> CustomerReport:
    """The evaluation report of one customer (raises data.UnknownCustomer for an unknown key)."""
    now = clock.now()
    with engine.connect() as conn:
        data = load_customer(conn, customer, period.start, period.end, min(period.end, now))
    return build_customer_report(
        data, period, generated_at=now, policy=policy.sla, catalogue=policy.catalogue
    )


def all_reports(engine: Engine, period: Period, *, clock: Clock, policy: Policy) -> list[CustomerReport]:
    now = clock.now()
    with engine.connect() as conn:
        loaded = [
            load_customer(conn, key, period.start, period.end, min(period.end, now))
            for key in customer_keys(conn)
        ]
    return [
        build_customer_report(data, period, generated_at=now, policy=policy.sla, catalogue=policy.catalogue)
        for data in loaded
    ]


def overview(engine: Engine, period: Period, *, clock: Clock, policy: Policy) -> Overview:
    return build_overview(all_reports(engine, period, clock=clock, policy=policy), period)
