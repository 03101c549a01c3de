"""An independent, deliberately naive calendar: step minute by minute. Slow; used as the reference."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from collector.policy.calendars import BusinessCalendar

MINUTE = timedelta(minutes=1)


class NaiveCalendar:
    """Open or closed decided per minute from local wall time, weekday and the list of closing days."""

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.settings = calendar.settings
        self.tz = calendar.tz
        self._closed: dict[int, set[date]] = {}
        self._calendar = calendar

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        day = local.date()
        closed = self._closed.get(day.year)
        if closed is None:
            closed = self._closed[day.year] = set(self._calendar.closed_days(day.year))
        if day.weekday() not in self.settings.weekdays or day in closed:
            return False
        return self.settings.opens <= local.time() < self.settings.closes

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """Count open minutes from `start` (a whole minute) until `duration` has run."""
        remaining = duration // MINUTE
        moment = start
        while remaining > 0:
            if self.is_open(moment):
                remaining -= 1
            moment += MINUTE
        return moment.astimezone(self.tz)
