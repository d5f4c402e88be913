"""Create SQLAlchemy engines with the settings each backend needs.

SQLite: WAL so readers (the web page) do not block the writer (an ingest
batch); foreign keys on so deleting a report deletes its claims;
synchronous=NORMAL, safe under WAL and much faster per transaction; a busy
timeout so a second writer waits instead of failing. Python's sqlite3 module
opens transactions lazily and not before DDL, which breaks atomic migrations,
so we turn its own handling off and emit BEGIN ourselves (the recipe from the
SQLAlchemy documentation).

The path of an SQLite file is checked up front, so that a typo in `--db`
gives one clear line rather than "unable to open database file".
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from .errors import StoreError

BUSY_TIMEOUT_MS = 30_000


def _sqlite_file(url: URL) -> str | None:
    """The file path of an SQLite URL, or None for an in-memory or URI-style database."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def check_sqlite_path(path: str) -> None:
    """Raise StoreError unless an SQLite database can be created or opened at `path`."""
    full = os.path.abspath(path)
    parent = os.path.dirname(full)
    if os.path.isdir(full):
        raise StoreError(f"cannot use {path} as a database file: it is a directory")
    if not os.path.isdir(parent):
        raise StoreError(f"cannot create database {path}: directory {parent} does not exist")
    # WAL keeps two side files (-wal, -shm) next to the database, so the directory must be writable.
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot create database {path}: directory {parent} is not writable")
    if os.path.exists(full) and not os.access(full, os.R_OK | os.W_OK):
        raise StoreError(f"cannot open database {path}: file is not readable and writable")


def _wal(cursor: Any) -> None:
    """Switch the file to WAL once. Switching can fail at once with "database is locked"
    (SQLite does not wait on its busy timeout for it) while another connection migrates a new
    file; a file already in WAL mode needs no switch, and otherwise we wait and retry."""
    import sqlite3
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()
            if mode and str(mode[0]).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _wal(cursor)
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Migrations ask for IMMEDIATE: they read the version, then write, and must hold the lock.
        mode = conn.get_execution_options().get("dugout_sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def make_engine(url: str) -> Engine:
    """An engine for `url` (already resolved by `resolve_db_url`), set up for its backend."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StoreError(f"not a database URL: {url}") from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            check_sqlite_path(path)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _install_sqlite_hooks(engine)
        return engine
    if backend == "postgresql":
        return create_engine(parsed, pool_pre_ping=True)
    raise StoreError(
        f"unsupported database {parsed.render_as_string(hide_password=True)}: "
        "give an SQLite file path or a postgresql:// URL"
    )
