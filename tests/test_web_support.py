"""Shared helpers of the web tests (test_web_api, test_web_xss, test_web_browser); no tests here.

- `Api`: a synchronous face on `httpx.AsyncClient(transport=httpx.ASGITransport(app))`, so
  the API is exercised in-process through httpx without an event-loop plugin.
- `web_db`: a fresh database per test module on each backend: an SQLite file, and a
  PostgreSQL schema in the per-run test database of `store_fixtures` (skipped locally,
  failed under CI when the server is down).
- `LiveServer`: uvicorn on 127.0.0.1 and a free port in a thread, for the browser.
- `seed_records`: the two seed reports as the API takes them.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psycopg
import pytest
import uvicorn
from psycopg import sql

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Api:
    """httpx's AsyncClient over the ASGI app, driven from synchronous tests."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()
        self.app.state.store.close()


def seed_claims(shared_dir: Path) -> Any:
    """The seeds' hand-made gold claims, standing in for the model: the pages and the API are
    tested on what the seeds say, not on how much of it today's model reads."""
    from dugout.extract.annotated import AnnotatedClaims

    return AnnotatedClaims.from_files([shared_dir / "eval" / "seeds" / "gold.jsonl"])


def seed_records(shared_dir: Path) -> list[dict[str, Any]]:
    path = shared_dir / "eval" / "seeds" / "articles.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def module_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Body of the `web_db` fixtures: yields a database path or URL for one module and backend."""
    if request.param == "sqlite":
        yield str(tmp_path_factory.mktemp("web") / "dugout.db")
        return
    database = request.getfixturevalue("pg_database")
    schema = f"w_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        try:
            yield f"{database}?options={quote(f'-csearch_path={schema}', safe='')}"
        finally:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


class LiveServer:
    """The app served by uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
