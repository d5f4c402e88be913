"""Dates as records, feeds and users write them: read into one ISO form, or refused by name.

A report's `published` is the date every story is told against ("as of
2024-11-06"), so a wrong one cannot be kept: "2024-02-31" or "abcd-efghij" is
refused with a message naming the value, never cut to ten characters or
dropped without a word.

`parse_published` reads what a record, a feed or a page carries: ISO dates
(2024-11-06), ISO datetimes with or without a zone (2024-11-06T21:30:00+01:00,
...Z, 2024-11-06 21:30), RFC 822/2822 as RSS writes them (Wed, 06 Nov 2024
21:30:00 GMT) and the long forms reports print (6 November 2024, November 6,
2024). A datetime keeps the day written in its own zone: the day the outlet
published it. Years outside FIRST_YEAR..LAST_YEAR are refused: no football
report was published in year 5 or 9999, and story arithmetic (windows of days
around a date) must stay inside what `datetime.date` can hold.

`parse_day` reads a query date (`--since`, `--as-of`, `?as_of=`): YYYY-MM-DD only,
as the OpenAPI schema declares (`format: date`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from dugout.ingest.clean import MONTHS, WEEKDAY_NAMES

FIRST_YEAR = 1800
LAST_YEAR = 2999
FORMS = '2024-11-06 (or an ISO datetime, an RSS date like "Wed, 06 Nov 2024 21:30:00 GMT", 6 November 2024)'

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_START = re.compile(r"\d{4}-?\d{2}")
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s*(?:[+-]\d{4}|[A-Za-z]{1,5}))?"
)
_MONTH = "(" + "|".join(MONTHS) + ")"
_WEEKDAY = "(?:(?:" + "|".join(WEEKDAY_NAMES) + r"),?\s+)?"
_DAY_MONTH_YEAR = re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})", re.I)
_MONTH_DAY_YEAR = re.compile(_WEEKDAY + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I)


class BadDate(ValueError):
    """A value that is not a date this module reads; str() names the value and what is wrong."""


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _in_range(day: date, value: str) -> str:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadDate(f"{_shown(value)} is out of range: years {FIRST_YEAR} to {LAST_YEAR} only")
    return day.isoformat()


def _long_form(text: str) -> date | None:
    """6 November 2024, Wednesday 6 November 2024, November 6, 2024 (ValueError if impossible)."""
    m = _DAY_MONTH_YEAR.fullmatch(text)
    if m:
        return date(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
    m = _MONTH_DAY_YEAR.fullmatch(text)
    if m:
        return date(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
    return None


def _read(text: str) -> date | None:
    """The day `text` writes in one of the accepted forms; None when it is none of them;
    ValueError when it has a form but no such day exists (2024-02-31)."""
    if _ISO_START.match(text):
        return datetime.fromisoformat(text).date()
    if _RFC822.fullmatch(text):
        return parsedate_to_datetime(text).date()
    return _long_form(text)


def parse_published(value: str) -> str:
    """The ISO day (YYYY-MM-DD) a publication date names; BadDate naming the value otherwise."""
    text = value.strip()
    try:
        day = _read(text)
    except (ValueError, TypeError, OverflowError) as e:
        day, reason = None, str(e)
        if "isoformat" not in reason:  # a date's shape with an impossible part: say which
            raise BadDate(f"{_shown(value)} is not a real date ({reason})") from None
    if day is None:
        raise BadDate(f"{_shown(value)} is not a date; write it like {FORMS}")
    return _in_range(day, value)


def parse_day(value: str) -> str:
    """A query's ISO day, exactly YYYY-MM-DD; BadDate naming the value otherwise."""
    if not _DAY.fullmatch(value):
        raise BadDate(f"{_shown(value)} is not a date like 2024-11-06")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as e:
        raise BadDate(f"{_shown(value)} is not a real date ({e})") from None
