"""Checks that describe one outage, grouped into one condition per instance (policy section 8), as data.

An Odoo instance that is down fails its login page, version, health, read and database checks at once; the
policy treats them as one condition class with one ticket and one page. Member checks keep their own rows and
flips (history) but open nothing; the group condition opens, pages and recovers. Some checks are quieted while
the group fails: a down server is not also "slow" or "credentials rejected". Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# The outside probe of a silent agent (monitoring/monitor.py) is an availability member, so a silent agent
# and a later failing report share one condition and one ticket.
PROBE_KEY = "collector.probe"
# Alertmanager alerts labelled `condition = "availability"` for a known instance join the group under this
# prefix plus their fingerprint.
ALERTMANAGER_AVAILABILITY_PREFIX = "alertmanager.availability:"


@dataclass(frozen=True)
class ConditionGroup:
    key: str  # the group condition's check key
    kind: str  # its kind (damping and the fallback classification use it)
    members: frozenset[str]  # member check keys
    member_prefixes: tuple[str, ...] = ()  # check keys starting with these are members too
    failure_only: frozenset[str] = field(default_factory=frozenset)  # members whose "ok" vouches for nothing
    quiets: frozenset[str] = field(default_factory=frozenset)  # keys that open nothing while the group fails
    quiet_prefixes: tuple[str, ...] = ()  # keys starting with these are quieted too

    def quiets_key(self, check_key: str) -> bool:
        return check_key in self.quiets or check_key.startswith(self.quiet_prefixes)

    def has_member(self, check_key: str) -> bool:
        return check_key in self.members or check_key.startswith(self.member_prefixes)


AVAILABILITY = ConditionGroup(
    key="odoo.availability",
    kind="availability",
    members=frozenset(
        {"odoo.login_page", "odoo.version", "odoo.health", "odoo.read", "odoo.database", PROBE_KEY}
    ),
    member_prefixes=(ALERTMANAGER_AVAILABILITY_PREFIX,),
    # The probe only sees that the URL answers; the agent's own checks decide that the instance is back.
    failure_only=frozenset({PROBE_KEY}),
    quiets=frozenset({"odoo.latency", "odoo.authentication"}),
    # An integration failing while its Odoo is down is explained by the outage (Alertmanager's shipped
    # inhibit rule does the same): it is noted on the outage's ticket instead of opening its own.
    quiet_prefixes=("integration:",),
)

GROUPS: tuple[ConditionGroup, ...] = (AVAILABILITY,)


def group_of(check_key: str) -> ConditionGroup | None:
    """The group a check belongs to as a member, if any."""
    for group in GROUPS:
        if group.has_member(check_key):
            return group
    return None


def quieted_by(check_key: str) -> ConditionGroup | None:
    """The group whose failure keeps this check from opening a ticket, if any."""
    for group in GROUPS:
        if group.quiets_key(check_key):
            return group
    return None


@dataclass(frozen=True)
class MemberStatus:
    key: str
    status: str  # ok, failing or unknown
    detail: str | None = None


@dataclass(frozen=True)
class GroupVerdict:
    """What one batch of observations says about a group."""

    group: ConditionGroup
    status: str  # failing, ok or unknown
    failing: tuple[MemberStatus, ...]  # the failing members, in report order

    @property
    def detail(self) -> str:
        if self.status == "failing":
            return "failing: " + "; ".join(
                f"{m.key} ({m.detail})" if m.detail else m.key for m in self.failing
            )
        return "all member checks ok" if self.status == "ok" else "not known"


def verdict(group: ConditionGroup, observed: Iterable[MemberStatus], failing_elsewhere: bool) -> GroupVerdict:
    """Fold one batch's member statuses into the group's status.

    Failing when any member fails; ok when a member that can vouch is ok, none fails and no member outside
    this batch is still failing (`failing_elsewhere`: for example an Alertmanager alert still firing);
    otherwise unknown, which leaves the group as it is.
    """
    seen = [m for m in observed if group.has_member(m.key)]
    failing = tuple(m for m in seen if m.status == "failing")
    if failing:
        return GroupVerdict(group, "failing", failing)
    vouching_ok = any(m.status == "ok" and m.key not in group.failure_only for m in seen)
    if vouching_ok and not failing_elsewhere:
        return GroupVerdict(group, "ok", ())
    return GroupVerdict(group, "unknown", ())


def failing_member_rows(group: ConditionGroup, states: Mapping[str, str], observed: Iterable[str]) -> bool:
    """Whether a member row not observed in this batch is still failing (`states`: check key -> state)."""
    skip = set(observed)
    return any(
        state == "failing" and key not in skip and key != group.key and group.has_member(key)
        for key, state in states.items()
    )
