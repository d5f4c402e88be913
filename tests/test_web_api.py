"""The HTTP API and the pages, in-process through httpx, on SQLite and PostgreSQL.

The seed reports are ingested through `POST /api/articles` once per module and
backend; the assertions are about what the seeds are known to give (the
Ancelotti job-status contradiction, the timeline, the brief), not exact claim lists.
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from dugout.cli import app as cli
from dugout.web import create_app

try:
    from tests.store_fixtures import pg_database, pg_url  # noqa: F401
    from tests.test_web_support import AUTH, BACKENDS, TOKEN, Api, module_db, seed_claims, seed_records
except ImportError:  # tests/ is not a package: pytest put the folder itself on sys.path
    from store_fixtures import pg_database, pg_url  # noqa: F401
    from test_web_support import AUTH, BACKENDS, TOKEN, Api, module_db, seed_claims, seed_records

ESPN = "000_f747a6ab05d9f706"
FE = "004_87e0b83675fd727f"
ANCELOTTI = "/api/stories/Carlo%20Ancelotti"
HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


@pytest.fixture(scope="module", params=BACKENDS)
def web_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from module_db(request, tmp_path_factory)


@pytest.fixture(scope="module")
def seeded(web_db: str, shared_dir: Path) -> Iterator[tuple[Api, list[dict[str, Any]]]]:
    """An app over a fresh database with both seeds ingested through the API; the POST answers."""
    api = Api(create_app(web_db, TOKEN, False, extractor=seed_claims(shared_dir)))
    answers = []
    for record in seed_records(shared_dir):
        r = api.post("/api/articles", json=record, headers=AUTH)
        assert r.status_code == 201, r.text
        answers.append(r.json())
    yield api, answers
    api.close()


@pytest.fixture
def api(seeded: tuple[Api, list[dict[str, Any]]]) -> Api:
    return seeded[0]


# -- ingesting ---------------------------------------------------------------------------------------------


def test_post_returns_the_id_and_the_claims_found(seeded: tuple[Api, list[dict[str, Any]]]) -> None:
    _api, answers = seeded
    assert [a["id"] for a in answers] == [ESPN, FE]
    for a in answers:
        assert a["duplicate"] is False
        assert len(a["claims"]) >= 10
        assert all(isinstance(c["id"], int) and c["doc"] == a["id"] for c in a["claims"])
        assert {"type", "subject", "evidence", "modality", "polarity"} <= set(a["claims"][0])
        assert a["links"]["page"] == f"/reports/{a['id']}"
    types = {c["type"] for a in answers for c in a["claims"]}
    assert {"coach_of", "job_status", "candidate_for", "meeting"} <= types


def test_same_report_again_is_a_duplicate_by_id_or_by_text(api: Api, shared_dir: Path) -> None:
    record = seed_records(shared_dir)[0]
    before = api.get("/api").json()["counts"]
    again = api.post("/api/articles", json=record, headers=AUTH)
    assert again.status_code == 200, again.text
    assert again.json()["duplicate"] is True and again.json()["id"] == ESPN
    assert again.json()["claims"], "a duplicate answers with the stored report's claims"
    renamed = api.post("/api/articles", json=record | {"id": "another-id"}, headers=AUTH)
    assert renamed.status_code == 200
    assert renamed.json() | {"claims": []} == again.json() | {"claims": []}
    as_text = api.post(
        "/api/articles",
        content=record["text"].encode(),
        headers=AUTH | {"Content-Type": "text/plain; charset=utf-8"},
    )
    assert as_text.status_code == 200 and as_text.json()["id"] == ESPN
    assert api.get("/api").json()["counts"] == before


def test_plain_text_with_metadata_in_query_parameters(api: Api) -> None:
    text = (
        "Chelsea have sacked Graham Potter after a run of poor results, the club said in a statement.\n\n"
        "Julian Nagelsmann is among the candidates to replace him at Stamford Bridge, sources said."
    )
    r = api.post(
        "/api/articles?id=plain-1&outlet=BBC%20Sport&published=2023-04-02&title=Potter%20sacked",
        content=text.encode(),
        headers=AUTH | {"Content-Type": "text/plain"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["id"], body["outlet"], body["published"], body["title"]) == (
        "plain-1",
        "BBC Sport",
        "2023-04-02",
        "Potter sacked",
    )
    stored = api.get("/api/articles/plain-1").json()
    assert stored["text"] == text and stored["outlet"] == "BBC Sport"


CHELSEA = (
    "Chelsea have appointed Mauricio Pochettino as their new head coach on a two-year contract, "
    "the club announced on Monday.",
    "Pochettino, who left Paris Saint-Germain last summer, will start work on July 1.",
)
BRIGHTON = (
    "Brighton have sacked Roberto De Zerbi after a run of poor results, the club said in a statement.",
    "Brighton sporting director David Weir will lead the search for a successor.",
)


def _page(title: str, paragraphs: tuple[str, ...]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        '<meta property="article:published_time" content="2023-05-29T10:00:00Z"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def test_html_body_and_a_url_to_fetch(api: Api) -> None:
    """Pages in, through the shipped model (this module's other tests use the seeds' gold claims)."""
    page = _page("Chelsea appoint Pochettino", CHELSEA)
    model = Api(create_app(api.app.state.settings.db, TOKEN, False))
    try:
        body = {"html": page, "url": "https://example.com/chelsea"}
        r = model.post("/api/articles", json=body, headers=AUTH)
        assert r.status_code == 201, r.text
        assert r.json()["published"] == "2023-05-29"
        assert r.json()["title"] == "Chelsea appoint Pochettino" and r.json()["claims"]
        again = model.post("/api/articles", json=body, headers=AUTH)
        assert again.status_code == 200 and again.json()["duplicate"] is True
    finally:
        model.close()
    served = _serve_once(_page("Brighton sack De Zerbi", BRIGHTON))
    refused = api.post("/api/articles", json={"url": served}, headers=AUTH)
    assert refused.status_code == 422, "loopback addresses are refused unless --allow-private"
    assert "loopback" in refused.json()["error"] or "private" in refused.json()["error"]
    allowed = Api(create_app(api.app.state.settings.db, TOKEN, False, allow_private=True))
    try:
        fetched = allowed.post("/api/articles", json={"url": served}, headers=AUTH)
        assert fetched.status_code == 201, fetched.text
        assert fetched.json()["id"].startswith("127.0.0.1-")
        assert fetched.json()["title"] == "Brighton sack De Zerbi" and fetched.json()["claims"]
    finally:
        allowed.close()


def _serve_once(page: str) -> str:
    """A one-page HTTP server on loopback; its URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.handle_request, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/news/ancelotti.html"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        (b"{not json", "application/json", 422, "not valid JSON"),
        (json.dumps({"text": "x", "colour": "red"}).encode(), "application/json", 422, "colour"),
        (json.dumps({"title": "no text"}).encode(), "application/json", 422, '"text", "html" or "url"'),
        (
            json.dumps({"text": "Some text.", "published": "yesterday"}).encode(),
            "application/json",
            422,
            "date",
        ),
        (json.dumps({"url": "ftp://example.com/x"}).encode(), "application/json", 422, "http(s)"),
        (b"   ", "text/plain", 422, "empty"),
        (b"\xff\xfe\x00bad", "text/plain", 422, "UTF-8"),
        (b"<x/>", "application/xml", 415, "content type"),
    ],
)
def test_bad_bodies_get_clear_json_errors(
    api: Api, body: bytes, content_type: str, status: int, says: str
) -> None:
    r = api.post("/api/articles", content=body, headers=AUTH | {"Content-Type": content_type})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["status"] == status and says in r.json()["error"]


def test_request_size_limit_is_413_json(api: Api) -> None:
    big = json.dumps({"id": "big", "text": "word " * 500_000}).encode()  # 2.5 MB
    r = api.post("/api/articles", content=big, headers=AUTH | {"Content-Type": "application/json"})
    assert r.status_code == 413
    assert "limit" in r.json()["error"] and r.json()["status"] == 413

    async def chunks():  # no Content-Length: the limit holds while streaming too
        for _ in range(30):
            yield b"x" * 100_000

    r = api.post("/api/articles", content=chunks(), headers=AUTH | {"Content-Type": "text/plain"})
    assert r.status_code == 413
    assert api.get("/api/articles/big").status_code == 404


# -- tokens and private mode ------------------------------------------------------------------------------


def test_writes_need_the_token(api: Api, shared_dir: Path) -> None:
    record = seed_records(shared_dir)[0] | {"id": "no-token", "text": "Arsenal sign a striker."}
    missing = api.post("/api/articles", json=record)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert "Bearer" in missing.json()["error"]
    wrong = api.post("/api/articles", json=record, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "wrong token"
    basic = base64.b64encode(f"x:{TOKEN}".encode()).decode()
    as_basic = api.post("/api/articles", json=record, headers={"Authorization": f"Basic {basic}"})
    assert as_basic.status_code == 401, "Basic credentials (sent by browsers by themselves) never write"
    assert api.get("/api/articles/no-token").status_code == 404


def test_a_server_without_token_refuses_writes_and_says_how(web_db: str, shared_dir: Path) -> None:
    api = Api(create_app(web_db, None, False))
    try:
        r = api.post("/api/articles", json=seed_records(shared_dir)[0] | {"id": "x"}, headers=AUTH)
        assert r.status_code == 403
        assert "DUGOUT_TOKEN" in r.json()["error"] and "export" in r.json()["error"]
        assert api.get("/api/articles").status_code == 200, "reads stay open"
    finally:
        api.close()


def test_private_server_guards_reads(web_db: str) -> None:
    with pytest.raises(ValueError, match="DUGOUT_TOKEN"):
        create_app(web_db, None, True)
    api = Api(create_app(web_db, TOKEN, True))
    try:
        for path in ("/api/articles", "/", "/stories/Carlo%20Ancelotti", "/openapi.json", "/docs"):
            r = api.get(path)
            assert r.status_code == 401, path
            assert r.headers["www-authenticate"].startswith("Basic")
        assert api.get("/api/articles", headers=AUTH).status_code == 200
        basic = base64.b64encode(f"editor:{TOKEN}".encode()).decode()
        page = api.get("/", headers={"Authorization": f"Basic {basic}"})
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        assert api.get("/static/style.css").status_code == 200
    finally:
        api.close()


# -- reading -------------------------------------------------------------------------------------------------


def test_articles_list_is_paginated_with_a_next_link(api: Api) -> None:
    first = api.get("/api/articles?limit=1").json()
    assert first["count"] == 1 and first["next"]
    second = api.get(first["next"]).json()
    assert second["offset"] == 1 and second["items"][0]["id"] != first["items"][0]["id"]
    everything = api.get("/api/articles?limit=500").json()
    assert everything["next"] is None
    assert {ESPN, FE} <= {a["id"] for a in everything["items"]}
    assert api.get("/api/articles?limit=0").status_code == 422


def test_article_gives_text_claims_and_where_each_evidence_is(api: Api) -> None:
    r = api.get(f"/api/articles/{FE}")
    assert r.status_code == 200
    a = r.json()
    assert a["outlet"] == "Football España" and a["published"] == "2024-11-06"
    by_id = {c["id"]: c for c in a["claims"]}
    assert a["evidence"] and len(a["evidence"]) == len(a["claims"])
    for span in a["evidence"]:
        assert a["text"][span["start"] : span["end"]] == by_id[span["claim_id"]]["evidence"]
    missing = api.get("/api/articles/nope")
    assert missing.status_code == 404 and missing.json() == {
        "error": "no stored report 'nope'",
        "status": 404,
    }


def test_claims_take_the_cli_filters_and_pages(api: Api) -> None:
    r = api.get("/api/claims?about=ancelotti&type=job_status").json()
    values = {c["value"] for c in r["items"]}
    assert {"secure", "at_risk"} <= values
    assert all(c["type"] == "job_status" for c in r["items"])
    assert all(c["links"]["evidence"].startswith("/reports/") for c in r["items"])
    recent = api.get("/api/claims?about=ancelotti&since=2024-01-01").json()["items"]
    assert recent and all(c["published"] >= "2024-01-01" for c in recent)
    espn = api.get("/api/claims?outlet=ESPN&limit=500").json()["items"]
    assert espn and {c["doc"] for c in espn} == {ESPN}
    page = api.get("/api/claims?limit=5").json()
    assert page["count"] == 5 and "offset=5" in page["next"]
    assert api.get(page["next"]).json()["items"][0]["id"] not in {c["id"] for c in page["items"]}
    bad = api.get("/api/claims?type=sacking")
    assert bad.status_code == 422 and "job_status" in bad.json()["error"]
    assert api.get("/api/claims?since=November").status_code == 422


def test_story_state_contradiction_timeline_and_brief(api: Api) -> None:
    story = api.get(ANCELOTTI).json()
    assert story["name"] == "Carlo Ancelotti" and story["kind"] == "person"
    assert story["roles"][0]["text"] == "head coach of Real Madrid"
    assert story["job_status"][0]["status"] == "secure"
    assert 0 < story["job_status"][0]["confidence"] < 1
    con = story["contradictions"][0]
    assert {con["a"]["says"], con["b"]["says"]} >= {"Carlo Ancelotti's job at Real Madrid is secure"}
    assert "at risk" in con["b"]["says"] or "at risk" in con["a"]["says"]
    assert story["candidates"] and story["contracts"]
    events = api.get(f"{ANCELOTTI}/timeline").json()["events"]
    assert len(events) >= 5
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    assert all(e["links"]["evidence"].startswith("/reports/") for e in events)
    sentences = api.get(f"{ANCELOTTI}/brief").json()["sentences"]
    assert sentences[0]["text"].startswith("Carlo Ancelotti is head coach of Real Madrid")
    assert sentences[0]["citations"] == ["ESPN, 2023-05-19", "Football España, 2024-11-06"]


def test_story_as_of_and_unknown_names(api: Api) -> None:
    before = api.get(f"{ANCELOTTI}?as_of=2023-06-01").json()
    assert before["as_of"] == "2023-06-01"
    assert {r["outlet"] for r in before["reports"]} == {"ESPN"}
    assert not before["contradictions"]
    assert api.get(f"{ANCELOTTI}?as_of=2023-02-30").status_code == 422
    missing = api.get("/api/stories/Nobody%20Atall")
    assert missing.status_code == 404 and "Nobody Atall" in missing.json()["error"]
    assert api.get("/api/stories/Nobody%20Atall/brief").status_code == 404


def test_entities_and_search(api: Api) -> None:
    entity = api.get("/api/entities/person:carlo-ancelotti")
    assert entity.status_code == 200, entity.text
    e = entity.json()
    assert e["name"] == "Carlo Ancelotti" and e["claims_total"] >= 5 and e["claims"]
    assert {r["doc"] for r in e["reports"]} == {ESPN, FE}
    assert api.get("/api/entities/person:nobody-at-all").status_code == 404
    found = api.get("/api/search?q=ancelotti").json()
    assert found["entities"][0]["name"] == "Carlo Ancelotti"
    assert {r["id"] for r in found["reports"]} >= {ESPN, FE}
    prefix = api.get("/api/search?q=bellin").json()
    assert "Jude Bellingham" in {x["name"] for x in prefix["entities"]}
    text = api.get("/api/search?q=Valdebebas").json()
    assert [r["id"] for r in text["reports"]] == [FE] and "Valdebebas" in text["reports"][0]["snippet"]
    assert api.get("/api/search?q=100%25_").json()["reports"] == []
    assert api.get("/api/search").status_code == 422


def test_outlets_track_record(api: Api) -> None:
    r = api.get("/api/outlets?outcomes=true").json()
    assert {"ranked", "outlets", "outcomes"} <= set(r)
    assert {o["outlet"] for o in r["outlets"]} >= {"ESPN", "Football España"}
    for row in r["ranked"]:
        assert row["settled"] == row["borne_out"] + row["not_borne_out"]


def test_openapi_and_docs_without_any_cdn(api: Api) -> None:
    spec = api.get("/openapi.json").json()
    for path in ("/api/articles", "/api/claims", "/api/search", "/api/outlets", "/api/stories/{name}"):
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/api/articles"]
    docs = api.get("/docs")
    assert docs.status_code == 200 and "POST" in docs.text and "/api/stories/{name}/timeline" in docs.text
    assert "cdn" not in docs.text.lower() and "<script" not in docs.text.lower()


def test_security_headers_on_pages_api_and_errors(api: Api) -> None:
    for path in ("/", "/api/articles", "/nope", "/api/nope", "/static/style.css", f"/reports/{ESPN}"):
        r = api.get(path)
        for h in HEADERS:
            assert h in r.headers, (path, h)
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'none'" in csp and "unsafe-inline" not in csp
    assert api.get("/api/nope").json() == {"error": "Not Found", "status": 404}
    page = api.get("/nope")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


# -- pages ---------------------------------------------------------------------------------------------------


def test_pages_render_with_links_to_evidence(api: Api) -> None:
    home = api.get("/")
    assert home.status_code == 200
    assert 'href="/stories/Carlo%20Ancelotti"' in home.text
    assert "Recent contradictions" in home.text and "at risk" in home.text
    story = api.get("/stories/Carlo%20Ancelotti")
    assert story.status_code == 200
    html = story.text
    assert 'id="contradictions"' in html and 'class="contradiction"' in html
    assert '<svg class="timeline-chart"' in html and 'class="dot"' in html
    assert f'href="/reports/{FE}#claim-' in html
    assert "Candidates for the Real Madrid job" in html and "<meter" in html
    report = api.get(f"/reports/{FE}")
    assert report.status_code == 200
    assert report.text.count('<mark class="ev"') >= 5 and 'id="claim-' in report.text
    assert api.get("/stories/Carlo%20Ancelotti?as_of=2023-06-01").status_code == 200
    assert api.get("/stories/Carlo%20Ancelotti?as_of=junk").status_code == 400
    for path in ("/outlets", "/outlets/ESPN", "/reports", "/search?q=Perez", "/search"):
        assert api.get(path).status_code == 200, path
    assert api.get("/outlets/Nobody").status_code == 404
    moved = api.get("/entities/person:carlo-ancelotti")
    assert moved.status_code == 303 and moved.headers["location"] == "/stories/Carlo%20Ancelotti"


def test_story_page_pages_its_timeline(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name with more events than a page shows the newest ones, with links to the older."""
    from dugout.web import pages

    whole = api.get("/stories/Carlo%20Ancelotti").text
    total = int(whole.split("<summary>All ", 1)[1].split(" events", 1)[0])
    monkeypatch.setattr(pages, "EVENTS_PAGE", 3)
    newest = api.get("/stories/Carlo%20Ancelotti").text
    assert f"3 of {total} events" in newest and "older=3" in newest and "newer events" not in newest
    older = api.get("/stories/Carlo%20Ancelotti?older=3")
    assert older.status_code == 200 and "newer events" in older.text
    assert api.get("/stories/Carlo%20Ancelotti?older=-1").status_code in (400, 422)


# -- the verb ------------------------------------------------------------------------------------------------


def test_serve_help_has_an_example_and_private_needs_a_token(tmp_path: Path, monkeypatch) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "Example" in result.stdout
    assert "dugout serve" in result.stdout.split("Example", 1)[1]
    monkeypatch.delenv("DUGOUT_TOKEN", raising=False)
    refused = runner.invoke(cli, ["serve", "--db", str(tmp_path / "x.db"), "--private"])
    assert refused.exit_code == 2 and "DUGOUT_TOKEN" in refused.output
    bad_db = runner.invoke(cli, ["serve", "--db", str(tmp_path / "missing" / "x.db")])
    assert bad_db.exit_code == 2 and "does not exist" in bad_db.output and "Traceback" not in bad_db.output


def test_loopback_server_answers_only_local_host_names(web_db: str) -> None:
    api = Api(create_app(web_db, TOKEN, False, allowed_hosts=["127.0.0.1", "localhost"]))
    try:
        assert api.get("/api", headers={"Host": "localhost:8000"}).status_code == 200
        assert api.get("/api", headers={"Host": "rebound.example.com"}).status_code == 400
    finally:
        api.close()


def test_dugout_serve_runs_uvicorn_on_the_store(
    seeded: tuple[Api, list[dict[str, Any]]], tmp_path: Path
) -> None:
    api, _ = seeded
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DUGOUT_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dugout"),
            "serve",
            "--db",
            api.app.state.settings.db,
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/stories/Carlo%20Ancelotti", timeout=30)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "dugout serve did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and "Contradictions" in r.text
        assert httpx.post(f"http://127.0.0.1:{port}/api/articles", json={"text": "x"}).status_code == 401
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=20)
    assert "writes need the bearer token" in err
