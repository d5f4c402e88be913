"""When to poll again: intervals people write ("15m"), backoff after errors, Retry-After.

Times are stored as ISO 8601 UTC strings of one fixed width, so the database compares them
as text ("is this feed due?") without any date arithmetic in SQL.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

MAX_BACKOFF = 6 * 3600.0
"""No feed waits longer than this after errors: a site down for a day is tried four times."""

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")


def parse_interval(text: str) -> float:
    """Seconds in "15m", "90s", "1h30m", "2d" or a bare number of seconds; ValueError otherwise."""
    value = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        seconds = float(value)
    elif value and _PART.sub("", value) == "":
        seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(value))
    else:
        raise ValueError(f"{text!r} is not an interval like 15m, 90s, 1h or 2d")
    if seconds <= 0:
        raise ValueError(f"{text!r}: the interval must be more than zero")
    return seconds


def now_iso() -> str:
    """The current UTC time, as stored."""
    return iso(datetime.now(UTC))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def iso_in(seconds: float) -> str:
    """The stored form of the time `seconds` from now."""
    return iso(datetime.now(UTC) + timedelta(seconds=seconds))


def seconds_until(stored: str | None) -> float:
    """Seconds from now until a stored time (negative when it has passed; 0 for None)."""
    if not stored:
        return 0.0
    return (datetime.fromisoformat(stored) - datetime.now(UTC)).total_seconds()


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks us to wait (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def backoff(errors: int, every: float, asked: float | None = None) -> float:
    """How long to wait after the `errors`-th error in a row: the interval doubled per error,
    at most `MAX_BACKOFF`, and never less than what the server asked for (Retry-After)."""
    wait = min(max(every, 1.0) * 2 ** max(errors - 1, 0), MAX_BACKOFF)
    return max(wait, asked or 0.0)


def seconds_until_after(stored: str | None, seconds: float) -> float:
    """Seconds from now until `seconds` after a stored time (0 for None: due now)."""
    if not stored:
        return 0.0
    return seconds_until(stored) + seconds
