"""The JSON API: reports in, claims and stories out. Thin: parse, call the library, shape JSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from dugout.ingest.fields import MAX_TEXT_CHARS
from dugout.records import Article, InputProblem
from dugout.store import Store
from dugout.story import brief

from . import queries
from .app import get_store
from .ingest import BadInput, ReportIn, claim_out, from_json, from_plain, store_reports
from .marks import evidence_spans
from .params import ClaimType, IsoDay, Limit, Offset, error
from .security import check_write
from .stories import story_view, track_record
from .templates import q, with_query

router = APIRouter(
    prefix="/api",
    responses={
        422: error("Invalid parameters: the message names each one and what is wrong"),
        503: error("The database is unavailable"),
    },
)

StoreDep = Annotated[Store, Depends(get_store)]
AsOf = Annotated[
    IsoDay | None,
    Query(description="Tell the story as it stood on this date (YYYY-MM-DD); default: the newest report"),
]
NO_STORY = {404: error("No stored claims about this name (published by `as_of`, when given)")}


def _page(request: Request, items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    """A page of `items` (fetched with one extra to know whether more follow) with its `next` URL."""
    more = len(items) > limit
    items = items[:limit]
    nxt = None
    if more:
        params = dict(request.query_params)
        params.update(limit=str(limit), offset=str(offset + limit))
        nxt = with_query(request.url.path, **params)
    return {"items": items, "limit": limit, "offset": offset, "count": len(items), "next": nxt}


@router.get("", summary="What the API holds and where to go")
def index(store: StoreDep) -> dict[str, Any]:
    return {
        "name": "dugout",
        "counts": store.counts(),
        "docs": "/docs",
        "openapi": "/openapi.json",
        "endpoints": [
            "POST /api/articles",
            "GET /api/articles",
            "GET /api/articles/{id}",
            "GET /api/claims",
            "GET /api/entities/{id}",
            "GET /api/search?q=",
            "GET /api/stories/{name}",
            "GET /api/stories/{name}/timeline",
            "GET /api/stories/{name}/brief",
            "GET /api/outlets",
        ],
    }


# -- reports ---------------------------------------------------------------------------------------


@router.post(
    "/articles",
    summary="Ingest a report: a JSON record, a page's HTML, a URL to fetch, or plain text",
    status_code=201,
    dependencies=[Depends(check_write)],
    responses={
        200: {"description": "Already stored (same id or same text): the stored report, `duplicate: true`"},
        201: {"description": "Stored: its id and the claims found"},
        401: error("No or wrong bearer token"),
        403: error("The server has no DUGOUT_TOKEN: writes are disabled"),
        413: error("Body over the size limit (2 MB by default)"),
        415: error("A content type other than application/json, text/plain or text/html"),
        422: error(
            "Not a report: no text, a field of the wrong type, a date that is no real date, "
            f"text over {MAX_TEXT_CHARS:,} characters, an unreachable URL, ..."
        ),
        503: error("The database is unavailable, or this server cannot extract claims"),
    },
    openapi_extra={
        "parameters": [
            {"name": n, "in": "query", "required": False, "schema": {"type": "string"}, "description": d}
            for n, d in (
                ("id", "text/plain bodies: the report's id"),
                ("url", "text/plain bodies: where it was published"),
                ("outlet", "text/plain bodies: the outlet"),
                ("published", "text/plain bodies: publication date (YYYY-MM-DD, ISO datetime, RFC 822)"),
                ("title", "text/plain bodies: the title"),
            )
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": ReportIn.model_json_schema()},
                "text/plain": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            },
        },
    },
)
async def post_article(request: Request, store: StoreDep) -> JSONResponse:
    settings = request.app.state.settings
    body = await request.body()
    kind = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    try:
        if kind in ("application/json", ""):
            if request.query_params:
                raise BadInput("query parameters are for text/plain bodies; put metadata in the JSON record")
            items = await run_in_threadpool(from_json, body, settings.allow_private)
        elif kind in ("text/plain", "text/html"):
            items = from_plain(body, dict(request.query_params), html=kind == "text/html")
        else:
            raise BadInput(f"unsupported content type {kind!r}: send application/json or text/plain", 415)
        problems = [i for i in items if isinstance(i, InputProblem)]
        articles = [i for i in items if isinstance(i, Article)]
        if not articles:
            reason = "; ".join(str(p) for p in problems) or "nothing to ingest"
            raise BadInput(reason)
        done = await run_in_threadpool(store_reports, store, request.app.state.extractors, articles)
    except BadInput as e:
        raise HTTPException(e.status, str(e)) from None
    status = 200 if all(d.duplicate for d in done) else 201
    if len(done) == 1 and not problems:
        return JSONResponse(done[0].to_dict(), status_code=status)
    return JSONResponse(
        {"articles": [d.to_dict() for d in done], "problems": [str(p) for p in problems]}, status_code=status
    )


@router.get("/articles", summary="Stored reports, newest first")
def list_articles(request: Request, store: StoreDep, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    rows = queries.recent_reports(store, limit + 1, offset)
    return _page(
        request, [r.to_dict() | {"links": {"api": f"/api/articles/{q(r.id)}"}} for r in rows], limit, offset
    )


@router.get(
    "/articles/{doc:path}",
    summary="One report: its text, its claims, and where each claim's evidence is",
    responses={404: error("No stored report with this id")},
)
def get_article(doc: str, store: StoreDep) -> dict[str, Any]:
    article = store.article(doc)
    if article is None:
        raise HTTPException(404, f"no stored report {doc!r}")
    claims = queries.report_claims(store, doc)
    spans = evidence_spans(article.text, [(c.id or 0, c.claim.evidence) for c in claims])
    return {
        **article.to_record(),
        "published_hint": article.published_hint,
        "claims": [claim_out(c) for c in claims],
        "evidence": [s.to_dict() for s in spans],
        "links": {"page": f"/reports/{q(doc)}"},
    }


# -- claims, entities, search ----------------------------------------------------------------------


@router.get("/claims", summary="Stored claims, filtered as `dugout claims` filters them, oldest report first")
def list_claims(
    request: Request,
    store: StoreDep,
    about: Annotated[str | None, Query(description="A person or club: every word of it in the name")] = None,
    type: Annotated[ClaimType | None, Query(description="One of the nine claim types")] = None,
    outlet: Annotated[str | None, Query(description="The claim's outlet")] = None,
    since: Annotated[IsoDay | None, Query(description="Reports published on or after (YYYY-MM-DD)")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    rows = store.claims(about=about, type=type, outlet=outlet, since=since, limit=limit + 1, offset=offset)
    items = [
        claim_out(r)
        | {"published": r.published, "title": r.title, "links": {"evidence": _evidence(r.claim.doc, r.id)}}
        for r in rows
    ]
    return _page(request, items, limit, offset)


def _evidence(doc: str, claim_id: int | None) -> str:
    return f"/reports/{q(doc)}#claim-{claim_id}"


@router.get(
    "/entities/{entity_id:path}",
    summary="One person or club by id (or name): names, reports, claims",
    responses={
        404: error("No stored entity with this id or name"),
        409: error("The name stands for several entities: the message lists their ids"),
    },
)
def get_entity(
    entity_id: str, request: Request, store: StoreDep, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    found = store.find_entities(entity_id)
    exact = [e for e in found if e["id"] == entity_id]
    if exact:
        found = exact
    if not found:
        raise HTTPException(404, f"no stored entity {entity_id!r}")
    if len(found) > 1:
        names = ", ".join(f"{e['name']} ({e['id']})" for e in found[:10])
        raise HTTPException(409, f"{entity_id!r} names several entities: {names}")
    entity = found[0]
    rows = store.entity_claims(entity["id"])
    page = _page(
        request,
        [claim_out(r) | {"published": r.published} for r in rows[offset : offset + limit + 1]],
        limit,
        offset,
    )
    return entity | {
        "claims": page["items"],
        "claims_total": len(rows),
        "next": page["next"],
        "links": {"story": f"/api/stories/{q(entity['name'])}"},
    }


@router.get("/search", summary="People, clubs and reports matching a query")
def search(
    store: StoreDep,
    q_: Annotated[str, Query(alias="q", min_length=1, max_length=200, description="What to look for")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    return {
        "q": q_,
        "entities": queries.search_entities(store, q_, limit),
        "reports": queries.search_reports(store, q_, limit),
    }


# -- stories ---------------------------------------------------------------------------------------


def _story(request: Request, store: Store, name: str, as_of: str | None):
    view = story_view(store, request.app.state.cache, name, as_of)
    if view is None:
        when = f" published by {as_of}" if as_of else ""
        raise HTTPException(404, f"no stored claims about {name!r}{when}")
    return view


@router.get(
    "/stories/{name:path}/timeline",
    summary="Dated events about a person or club, oldest first",
    responses=NO_STORY,
)
def story_timeline(name: str, request: Request, store: StoreDep, as_of: AsOf = None) -> dict[str, Any]:
    view = _story(request, store, name, as_of)
    return {
        "name": view.story.name,
        "as_of": view.story.as_of,
        "events": [
            e.to_dict() | {"links": {"evidence": _evidence(e.claim.doc, e.claim.id)}} for e in view.events
        ],
    }


@router.get(
    "/stories/{name:path}/brief",
    summary="A plain-English briefing, every sentence cited",
    responses=NO_STORY,
)
def story_brief(name: str, request: Request, store: StoreDep, as_of: AsOf = None) -> dict[str, Any]:
    view = _story(request, store, name, as_of)
    return {
        "name": view.story.name,
        "as_of": view.story.as_of,
        "sentences": [s.to_dict() for s in brief(view.story)],
    }


@router.get(
    "/stories/{name:path}",
    summary="Where a story stands: state, job status with confidence, contradictions, candidates, transfers",
    responses=NO_STORY,
)
def story(name: str, request: Request, store: StoreDep, as_of: AsOf = None) -> dict[str, Any]:
    return _story(request, store, name, as_of).story.to_dict()


@router.get("/outlets", summary="Outlets ranked by how often their settled claims were borne out")
def outlets(
    request: Request,
    store: StoreDep,
    as_of: AsOf = None,
    outcomes: Annotated[bool, Query(description="Also list the settled claims behind the ranking")] = False,
) -> dict[str, Any]:
    records, settled = track_record(store, request.app.state.cache, as_of)
    reports = {o["outlet"]: o for o in queries.outlets(store)}
    out: dict[str, Any] = {
        "ranked": [r.to_dict() for r in sorted(records, key=lambda r: (-r.score, r.outlet))],
        "outlets": list(reports.values()),
    }
    if outcomes:
        out["outcomes"] = [o.to_dict() for o in settled]
    return out
