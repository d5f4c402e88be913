"""RSS and Atom feeds into Articles, one per entry.

A feed is how an outlet tells us what it published, with clean metadata (headline,
link, date) but often without the report itself: some feeds carry the whole
article, most only a teaser. So an entry's own content is used when it looks like
the whole article, and otherwise the linked page is fetched (when the caller
gives a fetcher) and read like any other page, the entry's metadata filling what
the page lacks. One bad entry is reported and skipped; the rest go on.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import feedparser

from dugout.ingest.html import article_from_html, html_to_text, outlet_from_url
from dugout.records import Article, InputProblem

__all__ = [
    "FULL_TEXT_MIN_WORDS",
    "FeedEntry",
    "article_of_entry",
    "articles_from_feed",
    "entry_id",
    "looks_like_feed",
    "read_entries",
]

FULL_TEXT_MIN_WORDS = 150
"""An entry whose content has fewer words is a teaser, not the article: fetch the page instead."""

_FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/x-rss+xml",
    "application/feed+xml",
}
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>]", re.I)


def looks_like_feed(data: bytes, content_type: str | None) -> bool:
    """True for RSS/Atom: by media type, or by the root element when the type is generic XML/text."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in _FEED_TYPES:
        return True
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return bool(_FEED_ROOT.search(head)) and b"<html" not in head.lower()


def _host(url: str | None) -> str | None:
    return urlsplit(url).hostname if url and "://" in url else None


def entry_id(entry: Any, feed_host: str) -> str:
    """A stable id for an entry: the feed's host plus a short hash of the entry's id or link.

    Stable so that reading the same feed twice gives the same ids (the store is
    idempotent on them).
    """
    key = entry.get("id") or entry.get("link") or f"{entry.get('title', '')}|{entry.get('published', '')}"
    return f"{feed_host}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


def _iso_date(entry: Any) -> str | None:
    parsed: time.struct_time | None = entry.get("published_parsed") or entry.get("updated_parsed")
    return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}" if parsed else None


def _as_text(detail: Any) -> str:
    """Plain text of a feedparser content/summary element (HTML or plain)."""
    if hasattr(detail, "get"):
        value, media = detail.get("value", ""), detail.get("type", "")
    else:
        value, media = str(detail or ""), ""
    if "html" in media or re.search(r"<[a-z][^>]*>", value):
        return html_to_text(value)
    paragraphs = (re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", value))
    return "\n\n".join(p for p in paragraphs if p)


def _entry_text(entry: Any) -> str:
    """The longest text the entry carries itself: a content element, else the summary."""
    candidates = [_as_text(c) for c in entry.get("content") or []]
    if entry.get("summary_detail") or entry.get("summary"):
        candidates.append(_as_text(entry.get("summary_detail") or entry.get("summary")))
    return max(candidates, key=len, default="")


@dataclass(frozen=True)
class FeedEntry:
    """One feed entry's own metadata and text, before any page is fetched.

    A watcher keeps these between polls (the page is fetched later, and again after a
    failure), so everything an Article needs from the feed is here.
    """

    id: str
    link: str | None
    title: str | None
    published: str | None
    author: str | None
    outlet: str | None
    text: str
    whole: bool = False
    """The text is the whole report already (a page read as such), however short."""

    @property
    def full_text(self) -> bool:
        """The entry carries the whole article: no page needs fetching."""
        return self.whole or len(self.text.split()) >= FULL_TEXT_MIN_WORDS


def read_entries(data: bytes, *, feed_url: str) -> Iterator[FeedEntry | InputProblem]:
    """Each entry of an RSS/Atom document, or an InputProblem for one that cannot be read.

    A document that is not a feed at all gives a single InputProblem.
    """
    parsed = feedparser.parse(data)
    if not parsed.entries:
        if parsed.bozo or not parsed.version:
            reason = parsed.get("bozo_exception") or "no RSS or Atom root element"
            yield InputProblem(feed_url, f"not a readable RSS/Atom feed ({reason})")
        return
    feed = parsed.feed
    feed_host = _host(feed_url) or _host(feed.get("link")) or "feed"
    feed_outlet = (feed.get("title") or "").strip() or outlet_from_url(feed.get("link") or feed_url)
    for entry in parsed.entries:
        try:
            yield _entry(entry, feed_host, feed_outlet)
        except Exception as exc:  # one odd entry must not stop the rest
            yield InputProblem(entry.get("link") or feed_url, str(exc) or type(exc).__name__)


def articles_from_feed(
    data: bytes, *, feed_url: str, fetch_page: Callable[[str], bytes] | None
) -> Iterator[Article | InputProblem]:
    """Each entry of an RSS/Atom document as an Article, or an InputProblem for one that fails.

    `fetch_page(link) -> bytes` is called for entries that carry only a teaser; without
    it such entries keep their teaser as text. A document that is not a feed at all
    gives a single InputProblem.
    """
    for entry in read_entries(data, feed_url=feed_url):
        if isinstance(entry, InputProblem):
            yield entry
            continue
        try:
            yield article_of_entry(entry, fetch_page)
        except Exception as exc:  # one bad entry (a failed fetch, a page without text) must not stop the rest
            yield InputProblem(entry.link or feed_url, str(exc) or type(exc).__name__)


def _entry(entry: Any, feed_host: str, feed_outlet: str | None) -> FeedEntry:
    return FeedEntry(
        id=entry_id(entry, feed_host),
        link=entry.get("link") or None,
        title=re.sub(r"\s+", " ", entry.get("title") or "").strip() or None,
        published=_iso_date(entry),
        author=entry.get("author") or None,
        outlet=feed_outlet,
        text=_entry_text(entry),
    )


def article_of_entry(entry: FeedEntry, fetch_page: Callable[[str], bytes] | None) -> Article:
    """The report an entry stands for: its own text when whole, else its linked page read as HTML.

    Raises (FetchError, HtmlError, ValueError) when there is no text to be had.
    """
    if entry.full_text or fetch_page is None or not entry.link:
        if not entry.text:
            raise ValueError("entry has no text and no link to fetch the article from")
        return Article(
            id=entry.id,
            text=entry.text,
            title=entry.title,
            url=entry.link,
            outlet=entry.outlet,
            published=entry.published,
            author=entry.author,
            source="feed",
        )
    page = article_from_html(fetch_page(entry.link), doc_id=entry.id, url=entry.link)
    # the feed's headline and date are authored metadata; the page's <title> often has
    # " | Site" glued on, so the entry's values win and the page's fill the gaps
    return Article(
        id=entry.id,
        text=page.text,
        title=entry.title or page.title,
        url=entry.link,
        outlet=page.outlet or entry.outlet,
        published=entry.published or page.published,
        author=entry.author or page.author,
        source="feed",
    )
