"""Re-ingesting a folder of reports that are already stored: it must skip them without parsing.

    python bench/reingest.py [-n 10000] [--db sqlite|postgresql]

Writes the first N corpus reports as N `.txt` files in a temporary folder, stores them once
through `Store.add_report` (with no claims: the first ingest's parsing is not what is measured),
then times `dugout ingest FOLDER --db ...` over the same folder in a fresh process, as a user
would run it the next day, and prints the wall time and the command's own summary line
(reports read, stored, skipped). PostgreSQL: a fresh database on 127.0.0.1:5432 (trust auth;
$DUGOUT_BENCH_PG to override the server URL), dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def write_folder(n: int, folder: Path) -> list[Path]:
    """The first n corpus reports with text, one `.txt` file each, named by the report's id."""
    paths: list[Path] = []
    with (SHARED / "corpus" / "football_news.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if len(paths) >= n:
                break
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not (record.get("text") or "").strip():
                continue
            path = folder / f"{record['id']}.txt"
            path.write_text(record["text"], encoding="utf-8")
            paths.append(path)
    return paths


def store_once(paths: list[Path], db: str) -> int:
    """Store every file's report, as the first `dugout ingest` would have (claims aside)."""
    from dugout.ingest.readers import ReadOptions, read_path
    from dugout.records import Article
    from dugout.store.store import Store

    stored = 0
    with Store.open(db) as store:
        for path in paths:
            for item in read_path(path, ReadOptions(allow_urls=False)):
                if isinstance(item, Article) and store.add_report(item, []):
                    stored += 1
    return stored


def pg_database() -> tuple[str, str]:
    server = os.environ.get("DUGOUT_BENCH_PG", "postgresql+psycopg://127.0.0.1:5432/postgres")
    name = f"dugout_reingest_{uuid.uuid4().hex[:8]}"
    from sqlalchemy import create_engine, text

    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server, name


def drop_pg(server: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=10000, help="reports (files) to write and store")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        paths = write_folder(args.n, folder)
        pg = None
        if args.db == "postgresql":
            pg = pg_database()
            db = pg[0].rsplit("/", 1)[0] + "/" + pg[1]
        else:
            db = str(Path(tmp) / "store.sqlite")
        try:
            started = time.perf_counter()
            stored = store_once(paths, db)
            took = time.perf_counter() - started
            print(f"{len(paths)} files written; {stored} reports stored once in {took:.1f} s")
            started = time.perf_counter()
            run = subprocess.run(
                [str(Path(sys.executable).parent / "dugout"), "ingest", str(folder), "--db", db],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            elapsed = time.perf_counter() - started
            summary = next(
                (line for line in run.stderr.splitlines() if "reports read" in line), run.stderr[-300:]
            )
            print(f"re-ingest of the folder ({args.db}): {elapsed:.1f} s wall, exit {run.returncode}")
            print(f"  {summary.strip()}")
        finally:
            if pg is not None:
                drop_pg(*pg)


if __name__ == "__main__":
    main()
