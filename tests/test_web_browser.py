"""End to end in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

`dugout`'s app is served by uvicorn on 127.0.0.1; the seeds are ingested through
the HTTP API; the story page must show the contradiction and the timeline chart,
and its links must lead to the evidence highlighted in the report page. The
story page's screenshots are saved to artifacts/ (desktop and phone width) for
a person to look at. Without Chromium: skipped locally, a failure under CI.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from dugout.web import create_app

try:
    from tests.test_web_support import AUTH, TOKEN, LiveServer, seed_claims, seed_records
    from tests.test_web_xss import RECORD, XSS_ID
except ImportError:  # tests/ is not a package
    from test_web_support import AUTH, TOKEN, LiveServer, seed_claims, seed_records
    from test_web_xss import RECORD, XSS_ID

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FE = "004_87e0b83675fd727f"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Iterator[str]:
    """The server's base URL, with the seeds ingested through its API."""
    app = create_app(
        str(tmp_path_factory.mktemp("browser") / "site.db"), TOKEN, False, extractor=seed_claims(shared_dir)
    )
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        for record in seed_records(shared_dir):
            r = client.post("/api/articles", json=record, headers=AUTH)
            assert r.status_code == 201, r.text
        yield server.url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.problems = []  # type: ignore[attr-defined]
    p.on("dialog", lambda d: (p.problems.append(f"dialog: {d.message}"), d.dismiss()))
    p.on("console", lambda m: p.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    p.on("pageerror", lambda e: p.problems.append(f"page error: {e}"))
    yield p
    context.close()


def test_story_page_shows_contradiction_and_timeline_and_links_to_evidence(page: Any, site: str) -> None:
    page.goto(f"{site}/stories/Carlo%20Ancelotti")
    assert page.locator("h1").inner_text() == "Carlo Ancelotti"
    glance = page.locator(".glance")
    assert "head coach of Real Madrid" in glance.inner_text()
    assert "secure" in glance.inner_text() and "confidence" in glance.inner_text()
    con = page.locator("#contradictions .contradiction").first
    assert con.is_visible()
    sides = con.locator(".side")
    assert sides.count() == 2
    texts = [sides.nth(i).inner_text() for i in range(2)]
    assert any("secure" in t for t in texts) and any("at risk" in t for t in texts)
    box_a, box_b = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert abs(box_a["y"] - box_b["y"]) < 2 and box_b["x"] > box_a["x"] + 100, "side by side"

    chart = page.locator(".chart.wide svg.timeline-chart")
    assert chart.is_visible()
    assert chart.bounding_box()["height"] > 150
    dots = chart.locator("a.dot")
    assert dots.count() >= 5
    labels = chart.locator("text.row-label").all_text_contents()
    assert {"coach", "job status", "contract", "meeting"} <= set(labels)
    legend = page.locator(".legend").inner_text()
    assert "ESPN" in legend and "Football España" in legend

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story-ancelotti.png"), full_page=True)

    # the contradiction's "at risk" side: its citation leads to the sentence in the report
    risky = 0 if "at risk" in texts[0] else 1
    evidence = sides.nth(risky).locator("blockquote").inner_text()
    sides.nth(risky).locator("a.cite").click()
    page.wait_for_url(re.compile(r"/reports/.+#claim-\d+$"))
    claim_id = page.url.rsplit("#claim-", 1)[1]
    target = page.locator(f"mark.ev:has(#claim-{claim_id})")
    assert target.is_visible()
    assert target.inner_text().startswith(evidence[:60])
    colour = target.evaluate("m => getComputedStyle(m).backgroundColor")
    assert colour == "rgb(255, 210, 77)", "the evidence a link points at is highlighted"
    claim = page.locator(f"#c-{claim_id}")
    assert "job status" in claim.inner_text() and "at risk" in claim.inner_text()
    assert page.locator("aside.claims li.claim").count() >= 10
    assert not page.problems, page.problems


def test_timeline_dots_link_to_their_evidence(page: Any, site: str) -> None:
    page.goto(f"{site}/stories/Carlo%20Ancelotti")
    dot = page.locator(".chart.wide a.dot").first
    href = dot.get_attribute("href")
    assert re.fullmatch(r"/reports/[^#]+#claim-\d+", href)
    dot.click()
    page.wait_for_url(re.compile(r"#claim-\d+$"))
    assert page.locator(f"mark.ev:has(#claim-{href.rsplit('-', 1)[1]})").is_visible()
    assert not page.problems, page.problems


def test_phone_width_layout(browser: Any, site: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        p = context.new_page()
        for path in ("/", "/stories/Carlo%20Ancelotti", f"/reports/{FE}", "/outlets"):
            p.goto(site + path)
            width = p.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
        p.goto(f"{site}/stories/Carlo%20Ancelotti")
        assert p.locator(".chart.narrow svg").is_visible() and not p.locator(".chart.wide svg").is_visible()
        sides = p.locator("#contradictions .side")
        assert sides.nth(1).bounding_box()["y"] > sides.nth(0).bounding_box()["y"], "stacked on a phone"
        size = p.locator("main p, main li").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 14
        p.screenshot(path=str(ARTIFACTS / "story-ancelotti-phone.png"), full_page=True)
    finally:
        context.close()


def test_hostile_report_is_inert_in_the_browser(page: Any, site: str) -> None:
    with httpx.Client(base_url=site, timeout=60) as client:
        assert client.post("/api/articles", json=RECORD).status_code == 401, "no token, no write"
        r = client.post("/api/articles", json=RECORD, headers=AUTH)
        assert r.status_code == 201, r.text
    for path in (
        f"/reports/{quote(XSS_ID, safe='')}",
        "/stories/Carlo%20Ancelotti",
        "/",
        "/outlets",
        f"/outlets/{quote(RECORD['outlet'], safe='')}",
        "/search?q=script",
    ):
        page.goto(site + path)
        assert page.locator("script, iframe, img, [onerror], [onmouseover], [onload]").count() == 0, path
        assert page.locator('a[href^="javascript:"]').count() == 0, path
        page.locator("body").hover()
    page.goto(f"{site}/reports/{quote(XSS_ID, safe='')}")
    text = page.locator(".report-text").inner_text()
    assert "<script>alert('xss')</script>" in text and "<img src=x onerror=alert('img')>" in text
    assert page.locator("h1").inner_text() == RECORD["title"]
    assert not [p for p in page.problems if p.startswith(("dialog", "page error"))], page.problems


def test_pages_work_without_javascript(browser: Any, site: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 800})
    try:
        p = context.new_page()
        p.goto(site + "/")
        p.fill("#home-q", "Ancelotti")
        p.locator("form.search.big button").click()
        p.wait_for_url(re.compile(r"/search\?q=Ancelotti"))
        p.locator("ul.cards a", has_text="Carlo Ancelotti").click()
        p.wait_for_url(re.compile(r"/stories/Carlo%20Ancelotti$"))
        p.fill("#as_of", "2023-06-01")
        p.locator("form.asof button").click()
        p.wait_for_url(re.compile(r"as_of=2023-06-01"))
        assert "6 NOVEMBER 2024" not in p.locator(".kicker").inner_text().upper()
        assert p.locator("#contradictions").count() == 0
        p.locator("summary").click()
        assert p.locator("table.events tbody tr").count() >= 3
    finally:
        context.close()
