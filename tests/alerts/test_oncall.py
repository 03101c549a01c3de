"""The rota: weekly handovers in local time, an override on the DST weekend, the iCal feed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alerts.ical import rota_calendar
from alerts.oncall import RotaError, current_oncall, parse_rota

PEOPLE: dict[str, dict[str, str]] = {
    "anna": {"name": "Anna de Vries", "phone": "+31600000001", "email": "anna@erpm.test"},
    "bram": {"name": "Bram Bakker", "phone": "+31600000002", "email": "bram@erpm.test"},
    "carla": {"name": "Carla Smit", "phone": "+31600000003", "email": "carla@erpm.test"},
}
ROTA = {
    "timezone": "Europe/Amsterdam",
    "people": PEOPLE,
    "rotations": [
        {"tag": "oncall-primary", "members": ["anna", "bram"], "handover": "monday 09:00",
         "start": "2026-03-02"},
        {"tag": "oncall-secondary", "members": ["bram", "anna"], "handover": "maandag 09:00",
         "start": "2026-03-02"},
    ],
    "overrides": [
        # Carla covers Saturday 28 March 12:00 to Sunday 29 March 18:00 local: clocks go forward that night.
        {"tag": "oncall-primary", "person": "carla", "start": "2026-03-28T12:00", "end": "2026-03-29T18:00",
         "reason": "swap"},
        # Bram's holiday in the week of 6 April is covered by Carla, only while he is scheduled.
        {"person": "carla", "replaces": "bram", "start": "2026-04-06T00:00", "end": "2026-04-11T00:00",
         "reason": "holiday"},
    ],
}  # fmt: skip


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_weekly_rotation_hands_over_at_local_time() -> None:
    rota = parse_rota(ROTA)
    # Week of 2 March: anna; handover Monday 9 March 09:00 CET = 08:00 UTC.
    assert rota.person_on_call("oncall-primary", utc(2026, 3, 9, 7, 59)) == "anna"
    assert rota.person_on_call("oncall-primary", utc(2026, 3, 9, 8, 0)) == "bram"
    assert rota.person_on_call("oncall-secondary", utc(2026, 3, 9, 8, 0)) == "anna"
    assert rota.person_on_call("unknown-tag", utc(2026, 3, 9, 8, 0)) is None


def test_override_on_the_dst_weekend() -> None:
    rota = parse_rota(ROTA)
    # Week of 23 March: bram. Saturday 11:59 CET is 10:59 UTC.
    assert rota.person_on_call("oncall-primary", utc(2026, 3, 28, 10, 59)) == "bram"
    shift = rota.on_call("oncall-primary", utc(2026, 3, 28, 11, 0))
    assert shift is not None and shift.person.id == "carla"
    # Sunday 18:00 CEST (after the change to summer time) is 16:00 UTC, not 17:00.
    assert shift.end == utc(2026, 3, 29, 16, 0)
    assert rota.person_on_call("oncall-primary", utc(2026, 3, 29, 15, 59)) == "carla"
    assert rota.person_on_call("oncall-primary", utc(2026, 3, 29, 16, 0)) == "bram"
    # The next handover, Monday 30 March 09:00 CEST, is 07:00 UTC.
    before = rota.on_call("oncall-primary", utc(2026, 3, 29, 16, 0))
    assert before is not None and before.end == utc(2026, 3, 30, 7, 0)
    assert rota.person_on_call("oncall-primary", utc(2026, 3, 30, 7, 0)) == "anna"
    # The regular shift before the swap ends where the swap starts.
    friday = rota.on_call("oncall-primary", utc(2026, 3, 27, 12, 0))
    assert friday is not None and friday.end == utc(2026, 3, 28, 11, 0)


def test_holiday_cover_replaces_only_the_absent_person() -> None:
    rota = parse_rota(ROTA)
    # Week of 6 April: bram primary, anna secondary; bram's holiday is covered by carla.
    assert rota.person_on_call("oncall-primary", utc(2026, 4, 7, 12, 0)) == "carla"
    assert rota.person_on_call("oncall-secondary", utc(2026, 4, 7, 12, 0)) == "anna"
    # Cover ends with the holiday (Saturday 11 April 00:00 CEST), back to bram until the handover.
    assert rota.person_on_call("oncall-primary", utc(2026, 4, 10, 22, 0)) == "bram"


def test_current_oncall_gives_the_number_to_forward_to() -> None:
    rota = parse_rota(ROTA)
    current = current_oncall(rota, utc(2026, 3, 28, 20, 0))
    assert current == {
        "tag": "oncall-primary",
        "name": "Carla Smit",
        "phone": "+31600000003",
        "email": "carla@erpm.test",
        "until": "2026-03-29T16:00:00+00:00",
        "reason": "swap",
    }


def test_ical_feed_lists_the_shifts() -> None:
    rota = parse_rota(ROTA)
    feed = rota_calendar(rota, utc(2026, 3, 25, 12, 0), tags=["oncall-primary"])
    assert feed.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert feed.endswith("END:VCALENDAR\r\n")
    assert (
        "DTSTART:20260328T110000Z\r\nDTEND:20260329T160000Z\r\nSUMMARY:On call (oncall-primary): Carla Smit"
        in feed
    )
    assert "DTSTART:20260329T160000Z\r\nDTEND:20260330T070000Z" in feed
    assert all(len(line.encode()) <= 75 for line in feed.split("\r\n"))
    assert feed.count("BEGIN:VEVENT") == feed.count("END:VEVENT") >= 16


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone is unknown"),
        ({"rotations": [{"tag": "x", "members": ["nobody"]}]}, "unknown people: nobody"),
        ({"rotations": [{"tag": "x", "members": ["anna"], "handover": "someday 9"}]}, "monday 09:00"),
    ],
)
def test_bad_rota_gives_a_sentence(change: dict[str, object], message: str) -> None:
    with pytest.raises(RotaError, match=message):
        parse_rota({**ROTA, **change})
