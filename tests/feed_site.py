"""A news site on 127.0.0.1 for the watch tests and bench: RSS 2.0 and Atom feeds that grow,
pages that are real saved HTML (../shared/corpus/html) or made from real corpus reports
(../shared/corpus/football_news.jsonl), and the ways real sites misbehave.

Feeds answer conditional GETs (ETag and Last-Modified; 304 when unchanged) and every request
is logged with its headers, so tests can see what the watcher sent. A path can be made to
fail (`status`, with Retry-After), to be slow (`delay`) or to serve a broken document.
"""

from __future__ import annotations

import hashlib
import html
import http.server
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, formatdate
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dugout.ingest.html import outlet_from_url

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "football_news.jsonl"
HTML_DIR = SHARED / "corpus" / "html"


def annotated_records(ids: set[str]) -> dict[str, dict[str, Any]]:
    """Reports of ../shared/eval/train with these ids: real reports whose gold claims we hold."""
    path = CORPUS.parents[1] / "eval" / "train" / "articles.jsonl"
    records = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    found = {r["id"]: r for r in records if r["id"] in ids}
    missing = ids - set(found)
    assert not missing, f"reports not found in {path}: {sorted(missing)}"
    return found


def corpus_records(ids: set[str]) -> dict[str, dict[str, Any]]:
    """The corpus reports with these ids, read from ../shared at run time."""
    found: dict[str, dict[str, Any]] = {}
    with CORPUS.open(encoding="utf-8") as f:
        for line in f:
            if any(f'"{i}"' in line for i in ids - set(found)):
                record = json.loads(line)
                if record["id"] in ids:
                    found[record["id"]] = record
            if len(found) == len(ids):
                break
    missing = ids - set(found)
    assert not missing, f"corpus reports not found in {CORPUS}: {sorted(missing)}"
    return found


def page_from_record(record: dict[str, Any]) -> bytes:
    """An article page holding a corpus report: headline, paragraphs, the outlet's site name."""
    e = html.escape
    paragraphs = [p.strip() for p in record["text"].split("\n") if p.strip()]
    site = record.get("outlet") or outlet_from_url(record.get("url")) or "news"
    body = "\n".join(f"<p>{e(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{e(record.get('title') or '')}</title>"
        f'<meta property="og:site_name" content="{e(site)}">'
        f"</head><body><nav><a href=/>Home</a> · <a href=/football>Football</a></nav>"
        f"<article><h1>{e(record.get('title') or '')}</h1>{body}</article>"
        "<footer>© the publisher</footer></body></html>"
    ).encode()


@dataclass
class Item:
    """One feed entry: title, the page path it links to, its date and guid."""

    title: str
    path: str
    published: str | None = None
    guid: str | None = None
    summary: str = ""
    appeared: float = field(default_factory=time.time)


@dataclass
class Feed:
    kind: str  # "rss" or "atom"
    title: str
    items: list[Item] = field(default_factory=list)
    changed: float = field(default_factory=time.time)


def _date(iso: str | None) -> datetime:
    if not iso:
        return datetime(2025, 1, 1, 12, tzinfo=UTC)
    return datetime.fromisoformat(iso[:10]).replace(hour=12, tzinfo=UTC)


def render_feed(feed: Feed, base: str) -> bytes:
    e = html.escape
    if feed.kind == "rss":
        items = "".join(
            f"<item><title>{e(i.title or '')}</title><link>{e(base + i.path)}</link>"
            f"<guid>{e(i.guid or base + i.path)}</guid>"
            f"<pubDate>{format_datetime(_date(i.published))}</pubDate>"
            f"<description>{e(i.summary)}</description></item>"
            for i in reversed(feed.items)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{e(feed.title)}</title><link>{e(base)}/</link><description>Football</description>"
            f"{items}</channel></rss>"
        ).encode()
    entries = "".join(
        f'<entry><title>{e(i.title or "")}</title><link href="{e(base + i.path)}"/>'
        f"<id>{e(i.guid or 'urn:test:' + i.path)}</id><updated>{_date(i.published).isoformat()}</updated>"
        f"<summary>{e(i.summary)}</summary></entry>"
        for i in reversed(feed.items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>{e(feed.title)}</title><link href="{e(base)}/"/><id>urn:test:{e(feed.title)}</id>'
        f"<updated>{datetime.fromtimestamp(feed.changed, UTC).isoformat()}</updated>{entries}</feed>"
    ).encode()


class FeedSite:
    """The site: `feeds` and `pages` by path, `broken`/`status`/`delay` by path, a request log."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.feeds: dict[str, Feed] = {}
        self.pages: dict[str, bytes] = {}
        self.status: dict[str, tuple[int, dict[str, str]]] = {}
        self.delay: dict[str, float] = {}
        self.broken: set[str] = set()
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.times: list[float] = []
        """When each request in `requests` arrived (time.time())."""
        self.received: list[tuple[float, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        self.server = _Server((host, 0), _handler(self))
        self.base = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FeedSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def add_feed(self, path: str, kind: str, title: str) -> Feed:
        self.feeds[path] = Feed(kind, title)
        return self.feeds[path]

    def publish(self, feed_path: str, item: Item, page: bytes | None = None) -> None:
        """Add an entry (and its page) to a feed: it appears on the next poll."""
        with self.lock:
            if page is not None:
                self.pages[item.path] = page
            item.appeared = time.time()
            feed = self.feeds[feed_path]
            feed.items.append(item)
            feed.changed = item.appeared

    def log(self, method: str, path: str, headers: dict[str, str]) -> None:
        with self.lock:
            self.times.append(time.time())
            self.requests.append((method, path, headers))

    def hits(self, path: str) -> list[tuple[str, dict[str, str]]]:
        """(method, headers) of every request for a path, in order."""
        return [(m, h) for m, p, h in self.requests if p == path]

    def body(self, path: str) -> tuple[bytes, str, dict[str, str]]:
        """What a GET of `path` answers: body, media type, validators."""
        with self.lock:
            if path in self.feeds:
                feed = self.feeds[path]
                data = render_feed(feed, self.base)
                media = "application/rss+xml" if feed.kind == "rss" else "application/atom+xml"
                tag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
                return data, media, {"ETag": tag, "Last-Modified": formatdate(feed.changed, usegmt=True)}
            if path in self.pages:
                return self.pages[path], "text/html; charset=utf-8", {}
        if path.startswith("/saved/") and (HTML_DIR / path[len("/saved/") :]).is_file():
            return (HTML_DIR / path[len("/saved/") :]).read_bytes(), "text/html", {}
        return b"", "", {}


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up (a timeout we provoked) is expected


def _handler(site: FeedSite) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            site.log("GET", path, dict(self.headers))
            time.sleep(site.delay.get(path, 0))
            if path in site.status:
                code, headers = site.status[path]
                self._send(code, b"server error", {"Content-Type": "text/plain", **headers})
                return
            if path in site.broken:  # a truncated download: not even one whole element
                cut = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Cut off'
                self._send(200, cut, {"Content-Type": "application/rss+xml"})
                return
            body, media, validators = site.body(path)
            if not media:
                self._send(404, b"not found", {"Content-Type": "text/plain"})
                return
            etag = validators.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self._send(304, b"", validators)
                return
            self._send(200, body, {"Content-Type": media, **validators})

        def do_POST(self) -> None:  # noqa: N802 - a webhook receiver
            path = urlsplit(self.path).path
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            site.log("POST", path, dict(self.headers))
            if path in site.status:
                code, headers = site.status[path]
                self._send(code, b"busy", {"Content-Type": "text/plain", **headers})
                return
            site.received.append((time.time(), dict(self.headers), data))
            self._send(204, b"", {})

    return Handler
