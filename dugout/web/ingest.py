"""POST /api/articles: what a request body may be, turned into Articles, extracted and stored.

The body is one of
- a JSON record `{"id", "url", "outlet", "published", "title", "text"}` (id optional: a
  content hash stands in),
- JSON `{"html": "...", "url": ...}` (main text and metadata read from the page),
- JSON `{"url": "..."}`: the page (or RSS/Atom feed) is fetched under the fetch
  safety rules (no private addresses unless the server allows them),
- `text/plain` (or `text/html`) with the metadata in query parameters.

Storing is idempotent like `dugout ingest`: a report already stored (same id or
same text) is not extracted again and the answer says `"duplicate": true`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dugout.ingest.dates import BadDate
from dugout.ingest.fields import MAX_TEXT_CHARS, published_of, within_limit
from dugout.ingest.readers import (
    ReadOptions,
    article_from_record,
    read_html_bytes,
    read_url,
    url_id,
)
from dugout.records import Article, InputProblem, content_hash
from dugout.store import Store, StoredClaim

from .queries import report_claims
from .templates import q

Item = Article | InputProblem


class ReportIn(BaseModel):
    """A report to ingest: `text` (a record), `html` (a page), or only `url` (fetched)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id": "espn-2023-05-19-ancelotti",
                    "outlet": "ESPN",
                    "published": "2023-05-19",
                    "title": "Carlo Ancelotti to meet Real Madrid president, expected to stay - sources",
                    "text": "Real Madrid president Florentino Perez will meet with Carlo Ancelotti ...",
                },
                {
                    "url": "https://www.example.com/football/ancelotti-to-stay",
                    "html": "<html><body><article><p>Carlo Ancelotti is expected to stay ...</p>"
                    "</article></body></html>",
                },
            ],
            # what the code below asks, said in the schema: text, html or url; not text and html
            "anyOf": [{"required": ["text"]}, {"required": ["html"]}, {"required": ["url"]}],
            "not": {"required": ["text", "html"]},
        },
    )

    id: str | None = Field(None, max_length=255, description="The report's id; default: a hash of its text")
    url: str | None = Field(None, max_length=4000, description="Where it was published (fetched when alone)")
    outlet: str | None = Field(None, max_length=255)
    published: str | None = Field(
        None,
        max_length=64,
        description="Publication date: YYYY-MM-DD, an ISO datetime, or an RSS (RFC 822) date",
    )
    title: str | None = Field(None, max_length=2000)
    text: str | None = Field(
        None,
        max_length=MAX_TEXT_CHARS,
        description=f"The report's plain text, at most {MAX_TEXT_CHARS:,} characters",
        json_schema_extra={"pattern": r"\S"},
    )
    html: str | None = Field(
        None, description="The report's web page, instead of text", json_schema_extra={"pattern": r"\S"}
    )


class BadInput(Exception):
    """The request cannot become a report: a message for a 4xx answer."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def _default_id(text: str) -> str:
    return f"api-{content_hash(text)[:16]}"


def _published(value: str | None) -> str | None:
    try:
        return published_of(value)
    except BadDate as e:
        raise BadInput(f"published: {e}") from None


def from_json(body: bytes, allow_private: bool, fetcher: Callable[..., object] | None = None) -> list[Item]:
    """Articles from a JSON body (record, page or URL); one whose text is over the cap is a problem."""
    return list(within_limit(_from_json(body, allow_private, fetcher)))


def _from_json(body: bytes, allow_private: bool, fetcher: Callable[..., object] | None) -> list[Item]:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BadInput(f"body is not valid JSON ({e})") from None
    try:
        report = ReportIn.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in err['loc']) or 'body'}: {err['msg']}" for err in e.errors()
        )
        raise BadInput(f"invalid report: {problems}") from None
    published = _published(report.published)
    options = ReadOptions(outlet=report.outlet, published=published, allow_private=allow_private)
    if report.text is not None:
        if report.html is not None:
            raise BadInput('give "text" or "html", not both')
        record = report.model_dump(exclude={"html"})
        record["id"] = report.id or _default_id(report.text)
        record["published"] = published
        return [article_from_record(record, "request body", options)]
    if report.html is not None:
        if not report.html.strip():
            raise BadInput('"html" is empty')
        doc_id = report.id or (url_id(report.url) if report.url else _default_id(report.html))
        item = read_html_bytes(report.html.encode("utf-8"), doc_id, "request body", report.url, options)
        if isinstance(item, Article) and report.title:
            item.title = report.title
        return [item]
    if report.url:
        if not report.url.startswith(("http://", "https://")):
            raise BadInput(f"url: {report.url!r} is not an http(s) URL")
        items = list(read_url(report.url, options, fetcher))
        if len(items) == 1 and isinstance(items[0], Article):
            if report.id:
                items[0].id = report.id
            if report.title:
                items[0].title = report.title
        return items
    raise BadInput('a report needs "text", "html" or "url"')


def from_plain(body: bytes, params: dict[str, str], html: bool) -> list[Item]:
    """An article from a text/plain (or text/html) body, its metadata in query parameters."""
    return list(within_limit(_from_plain(body, params, html)))


def _from_plain(body: bytes, params: dict[str, str], html: bool) -> list[Item]:
    unknown = set(params) - {"id", "url", "outlet", "published", "title"}
    if unknown:
        raise BadInput(f"unknown query parameter(s): {', '.join(sorted(unknown))}")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BadInput(f"body is not UTF-8 text (undecodable byte at offset {e.start})") from None
    if not text.strip():
        raise BadInput("body is empty")
    published = _published(params.get("published"))
    options = ReadOptions(outlet=params.get("outlet") or None, published=published)
    doc_id = params.get("id") or _default_id(text)
    if html:
        item = read_html_bytes(body, doc_id, "request body", params.get("url") or None, options)
        if isinstance(item, Article) and params.get("title"):
            item.title = params["title"]
        return [item]
    record = {**params, "id": doc_id, "text": text, "published": published}
    return [article_from_record(record, "request body", options)]


def claim_out(sc: StoredClaim) -> dict[str, Any]:
    return {"id": sc.id, **sc.claim.to_dict()}


@dataclass
class Ingested:
    id: str
    duplicate: bool
    article: Article | None
    claims: list[StoredClaim] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        a = self.article
        return {
            "id": self.id,
            "duplicate": self.duplicate,
            "title": a.title if a else None,
            "outlet": a.outlet if a else None,
            "published": a.published if a else None,
            "claims": [claim_out(c) for c in self.claims],
            "links": {"api": f"/api/articles/{q(self.id)}", "page": f"/reports/{q(self.id)}"},
        }


def _collect(failures: list[Exception]) -> Callable[[Article, Exception], None]:
    return lambda _article, error: failures.append(error)


def store_reports(store: Store, extractors: Any, articles: list[Article]) -> list[Ingested]:
    """Extract and store each article not stored yet; duplicates answer with the stored report."""
    out = []
    for article in articles:
        existing = store.find_duplicate(article)
        if existing is None:
            try:
                extractor = extractors.get()
            except Exception as e:  # the model or knowledge base is missing: the server cannot write
                raise BadInput(f"cannot extract claims on this server: {e}", status=503) from e
            failures: list[Exception] = []
            with extractors.run_lock:
                results = list(extractor.run([article], _collect(failures)))
            if failures or not results:
                reason = failures[0] if failures else "no result"
                raise BadInput(f"could not extract claims from report {article.id}: {reason}")
            stored_article, claims = results[0]
            if store.add_report(stored_article, claims):
                out.append(Ingested(article.id, False, stored_article, report_claims(store, article.id)))
                continue
            existing = store.find_duplicate(article)
        if existing is None:  # pragma: no cover - add_report said duplicate, so one exists
            raise BadInput(f"report {article.id} could not be stored", status=409)
        out.append(Ingested(existing, True, store.article(existing), report_claims(store, existing)))
    return out
