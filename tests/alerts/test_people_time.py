"""Times as people read them: Amsterdam local time across both DST switches, spans, relative phrases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alerts.people_time import deadline_phrase, local_time, relative, span


def test_local_time_uses_amsterdam_winter_and_summer_offsets() -> None:
    assert local_time(datetime(2026, 11, 27, 21, 1, 25, tzinfo=UTC)) == "vr 27 nov 22:01"
    assert local_time(datetime(2026, 7, 3, 21, 1, tzinfo=UTC), "en") == "Fri 3 Jul 23:01"
    assert (
        local_time(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "en", with_year=True) == "Sun 29 Mar 2026 03:00"
    )
    assert local_time(None) == "-"


def test_span_reads_to_the_minute() -> None:
    assert span(timedelta(hours=2, minutes=58, seconds=20)) == "2 h 58 min"
    assert span(timedelta(days=3, hours=4)) == "3 d 4 h"
    assert span(timedelta(days=2)) == "2 d"
    assert span(timedelta(minutes=-12)) == "12 min"


def test_relative_and_deadline_phrases_in_both_languages() -> None:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert relative(now + timedelta(hours=2, minutes=58), now, "en") == "in 2 h 58 min"
    assert relative(now - timedelta(hours=3), now) == "3 h geleden"
    assert relative(now + timedelta(seconds=20), now, "en") == "now"
    assert deadline_phrase(now - timedelta(hours=3), now, "en") == "3 h overdue"
    assert deadline_phrase(now - timedelta(hours=3), now) == "3 h over tijd"
    assert deadline_phrase(now + timedelta(minutes=5), now) == "over 5 min"
