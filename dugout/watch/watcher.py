"""The watch loop: poll what is due, read new entries into reports, check followed names, deliver.

One cycle:

1. catch up: if reports arrived that no check covered (another process ingested,
   or this one was killed between storing and checking), check every followed name;
2. poll every feed that is due (its interval passed, or its backoff after errors
   ended), in threads, one request at a time per host; record new entries;
3. read the pending entries: pages fetched in threads, then one at a time
   through duplicate checks, the language model and the store; after each stored
   report the followed names it touches are checked and alerts emitted;
4. deliver the alerts owed to the webhook.

Every failure (a broken feed, a timeout, a 500, a refused address) is one log
line and a later retry; nothing stops the loop but `stop`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import func, select

from dugout.records import Article, Claim
from dugout.store import Store, StoreError
from dugout.store.schema import claims as claims_t

from .alerts import Alert, check
from .items import Extract, already_done, read_article, store_article
from .ledger import FAILED, STORED, Feed, Item, Ledger
from .polite import Fetcher
from .poll import Polled, PollError, poll
from .timing import backoff, iso_in, seconds_until, seconds_until_after
from .webhook import Webhook

log = logging.getLogger("dugout.watch")


@dataclass
class Settings:
    """How the watcher behaves; the CLI's options."""

    every: float = 900.0
    allow_private: bool = False
    timeout: float = 20.0
    host_interval: float = 1.0
    workers: int = 8
    attempts: int = 3
    """Tries per entry (its page fetch) before it is given up as failed."""


@dataclass
class Cycle:
    """What one cycle did, for `--once`'s summary and exit status."""

    polled: int = 0
    failed_feeds: int = 0
    new: int = 0
    stored: int = 0
    skipped: int = 0
    failed_items: int = 0
    alerts: list[Alert] = field(default_factory=list)


def extract_with(extractor: object, lock: threading.Lock | None = None) -> Extract:
    """The claims of one report through a loaded `Extractor` (under `lock` when it is shared)."""

    def extract(article: Article) -> list[Claim]:
        if lock is None:
            return [c for _a, cs in extractor.run([article]) for c in cs]  # type: ignore[attr-defined]
        with lock:
            return [c for _a, cs in extractor.run([article]) for c in cs]  # type: ignore[attr-defined]

    return extract


class Watcher:
    """Polls the ledger's feeds into `store`; `on_alert` is called with each new alert."""

    def __init__(
        self,
        store: Store,
        extract: Extract,
        settings: Settings,
        *,
        webhook: Webhook | None = None,
        on_alert: Callable[[Alert], None] | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.store = store
        self.extract = extract
        self.settings = settings
        self.ledger = Ledger(store.engine)
        self.fetcher = fetcher or Fetcher(
            allow_private=settings.allow_private,
            timeout=settings.timeout,
            host_interval=settings.host_interval,
        )
        self.webhook = webhook
        self.on_alert = on_alert
        self.pool = ThreadPoolExecutor(max(1, settings.workers), thread_name_prefix="dugout-watch")
        self._checked_top: int | None = None

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    # -- the loop ------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Cycle until `stop` is set, sleeping until the next feed, retry or delivery is due."""
        while not stop.is_set():
            try:
                self.cycle(stop=stop)
            except StoreError as e:  # the database went away: say so, try again later
                log.error("database unavailable: %s; retrying in %.0fs", e, self.settings.every)
                stop.wait(self.settings.every)
                continue
            stop.wait(self.next_wake())

    def cycle(self, once: bool = False, stop: threading.Event | None = None) -> Cycle:
        """One pass: catch up, poll what is due (everything but feeds in backoff, with `once`),
        read the pending entries, deliver."""
        done = Cycle()
        self._emit(done, self._catch_up())
        self._poll_due(done, once)
        self._read_pending(done, stop)
        if self.webhook is not None:
            self.webhook.deliver(self.store)
        return done

    def next_wake(self) -> float:
        """Seconds until something is due: a feed's next poll, an entry's retry, a delivery's."""
        every = self.settings.every
        waits = [
            seconds_until(f.retry_at) if f.retry_at else seconds_until_after(f.last_poll, every)
            for f in self.ledger.feeds()
        ]
        retry = self.ledger.next_retry()
        waits.append(seconds_until(retry) if retry else every)
        due = self.webhook.next_due(self.store) if self.webhook is not None else None
        if due:
            waits.append(seconds_until(due))
        return min(max(min(waits, default=every), 0.05), every)

    # -- steps ---------------------------------------------------------------------------------

    def _top(self) -> int:
        with self.store.engine.connect() as conn:
            return int(conn.execute(select(func.max(claims_t.c.id))).scalar() or 0)

    def _targets(self) -> tuple[str, ...]:
        return (self.webhook.url,) if self.webhook is not None else ()

    def _catch_up(self) -> list[Alert]:
        top = self._top()
        if top == self._checked_top:
            return []
        found = check(self.store, None, self._targets())
        self._checked_top = top
        return found

    def _due(self, feed: Feed, once: bool) -> bool:
        if feed.retry_at:
            return seconds_until(feed.retry_at) <= 0
        return once or seconds_until_after(feed.last_poll, self.settings.every) <= 0

    def _poll_due(self, done: Cycle, once: bool) -> None:
        feeds = [f for f in self.ledger.feeds() if self._due(f, once)]
        futures: dict[Future[Polled], Feed] = {self.pool.submit(poll, f, self.fetcher): f for f in feeds}
        for future in as_completed(futures):
            feed = futures[future]
            done.polled += 1
            try:
                polled = future.result()
            except PollError as e:
                done.failed_feeds += 1
                self._poll_failed(feed, e)
                continue
            self._record(done, feed, polled)

    def _poll_failed(self, feed: Feed, e: PollError) -> None:
        wait = backoff(feed.errors + 1, self.settings.every, e.wait)
        errors = self.ledger.record_error(feed, str(e), iso_in(wait))
        log.warning(
            "feed %s: %s; next try in %s (error %d in a row)", feed.url, _plain(e), _span(wait), errors
        )

    def _record(self, done: Cycle, feed: Feed, polled: Polled) -> None:
        if polled.unchanged:
            self.ledger.record_unchanged(feed)
            log.info("feed %s: not modified", feed.url)
            return
        new = self.ledger.record_poll(feed, polled.entries, title=polled.title, validators=polled.validators)
        done.new += new
        log.info("feed %s: %d entries, %d new", feed.url, len(polled.entries), new)
        for problem in polled.problems:
            log.warning("feed %s: entry skipped: %s", feed.url, problem)

    def _read_pending(self, done: Cycle, stop: threading.Event | None) -> None:
        waiting: dict[Future[Article], Item] = {}
        links: set[str] = set()
        later: list[Item] = []  # a second entry with a link being fetched now: the first decides it
        for item in _by_turns(self.ledger.pending()):
            if self._skip_known(done, item):
                continue
            if item.link and item.link in links:
                later.append(item)
                continue
            links.add(item.link or "")
            waiting[self.pool.submit(read_article, item, self.fetcher)] = item
        for future in as_completed(waiting):
            if stop is not None and stop.is_set():
                return
            item = waiting[future]
            try:
                article = future.result()
            except Exception as e:  # noqa: BLE001 - a fetch, page or text problem: logged, retried
                self._item_failed(done, item, e)
                continue
            self._store(done, item, article)
        for item in later:
            self._skip_known(done, item)

    def _skip_known(self, done: Cycle, item: Item) -> bool:
        """Finish an entry that needs no fetch (its report or its URL is stored); True if it did."""
        known = already_done(item, self.store, self.ledger)
        if known is None:
            return False
        self.ledger.finish(item, known.status, known.doc)
        done.skipped += 1
        log.info("entry %s: %s %s", item.link or item.entry_key, _said(known.status), known.doc)
        return True

    def _item_failed(self, done: Cycle, item: Item, e: Exception) -> None:
        where = item.link or item.entry_key
        message = _plain(e)
        if item.attempts + 1 >= self.settings.attempts:
            self.ledger.finish(item, FAILED, None, message)
            done.failed_items += 1
            log.warning("entry %s: %s; given up after %d attempts", where, message, item.attempts + 1)
            return
        wait = backoff(item.attempts + 1, self.settings.every)
        self.ledger.retry_later(item, message, iso_in(wait))
        log.warning(
            "entry %s: %s; retrying in %s (attempt %d of %d)",
            where,
            message,
            _span(wait),
            item.attempts + 1,
            self.settings.attempts,
        )

    def _store(self, done: Cycle, item: Item, article: Article) -> None:
        where = item.link or item.entry_key
        try:
            outcome = store_article(article, self.store, self.extract)
        except StoreError as e:
            log.error("entry %s: could not store it (%s); it stays pending", where, e)
            return
        except Exception as e:  # noqa: BLE001 - a report that breaks the extractor is given up
            self.ledger.finish(item, FAILED, None, f"extraction failed ({type(e).__name__}: {e})")
            done.failed_items += 1
            log.warning("entry %s: extraction failed (%s: %s)", where, type(e).__name__, e)
            return
        self.ledger.finish(item, outcome.status, outcome.doc)
        if outcome.status != STORED or outcome.article is None:
            done.skipped += 1
            log.info("entry %s: %s %s", where, _said(outcome.status), outcome.doc)
            return
        done.stored += 1
        log.info("entry %s: stored as %s, %d claims", where, outcome.doc, len(outcome.claims))
        found = check(self.store, outcome.claims, self._targets())
        self._checked_top = self._top()  # untouched names: this report cannot move their stories
        self._emit(done, found)

    def _emit(self, done: Cycle, alerts: list[Alert]) -> None:
        for alert in alerts:
            done.alerts.append(alert)
            log.info("alert for %s: %s", alert.name, alert.summary)
            if self.on_alert is not None:
                self.on_alert(alert)
        if alerts and self.webhook is not None:  # now, not after the rest of the backlog
            self.webhook.deliver(self.store)


def _by_turns(items: list[Item]) -> list[Item]:
    """Entries interleaved host by host (each host's in its own order): the fetch threads then
    work on as many outlets at once as they can, instead of all queueing for one outlet's turn."""
    queues: dict[str, list[Item]] = {}
    for item in items:
        queues.setdefault(urlsplit(item.link or "").hostname or "", []).append(item)
    return [
        q[i] for i in range(max(map(len, queues.values()), default=0)) for q in queues.values() if i < len(q)
    ]


def _said(status: str) -> str:
    return {
        "stored": "already stored as",
        "duplicate": "duplicate of",
        "near_copy": "near-copy of",
    }.get(status, status)


def _plain(e: Exception) -> str:
    return str(e) or type(e).__name__


def _span(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.1f}h"
