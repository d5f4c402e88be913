"""articles_from_feed: RSS 2.0 and Atom built here, linked pages served from real saved HTML in ../shared."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dugout.ingest.feeds import FULL_TEXT_MIN_WORDS, articles_from_feed, entry_id, looks_like_feed
from dugout.ingest.fetch import fetch
from dugout.records import Article, InputProblem

PARAGRAPHS = [
    "Northfield Rovers have appointed Dana Whitlock as head coach on a two-year contract, the club said.",
    "Whitlock, who led Eastbrook Town to promotion last season, replaces the sacked Piet Vermaak. " * 6,
    "The chairman said the board had interviewed four candidates before settling on Whitlock. " * 6,
    "Her first match in charge is away at Harbour City on Saturday, when a full-back is expected to return. "
    * 6,
]
FULL_HTML = "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "<p>Advertisement</p>"

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Northfield Gazette - Football</title>
  <link>https://gazette.example/football</link>
  <item>
    <title>Rovers appoint Whitlock</title>
    <link>https://gazette.example/football/rovers-appoint-whitlock</link>
    <guid>https://gazette.example/?p=101</guid>
    <pubDate>Tue, 12 Nov 2024 09:30:00 GMT</pubDate>
    <description>Northfield Rovers have a new head coach.</description>
    <content:encoded><![CDATA[{FULL_HTML}]]></content:encoded>
  </item>
  <item>
    <title>Short note with no link</title>
    <guid isPermaLink="false">note-102</guid>
    <pubDate>Wed, 13 Nov 2024 10:00:00 GMT</pubDate>
    <description>Rovers train at the Marsh Lane ground on Friday.</description>
  </item>
</channel>
</rss>
""".encode()


def atom(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Match reports</title>
  <link href="{base}/"/>
  <id>urn:test:reports</id>
  <updated>2013-08-18T12:00:00Z</updated>
  <entry>
    <title>Villa stun 10-man Gunners</title>
    <link href="{base}/report/arsenal-villa"/>
    <id>urn:test:report:1</id>
    <updated>2013-08-17T18:00:00Z</updated>
    <summary>Arsenal lose on the opening day.</summary>
  </entry>
  <entry>
    <title>Covic turns up heat</title>
    <link href="{base}/report/covic"/>
    <id>urn:test:report:2</id>
    <published>2008-01-17T08:00:00Z</published>
    <updated>2008-01-18T08:00:00Z</updated>
    <summary>A spectacular save.</summary>
  </entry>
  <entry>
    <title>Gone missing</title>
    <link href="{base}/report/missing"/>
    <id>urn:test:report:3</id>
    <updated>2013-08-19T10:00:00Z</updated>
    <summary>This page is not there.</summary>
  </entry>
</feed>
""".encode()


PAGES = {
    "/report/arsenal-villa": "espnfc13-example-input.html",
    "/report/covic": "l3sgn1-0bc30b43-db01-45d0-9ec4-c9b0848ed8cd.html",
}


class QuietServer(http.server.ThreadingHTTPServer):
    """The test server; a client hanging up early (size cap, timeout) is expected, not an error."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(shared_dir: Path) -> Iterator[str]:
    html_dir = shared_dir / "corpus" / "html"

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            name = PAGES.get(self.path)
            body = (html_dir / name).read_bytes() if name else b"not found"
            self.send_response(200 if name else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = QuietServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def local_fetch(url: str) -> bytes:
    return fetch(url, allow_private=True, timeout=5).body


def test_looks_like_feed(site: str, shared_dir: Path) -> None:
    assert looks_like_feed(RSS, None)
    assert looks_like_feed(atom(site), "text/xml")
    assert looks_like_feed(b"whatever", "application/rss+xml; charset=utf-8")
    page = (shared_dir / "corpus" / "html" / "espnfc13-example-input.html").read_bytes()
    assert not looks_like_feed(page, "text/html")
    assert not looks_like_feed(b'{"id": "x"}', "application/json")


def test_rss_with_full_content() -> None:
    items = list(articles_from_feed(RSS, feed_url="https://gazette.example/football/rss", fetch_page=None))
    assert [type(i) for i in items] == [Article, Article]
    full, note = items
    assert full.title == "Rovers appoint Whitlock"
    assert full.url == "https://gazette.example/football/rovers-appoint-whitlock"
    assert full.published == "2024-11-12"
    assert full.outlet == "Northfield Gazette - Football"
    assert full.id == entry_id({"id": "https://gazette.example/?p=101"}, "gazette.example")
    assert full.id.startswith("gazette.example-")
    assert full.text.split("\n\n")[0] == PARAGRAPHS[0]
    assert full.text.count("\n\n") == 3  # four paragraphs, the "Advertisement" block dropped
    assert len(full.text.split()) >= FULL_TEXT_MIN_WORDS
    # no link and no fetcher: the entry's own short text is all there is
    assert note.text == "Rovers train at the Marsh Lane ground on Friday."
    assert note.url is None and note.published == "2024-11-13"


def test_ids_are_stable() -> None:
    first = [a.id for a in articles_from_feed(RSS, feed_url="https://gazette.example/rss", fetch_page=None)]
    again = [a.id for a in articles_from_feed(RSS, feed_url="https://gazette.example/rss", fetch_page=None)]
    assert first == again and len(set(first)) == 2


def test_atom_with_links_fetches_real_pages(site: str) -> None:
    items = list(articles_from_feed(atom(site), feed_url=f"{site}/feed.atom", fetch_page=local_fetch))
    assert [type(i) for i in items] == [Article, Article, InputProblem]
    espn, covic, missing = items
    assert espn.title == "Villa stun 10-man Gunners"  # the entry's headline, not the page's <title>
    assert espn.url == f"{site}/report/arsenal-villa"
    assert espn.published == "2013-08-17"
    assert espn.outlet == "ESPNFC.com"  # from the page
    assert espn.text.startswith("Arsenal had defender Laurent Koscielny sent off")
    assert "\n\n" in espn.text
    assert covic.published == "2008-01-17"  # published wins over updated
    assert "ANTE COVIC was effectively an observer at the last World Cup" in covic.text
    assert missing.where == f"{site}/report/missing"
    assert "404" in missing.reason


def test_without_fetcher_teasers_are_kept(site: str) -> None:
    items = list(articles_from_feed(atom(site), feed_url=f"{site}/feed.atom", fetch_page=None))
    assert [i.text for i in items] == [
        "Arsenal lose on the opening day.",
        "A spectacular save.",
        "This page is not there.",
    ]


def test_malformed_feed_is_one_problem() -> None:
    broken = b"<?xml version='1.0'?><rss version='2.0'><channel><title>Half a feed<item><title>"
    items = list(articles_from_feed(broken, feed_url="https://gazette.example/rss", fetch_page=None))
    assert len(items) == 1 and isinstance(items[0], InputProblem)
    assert items[0].where == "https://gazette.example/rss"
    assert "not a readable RSS/Atom feed" in items[0].reason


def test_not_a_feed_at_all(shared_dir: Path) -> None:
    page = (shared_dir / "corpus" / "html" / "espnfc13-example-input.html").read_bytes()
    items = list(articles_from_feed(page, feed_url="page.html", fetch_page=None))
    assert len(items) == 1 and isinstance(items[0], InputProblem)
