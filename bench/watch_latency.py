"""How fast `dugout watch` tells a journalist, and what it costs while nothing happens.

Serves FEEDS feeds (RSS and Atom, alternately) of ITEMS items each, every feed on its own
loopback address (127.0.0.2, 127.0.0.3, ...: fifty outlets, so the per-host politeness applies
per outlet as it would on the web), with pages made from real corpus reports
(../shared/corpus/football_news.jsonl). Then:

1. backlog: `dugout watch` (a real process, with a signed webhook) reads every feed's items;
   reported as reports per second;
2. latency: PROBES held-out corpus reports, each naming someone the store has never seen
   (whom the bench follows first), appear one by one on random feeds; for each, the time
   from its appearance to its alert (stored and printed) and to the webhook's delivery, and
   the part of it after the poll that saw it (the rest is waiting for the next poll: EVERY/2
   on average);
3. idle: nothing new for IDLE seconds: the watcher's CPU time (conditional GETs answered
   304) and memory.

    python bench/watch_latency.py                      # 50 feeds x 40 items, 20 probes, --every 60s
    python bench/watch_latency.py --feeds 5 --items 4 --probes 5 --every 10 --idle 30   # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from feed_site import CORPUS, FeedSite, Item, page_from_record  # noqa: E402

SECRET = "bench-secret"
PROBE_TYPES = ("job_status", "coach_of", "candidate_for", "transfer", "holds_role")


def corpus(n: int, skip: int = 0) -> list[dict[str, Any]]:
    """`n` dated corpus reports of ordinary length, in corpus order, after the first `skip`."""
    found: list[dict[str, Any]] = []
    with CORPUS.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record.get("published") and 800 < len(record["text"]) < 6000:
                if skip:
                    skip -= 1
                    continue
                found.append(record)
                if len(found) == n:
                    break
    return found


def query(db: Path, sql: str, *args: Any) -> list[tuple]:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError:
        return []


def proc_stats(pid: int) -> tuple[float, int, int]:
    """CPU seconds (user + system) and resident / peak resident memory (kB) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return cpu, int(status["VmRSS"].split()[0]), int(status["VmHWM"].split()[0])


def start_sites(feeds: int, items: int, backlog: list[dict[str, Any]]) -> list[FeedSite]:
    sites = []
    for n in range(feeds):
        site = FeedSite(f"127.0.0.{n + 2}").__enter__()
        site.add_feed("/feed", "rss" if n % 2 == 0 else "atom", f"Outlet {n + 1}")
        for record in backlog[n * items : (n + 1) * items]:
            item = Item(record["title"], f"/news/{record['id']}", record["published"])
            site.publish("/feed", item, page_from_record(record))
        sites.append(site)
    return sites


def wait(what: str, done: Any, timeout: float, child: subprocess.Popen[bytes]) -> float:
    start = time.monotonic()
    while not done():
        if child.poll() is not None:
            raise SystemExit(
                f"the watcher stopped while waiting for {what}:\n{child.communicate()[1][-3000:]}"
            )
        if time.monotonic() - start > timeout:
            raise SystemExit(f"gave up waiting for {what} after {timeout:.0f}s")
        time.sleep(0.2)
    return time.monotonic() - start


def choose_probes(pool: list[dict[str, Any]], n: int, db: Path) -> list[tuple[dict[str, Any], str]]:
    """Reports naming, in a claim of one of PROBE_TYPES, someone the store holds no claim about."""
    from dugout.extract.pipeline import Extractor
    from dugout.ingest.readers import ReadOptions, article_from_record
    from dugout.nlp.pipeline import load_nlp
    from dugout.records import normalized_text

    load_nlp()
    extractor = Extractor()
    known = {r[0] for r in query(db, "SELECT folded FROM claim_names")}
    chosen: list[tuple[dict[str, Any], str]] = []
    taken: set[str] = set()
    for record in pool:
        article = article_from_record(record, "bench", ReadOptions())
        for _a, claims in extractor.run([article]):
            for c in claims:
                name = normalized_text(c.subject)
                if (
                    c.type in PROBE_TYPES
                    and name not in known
                    and name not in taken
                    and len(name.split()) >= 2
                ):
                    chosen.append((record, c.subject))
                    taken.add(name)
                    break
        if len(chosen) == n:
            break
    return chosen


def at(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def summary(values: list[float]) -> str:
    if not values:
        return "none"
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return (
        f"median {statistics.median(values):.1f} s, p90 {p90:.1f} s, "
        f"min {values[0]:.1f} s, max {values[-1]:.1f} s (n={len(values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--every", type=float, default=60.0, help="the watcher's --every, seconds")
    parser.add_argument("--gap", type=float, default=4.0, help="seconds between two probes appearing")
    parser.add_argument("--idle", type=float, default=180.0, help="seconds of idle measurement")
    args = parser.parse_args()

    backlog = corpus(args.feeds * args.items)
    pool = corpus(40 * args.probes, skip=len(backlog))
    workdir = Path(tempfile.mkdtemp(prefix="dugout-watch-bench-"))
    db = workdir / "watch.db"
    sites = start_sites(args.feeds, args.items, backlog)
    hook = FeedSite("127.0.0.1").__enter__()
    urls = [s.url("/feed") for s in sites]
    env = {**os.environ, "DUGOUT_WEBHOOK_SECRET": SECRET}
    command = [sys.executable, "-m", "dugout.cli", "watch", *urls, "--every", f"{args.every}s",
               "--allow-private", "--db", str(db), "--webhook", hook.url("/hook"), "--quiet"]  # fmt: skip
    log = (workdir / "watch.log").open("w")
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=log, cwd=REPO, env=env, start_new_session=True
    )
    try:
        run(args, child, db, sites, hook, backlog, pool)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        log.close()
        print(f"(the watcher's log: {workdir / 'watch.log'})")
        for site in [*sites, hook]:
            site.__exit__()


def run(args: Any, child: subprocess.Popen[bytes], db: Path, sites: list[FeedSite], hook: FeedSite,
        backlog: list[dict[str, Any]], pool: list[dict[str, Any]]) -> None:  # fmt: skip
    total = len(backlog)
    print(f"{args.feeds} feeds x {args.items} items ({total} corpus reports), --every {args.every:g}s")
    took = wait(
        "the backlog",
        lambda: query(db, "SELECT count(*) FROM feed_items WHERE status != 'pending'") == [(total,)],
        60 + total * 2.0,
        child,
    )
    stored = query(db, "SELECT count(*) FROM articles")[0][0]
    rate = total / took
    print(f"backlog: {total} entries read in {took:.0f} s ({rate:.1f} entries/s), {stored} reports stored")

    from dugout.store import Store
    from dugout.watch.alerts import follow

    probes = choose_probes(pool, args.probes, db)
    with Store.open(str(db)) as store:
        for _record, name in probes:
            follow(store, name)
    rng = random.Random(13)
    appeared: dict[str, tuple[float, FeedSite]] = {}
    for record, _name in probes:
        site = rng.choice(sites)
        item = Item(record["title"], f"/news/{record['id']}", record["published"])
        site.publish("/feed", item, page_from_record(record))
        appeared[site.url(item.path)] = (item.appeared, site)
        time.sleep(args.gap)

    def alerted() -> dict[str, float]:
        rows = query(
            db,
            "SELECT a.url, min(al.created_at) FROM alerts al JOIN articles a ON a.id = al.doc GROUP BY a.url",
        )
        return {url: at(created) for url, created in rows if url in appeared}

    def settled() -> bool:  # every probe alerted, or read with no alert for a whole cycle since
        done = query(db, "SELECT max(done_at) FROM feed_items")[0][0]
        pending = query(db, "SELECT count(*) FROM feed_items WHERE status = 'pending'")[0][0]
        quiet = done is not None and time.time() - at(done) > args.every * 1.5
        return len(alerted()) == len(appeared) or (pending == 0 and quiet)

    wait("the probes' alerts", settled, args.every * 4 + 180, child)
    wait("their webhooks", lambda: len(hook.received) >= len(alerted()), 120, child)
    report(appeared, alerted(), hook)
    idle(args, child, db, sites)


def report(appeared: dict[str, tuple[float, FeedSite]], alerted: dict[str, float], hook: FeedSite) -> None:
    delivered: dict[str, float] = {}
    for when, _headers, body in hook.received:
        url = json.loads(body)["alert"]["source"]["url"]
        delivered.setdefault(url, when)
    to_alert, to_hook, after_poll = [], [], []
    silent = [url for url in appeared if url not in alerted]
    if silent:
        print(f"{len(silent)} of {len(appeared)} probes raised no alert (the story saw no change): {silent}")
    for url, (shown, site) in appeared.items():
        if url in silent:
            continue
        to_alert.append(alerted[url] - shown)
        to_hook.append(delivered[url] - shown)
        path = url.removeprefix(site.base)
        fetched = [
            t for t, (m, p, _h) in zip(site.times, site.requests, strict=True) if p == path and m == "GET"
        ]
        polls = [
            t
            for t, (m, p, _h) in zip(site.times, site.requests, strict=True)
            if p == "/feed" and t <= fetched[0]
        ]
        after_poll.append(alerted[url] - polls[-1])
    print(f"appearance -> alert stored and printed: {summary(to_alert)}")
    print(f"appearance -> webhook delivered:        {summary(to_hook)}")
    print(f"poll that saw it -> alert:              {summary(after_poll)}")


def idle(args: Any, child: subprocess.Popen[bytes], db: Path, sites: list[FeedSite]) -> None:
    time.sleep(min(args.every, 30))
    cpu0, _rss0, _ = proc_stats(child.pid)
    polls0 = sum(1 for s in sites for _m, p, _h in s.requests if p == "/feed")
    time.sleep(args.idle)
    cpu1, rss, peak = proc_stats(child.pid)
    polls = sum(1 for s in sites for _m, p, _h in s.requests if p == "/feed") - polls0
    print(
        f"idle {args.idle:.0f} s: {polls} conditional GETs (304), CPU {cpu1 - cpu0:.2f} s "
        f"= {100 * (cpu1 - cpu0) / args.idle:.2f}% of one core; memory {rss / 1024:.0f} MB resident "
        f"(peak {peak / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main()
