"""Jinja2 with autoescaping on for every template, and the link helpers the pages share.

Reports are untrusted: their text, titles, outlets and URLs reach the page only
through autoescaped expressions; links to outside pages are kept only for
http(s) URLs (a `javascript:` URL is shown as text, never as a link); names
in paths are percent-encoded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from dugout.story.dates import month_name

TEMPLATES = Path(__file__).resolve().parent / "templates"


def q(value: Any) -> str:
    """A path segment: everything but unreserved characters percent-encoded."""
    return quote(str(value), safe="")


def safe_url(url: str | None) -> str | None:
    """The URL when it is an http(s) link to somewhere, else None (so no `javascript:` href is made)."""
    if not url:
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c in url for c in "\r\n\t "):
        return url
    return None


def story_url(name: str | None) -> str:
    return f"/stories/{q(name or '')}"


def report_url(doc: str) -> str:
    return f"/reports/{q(doc)}"


def evidence_url(doc: str, claim_id: int | None) -> str:
    return f"/reports/{q(doc)}" + (f"#claim-{int(claim_id)}" if claim_id is not None else "")


def outlet_url(name: str | None) -> str:
    return f"/outlets/{q(name or 'unknown')}"


def with_query(path: str, **params: Any) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(kept) if kept else "")


def pretty_date(value: str | None) -> str:
    return month_name(value) if value else "undated"


def label(value: str | None) -> str:
    """A vocabulary word as text: "at_risk" -> "at risk"."""
    return (value or "").replace("_", " ")


def strongest_first(claims: list[Any]) -> tuple[list[Any], list[Any]]:
    """The reports a tile cites (the strongest three, one per outlet first) and the rest it folds
    into "and N more", each report once, oldest first (`dugout.story.lines.strongest`)."""
    from dugout.story.lines import SHOWN, strongest

    top, rest = strongest(list(claims), n=len(claims))
    one: dict[str, Any] = {}
    for c in top + rest:  # each report once, at its strongest claim
        one.setdefault(c.doc, c)
    ranked = list(one.values())
    by_date = lambda c: (c.published or "9999", c.id or 0)  # noqa: E731
    return sorted(ranked[:SHOWN], key=by_date), sorted(ranked[SHOWN:], key=by_date)


env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters.update(q=q, pretty_date=pretty_date, label=label, strongest=strongest_first)
env.globals.update(
    safe_url=safe_url,
    story_url=story_url,
    report_url=report_url,
    evidence_url=evidence_url,
    outlet_url=outlet_url,
    with_query=with_query,
)


def render(request: Request, template: str, **context: Any) -> str:
    """The page `template` with `context`; every page knows the request and the site settings."""
    settings = getattr(request.app.state, "settings", None)
    context.setdefault("title", "dugout")
    return env.get_template(template).render(request=request, settings=settings, **context)
