"""Schemathesis against the JSON API on loopback: every operation, every check, bounded examples.

    python bench/fuzz_api.py [--examples 20] [--seed 14] [--db sqlite|postgresql] [--no-token]
                             [--max-time SECONDS]

Starts the dugout app with uvicorn on 127.0.0.1 (a free port) over a fresh database
holding the two seed reports (posted through the API itself), then runs `schemathesis
run` (pinned in requirements.lock) on its /openapi.json: phases examples, coverage and
fuzzing, every check (no 5xx, documented status codes, content types and response
schemas, bad input refused, good input accepted, the Allow header of 405s...), at most
`--examples` cases per operation and a fixed seed, so a CI run is the same run every
time and ends in well under two minutes. With the bearer token by default, so
POST /api/articles ingests what it is sent; `--no-token` fuzzes as an anonymous client.
Prints schemathesis' summary, the wall time, and whether the server logged any
traceback; exits non-zero if schemathesis found a failure or the log holds one.

Nothing leaves this machine: the server listens on 127.0.0.1 only; its process cannot
resolve any host name but localhost (`socket.getaddrinfo` is wrapped, so a generated
URL fails as unresolvable, never looked up); and a hook (bench/fuzz_hooks.py) points
every generated `url` of a JSON body at 127.0.0.1, which the fetch guard refuses
before connecting. POST /api/articles may answer 422 for bodies its schema allows (a
date that is no real day, text of only spaces, a URL that cannot be fetched), so for
that operation 422 counts as accepting; everything else is schemathesis' defaults.
PostgreSQL: a fresh database on 127.0.0.1:5432 ($DUGOUT_BENCH_PG to override), dropped
at the end.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

TOKEN = "fuzz-token-0123456789abcdef"
CONFIG = """
# Real names and ids half of the time, so reads reach stored stories, not only 404s.
[dictionaries.names]
values = ["Carlo Ancelotti", "Real Madrid", "Jude Bellingham", "ancelotti", "Florentino Perez"]
[dictionaries.docs]
values = ["000_f747a6ab05d9f706", "004_87e0b83675fd727f"]
[dictionaries.entities]
values = ["person:carlo-ancelotti", "Real Madrid", "Xabi Alonso"]
[dictionaries.outlets]
values = ["ESPN", "Football España"]

[parameters]
"path.name" = { dictionary = "names", probability = 0.6 }
"path.doc" = { dictionary = "docs", probability = 0.6 }
"path.entity_id" = { dictionary = "entities", probability = 0.6 }
"query.about" = { dictionary = "names", probability = 0.5 }
"query.outlet" = { dictionary = "outlets", probability = 0.5 }

[[operations]]
include-path = "/api/articles"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "413", "422"]
"""


def _local_only(original):
    """socket.getaddrinfo that answers for IP literals and localhost, and refuses every other name."""

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        try:
            ipaddress.ip_address(str(name).strip("[]"))
        except ValueError:
            if name not in (None, "localhost"):
                raise socket.gaierror(socket.EAI_NONAME, f"fuzz run: {name} is not looked up") from None
        return original(host, *args, **kwargs)

    return getaddrinfo


class Tracebacks(logging.Handler):
    """Counts log records that carry a traceback (what a client error must never leave)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.levelno >= logging.ERROR:
            self.records.append(record)


@contextmanager
def serve(db: str, token: str) -> Iterator[str]:
    """The app on 127.0.0.1 and a free port, in a thread; yields its base URL."""
    import uvicorn

    from dugout.web import create_app

    app = create_app(db, token, False, allowed_hosts=["127.0.0.1"])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def seed(base: str) -> None:
    """Post the two seed reports, so reads find stories, entities and claims."""
    import httpx

    path = SHARED / "eval" / "seeds" / "articles.jsonl"
    with httpx.Client(base_url=base, timeout=120, trust_env=False) as client:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                r = client.post("/api/articles", json=json.loads(line), headers=_auth(TOKEN))
                if r.status_code not in (200, 201):
                    raise SystemExit(f"seeding failed: {r.status_code} {r.text[:200]}")


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def run_schemathesis(base: str, args: argparse.Namespace, workdir: Path) -> int:
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{base}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(args.examples),
        "--seed",
        str(args.seed),
        "--generation-database",
        "none",
        "--request-timeout",
        "60",
        "--workers",
        "1",
        "--no-color",
        "--report-dir",
        str(workdir / "report"),
    ]
    if args.max_time:
        command += ["--max-time", str(args.max_time)]
    if not args.no_token:
        command += ["--header", f"Authorization: Bearer {TOKEN}"]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "fuzz_hooks", "PYTHONPATH": str(ROOT / "bench")}
    return subprocess.run(command, env=env, cwd=workdir).returncode


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield str(folder / "fuzz.db")
        return
    from reingest import drop_pg, pg_database

    server, name = pg_database()
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        drop_pg(server, name)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=20, help="at most this many cases per operation")
    parser.add_argument("--seed", type=int, default=14, help="schemathesis' random seed")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--no-token", action="store_true", help="fuzz without the bearer token")
    parser.add_argument("--max-time", type=int, default=0, help="stop generating after this many seconds")
    args = parser.parse_args()
    socket.getaddrinfo = _local_only(socket.getaddrinfo)  # type: ignore[assignment]
    tracebacks = Tracebacks()
    for name in ("dugout", "uvicorn.error", "uvicorn.asgi"):
        logging.getLogger(name).addHandler(tracebacks)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, database(args.db, Path(tmp)) as db, serve(db, TOKEN) as base:
        seed(base)
        seeded = time.perf_counter()
        status = run_schemathesis(base, args, Path(tmp))
    took = time.perf_counter() - started
    print(
        f"fuzz_api ({args.db}, {'anonymous' if args.no_token else 'with token'}, {args.examples} examples "
        f"per operation, seed {args.seed}): schemathesis exit {status}; {took:.1f} s wall "
        f"({seeded - started:.1f} s start-up and seeding); server log records with a traceback or "
        f"at ERROR: {len(tracebacks.records)}"
    )
    for record in tracebacks.records[:5]:
        print(f"  {record.name}: {record.getMessage()[:200]}")
    return 1 if status or tracebacks.records else 0


if __name__ == "__main__":
    sys.exit(main())
