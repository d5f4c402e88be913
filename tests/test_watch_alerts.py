"""Alerts for followed names, on real annotated reports about one coach served by a local site.

The three reports of ../shared/eval/train (a coach under pressure; the club sacking him; another
outlet reporting the same sacking) carry their hand-made gold claims in place of the model's
(`annotated_extract`): these tests are about what the alert layer does with claims, not about
how much of them today's model reads. What each test expects is read from the claims stored
for the reports, not written in: the followed name, the club, and the values before and after.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest
from markupsafe import escape

from dugout.records import Claim
from dugout.store import Store
from dugout.watch.alerts import follow, follows, recent_alerts, unfollow
from dugout.watch.changes import label
from dugout.watch.ledger import Ledger
from dugout.watch.polite import Fetcher
from dugout.watch.webhook import Webhook, sign, verify
from dugout.web import create_app

try:
    from tests.feed_site import FeedSite, Item, annotated_records, page_from_record
    from tests.test_web_support import LiveServer
    from tests.watch_fixtures import (  # noqa: F401
        _watch_logs,
        annotated_extract,
        db_url,
        log_lines,
        pg_database,
        pg_url,
        site,
        store,
        watcher,
    )
except ImportError:  # tests/ is not a package
    from feed_site import FeedSite, Item, annotated_records, page_from_record
    from test_web_support import LiveServer
    from watch_fixtures import (  # noqa: F401
        _watch_logs,
        annotated_extract,
        db_url,
        log_lines,
        pg_database,
        pg_url,
        site,
        store,
        watcher,
    )

BASE, CHANGE, REPEAT = "t0195", "t0254", "t0127"
"""Under pressure (2024-09-01); sacked (Metro, 2024-10-28); sacked, again (African Examiner, 2024-11-01)."""
SECRET = "test-secret-not-for-production"


@pytest.fixture(scope="module")
def extract(annotated_extract: Any) -> Any:
    return annotated_extract


def publish(site: FeedSite, rid: str, records: dict[str, dict[str, Any]]) -> str:
    record = records[rid]
    site.publish("/rss", Item(record["title"], f"/news/{rid}", record["published"]), page_from_record(record))
    return site.url(f"/news/{rid}")


def stored_claims(store: Store, url: str) -> tuple[str, list[Claim]]:
    """The id and claims of the report stored from a page URL."""
    found = [a for a in store.articles() if a.url == url]
    assert len(found) == 1, f"{url} stored {len(found)} times"
    return found[0].id, store.claims_of(found[0].id)


def job_claim(claims: list[Claim], person: str | None = None) -> Claim:
    jobs = [c for c in claims if c.type == "job_status" and c.polarity == "affirmed"]
    jobs = [c for c in jobs if person is None or c.subject == person]
    if not jobs:
        pytest.fail(
            "the extractor no longer reads a job status here; choose reports whose job-status statement "
            f"it reads (claims: {[(c.type, c.subject, c.value) for c in claims]})"
        )
    return jobs[0]


@pytest.fixture
def spurs(site: FeedSite, store: Store, extract: Any) -> Iterator[dict[str, Any]]:
    """The base report stored and its coach followed: the baseline every test starts from."""
    records = annotated_records({BASE, CHANGE, REPEAT})
    site.add_feed("/rss", "rss", "Football")
    Ledger(store.engine).add_feed(site.url("/rss"))
    w = watcher(store, extract)
    base_url = publish(site, BASE, records)
    assert w.cycle(once=True).stored == 1
    _doc, claims = stored_claims(store, base_url)
    before = job_claim(claims)
    assert follow(store, before.subject)
    yield {"records": records, "watcher": w, "before": before}
    w.close()


def test_followed_coach_gets_one_alert_when_his_job_status_changes_and_none_for_a_repeat(
    site: FeedSite, store: Store, spurs: dict[str, Any]
) -> None:
    w, before, records = spurs["watcher"], spurs["before"], spurs["records"]
    coach = before.subject

    change_url = publish(site, CHANGE, records)
    moved = w.cycle(once=True)
    change_doc, change_claims = stored_claims(store, change_url)
    after = job_claim(change_claims, coach)
    assert (after.object, after.value) != (before.object, before.value) or pytest.fail(
        "the extractor reads the same job status in both reports; choose another pair"
    )
    assert len(moved.alerts) == 1, [a.summary for a in moved.alerts]
    alert = moved.alerts[0]
    assert alert.kind == "job_status"
    assert alert.name == coach and alert.story == coach
    assert (alert.before, alert.after) == (label(before.value), label(after.value))
    assert alert.claim["type"] == "job_status" and alert.claim["value"] == after.value
    assert alert.evidence == after.evidence and alert.evidence in store.article(change_doc).text
    assert (alert.doc, alert.url) == (change_doc, change_url)
    assert alert.published == records[CHANGE]["published"]

    repeat_url = publish(site, REPEAT, records)
    repeated = w.cycle(once=True)
    _doc, repeat_claims = stored_claims(store, repeat_url)
    again = job_claim(repeat_claims, coach)
    assert again.value == after.value or pytest.fail("the extractor no longer reads the repeat as a repeat")
    assert repeated.stored == 1 and repeated.alerts == []
    assert [a.uuid for a in recent_alerts(store)] == [alert.uuid]


def test_a_report_stored_by_another_process_is_caught_up_once(
    site: FeedSite, store: Store, spurs: dict[str, Any], extract: Any
) -> None:
    """A watcher killed between storing a report and checking the followed names (or a report
    ingested by `dugout ingest`) is checked on the next cycle, and announced once."""
    from dataclasses import replace

    from dugout.ingest.html import article_from_html

    w, records = spurs["watcher"], spurs["records"]
    page = article_from_html(
        page_from_record(records[CHANGE]), doc_id="ingested-elsewhere", url="https://x.test/a"
    )
    article = replace(page, published=records[CHANGE]["published"])  # dated, as its feed entry dates it
    assert store.add_report(article, extract(article))
    first = w.cycle(once=True)
    assert [a.kind for a in first.alerts] == ["job_status"]
    assert first.alerts[0].doc == "ingested-elsewhere"
    assert w.cycle(once=True).alerts == []
    assert len(recent_alerts(store)) == 1


def test_follow_unfollow_and_the_baseline(store: Store, spurs: dict[str, Any]) -> None:
    coach = spurs["before"].subject
    assert not follow(store, coach.upper())  # the same name, folded
    (f,) = follows(store)
    assert f.story == coach and f.state, "the baseline holds the story's state when it was followed"
    assert any(key.startswith("job_status|") for key in f.state)
    assert recent_alerts(store) == [], "what was known when following is not announced"
    assert unfollow(store, coach) and not unfollow(store, coach)
    assert follows(store) == []


def test_alerts_go_to_a_signed_webhook_retried_after_a_refusal(
    site: FeedSite, store: Store, spurs: dict[str, Any], caplog: Any
) -> None:
    w, records = spurs["watcher"], spurs["records"]
    site.status["/hook"] = (503, {"Retry-After": "1"})
    w.webhook = Webhook(site.url("/hook"), SECRET, Fetcher(allow_private=True, host_interval=0), base_delay=1)
    publish(site, CHANGE, records)
    (alert,) = w.cycle(once=True).alerts
    assert site.received == []
    assert "retrying in 1s (attempt 1 of 8)" in "\n".join(log_lines(caplog))
    del site.status["/hook"]
    time.sleep(1.1)
    w.cycle(once=True)
    ((_when, headers, body),) = site.received
    assert headers["X-Dugout-Delivery"] == alert.uuid and headers["X-Dugout-Event"] == "alert"
    assert verify(SECRET, headers["X-Dugout-Timestamp"], body, headers["X-Dugout-Signature"])
    assert not verify("another secret", headers["X-Dugout-Timestamp"], body, headers["X-Dugout-Signature"])
    assert headers["X-Dugout-Signature"] == sign(SECRET, headers["X-Dugout-Timestamp"], body)
    sent = json.loads(body)
    assert sent["type"] == "alert" and sent["alert"]["uuid"] == alert.uuid
    assert sent["alert"]["evidence"] == alert.evidence and sent["alert"]["source"]["url"] == alert.url
    w.cycle(once=True)
    assert len(site.received) == 1, "a delivered alert is not sent again"


def test_atom_feeds_pages_and_api_show_the_alert(
    site: FeedSite, store: Store, spurs: dict[str, Any], tmp_path: Path
) -> None:
    w, records = spurs["watcher"], spurs["records"]
    coach = spurs["before"].subject
    publish(site, CHANGE, records)
    (alert,) = w.cycle(once=True).alerts
    app = create_app(store.url, None, False)
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        for path in ("/alerts.atom", f"/stories/{coach}/alerts.atom"):
            r = client.get(path)
            assert r.status_code == 200 and r.headers["content-type"] == "application/atom+xml"
            parsed = feedparser.parse(r.content)
            assert parsed.version == "atom10" and not parsed.bozo, parsed.get("bozo_exception")
            (entry,) = parsed.entries
            assert entry.id == f"urn:uuid:{alert.uuid}"
            assert entry.title == alert.summary
            assert alert.evidence in entry.summary
            assert entry.link.startswith(server.url + "/reports/") and entry.link.endswith(
                f"#claim-{alert.claim_id}"
            )
            assert client.get(entry.link.removeprefix(server.url)).status_code == 200
        assert feedparser.parse(client.get("/stories/Nobody%20Known/alerts.atom").content).entries == []
        browser = client.get("/alerts.atom", headers={"Accept": "text/html,application/xml;q=0.9"})
        assert browser.headers["content-type"].startswith("application/xml")
        assert "script-src" not in browser.headers["content-security-policy"]
        assert "default-src 'none'" in browser.headers["content-security-policy"]
        for page in ("/", f"/stories/{coach}", "/alerts"):
            html = client.get(page).text
            assert 'class="alert k-job_status"' in html and escape(alert.evidence) in html


STAGES = {
    "transfer": ["interest", "bid", "negotiating", "agreed", "loan", "signed"],
    "candidate_for": ["linked", "shortlisted", "approached", "offered"],
}


@pytest.mark.parametrize(
    ("kind", "first", "then"),
    [
        # a striker's move in talks, then agreed as a loan
        ("transfer", "t0045", "t0636"),
        # a coach linked with a vacant job, then named on the shortlist
        ("candidate_for", "t0346", "t0412"),
    ],
)
def test_a_move_to_a_further_stage_is_announced(
    site: FeedSite, store: Store, extract: Any, kind: str, first: str, then: str
) -> None:
    records = annotated_records({first, then})
    site.add_feed("/rss", "rss", "Football")
    Ledger(store.engine).add_feed(site.url("/rss"))
    w = watcher(store, extract)
    first_url = publish(site, first, records)
    w.cycle(once=True)
    then_url = publish(site, then, records)  # on the site, read by the next cycle

    def stages(url: str) -> dict[tuple[str, str | None], str]:
        order = STAGES[kind]
        found: dict[tuple[str, str | None], str] = {}
        for c in stored_claims(store, url)[1]:
            if c.type == kind and c.polarity == "affirmed" and c.value in order:
                key = (c.subject, c.object)
                found[key] = max(found.get(key, c.value), c.value, key=order.index)
        return found

    before = stages(first_url)
    assert before, f"the extractor reads no {kind} claim in {first}; choose another report"
    for person in {p for p, _club in before}:
        follow(store, person)
    w.cycle(once=True)
    after = stages(then_url)
    order = STAGES[kind].index
    expected = {
        pair: (label(was), label(now))
        for pair, was in before.items()
        if (now := after.get(pair)) and (now != was if kind == "transfer" else order(now) > order(was))
    }
    assert expected, f"the extractor reads no {kind} in {then} further on than in {first}: {before} / {after}"
    found = {
        (a.claim["subject"], a.claim["object"]): (a.before, a.after)
        for a in recent_alerts(store)
        if a.kind == kind.split("_")[0] and (a.claim["subject"], a.claim["object"]) in before
    }
    assert found == expected
    assert {a.doc for a in recent_alerts(store)} == {stored_claims(store, then_url)[0]}
    w.close()


def test_a_new_contradiction_and_a_stale_fact_are_announced(
    site: FeedSite, store: Store, extract: Any, shared_dir: Path
) -> None:
    """The seeds: ESPN (May 2023: contract to June 2024, job safe), then Football España
    (November 2024: still in post, backed per Marca, at risk per others). Each contradiction and
    stale fact the story layer finds with the second report is announced, once."""
    from dugout.story import story_of

    seeds = [json.loads(line) for line in (shared_dir / "eval" / "seeds" / "articles.jsonl").open()]
    seeds.sort(key=lambda r: r["published"])
    records = {r["id"]: r for r in seeds}
    site.add_feed("/rss", "rss", "Football")
    Ledger(store.engine).add_feed(site.url("/rss"))
    w = watcher(store, extract)
    first_url = publish(site, seeds[0]["id"], records)
    w.cycle(once=True)
    coach = job_claim(stored_claims(store, first_url)[1]).subject
    assert follow(store, coach)
    second_url = publish(site, seeds[1]["id"], records)
    found = w.cycle(once=True).alerts
    second_doc = stored_claims(store, second_url)[0]

    story = story_of(store, coach)
    assert story is not None
    stale = [st for st in story.stale if any(c.doc == second_doc for c in st.later)]
    clashes = [con for con in story.contradictions if second_doc in (con.a.doc, con.b.doc)]
    assert stale and clashes, "the seeds no longer make a stale fact and a contradiction; see the story layer"
    assert sorted(a.after for a in found if a.kind == "stale") == sorted(st.reason for st in stale)
    assert sorted(a.after for a in found if a.kind == "contradiction") == sorted(c.reason for c in clashes)
    assert all(a.doc == second_doc and a.evidence in store.article(second_doc).text for a in found)
    assert w.cycle(once=True).alerts == []
    w.close()
