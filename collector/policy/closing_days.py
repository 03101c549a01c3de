"""Which days a calendar is closed: public holidays as most Dutch employers observe them, plus extra days.

The `holidays` package gives the national list; the policy then settles the two points that differ per
employer: Good Friday (listed by the package, a working day by default) and Liberation Day (5 May, every
fifth year by default, or yearly).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

LiberationDayRule = Literal["lustrum", "yearly"]

GOOD_FRIDAY = "Good Friday"
LIBERATION_DAY = "Liberation Day"


def easter_sunday(year: int) -> date:
    """Western Easter (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(
    year: int,
    country: str = "NL",
    good_friday_off: bool = False,
    liberation_day: LiberationDayRule = "lustrum",
) -> dict[date, str]:
    """Public holidays of one year that close the office, by date, with English names."""
    import holidays

    listed = holidays.country_holidays(country, years=year, language="en_US")
    days: dict[date, str] = {day: str(name) for day, name in sorted(listed.items())}
    if country.upper() != "NL":
        return days
    good_friday = easter_sunday(year) - timedelta(days=2)
    days.pop(good_friday, None)
    if good_friday_off:
        days[good_friday] = GOOD_FRIDAY
    liberation = date(year, 5, 5)
    days.pop(liberation, None)
    if liberation_day == "yearly" or year % 5 == 0:
        days[liberation] = LIBERATION_DAY
    return dict(sorted(days.items()))
