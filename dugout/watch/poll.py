"""One poll of one feed: a conditional GET (or a look at a feed file) turned into entries.

A feed answers 304 when nothing changed since the validators we kept (ETag,
Last-Modified); a file is unchanged when its modification time and size are.
A plain HTML page may be watched too: it is one entry, keyed by its URL and its
text, so a page whose text changes becomes a new report (and a near-copy of the
old one is skipped later). Anything else is a `PollError` with one line to log
and, when the server said so, how long it asked us to wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dugout.ingest.feeds import FeedEntry, looks_like_feed, read_entries
from dugout.ingest.fetch import Fetched, FetchError
from dugout.ingest.html import HtmlError, article_from_html
from dugout.ingest.readers import url_id
from dugout.records import InputProblem

from .ledger import Feed
from .polite import FEED_ACCEPT, Fetcher
from .timing import retry_after

MAX_FEED_FILE = 5_000_000


class PollError(Exception):
    """A poll that failed; str() is one line for the log. `wait` is the server's Retry-After."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


@dataclass
class Polled:
    """What a poll found. `unchanged` means 304 (or the same file): no entries were read."""

    unchanged: bool
    entries: list[FeedEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    title: str | None = None
    validators: dict[str, str | None] = field(default_factory=dict)


def poll(feed: Feed, fetcher: Fetcher) -> Polled:
    """Poll a feed, page or feed file once; PollError when it cannot be read."""
    if not feed.url.startswith(("http://", "https://")):
        return _poll_file(feed)
    headers = {"Accept": FEED_ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        got = fetcher.request(feed.url, headers=headers)
    except FetchError as e:
        raise PollError(str(e), retry_after(e.retry_after)) from e
    if got.status == 304:
        return Polled(unchanged=True)
    validators = {"etag": got.headers.get("etag"), "last_modified": got.headers.get("last-modified")}
    return _read(got, feed.url, validators)


def _poll_file(feed: Feed) -> Polled:
    path = Path(feed.url)
    try:
        info = path.stat()
        if info.st_size > MAX_FEED_FILE:
            raise PollError(f"{path}: too large ({info.st_size} bytes, limit {MAX_FEED_FILE})")
        stamp = f"{info.st_mtime_ns}-{info.st_size}"
        if stamp == feed.last_modified:
            return Polled(unchanged=True)
        data = path.read_bytes()
    except OSError as e:
        raise PollError(f"{path}: cannot read ({e.strerror})") from e
    if not looks_like_feed(data, None):
        raise PollError(f"{path}: not an RSS or Atom feed")
    return _feed(data, str(path), {"etag": None, "last_modified": stamp})


def _read(got: Fetched, url: str, validators: dict[str, str | None]) -> Polled:
    if looks_like_feed(got.body, got.content_type):
        return _feed(got.body, url, validators)
    if "html" in (got.content_type or "") or got.body.lstrip()[:512].lower().startswith(
        (b"<!doctype", b"<html")
    ):
        return _page(got, url, validators)
    raise PollError(f"{url}: neither an RSS/Atom feed nor an HTML page ({got.content_type or 'no type'})")


def _feed(data: bytes, url: str, validators: dict[str, str | None]) -> Polled:
    found = list(read_entries(data, feed_url=url))
    entries = [f for f in found if isinstance(f, FeedEntry) and (f.text or f.link)]
    problems = [str(f) for f in found if isinstance(f, InputProblem)]
    problems += [
        f"{f.title or f.id}: no text and no link"
        for f in found
        if isinstance(f, FeedEntry) and not (f.text or f.link)
    ]
    if problems and not entries:  # the document itself is broken (or holds only bad entries)
        raise PollError(problems[0])
    title = next((e.outlet for e in entries if e.outlet), None)
    return Polled(False, entries, problems, title, validators)


def _page(got: Fetched, url: str, validators: dict[str, str | None]) -> Polled:
    """A watched page: one entry holding its text, keyed by URL and text."""
    try:
        article = article_from_html(
            got.body, doc_id=url_id(url), url=got.final_url, content_type=got.content_type
        )
    except HtmlError as e:
        raise PollError(f"{url}: {e}") from e
    entry = FeedEntry(
        id=f"{url_id(url)}-{article.content_hash[:10]}",
        link=url,
        title=article.title,
        published=article.published,
        author=article.author,
        outlet=article.outlet,
        text=article.text,
        whole=True,
    )
    return Polled(False, [entry], [], article.outlet, validators)
