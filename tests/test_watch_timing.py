"""The politeness arithmetic: intervals, Retry-After, backoff, and the per-host rate limit."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from dugout.watch.polite import HostLimiter
from dugout.watch.timing import MAX_BACKOFF, backoff, parse_interval, retry_after


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("90s", 90), ("1h30m", 5400), ("2d", 172800), ("45", 45), (" 1H ", 3600), ("0.5s", 0.5)],
)
def test_intervals(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15 minutes", "m15", "-5m", "0s", "1h-2m"])
def test_bad_intervals_say_what_an_interval_looks_like(text: str) -> None:
    with pytest.raises(ValueError, match="interval"):
        parse_interval(text)


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after("120") == 120
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert 55 <= (retry_after(in_a_minute) or 0) <= 60
    assert retry_after(format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)) == 0
    assert retry_after("next Tuesday") is None and retry_after(None) is None


def test_backoff_doubles_up_to_a_cap_and_never_undercuts_retry_after() -> None:
    assert [backoff(n, 60) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(30, 900) == MAX_BACKOFF
    assert backoff(1, 60, asked=3600) == 3600
    assert backoff(1, 0.01) == 1.0  # never a busy loop


def test_one_request_at_a_time_per_host_spaced_out_and_hosts_independent() -> None:
    limiter = HostLimiter(0.3)
    spans: dict[str, list[tuple[float, float]]] = {"a": [], "b": []}

    def request(host: str) -> None:
        with limiter.slot(host):
            start = time.monotonic()
            time.sleep(0.05)
            spans[host].append((start, time.monotonic()))

    started = time.monotonic()
    threads = [threading.Thread(target=request, args=(h,)) for h in ("a", "a", "a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a = sorted(spans["a"])
    assert all(later[0] - earlier[1] >= 0.29 for earlier, later in zip(a, a[1:], strict=False))
    assert spans["b"][0][0] - started < 0.2, "another host does not wait for this one"
