"""Turn what a user types for `--db` into an SQLAlchemy URL.

Users type a file name far more often than a URL, and PostgreSQL URLs copied
from elsewhere say `postgresql://`, which SQLAlchemy would map to psycopg2 (not
installed); we ship psycopg 3, so the driver is made explicit here.
"""

from __future__ import annotations

import os

DEFAULT_FILE = "dugout.db"
ENV_VAR = "DUGOUT_DB"


def resolve_db_url(db: str | None) -> str:
    """The SQLAlchemy URL for `db`.

    None means `$DUGOUT_DB`, else the SQLite file `dugout.db` in the working
    directory; a bare path is an SQLite file (made absolute, so the URL does not
    change meaning if the process changes directory); `postgresql://` and
    `postgres://` get the psycopg 3 driver; any other URL is passed through.
    """
    if db is None or not db.strip():
        db = os.environ.get(ENV_VAR) or DEFAULT_FILE
    db = db.strip()
    for prefix in ("postgresql://", "postgres://"):
        if db.startswith(prefix):
            return "postgresql+psycopg://" + db[len(prefix) :]
    if "://" in db or db.startswith("sqlite:"):
        return db
    if db == ":memory:":
        return "sqlite://"
    return "sqlite:///" + os.path.abspath(os.path.expanduser(db))
