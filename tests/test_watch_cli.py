"""`dugout watch` and its verbs as a user runs them: real processes, a real site on 127.0.0.1,
and a real SIGKILL in the middle of a poll followed by a restart that loses and repeats nothing.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    from tests.feed_site import CORPUS, SHARED, FeedSite, Item, annotated_records, page_from_record
    from tests.processes import REPO, dugout_processes
except ImportError:  # tests/ is not a package
    from feed_site import CORPUS, SHARED, FeedSite, Item, annotated_records, page_from_record
    from processes import REPO, dugout_processes
BASE, CHANGE = "t0195", "t0254"
"""Two annotated reports of ../shared/eval/train: a coach under pressure, then sacked. Their gold
claims stand in for the model's (`--claims`): this test is about the verbs, not the model."""
GOLD = ["--claims", str(SHARED / "eval" / "train" / "gold.jsonl")]
FAST = ["--allow-private", "--host-interval", "0", "--timeout", "5"]


def dugout(
    *args: str, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dugout.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def site() -> Iterator[FeedSite]:
    with FeedSite() as s:
        yield s


def publish(site: FeedSite, record: dict[str, Any], feed: str = "/rss") -> None:
    site.publish(
        feed, Item(record["title"], f"/news/{record['id']}", record["published"]), page_from_record(record)
    )


def test_watch_once_feeds_follow_and_alerts_from_the_command_line(site: FeedSite, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    records = annotated_records({BASE, CHANGE})
    site.add_feed("/rss", "rss", "Football")
    publish(site, records[BASE])

    added = dugout("feeds", "add", site.url("/rss"), "--db", db)
    assert added.returncode == 0 and f"watching {site.url('/rss')}" in added.stderr
    first = dugout("watch", "--once", *FAST, *GOLD, "--db", db)
    assert first.returncode == 0, first.stderr
    assert "1 feeds polled (0 failed), 1 new entries: 1 stored" in first.stderr
    coach = json.loads(dugout("claims", "--type", "job_status", "--json", "--db", db).stdout.splitlines()[0])[
        "subject"
    ]
    assert dugout("follow", coach, "--db", db).returncode == 0

    publish(site, records[CHANGE])
    second = dugout("watch", "--once", *FAST, *GOLD, "--db", db)
    assert second.returncode == 0, second.stderr
    assert f"alert for {coach}: {coach}'s job at" in second.stderr
    assert "→" in second.stdout and "“" in second.stdout, "the alert is printed as a panel with its evidence"

    (feed,) = [json.loads(line) for line in dugout("feeds", "list", "--json", "--db", db).stdout.splitlines()]
    assert feed["url"] == site.url("/rss") and feed["stored"] == 2 and feed["errors"] == 0
    alerts = [json.loads(line) for line in dugout("alerts", "--json", "--db", db).stdout.splitlines()]
    assert len(alerts) == 1 and alerts[0]["name"] == coach and alerts[0]["evidence"]
    assert alerts[0]["source"]["url"] == site.url(f"/news/{CHANGE}")
    assert dugout("alerts", "--since", "1h", "--json", "--db", db).stdout.count("\n") == 1
    assert dugout("alerts", "--since", "2999-01-01", "--json", "--db", db).stdout == ""
    listed = dugout("follow", "--list", "--json", "--db", db).stdout
    assert json.loads(listed.splitlines()[0])["name"] == coach
    assert dugout("unfollow", coach, "--db", db).returncode == 0
    gone = dugout("unfollow", coach, "--db", db)
    assert gone.returncode == 1 and f"{coach}: not followed" in gone.stderr
    assert dugout("feeds", "remove", site.url("/rss"), "--db", db).returncode == 0
    assert dugout("feeds", "list", "--json", "--db", db).stdout == ""


def test_a_loopback_feed_is_refused_without_allow_private(site: FeedSite, tmp_path: Path) -> None:
    site.add_feed("/rss", "rss", "Local")
    run = dugout("watch", site.url("/rss"), "--once", "--db", str(tmp_path / "r.db"))
    assert run.returncode == 1
    assert "refused, 127.0.0.1 is a loopback address" in run.stderr
    assert "Traceback" not in run.stderr
    assert site.requests == []


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["ftp://example.com/feed"], {}, "ftp://example.com/feed: only http and https feeds can be watched"),
        (["no/such/feed.xml"], {}, "no/such/feed.xml: no such feed file"),
        (["https://example.com/rss", "--every", "soon"], {}, "'soon' is not an interval like 15m"),
        (
            ["https://example.com/rss", "--webhook", "https://hooks.example/x"],
            {"DUGOUT_WEBHOOK_SECRET": ""},
            "--webhook needs a signing secret: set DUGOUT_WEBHOOK_SECRET",
        ),
        ([], {}, "nothing to watch: give feed URLs"),
    ],
)
def test_bad_watch_arguments_are_one_line(
    args: list[str], env: dict[str, str], says: str, tmp_path: Path
) -> None:
    run = dugout("watch", *args, "--once", "--db", str(tmp_path / "bad.db"), env=env)
    assert run.returncode == 2 and says in " ".join(run.stderr.split()), run.stderr
    assert "Traceback" not in run.stderr


def batch(n: int) -> list[dict[str, Any]]:
    """The first `n` dated corpus reports of moderate length, in corpus order."""
    found = []
    with CORPUS.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if (
                record["id"].startswith("ziv-gdelt")
                and record.get("published")
                and 1500 < len(record["text"]) < 3500
            ):
                found.append(record)
                if len(found) == n:
                    break
    return found


def rows(db: Path, query: str) -> list[tuple]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute(query).fetchall()
    except sqlite3.OperationalError:  # not created yet, or busy
        return []


@pytest.fixture
def spawn() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    with dugout_processes() as start:
        yield start


def test_sigkill_during_a_poll_then_restart_loses_and_duplicates_nothing(
    site: FeedSite, tmp_path: Path, spawn: Callable[..., subprocess.Popen[str]]
) -> None:
    reports = batch(12)
    site.add_feed("/rss", "rss", "Football")
    for record in reports:
        publish(site, record)
        site.delay[f"/news/{record['id']}"] = 0.3  # a poll that takes seconds: time to be killed in it
    db = tmp_path / "killed.db"
    child = spawn("watch", site.url("/rss"), "--every", "1h", *FAST, "--db", str(db))
    deadline = time.monotonic() + 120
    while len(rows(db, "SELECT id FROM articles")) < 4:
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()[1][-2000:]
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGKILL)
    child.communicate()
    at_kill = len(rows(db, "SELECT id FROM articles"))
    pending = rows(db, "SELECT count(*) FROM feed_items WHERE status = 'pending'")[0][0]
    assert 4 <= at_kill < len(reports) and pending > 0, "the kill came in the middle of the poll"

    rerun = dugout("watch", "--once", *FAST, "--db", str(db))
    assert rerun.returncode == 0, rerun.stderr
    urls = [u for (u,) in rows(db, "SELECT url FROM articles")]
    assert sorted(urls) == sorted(site.url(f"/news/{r['id']}") for r in reports)  # each once, none lost
    assert rows(db, "SELECT status, count(*) FROM feed_items GROUP BY status") == [("stored", len(reports))]

    clean = tmp_path / "clean.db"  # the same feed read by a watcher nobody killed
    assert dugout("watch", site.url("/rss"), "--once", *FAST, "--db", str(clean)).returncode == 0
    per_report = "SELECT a.url, count(c.id) FROM articles a LEFT JOIN claims c ON c.doc = a.id GROUP BY a.url"
    assert sorted(rows(db, per_report)) == sorted(rows(clean, per_report))
