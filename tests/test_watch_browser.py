"""Alerts in real headless Chromium: the Atom feed opened in the browser, the home and story pages.

The store is filled by the watcher itself (a real local site serving two annotated reports of
../shared/eval/train about one coach, with their gold claims in place of the model's), then
served by uvicorn on 127.0.0.1. The browser must show the feed as a document (not a download,
not a blocked page) with the alert in it, and the pages must show the alert with its evidence,
with no Content-Security-Policy violation in the console.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from dugout.store import Store
from dugout.watch.alerts import follow, recent_alerts
from dugout.watch.ledger import Ledger
from dugout.web import create_app

try:
    from tests.feed_site import FeedSite, Item, annotated_records, page_from_record
    from tests.test_web_browser import ARTIFACTS, browser, page  # noqa: F401
    from tests.test_web_support import LiveServer
    from tests.watch_fixtures import annotated_extract, watcher  # noqa: F401
except ImportError:  # tests/ is not a package
    from feed_site import FeedSite, Item, annotated_records, page_from_record
    from test_web_browser import ARTIFACTS, browser, page  # noqa: F401
    from test_web_support import LiveServer
    from watch_fixtures import annotated_extract, watcher  # noqa: F401

pytestmark = pytest.mark.browser

REPORTS = ["t0195", "t0254"]
"""A coach under pressure, then sacked."""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, annotated_extract: Any) -> Iterator[dict[str, Any]]:
    """A store with one alert, made by the watcher, and the server over it."""
    db = str(tmp_path_factory.mktemp("watch-browser") / "site.db")
    records = annotated_records(set(REPORTS))
    with FeedSite() as site, Store.open(db) as store:
        site.add_feed("/rss", "rss", "Football")
        Ledger(store.engine).add_feed(site.url("/rss"))
        w = watcher(store, annotated_extract)
        for n, rid in enumerate(REPORTS):
            r = records[rid]
            site.publish("/rss", Item(r["title"], f"/news/{rid}", r["published"]), page_from_record(r))
            w.cycle(once=True)
            if n == 0:
                coach = next(c.claim.subject for c in store.claims(type="job_status"))
                follow(store, coach)
        w.close()
        (alert,) = recent_alerts(store)
    with LiveServer(create_app(db, None, False)) as server:
        yield {"url": server.url, "alert": alert, "coach": coach}


def test_the_atom_feed_renders_in_chromium(page: Any, served: dict[str, Any]) -> None:
    alert = served["alert"]
    for path in ("/alerts.atom", f"/stories/{quote(served['coach'])}/alerts.atom"):
        response = page.goto(served["url"] + path)
        assert response.status == 200
        text = page.locator("body").inner_text()
        assert "document tree is shown below" in text  # Chromium's XML viewer, not raw text
        assert alert.summary in text and alert.evidence in text and f"urn:uuid:{alert.uuid}" in text
        assert page.problems == [], page.problems
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "alerts-atom.png"))


def test_home_and_story_pages_show_the_alert_with_its_evidence(page: Any, served: dict[str, Any]) -> None:
    alert = served["alert"]
    page.goto(served["url"] + "/")
    section = page.locator("#alerts")
    assert alert.question in section.inner_text() and alert.after in section.inner_text()
    assert section.locator("blockquote").first.inner_text() == alert.evidence
    page.screenshot(path=str(ARTIFACTS / "alerts-home.png"), full_page=True)
    section.locator("a.cite").first.click()  # the citation leads to the evidence in its report
    assert page.url.endswith(f"#claim-{alert.claim_id}")
    assert alert.evidence[:40] in page.locator(f"mark.ev:has(#claim-{alert.claim_id})").inner_text()
    page.goto(served["url"] + f"/stories/{quote(served['coach'])}")
    story_alerts = page.locator("#alerts")
    assert alert.evidence in story_alerts.inner_text()
    assert page.problems == [], page.problems
