"""A journalist's day in one process: `dugout serve --watch FEED`, three names followed, and
alerts with their evidence arriving on the page, in the terminal and in the Atom feed.

The server is a real process on 127.0.0.1; the feed grows on a real local site with pages
made from annotated reports of ../shared/eval/train about two coaches (Manchester United's and
Chelsea's), whose gold claims stand in for the model's (`--claims`): the day is about the
watcher, the alerts and the pages, not about how much of the reports the model reads.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import feedparser
import httpx
from markupsafe import escape

from dugout.store import Store
from dugout.watch.alerts import recent_alerts

try:
    from tests.feed_site import SHARED, FeedSite, Item, annotated_records, page_from_record
    from tests.processes import dugout_processes
except ImportError:  # tests/ is not a package
    from feed_site import SHARED, FeedSite, Item, annotated_records, page_from_record
    from processes import dugout_processes
FOLLOWED = ["Erik ten Hag", "Manchester United", "Graham Potter"]
FIRST = ["t0195", "t0163"]  # one coach under pressure, the other said to be safe
THEN = ["t0254", "t0129"]  # both sacked
GOLD = SHARED / "eval" / "train" / "gold.jsonl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str, child: subprocess.Popen[str]):
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = check()
        except httpx.HTTPError:
            found = None
        if found:
            return found
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            raise AssertionError(f"{what}: not within {timeout}s\n{child.communicate()[1][-3000:]}")
        time.sleep(0.3)


def test_serve_watch_brings_alerts_to_the_page_the_terminal_and_the_feed(tmp_path: Path) -> None:
    records = annotated_records(set(FIRST + THEN))
    port = free_port()
    follow = [arg for name in FOLLOWED for arg in ("--follow", name)]
    with FeedSite() as site, dugout_processes() as start:
        site.add_feed("/rss", "rss", "Football")
        db = str(tmp_path / "newsroom.db")
        child = start("serve", "--watch", site.url("/rss"), "--every", "1s", *follow, "--allow-private",
                      "--claims", str(GOLD), "--db", db, "--port", str(port))  # fmt: skip
        try:
            check_the_day(child, site, records, f"http://127.0.0.1:{port}", db)
        finally:
            os.killpg(child.pid, signal.SIGINT)  # Ctrl-C
            out, err = child.communicate(timeout=30)
    assert "Graham Potter" in out and "dismissed" in out, "alerts print in the terminal as they arrive"
    assert "dugout watch: alert for Erik ten Hag" in err


def check_the_day(
    child: subprocess.Popen[str], site: FeedSite, records: dict[str, Any], base: str, db: str
) -> None:
    """Publish the reports one by one, then look where a journalist looks."""
    wait_for(lambda: httpx.get(base + "/").status_code == 200, 60, "the server answers", child)
    for n, rid in enumerate(FIRST + THEN, 1):
        r = records[rid]
        site.publish("/rss", Item(r["title"], f"/news/{rid}", r["published"]), page_from_record(r))
        wait_for(lambda n=n: httpx.get(base + "/api/articles").json()["count"] >= n, 90, f"{rid} read", child)

    def for_each_name() -> list[dict[str, Any]] | None:
        with Store.open(db) as store:  # what `dugout alerts --json` prints, read beside the server
            found = [a.to_dict() for a in recent_alerts(store, limit=500)]
        return found if {a["name"] for a in found} == set(FOLLOWED) else None

    alerts = wait_for(for_each_name, 60, "alerts for the three names", child)
    sacked = [a for a in alerts if a["kind"] == "job_status" and a["after"] == "dismissed"]
    assert {a["name"] for a in sacked} == {"Erik ten Hag", "Graham Potter"}
    home, listed = httpx.get(base + "/").text, httpx.get(base + "/alerts").text
    story = httpx.get(base + "/stories/Graham%20Potter").text
    feed = feedparser.parse(httpx.get(base + "/alerts.atom").content)
    assert feed.version == "atom10" and not feed.bozo
    assert escape(alerts[0]["evidence"]) in home and 'id="alerts"' in home  # the newest
    for a in sacked:
        assert escape(a["evidence"]) in listed
        assert any(a["evidence"] in e.summary for e in feed.entries)
    potter = next(a for a in sacked if a["name"] == "Graham Potter")
    assert escape(potter["evidence"]) in story and 'id="alerts"' in story
