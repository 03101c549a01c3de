"""Business calendars: when the clock of a target runs (policy section 5).

A calendar is a list of opening intervals, built in local time per day (so a day on which the clocks
change still opens and closes at its local times) and kept as UTC microseconds with a running total of
business time. Adding business time or measuring it between two instants is then two binary searches,
whatever the distance: no walking minute by minute. Intervals are built a year at a time, on demand.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from threading import RLock
from zoneinfo import ZoneInfo

from collector.policy.closing_days import LiberationDayRule, public_holidays

ALL_WEEKDAYS: frozenset[int] = frozenset(range(7))
MONDAY_TO_FRIDAY: frozenset[int] = frozenset(range(5))

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# A calendar that stays closed this long is misconfigured, not slow.
_MAX_YEARS_WITHOUT_ROOM = 20
_DAY_US = 86_400_000_000


@dataclass(frozen=True)
class CalendarSettings:
    """Opening hours and closing days of one calendar. The defaults are the support calendar."""

    good_friday_off: bool = False
    liberation_day: LiberationDayRule = "lustrum"
    extra_closed_days: tuple[date, ...] = ()
    timezone: str = "Europe/Amsterdam"
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    public_holidays: bool = True
    holiday_country: str = "NL"

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError(f"a calendar must close after it opens ({self.opens} to {self.closes})")
        if self.liberation_day not in ("lustrum", "yearly"):
            raise ValueError(f"liberation_day must be 'lustrum' or 'yearly', not {self.liberation_day!r}")


SUPPORT_SETTINGS = CalendarSettings()
PREMIUM_SETTINGS = CalendarSettings(
    opens=time(6, 0), closes=time(23, 0), weekdays=ALL_WEEKDAYS, public_holidays=False
)


def to_microseconds(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    try:
        return (moment - _EPOCH) // _MICROSECOND
    except TypeError:
        raise ValueError(f"{moment.isoformat()} has no time zone: pass an aware datetime") from None


@dataclass
class _Intervals:
    """Opening intervals [opens[i], closes[i]) in UTC microseconds, sorted, with business time before each."""

    first_year: int = 0
    last_year: int = -1
    lo: int = 0  # covered range [lo, hi)
    hi: int = 0
    opens: list[int] = field(default_factory=list)
    closes: list[int] = field(default_factory=list)
    before: list[int] = field(default_factory=list)  # business time before interval i
    through: list[int] = field(default_factory=list)  # business time up to the end of interval i


class BusinessCalendar:
    """One calendar's opening intervals and its arithmetic. All instants are aware datetimes."""

    def __init__(self, name: str, settings: CalendarSettings) -> None:
        self.name = name
        self.settings = settings
        self.tz = ZoneInfo(settings.timezone)
        self._iv = _Intervals()
        self._lock = RLock()

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.name!r})"

    # -- days and windows -------------------------------------------------------------------------

    def closed_days(self, year: int) -> dict[date, str]:
        """Days of a year on which this calendar stays closed although the weekday would open it."""
        s = self.settings
        days: dict[date, str] = {}
        if s.public_holidays:
            days = public_holidays(year, s.holiday_country, s.good_friday_off, s.liberation_day)
        for extra in s.extra_closed_days:
            if extra.year == year:
                days.setdefault(extra, "Extra closing day")
        return dict(sorted(days.items()))

    def window_on(self, day: date) -> tuple[datetime, datetime] | None:
        """The opening window of a local date (local aware datetimes), or None when closed all day."""
        if day.weekday() not in self.settings.weekdays or day in self.closed_days(day.year):
            return None
        return self._window(day)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        s = self.settings
        return datetime.combine(day, s.opens, self.tz), datetime.combine(day, s.closes, self.tz)

    # -- the interval table -----------------------------------------------------------------------

    def _year_intervals(self, year: int) -> tuple[list[int], list[int]]:
        closed = self.closed_days(year)
        weekdays = self.settings.weekdays
        opens: list[int] = []
        closes: list[int] = []
        day = date(year, 1, 1)
        one_day = timedelta(days=1)
        while day.year == year:
            if day.weekday() in weekdays and day not in closed:
                start, end = self._window(day)
                opens.append(to_microseconds(start))
                closes.append(to_microseconds(end))
            day += one_day
        return opens, closes

    def _year_start(self, year: int) -> int:
        return to_microseconds(datetime(year, 1, 1, tzinfo=self.tz))

    def _build(self, first_year: int, last_year: int) -> None:
        opens: list[int] = []
        closes: list[int] = []
        for year in range(first_year, last_year + 1):
            year_opens, year_closes = self._year_intervals(year)
            opens += year_opens
            closes += year_closes
        before: list[int] = []
        through: list[int] = []
        total = 0
        for start, end in zip(opens, closes, strict=True):
            before.append(total)
            total += end - start
            through.append(total)
        self._iv = _Intervals(
            first_year,
            last_year,
            self._year_start(first_year),
            self._year_start(last_year + 1),
            opens,
            closes,
            before,
            through,
        )

    def _extend_forward(self) -> _Intervals:
        # Readers may hold the old table in another thread: build a new one and swap it in whole.
        with self._lock:
            iv = self._iv
            year = iv.last_year + 1
            if year - iv.first_year > 200:
                raise ValueError(f"the {self.name} calendar cannot compute that far ahead")
            opens, closes = self._year_intervals(year)
            grown = _Intervals(
                iv.first_year,
                year,
                iv.lo,
                self._year_start(year + 1),
                iv.opens + opens,
                iv.closes + closes,
                list(iv.before),
                list(iv.through),
            )
            total = iv.through[-1] if iv.through else 0
            for start, end in zip(opens, closes, strict=True):
                grown.before.append(total)
                total += end - start
                grown.through.append(total)
            self._iv = grown
            return grown

    def _cover(self, us: int) -> _Intervals:
        """Make sure the table covers the instant (with a spare day either side) and return it."""
        iv = self._iv
        if iv.lo + _DAY_US <= us < iv.hi - _DAY_US:
            return iv
        year = (_EPOCH + timedelta(microseconds=us)).year
        if not 1971 <= year <= 9000:
            raise ValueError(f"the {self.name} calendar works on years 1971-9000, not {year}")
        with self._lock:
            iv = self._iv
            if iv.last_year < iv.first_year:
                self._build(year - 1, year + 1)
            elif year - 1 < iv.first_year:
                self._build(year - 1, iv.last_year)
        while self._iv.last_year < year + 1:
            self._extend_forward()
        return self._iv

    def _business_before(self, iv: _Intervals, us: int) -> int:
        """Business time from the start of the table up to the instant."""
        i = bisect_right(iv.opens, us) - 1
        if i < 0:
            return 0
        return iv.before[i] + min(us, iv.closes[i]) - iv.opens[i]

    def _instant_at(self, iv: _Intervals, business: int) -> int:
        """The earliest instant at which the running business time reaches the amount (> 0)."""
        empty_years = 0
        while not iv.through or business > iv.through[-1]:
            before = len(iv.opens)
            iv = self._extend_forward()
            empty_years = empty_years + 1 if len(iv.opens) == before else 0
            if empty_years > _MAX_YEARS_WITHOUT_ROOM:
                raise ValueError(f"the {self.name} calendar has no opening hours left to count")
        j = bisect_left(iv.through, business)
        return iv.opens[j] + business - iv.before[j]

    def from_microseconds(self, us: int) -> datetime:
        """The instant, in this calendar's local time."""
        return (_EPOCH + timedelta(microseconds=us)).astimezone(self.tz)

    def add_microseconds(self, start_us: int, duration_us: int) -> int:
        """`add` on epoch microseconds, for hot loops; `duration_us` must be positive."""
        iv = self._cover(start_us)
        return self._instant_at(iv, self._business_before(iv, start_us) + duration_us)

    # -- the public arithmetic --------------------------------------------------------------------

    def is_open(self, moment: datetime) -> bool:
        """True inside an opening interval; a closing time itself is closed."""
        us = to_microseconds(moment)
        iv = self._cover(us)
        i = bisect_right(iv.opens, us) - 1
        return i >= 0 and us < iv.closes[i]

    def next_open(self, moment: datetime) -> datetime:
        """The instant itself when open, otherwise the next opening."""
        us = to_microseconds(moment)
        iv = self._cover(us)
        i = bisect_right(iv.opens, us) - 1
        if i >= 0 and us < iv.closes[i]:
            return moment
        return self.from_microseconds(self._instant_at(iv, iv.through[i] + 1 if i >= 0 else 1) - 1)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which `duration` of business time has run from `start`.

        The clock starts at the next opening when `start` is outside the calendar; a result that lands
        exactly on a closing time stays at that closing time. A zero duration gives the clock's start.
        """
        amount = duration // _MICROSECOND
        if amount <= 0:
            if amount < 0:
                raise ValueError("business time to add cannot be negative")
            return self.next_open(start)
        return self.from_microseconds(self.add_microseconds(to_microseconds(start), amount))

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two instants (negative when `end` comes before `start`)."""
        start_us = to_microseconds(start)
        end_us = to_microseconds(end)
        self._cover(min(start_us, end_us))
        iv = self._cover(max(start_us, end_us))
        business = self._business_before(iv, end_us) - self._business_before(iv, start_us)
        return timedelta(microseconds=business)


@lru_cache(maxsize=32)
def calendar_for(name: str, settings: CalendarSettings) -> BusinessCalendar:
    """One shared calendar per name and settings, so its interval table is built once."""
    return BusinessCalendar(name, settings)


def support_calendar(settings: CalendarSettings = SUPPORT_SETTINGS) -> BusinessCalendar:
    return calendar_for("support", settings)


def premium_calendar(settings: CalendarSettings = PREMIUM_SETTINGS) -> BusinessCalendar:
    return calendar_for("premium", settings)
