"""A batch killed with SIGKILL leaves whole reports only; rerunning it stores each report once.

The batch runs in a child process (tests/store_batch.py) so that the kill is a
real one: no Python cleanup, no rollback from our side, possibly in the middle
of a transaction. SQLite's journal and PostgreSQL's server must undo the
partial report.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dugout.store import Store
from dugout.store.schema import articles, claims

try:
    from tests.store_fixtures import db_url, pg_database, pg_url  # noqa: F401
except ImportError:  # tests/ is not a package: pytest put the folder itself on sys.path
    from store_fixtures import db_url, pg_database, pg_url  # noqa: F401

SCRIPT = Path(__file__).with_name("store_batch.py")
REPORTS = 120  # enough that a kill after 25 lines lands mid-batch; each run stays short in CI
CLAIMS_PER_REPORT = 20
KILL_AFTER = 25


def run_batch(db: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), db, str(REPORTS), str(CLAIMS_PER_REPORT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )


def claims_per_report(store: Store) -> dict[str, int]:
    query = (
        select(articles.c.id, func.count(claims.c.id))
        .select_from(articles.outerjoin(claims, claims.c.doc == articles.c.id))
        .group_by(articles.c.id)
    )
    with store.engine.connect() as conn:
        return {doc: int(n) for doc, n in conn.execute(query)}


@pytest.mark.slow
def test_killed_batch_leaves_whole_reports(db_url: str) -> None:
    child = run_batch(db_url)
    assert child.stdout is not None
    seen = 0
    for _line in child.stdout:
        seen += 1
        if seen >= KILL_AFTER:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    child.stdout.close()
    child.stderr.close()

    if "://" not in db_url:
        check = sqlite3.connect(db_url)
        try:
            assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            check.close()

    with Store.open(db_url) as store:
        before = claims_per_report(store)
        print(f"killed after {seen} lines; {len(before)} reports stored")
        assert KILL_AFTER <= len(before) < REPORTS, "the kill came too late to test anything"
        assert set(before.values()) == {CLAIMS_PER_REPORT}, "a report was stored without all its claims"
        with store.engine.connect() as conn:
            orphans = conn.execute(
                select(func.count()).select_from(claims).where(claims.c.doc.not_in(select(articles.c.id)))
            ).scalar_one()
        assert orphans == 0

    rerun = subprocess.run(
        [sys.executable, str(SCRIPT), db_url, str(REPORTS), str(CLAIMS_PER_REPORT)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).parent.parent,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    lines = [line.split() for line in rerun.stdout.splitlines()]
    assert len(lines) == REPORTS
    newly = {doc for doc, stored in lines if stored == "True"}
    assert newly == {doc for doc, _ in lines} - set(before)

    with Store.open(db_url) as store:
        after = claims_per_report(store)
        assert len(after) == REPORTS
        assert set(after.values()) == {CLAIMS_PER_REPORT}
        assert store.counts() == {"articles": REPORTS, "claims": REPORTS * CLAIMS_PER_REPORT}
