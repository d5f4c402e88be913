"""Reports are untrusted: script, event-handler and `javascript:` payloads in a report's text,
title, outlet, id and URL are stored as sent and come out inert on every page.

The API gives them back verbatim (JSON, never sniffed as HTML); the pages escape
them (they show as text) and never turn them into tags, attributes or links.
The browser test (test_web_browser) checks the same in Chromium.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from dugout.web import create_app

try:
    from tests.test_web_support import AUTH, TOKEN, Api
except ImportError:  # tests/ is not a package
    from test_web_support import AUTH, TOKEN, Api

XSS_ID = "xss-1<script>alert('id')</script>"
XSS_OUTLET = "<script>alert('outlet')</script>\" onmouseover=\"alert('outlet-attr')"
XSS_TITLE = "<script>alert('title')</script><img src=x onerror=alert('title-img')>"
XSS_URL = "javascript:alert(document.cookie)"
XSS_TEXT = (
    "Real Madrid coach Carlo Ancelotti <script>alert('xss')</script> is under pressure after the defeat.\n\n"
    "Real Madrid have no plans to sack Ancelotti <img src=x onerror=alert('img')>, according to "
    "<a href=\"javascript:alert('link')\">Marca</a>.\n\n"
    "Xabi Alonso <b onmouseover=alert('b')>could</b> replace Ancelotti at Real Madrid, sources said.\n\n"
    '<svg onload=alert("svg")></svg><iframe src="javascript:alert(\'frame\')"></iframe>'
)
RECORD = {
    "id": XSS_ID,
    "outlet": XSS_OUTLET,
    "published": "2024-11-07",
    "url": XSS_URL,
    "title": XSS_TITLE,
    "text": XSS_TEXT,
}

# What must never appear in a page: live tags, handlers in attributes, javascript: links.
LIVE = [
    re.compile(r"<script", re.I),
    re.compile(r"<img\b", re.I),
    re.compile(r"<iframe\b", re.I),
    re.compile(r"<svg onload", re.I),
    re.compile(r"<b onmouseover", re.I),
    re.compile(r"""<[^>]*\son\w+\s*=""", re.I),  # any tag with an on...= attribute
    re.compile(r"""(href|src)\s*=\s*["']?\s*javascript:""", re.I),
]


def assert_inert(html: str, where: str) -> None:
    for pattern in LIVE:
        found = pattern.search(html)
        assert found is None, f"{where}: live markup {found.group(0)!r}"


@pytest.fixture(scope="module")
def xss(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    api = Api(create_app(str(tmp_path_factory.mktemp("xss") / "xss.db"), TOKEN, False))
    r = api.post("/api/articles", json=RECORD, headers=AUTH)
    assert r.status_code == 201, r.text
    assert r.json()["claims"], "the payload report must give claims, so evidence is highlighted"
    yield api
    api.close()


def test_payloads_are_stored_and_served_verbatim_as_json(xss: Api) -> None:
    r = xss.get(f"/api/articles/{quote(XSS_ID, safe='')}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"
    a = r.json()
    assert (a["id"], a["title"], a["outlet"], a["url"], a["text"]) == (
        XSS_ID,
        XSS_TITLE,
        XSS_OUTLET,
        XSS_URL,
        XSS_TEXT,
    )
    assert any("<script>" in c["evidence"] for c in a["claims"])


def _pages(api: Api) -> list[str]:
    pages = [
        "/",
        "/reports",
        f"/reports/{quote(XSS_ID, safe='')}",
        "/outlets",
        f"/outlets/{quote(XSS_OUTLET, safe='')}",
        "/stories/Carlo%20Ancelotti",
        "/stories/Real%20Madrid",
        "/search?q=script",
        "/search?q=" + quote("<script>alert(1)</script>", safe=""),
        "/stories/" + quote("<script>alert('name')</script>", safe=""),  # 404 page echoes the name
        "/reports/" + quote("<img src=x onerror=alert(1)>", safe=""),
        "/docs",
    ]
    claims = api.get("/api/claims?limit=500").json()["items"]
    for c in claims:
        for name in (c["subject"], c.get("object")):
            if name:
                pages.append(f"/stories/{quote(name, safe='')}")
    return list(dict.fromkeys(pages))


def test_every_page_renders_the_payloads_inert(xss: Api) -> None:
    for path in _pages(xss):
        r = xss.get(path)
        assert r.status_code in (200, 404), (path, r.status_code)
        assert r.headers["content-type"].startswith("text/html"), path
        assert_inert(r.text, path)
        assert "script-src 'none'" in r.headers["content-security-policy"]


def test_report_page_shows_the_payloads_as_text(xss: Api) -> None:
    html = xss.get(f"/reports/{quote(XSS_ID, safe='')}").text
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(&#39;img&#39;)&gt;" in html
    assert 'href="javascript:' not in html
    assert "javascript:alert(document.cookie)" in html, "the bad URL is shown as text, not linked"
    assert '<mark class="ev"' in html, "the evidence holding the payload is still highlighted"
    # the outlet's quote cannot close an attribute: it is escaped wherever it is used
    assert "&#34; onmouseover=&#34;" in html or "&quot; onmouseover=&quot;" in html
    assert f"/outlets/{quote(XSS_OUTLET, safe='')}" in html


def test_story_page_timeline_chart_escapes_the_outlet(xss: Api) -> None:
    html = xss.get("/stories/Carlo%20Ancelotti").text
    chart = html[html.index('<svg class="timeline-chart"') : html.index("</svg>")]
    assert "&lt;script&gt;alert(&#39;outlet&#39;)" in chart  # in the dots' tooltips
    assert_inert(chart, "chart")
    assert f'href="/reports/{quote(XSS_ID, safe="")}#claim-' in chart
