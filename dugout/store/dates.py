"""Partial ISO dates ("2024", "2024-06", "2024-06-30") as day ranges, for ordering and windows.

Claims are dated as precisely as their text allows, so "the summer of 2024" is
"2024-06": ordering uses a date's first day, and "has this date passed?" its
last day, so a contract to "2024-06" is not called stale on 2024-06-15.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

_ISO = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@lru_cache(maxsize=65536)
def _parts(value: str | None) -> tuple[int, int | None, int | None] | None:
    if not value:
        return None
    m = _ISO.match(value.strip())
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if month is not None and not 1 <= month <= 12:
        return None
    return year, month, day


@lru_cache(maxsize=65536)
def start_of(value: str | None) -> date | None:
    """The first day a partial ISO date can mean, or None when it is not one."""
    p = _parts(value)
    if p is None:
        return None
    year, month, day = p
    try:
        return date(year, month or 1, day or 1)
    except ValueError:
        return None


def end_of(value: str | None) -> date | None:
    """The last day a partial ISO date can mean ("2024-06" -> 2024-06-30)."""
    p = _parts(value)
    if p is None:
        return None
    year, month, day = p
    if month is None:
        return date(year, 12, 31)
    try:
        return date(year, month, day or calendar.monthrange(year, month)[1])
    except ValueError:
        return None


def days_between(a: str | date | None, b: str | date | None) -> int | None:
    """Whole days from a to b (first days of partial dates); None when either is unknown."""
    da = a if isinstance(a, date) else start_of(a)
    db = b if isinstance(b, date) else start_of(b)
    if da is None or db is None:
        return None
    return (db - da).days


def month_name(value: str | None) -> str:
    """A date as a journalist writes it: "6 November 2024", "June 2024", "2024"."""
    p = _parts(value)
    if p is None:
        return value or "an unknown date"
    year, month, day = p
    if month is None:
        return str(year)
    name = calendar.month_name[month]
    return f"{day} {name} {year}" if day else f"{name} {year}"
