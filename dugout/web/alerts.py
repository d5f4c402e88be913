"""Alerts on the web: Atom feeds a feed reader subscribes to, and an HTML list.

`/alerts.atom` holds every followed name's alerts and `/stories/NAME/alerts.atom`
one story's; both are registered before the story page, whose path would
otherwise swallow them. Read-only, like every page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from dugout.store import Store
from dugout.watch.alerts import Alert, follows, recent_alerts
from dugout.watch.atom import MEDIA_TYPE, atom_feed

from .app import get_store
from .templates import evidence_url, q, render, safe_url

router = APIRouter()
StoreDep = Annotated[Store, Depends(get_store)]
FEED_SIZE = 50
FEED_CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
"""A feed is data, never a page with script: nothing may load, but the browser's own XML viewer
may style its tree and draw its fold arrows (inline style and data: images, which the site-wide
`style-src 'self'` would block)."""


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _atom(request: Request, alerts: list[Alert], title: str, site_path: str) -> Response:
    base = _base(request)
    body = atom_feed(
        alerts,
        title=title,
        self_url=base + request.url.path,
        site_url=base + site_path,
        entry_url=lambda a: base + evidence_url(a.doc or "", a.claim_id),
        source_url=lambda a: safe_url(a.url),
    )
    # A browser asking for HTML gets the same document typed as XML, which it shows as a
    # document tree (an atom+xml body it would show as one run of plain text); readers get atom+xml.
    browser = "text/html" in request.headers.get("accept", "")
    headers = {"Vary": "Accept", "Content-Security-Policy": FEED_CSP}
    return Response(body, media_type="application/xml" if browser else MEDIA_TYPE, headers=headers)


@router.get("/alerts.atom", include_in_schema=False)
def all_alerts_atom(request: Request, store: StoreDep) -> Response:
    return _atom(request, recent_alerts(store, limit=FEED_SIZE), "dugout: alerts", "/alerts")


@router.get("/stories/{name:path}/alerts.atom", include_in_schema=False)
def story_alerts_atom(name: str, request: Request, store: StoreDep) -> Response:
    found = recent_alerts(store, about=name, limit=FEED_SIZE)
    return _atom(request, found, f"dugout: alerts for {name}", f"/stories/{q(name)}")


@router.get("/alerts", include_in_schema=False, response_class=HTMLResponse)
def alerts_page(request: Request, store: StoreDep) -> HTMLResponse:
    html = render(
        request,
        "alerts.html",
        title="Alerts",
        alerts=recent_alerts(store, limit=200),
        follows=follows(store),
    )
    return HTMLResponse(html)
