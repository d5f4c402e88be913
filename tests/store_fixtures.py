"""Fixtures for the store tests: a fresh SQLite file or a fresh PostgreSQL schema per test.

PostgreSQL: one database `dugout_test_<random>` per test run, created through
the `test` database and dropped at the end; each test gets its own schema in
it (selected with `search_path` in the URL), which is much faster than a
database per test. No server: skip locally, fail under CI (`$CI` set), since
CI must not quietly test only SQLite. `$DUGOUT_TEST_PG` overrides the server
(a libpq URL of the admin database).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

ADMIN_URLS = (
    [os.environ["DUGOUT_TEST_PG"]]
    if os.environ.get("DUGOUT_TEST_PG")
    else ["postgresql://postgres@127.0.0.1:5432/test", "postgresql://root@127.0.0.1:5432/test"]
)


def _admin_connection() -> tuple[psycopg.Connection, str]:
    errors = []
    for url in ADMIN_URLS:
        try:
            return psycopg.connect(url, autocommit=True, connect_timeout=5), url
        except psycopg.Error as error:
            lines = str(error).strip().splitlines()
            errors.append(f"{url}: {lines[0] if lines else type(error).__name__}")
    reason = "PostgreSQL unreachable: " + "; ".join(errors)
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run; its libpq URL."""
    admin, admin_url = _admin_connection()
    name = f"dugout_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield admin_url.rsplit("/", 1)[0] + "/" + name
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def pg_url(pg_database: str) -> Iterator[str]:
    """A URL whose connections see only a fresh, empty schema of the test database."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        try:
            yield f"{pg_database}?options={quote(f'-csearch_path={schema}', safe='')}"
        finally:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A database for one test, on each backend in turn: a file path or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "dugout.db")
    return request.getfixturevalue("pg_url")
