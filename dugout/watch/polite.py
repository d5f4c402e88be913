"""Requests an outlet would not mind: one at a time per host, spaced out, named, size-capped.

Every request the watcher makes (feeds, pages, webhooks) goes through `Fetcher`,
which wraps the safe fetcher (`dugout.ingest.fetch`: no private addresses unless
allowed, size and redirect caps, a deadline per request, a User-Agent naming
dugout) with a per-host rate limit, so polling fifty feeds of one site does not
become fifty simultaneous requests to it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from dugout.ingest.fetch import Fetched, fetch

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.8, */*;q=0.5"
)


class HostLimiter:
    """At most one request at a time per host, at least `interval` seconds apart.

    Threads fetching from different hosts never wait for each other; two fetches from one
    outlet queue up. `interval` 0 only serializes.
    """

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold the host's turn for one request, waiting for it and for the interval first."""
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._last.get(host, float("-inf")) + self.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()


class Fetcher:
    """The safe fetcher with the watcher's settings and the per-host rate limit.

    `fetch` replaces `dugout.ingest.fetch.fetch` (same keywords); tests leave it alone.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = 20.0,
        host_interval: float = 1.0,
        max_bytes: int = 5_000_000,
        fetch: Callable[..., Fetched] = fetch,
    ) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.limiter = HostLimiter(host_interval)
        self._fetch = fetch

    def request(self, url: str, **options: Any) -> Fetched:
        """One request under the host's turn; FetchError when it fails."""
        with self.limiter.slot(urlsplit(url).hostname or ""):
            return self._fetch(
                url,
                allow_private=self.allow_private,
                timeout=self.timeout,
                max_bytes=self.max_bytes,
                **options,
            )

    def page(self, url: str) -> bytes:
        """The bytes of a page an entry links to."""
        return self.request(url).body
