"""The pages people keep open: home, search, a story, a report, outlets. Read-only, no script.

The only forms are GET forms (search, "as of" date), so the pages change
nothing and need no CSRF token; writes go to the token-protected API.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dugout.ingest.dates import BadDate, parse_day
from dugout.kb.names import names_match
from dugout.store import Store
from dugout.store.dates import start_of
from dugout.story import brief
from dugout.story.conflicts import contradictions
from dugout.story.dedup import assign_voices
from dugout.story.load import to_story_claims
from dugout.watch.alerts import follows, recent_alerts

from . import queries
from .app import get_store
from .marks import evidence_spans, segments
from .params import MAX_OFFSET, Offset
from .stories import fingerprint, memoized, story_view, track_record
from .svg import swatch, timeline_chart
from .templates import evidence_url, render, story_url, with_query

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
StoreDep = Annotated[Store, Depends(get_store)]
PAGE = 50
WINDOW_DAYS = 60
MAX_CLAIMS = 400
EVENTS_PAGE = 300
HOME_ALERTS = 8
STORY_ALERTS = 20


def _page(request: Request, template: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(request, template, **context))


def _as_of(value: str | None) -> str | None:
    """The "as of" form's day; empty when the form was sent without one."""
    if not value:
        return None
    try:
        return parse_day(value)
    except BadDate as e:
        raise HTTPException(400, f"as_of: {e}") from None


def recent_contradictions(store: Store, stories: list[dict[str, Any]], limit: int = 6) -> list[Any]:
    """Contradictions in the stories of the newest reports, newest first.

    Claims are read by entity id (indexed) and only from the reports published up to
    `WINDOW_DAYS` before the oldest of those newest reports: a contradiction pairs claims
    weeks apart at most, so older claims cannot take part in a recent one.
    """
    dates = [s["latest"] for s in stories if s.get("latest")]
    since = None
    if dates:
        oldest = queries.oldest_recent_date(store)
        start = start_of(oldest)  # None for a date no day can be (stored before dates were checked)
        since = (start - timedelta(days=WINDOW_DAYS)).isoformat() if start else None
    found: dict[tuple, Any] = {}
    for s in stories:
        rows = [r for r in store.entity_claims(s["id"]) if since is None or (r.published or "") >= since]
        outlets = {r.claim.doc: r.claim.outlet for r in rows}
        claims = to_story_claims(rows[-MAX_CLAIMS:], outlets)
        assign_voices(claims, {})
        for con in contradictions(claims):
            key = tuple(sorted((con.a.id or 0, con.b.id or 0)))
            found.setdefault(key, con)
    ordered = sorted(
        found.values(), key=lambda con: max(con.a.published or "", con.b.published or ""), reverse=True
    )
    return ordered[:limit]


@router.get("/")
def home(request: Request, store: StoreDep) -> HTMLResponse:
    state = fingerprint(store)
    stories = queries.newest_stories(store)
    found = memoized(
        request.app.state.cache, "home", state, lambda: recent_contradictions(store, stories), size=2
    )
    return _page(
        request,
        "home.html",
        counts=store.counts(),
        stories=stories,
        contradictions=found,
        reports=queries.recent_reports(store, 10),
        alerts=recent_alerts(store, limit=HOME_ALERTS),
        follows=follows(store),
    )


@router.get("/search")
def search(request: Request, store: StoreDep, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    q = q.strip()
    entities = queries.search_entities(store, q) if q else []
    reports = queries.search_reports(store, q) if q else []
    return _page(
        request,
        "search.html",
        q=q,
        entities=entities,
        reports=reports,
        title=f"Search: {q}" if q else "Search",
    )


@router.get("/stories/{name:path}")
def story(
    name: str,
    request: Request,
    store: StoreDep,
    as_of: Annotated[str | None, Query(max_length=10)] = None,
    older: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    as_of = _as_of(as_of)
    view = story_view(store, request.app.state.cache, name, as_of)
    if view is None:
        when = f" published by {as_of}" if as_of else ""
        raise HTTPException(404, f"no stored claims about {name!r}{when}")
    title = f"Timeline of {view.story.name}"
    # The chart and the table show EVENTS_PAGE events, the newest first; `older` pages back,
    # so a name with thousands of distinct claims still makes a page of a known size.
    end = max(0, len(view.events) - older)
    events = view.events[max(0, end - EVENTS_PAGE) : end]
    page = {
        "total": len(view.events),
        "older": with_query(request.url.path, as_of=as_of, older=older + EVENTS_PAGE)
        if end > EVENTS_PAGE
        else None,
        "newer": with_query(request.url.path, as_of=as_of, older=max(0, older - EVENTS_PAGE))
        if older
        else None,
    }
    chart = timeline_chart(events, evidence_url, as_of=view.story.as_of, title=title)
    narrow = timeline_chart(
        events, evidence_url, as_of=view.story.as_of, title=title, width=400, id="chart-narrow"
    )
    return _page(
        request,
        "story.html",
        title=view.story.name,
        story=view.story,
        events=events,
        events_page=page,
        chart=chart,
        narrow=narrow,
        swatch=swatch,
        sentences=brief(view.story),
        as_of=as_of,
        alerts=recent_alerts(store, about=view.story.name, limit=STORY_ALERTS),
        followed=any(names_match(f.name, view.story.name) for f in follows(store)),
    )


@router.get("/reports")
def reports(request: Request, store: StoreDep, offset: Offset = 0) -> HTMLResponse:
    rows = queries.recent_reports(store, PAGE + 1, offset)
    nxt = with_query("/reports", offset=offset + PAGE) if len(rows) > PAGE else None
    prev = with_query("/reports", offset=max(0, offset - PAGE)) if offset else None
    return _page(
        request, "reports.html", title="Reports", reports=rows[:PAGE], next=nxt, prev=prev, offset=offset
    )


@router.get("/reports/{doc:path}")
def report(doc: str, request: Request, store: StoreDep) -> HTMLResponse:
    article = store.article(doc)
    if article is None:
        raise HTTPException(404, f"no stored report {doc!r}")
    claims = queries.report_claims(store, doc)
    spans = evidence_spans(article.text, [(c.id or 0, c.claim.evidence) for c in claims])
    found = {s.claim_id for s in spans}
    return _page(
        request,
        "report.html",
        title=article.title or article.id,
        article=article,
        claims=claims,
        segments=segments(article.text, spans),
        unplaced=[c for c in claims if c.id not in found],
    )


@router.get("/outlets")
def outlets(request: Request, store: StoreDep) -> HTMLResponse:
    records, _settled = track_record(store, request.app.state.cache)
    ranked = {r.outlet: r for r in records}
    rows = queries.outlets(store)
    return _page(
        request,
        "outlets.html",
        title="Outlets",
        ranked=sorted(records, key=lambda r: (-r.score, r.outlet)),
        outlets=rows,
        records=ranked,
    )


@router.get("/outlets/{name:path}")
def outlet(name: str, request: Request, store: StoreDep, offset: Offset = 0) -> HTMLResponse:
    claims = store.claims(outlet=name, limit=PAGE + 1, offset=offset)
    n_reports = queries.outlet_reports(store, name)
    records, settled = track_record(store, request.app.state.cache)
    record = next((r for r in records if r.outlet == name), None)
    outcomes = [o for o in settled if o.outlet == name]
    if not claims and not n_reports and record is None and not offset:
        raise HTTPException(404, f"no stored reports or claims from outlet {name!r}")
    base = f"/outlets/{name}"
    return _page(
        request,
        "outlet.html",
        title=name,
        name=name,
        claims=claims[:PAGE],
        n_reports=n_reports,
        record=record,
        outcomes=outcomes,
        offset=offset,
        next=with_query(request.url.path, offset=offset + PAGE) if len(claims) > PAGE else None,
        prev=with_query(request.url.path, offset=max(0, offset - PAGE)) if offset else None,
        base=base,
    )


@router.get("/entities/{entity_id:path}")
def entity(entity_id: str, store: StoreDep) -> RedirectResponse:
    found = store.entity(entity_id)
    if found is None:
        raise HTTPException(404, f"no stored entity {entity_id!r}")
    return RedirectResponse(story_url(found["name"]), status_code=303)


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    ops = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "description": p.get("description") or p.get("schema", {}).get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = list(op.get("requestBody", {}).get("content", {}))
            ops.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "params": params,
                    "body": body,
                    "responses": {k: v.get("description", "") for k, v in op.get("responses", {}).items()},
                }
            )
    return _page(request, "docs.html", title="API", ops=ops, info=spec.get("info", {}))
