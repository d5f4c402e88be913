"""Hostile input to the HTTP API, on SQLite and PostgreSQL: what a fuzzer and a bad-input run found.

Fields of the wrong type and impossible dates are 422 naming the field and the value; every
paging parameter is bounded (422 on the API, 400 on a page, never a 500 or a traceback in the
log); a report's text over the cap is refused; the OpenAPI document declares the 404s, the
dates and the error body; OPTIONS and 405 list every method a path answers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dugout.ingest.fields import MAX_TEXT_CHARS
from dugout.records import MAX_OFFSET
from dugout.web import create_app

try:
    from tests.store_fixtures import pg_database, pg_url  # noqa: F401
    from tests.test_web_support import AUTH, BACKENDS, TOKEN, Api, module_db, seed_records
except ImportError:  # tests/ is not a package: pytest put the folder itself on sys.path
    from store_fixtures import pg_database, pg_url  # noqa: F401
    from test_web_support import AUTH, BACKENDS, TOKEN, Api, module_db, seed_records

IMPOSSIBLE = ["2024-13-45", "2024-02-31", "abcd-efghij", "9999-99-99xx", "yesterday"]
HUGE = str(2**63 - 1)


@pytest.fixture(scope="module", params=BACKENDS)
def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, shared_dir: Path
) -> Iterator[Api]:
    """An app over a fresh database holding the two seed reports, posted through the API."""
    db = module_db(request, tmp_path_factory)
    client = Api(create_app(next(db), TOKEN, False))
    for record in seed_records(shared_dir):
        assert client.post("/api/articles", json=record, headers=AUTH).status_code == 201
    yield client
    client.close()
    next(db, None)


@pytest.fixture
def server_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the app logs at ERROR (an unhandled exception is logged with its traceback)."""
    caplog.set_level(logging.WARNING, logger="dugout")
    return caplog.records


# -- record fields --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", ["x"]), ("outlet", {"name": "ESPN"}), ("author", ["x"]), ("id", 5), ("published", 20241106)],
)
def test_a_field_of_the_wrong_type_is_422_naming_it(api: Api, field: str, value: Any) -> None:
    r = api.post(
        "/api/articles", json={"text": "Ancelotti stays at Real Madrid.", field: value}, headers=AUTH
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"].startswith("invalid report: ") and f"{field}:" in r.json()["error"]


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
    max_leaves=4,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["id", "url", "outlet", "published", "title", "text"]), value=JSON_VALUES)
def test_any_value_in_any_field_is_stored_or_refused_naming_the_field(
    api: Api, shared_dir: Path, field: str, value: Any
) -> None:
    record = seed_records(shared_dir)[0] | {field: value}  # the seed's text: a duplicate once stored
    r = api.post("/api/articles", json=record, headers=AUTH)
    assert r.status_code in (200, 201, 422), r.text
    if r.status_code == 422:
        assert field in r.json()["error"], r.text


@pytest.mark.parametrize("value", IMPOSSIBLE)
def test_an_impossible_publication_date_is_refused_naming_it(api: Api, value: str) -> None:
    body = {"text": f"Ancelotti stays at Real Madrid ({value}).", "published": value}
    as_json = api.post("/api/articles", json=body, headers=AUTH)
    assert as_json.status_code == 422 and repr(value) in as_json.json()["error"], as_json.text
    as_text = api.post(
        "/api/articles",
        params={"published": value},
        content=body["text"].encode(),
        headers=AUTH | {"Content-Type": "text/plain"},
    )
    assert as_text.status_code == 422 and repr(value) in as_text.json()["error"], as_text.text
    for url in (f"/api/claims?since={value}", f"/api/stories/Carlo%20Ancelotti?as_of={value}"):
        r = api.get(url)
        assert r.status_code == 422 and repr(value) in r.json()["error"], (url, r.text)
    assert api.get(f"/stories/Carlo%20Ancelotti?as_of={value}").status_code == 400


def test_feed_and_iso_datetime_dates_are_read_as_days(api: Api) -> None:
    for n, (written, day) in enumerate(
        [("Wed, 06 Nov 2024 21:30:00 GMT", "2024-11-06"), ("2024-11-06T23:30:00-05:00", "2024-11-06")]
    ):
        body = {
            "id": f"dated-{n}",
            "text": f"Ancelotti stays at Real Madrid, take {n}.",
            "published": written,
        }
        r = api.post("/api/articles", json=body, headers=AUTH)
        assert r.status_code == 201 and r.json()["published"] == day, r.text


def test_a_text_over_the_cap_is_refused(api: Api, shared_dir: Path) -> None:
    seed = seed_records(shared_dir)[0]["text"]
    text = (seed + "\n\n") * (
        MAX_TEXT_CHARS // len(seed) + 1
    )  # ~1 MB of real report, under the 2 MB body cap
    as_text = api.post("/api/articles", content=text.encode(), headers=AUTH | {"Content-Type": "text/plain"})
    assert as_text.status_code == 422 and f"over the limit of {MAX_TEXT_CHARS:,}" in as_text.json()["error"]
    as_json = api.post("/api/articles", json={"text": text}, headers=AUTH)
    assert as_json.status_code == 422 and "text" in as_json.json()["error"]


# -- paging bounds ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/api/articles", "offset", HUGE),
        ("/api/articles", "offset", "-1"),
        ("/api/articles", "limit", HUGE),
        ("/api/claims", "offset", HUGE),
        ("/api/claims", "offset", str(MAX_OFFSET + 1)),
        ("/api/claims", "limit", "501"),
        ("/api/entities/person:carlo-ancelotti", "offset", HUGE),
        ("/api/entities/person:carlo-ancelotti", "limit", HUGE),
        ("/api/search?q=ancelotti", "limit", HUGE),
    ],
)
def test_api_paging_out_of_range_is_422_without_a_traceback(
    api: Api, server_errors: list[logging.LogRecord], path: str, name: str, value: str
) -> None:
    r = api.get(f"{path}{'&' if '?' in path else '?'}{name}={value}")
    assert r.status_code == 422, r.text
    assert r.json()["error"].startswith(f"invalid request: {name}:"), r.text
    assert not server_errors


@pytest.mark.parametrize(
    "url",
    [f"/reports?offset={HUGE}", f"/outlets/ESPN?offset={HUGE}", f"/stories/Carlo%20Ancelotti?older={HUGE}"],
)
def test_page_paging_out_of_range_is_400_without_a_traceback(
    api: Api, server_errors: list[logging.LogRecord], url: str
) -> None:
    assert api.get(url).status_code == 400
    assert not server_errors


def test_paging_at_the_bound_is_an_empty_page(api: Api, server_errors: list[logging.LogRecord]) -> None:
    for url in ("/api/articles", "/api/claims", "/api/entities/person:carlo-ancelotti"):
        r = api.get(f"{url}?offset={MAX_OFFSET}&limit=500")
        assert r.status_code == 200, (url, r.text)
        assert (r.json().get("items", r.json().get("claims"))) == [] and r.json()["next"] is None
    for url in ("/reports", "/outlets/ESPN"):
        assert api.get(f"{url}?offset={MAX_OFFSET}").status_code == 200
    assert not server_errors


# -- the OpenAPI document and methods ---------------------------------------------------------------------


def test_openapi_documents_404s_dates_and_the_error_body(api: Api) -> None:
    spec = api.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/articles/{doc}",
        "/api/entities/{entity_id}",
        "/api/stories/{name}",
        "/api/stories/{name}/timeline",
        "/api/stories/{name}/brief",
    ):
        responses = paths[path]["get"]["responses"]
        assert "404" in responses, path
        assert responses["404"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }
    assert "409" in paths["/api/entities/{entity_id}"]["get"]["responses"]
    dated = [
        (path, p["name"], p["schema"])
        for path, ops in paths.items()
        for op in ops.values()
        for p in op.get("parameters", [])
        if p["name"] in ("since", "as_of")
    ]
    assert len(dated) == 5, dated  # claims?since; as_of of the story, its timeline, its brief, outlets
    for path, name, schema in dated:
        assert {"type": "string", "format": "date"} in schema["anyOf"], (path, name)
    types = next(p for p in paths["/api/claims"]["get"]["parameters"] if p["name"] == "type")
    assert len(types["schema"]["anyOf"][0]["enum"]) == 9
    error = spec["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"error", "status"}
    for path, ops in paths.items():
        for method, op in ops.items():
            if op.get("parameters") or op.get("requestBody"):
                schema = op["responses"]["422"]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)
    offset = next(p for p in paths["/api/claims"]["get"]["parameters"] if p["name"] == "offset")
    assert offset["schema"]["maximum"] == MAX_OFFSET


def test_options_and_405_list_every_method_of_the_path(api: Api) -> None:
    options = api.request("OPTIONS", "/api/articles")
    assert options.status_code == 204 and options.headers["allow"] == "GET, OPTIONS, POST"
    put = api.request("PUT", "/api/articles")
    assert put.status_code == 405 and put.headers["allow"] == "GET, OPTIONS, POST"
    assert put.json() == {"error": "Method Not Allowed", "status": 405}
    story = api.request("DELETE", "/api/stories/Carlo%20Ancelotti")
    assert story.status_code == 405 and story.headers["allow"] == "GET, OPTIONS"
    assert api.request("OPTIONS", "/api/nope").status_code == 404
