"""The watcher against a real news site on 127.0.0.1: feeds that grow, 304s, duplicates, failures.

RSS 2.0 items link to real saved pages (../shared/corpus/html); Atom entries link to pages made
from real corpus reports (../shared/corpus/football_news.jsonl). Everything is real: HTTP, the
safe fetcher, trafilatura, the extractor and the SQLite store.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dugout.store import Store
from dugout.store.schema import articles as articles_t
from dugout.store.schema import feed_items as items_t
from dugout.watch.ledger import Ledger
from dugout.watch.timing import seconds_until

try:
    from tests.feed_site import FeedSite, Item, corpus_records, page_from_record
    from tests.watch_fixtures import (  # noqa: F401
        _watch_logs,
        db_url,
        extract,
        log_lines,
        pg_database,
        pg_url,
        site,
        store,
        watcher,
    )
except ImportError:  # tests/ is not a package
    from feed_site import FeedSite, Item, corpus_records, page_from_record
    from watch_fixtures import (  # noqa: F401
        _watch_logs,
        db_url,
        extract,
        log_lines,
        pg_database,
        pg_url,
        site,
        store,
        watcher,
    )

SAVED = [
    "espnfc13-example-input.html",
    "l3sgn1-0bc30b43-db01-45d0-9ec4-c9b0848ed8cd.html",
    "l3sgn1-16334064-8cc1-4ec6-ba74-e8c976c18913.html",
    "l3sgn1-17a0df1f-b5f3-4d9c-89df-fa6fd5681d56.html",
]
REPORTS = ["ziv-gdelt-8936476563da", "ziv-gdelt-f40148ab4648", "ziv-gdelt-b931d890ff34"]
WIRE = ["ziv-gdelt-0c15a2a44294", "ziv-gdelt-3bc1ab1ba460", "ziv-gdelt-6928a5c85b14"]
"""One AFP report as three outlets ran it: near-copies of each other (different URLs, edits)."""


def stored(store: Store) -> list[tuple[str, str | None]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(articles_t.c.id, articles_t.c.url))]


def statuses(store: Store) -> dict[str, str]:
    """Each entry's state by link (a link two feeds share: the first feed's entry)."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(items_t.c.link, items_t.c.status).order_by(items_t.c.id.desc())).all()
    return dict(rows)


def saved_item(name: str) -> Item:
    return Item(f"Saved page {name[:20]}", f"/saved/{name}", None)


def report_item(record: dict[str, Any]) -> Item:
    return Item(record["title"], f"/news/{record['id']}", record.get("published"))


def test_items_over_successive_polls_are_ingested_once(site: FeedSite, store: Store, extract: Any) -> None:
    records = corpus_records(set(REPORTS))
    site.add_feed("/rss", "rss", "Saved pages")
    site.add_feed("/atom", "atom", "Corpus reports")
    for name in SAVED[:2]:
        site.publish("/rss", saved_item(name))
    site.publish("/atom", report_item(records[REPORTS[0]]), page_from_record(records[REPORTS[0]]))
    ledger = Ledger(store.engine)
    for url in (site.url("/rss"), site.url("/atom")):
        assert ledger.add_feed(url)
    assert not ledger.add_feed(site.url("/rss"))  # once is enough
    w = watcher(store, extract)

    first = w.cycle(once=True)
    assert (first.polled, first.new, first.stored) == (2, 3, 3)
    assert len(stored(store)) == 3

    second = w.cycle(once=True)  # nothing new: both feeds answer 304
    assert (second.polled, second.new, second.stored) == (2, 0, 0)
    assert "feed " + site.url("/rss") + ": not modified" in log_lines_of(w)

    for name in SAVED[2:]:
        site.publish("/rss", saved_item(name))
    for rid in REPORTS[1:]:
        site.publish("/atom", report_item(records[rid]), page_from_record(records[rid]))
    third = w.cycle(once=True)
    assert (third.new, third.stored) == (4, 4)

    rows = stored(store)
    assert len(rows) == 7 == len({doc for doc, _ in rows}) == len({url for _, url in rows})
    assert set(statuses(store).values()) == {"stored"}
    for path in ["/saved/" + n for n in SAVED] + [f"/news/{r}" for r in REPORTS]:
        assert len(site.hits(path)) == 1, f"{path} fetched more than once"
    feed_hits = site.hits("/rss")
    assert all("dugout" in h["User-Agent"] for _m, h in feed_hits)
    assert "If-None-Match" not in feed_hits[0][1]
    assert feed_hits[1][1]["If-None-Match"] and feed_hits[1][1]["If-Modified-Since"]
    w.close()


def log_lines_of(w: Any) -> str:
    """The watcher's last status per feed, as `dugout feeds list` shows it (for messages)."""
    return "\n".join(f"feed {f.url}: {f.last_status}" for f in w.ledger.feeds())


def test_same_url_same_text_and_near_copies_are_stored_once(
    site: FeedSite, store: Store, extract: Any, caplog: Any
) -> None:
    records = corpus_records(set(WIRE) | {REPORTS[0]})
    site.add_feed("/a", "rss", "Outlet A")
    site.add_feed("/b", "atom", "Outlet B")
    first = records[REPORTS[0]]
    site.publish("/a", report_item(first), page_from_record(first))
    site.publish("/b", Item("Same link in another feed", f"/news/{first['id']}", first["published"]))
    # the same report under another URL: the same text
    site.publish("/b", Item("A copy", "/copy/1", first["published"]), page_from_record(first))
    for rid in WIRE:  # the wire story three times, each page at its own URL
        site.publish("/a", report_item(records[rid]), page_from_record(records[rid]))
    ledger = Ledger(store.engine)
    ledger.add_feed(site.url("/a"))
    ledger.add_feed(site.url("/b"))
    w = watcher(store, extract)
    w.cycle(once=True)
    w.cycle(once=True)

    states = statuses(store)
    wire = [states[site.url(f"/news/{rid}")] for rid in WIRE]
    assert wire.count("stored") == 1 and wire.count("near_copy") == 2, wire
    with store.engine.connect() as conn:
        same = [
            tuple(r)
            for r in conn.execute(
                select(items_t.c.link, items_t.c.status)
                .where(items_t.c.link.in_([site.url(f"/news/{first['id']}"), site.url("/copy/1")]))
                .order_by(items_t.c.id)
            )
        ]
    # the report's link in both feeds, and its text at another URL: whichever page came first
    # is stored, the others are duplicates; the link both feeds carry was fetched once
    assert sorted(status for _link, status in same) == ["duplicate", "duplicate", "stored"], same
    assert len(site.hits(f"/news/{first['id']}")) == 1
    assert len(stored(store)) == 2
    lines = log_lines(caplog)
    assert any("near-copy of" in line for line in lines)
    assert any("duplicate of" in line for line in lines)
    w.close()


def test_broken_feed_slow_server_and_500_are_survived(
    site: FeedSite, store: Store, extract: Any, caplog: Any
) -> None:
    records = corpus_records({REPORTS[0]})
    for path in ("/good", "/broken", "/slow", "/down"):
        site.add_feed(path, "rss", path)
    site.publish("/good", report_item(records[REPORTS[0]]), page_from_record(records[REPORTS[0]]))
    site.publish("/good", Item("Page that fails", "/fails", None))
    site.broken.add("/broken")
    site.delay["/slow"] = 4.0
    site.status["/down"] = (500, {})
    site.status["/fails"] = (503, {"Retry-After": "1"})
    ledger = Ledger(store.engine)
    for path in ("/good", "/broken", "/slow", "/down"):
        ledger.add_feed(site.url(path))
    w = watcher(store, extract, timeout=1.5, attempts=2)

    done = w.cycle(once=True)
    assert done.polled == 4 and done.failed_feeds == 3 and done.stored == 1
    lines = "\n".join(log_lines(caplog))
    assert f"feed {site.url('/broken')}: {site.url('/broken')}: not a readable RSS/Atom feed" in lines
    assert f"feed {site.url('/slow')}: {site.url('/slow')}: timed out" in lines
    assert (
        f"feed {site.url('/down')}: {site.url('/down')}: HTTP 500 Internal Server Error; next try in" in lines
    )
    assert (
        f"entry {site.url('/fails')}: {site.url('/fails')}: HTTP 503 Service Unavailable; retrying in"
        in lines
    )
    feeds = {f.url: f for f in ledger.feeds()}
    assert feeds[site.url("/down")].errors == 1 and feeds[site.url("/down")].last_error.endswith(
        "HTTP 500 Internal Server Error"
    )
    assert feeds[site.url("/good")].errors == 0

    # the next cycle: failed feeds wait for their backoff, the failing page is tried once more and given up
    time.sleep(1.1)
    del site.status["/down"]
    site.delay.pop("/slow")
    again = w.cycle()
    assert again.failed_items == 1
    gave_up = (
        f"entry {site.url('/fails')}: {site.url('/fails')}: HTTP 503 Service Unavailable; given up after 2"
    )
    assert gave_up in "\n".join(log_lines(caplog))
    assert statuses(store)[site.url("/fails")] == "failed"
    recovered = {f.url: f for f in ledger.feeds()}
    assert recovered[site.url("/down")].errors == 0, "the feed that came back is polled again"
    w.close()


def test_retry_after_is_honoured(site: FeedSite, store: Store, extract: Any, caplog: Any) -> None:
    site.add_feed("/busy", "rss", "Busy")
    site.status["/busy"] = (429, {"Retry-After": "120"})
    ledger = Ledger(store.engine)
    ledger.add_feed(site.url("/busy"))
    w = watcher(store, extract)
    w.cycle(once=True)
    feed = ledger.feed(site.url("/busy"))
    assert feed is not None and 118 <= seconds_until(feed.retry_at) <= 120
    assert "next try in 2m (error 1 in a row)" in "\n".join(log_lines(caplog))
    w.cycle(once=True)  # in backoff: not asked again, even by --once
    assert len(site.hits("/busy")) == 1
    w.close()


def test_feed_and_page_on_private_addresses_are_refused(
    site: FeedSite, store: Store, extract: Any, caplog: Any, tmp_path: Path
) -> None:
    records = corpus_records({REPORTS[0]})
    site.add_feed("/rss", "rss", "Local")
    site.publish("/rss", report_item(records[REPORTS[0]]), page_from_record(records[REPORTS[0]]))
    # a feed file (no network to reach it) whose entry links to a page on this machine
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes(site.body("/rss")[0])
    ledger = Ledger(store.engine)
    ledger.add_feed(site.url("/rss"))
    ledger.add_feed(str(feed_file))
    w = watcher(store, extract, allow_private=False, attempts=1)
    done = w.cycle(once=True)
    lines = "\n".join(log_lines(caplog))
    assert f"feed {site.url('/rss')}: 127.0.0.1: refused, 127.0.0.1 is a loopback address" in lines
    assert "refused, 127.0.0.1 is a loopback address (pass allow_private to fetch it); given up" in lines
    assert done.failed_feeds == 1 and done.failed_items == 1 and done.stored == 0
    assert site.requests == [], "nothing on the private address was asked for"
    assert stored(store) == []
    w.close()
