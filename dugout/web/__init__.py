"""The web layer: a JSON API for tools and server-rendered pages for people, over the story layer.

`create_app(db, token, private)` builds the FastAPI application; `dugout serve` runs it.
Modules: `app` (factory, errors), `api` (JSON under /api), `pages` (HTML), `security`
(headers, body limit, tokens), `svg` (the timeline chart), `marks` (evidence in report
text), `stories` (story loading with a cached track record), `queries` (read-only SQL),
`ingest` (request bodies to stored reports), `templates` (Jinja2, autoescaped), `alerts`
(the alerts of followed names: Atom feeds and a page).
"""

from __future__ import annotations

from typing import Any


def create_app(db: str | None, token: str | None, private: bool, **options: Any):
    """See `dugout.web.app.create_app`."""
    from .app import create_app as _create_app

    return _create_app(db, token, private, **options)


__all__ = ["create_app"]
