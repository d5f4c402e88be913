"""Query speed on a big store: `dugout story` (the library call path) and the story page.

    python bench/query_speed.py [--reports 100000] [--base 1000] [--db sqlite|postgresql|both]
                                [--names "Carlo Ancelotti,Real Madrid,Pep Guardiola"] [--runs 5]
                                [--keep /tmp/dugout_bench_100k]

Builds a store of --reports reports without re-running the NLP for each: the first --base
reports of the corpus (plus the dev and seed reports) are extracted once (in 2 processes),
then stored again and again under new ids, each copy's text altered so its content hash
differs, with its claims, entities and mentions, in large transactions. Then times, for each
name, `story_of(store, name)` (what `dugout story NAME` runs) and GET /story/NAME of the web
app, cold (first call) and warm (median of --runs), and prints the store's size.

PostgreSQL: a fresh database on 127.0.0.1:5432 (trust auth; $DUGOUT_BENCH_PG to override the
server URL), dropped at the end. SQLite: a temporary file. With --keep, both are kept (and
reused when they already hold --reports reports), so a change can be timed without a rebuild.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def base_reports(n: int) -> list:
    from dugout.ingest.readers import ReadOptions, read_inputs
    from dugout.records import Article

    out = []
    for name in ("seeds", "dev"):
        path = SHARED / "eval" / name / "articles.jsonl"
        out += [a for a in read_inputs([str(path)], ReadOptions(allow_urls=False)) if isinstance(a, Article)]
    with (SHARED / "corpus" / "football_news.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if len(out) >= n:
                break
            r = json.loads(line)
            out.append(
                Article(
                    id=r["id"],
                    text=r["text"],
                    title=r.get("title"),
                    url=r.get("url"),
                    published=r.get("published"),
                )
            )
    return out


def extracted(n: int, cache: Path) -> list[tuple[dict, list[dict]]]:
    """(article record, claim dicts) of the base reports, extracted once and kept in `cache`."""
    if cache.exists():
        return [tuple(json.loads(line)) for line in cache.open(encoding="utf-8")]
    from dugout.scale.pool import extract_parallel

    rows = []
    for article, claims in extract_parallel(base_reports(n), workers=2):
        record = article.to_record() | {"source": article.source, "published_hint": article.published_hint}
        rows.append((record, [c.to_dict() for c in claims]))
    with cache.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows


def build(store, base: list[tuple[dict, list[dict]]], total: int) -> None:
    """Store `total` reports: the base reports, then copies under new ids with altered texts.

    What `add_report` keeps at ingest is kept here too: the claims' day, keys and signature,
    each report's MinHash, band keys and near-copy cluster (a copy gets its original's
    signature and cluster, which is what computing them would give: it differs by one line),
    and, once everything is stored, the settled outcomes (`rebuild_outcomes`, timed).
    """
    from sqlalchemy import insert

    from dugout.kb.index import load_kb
    from dugout.records import Article, Claim, normalized_text
    from dugout.store.derived import (
        band_keys,
        derived_claim_columns,
        fill_copies,
        minhash,
        rebuild_outcomes,
        signature_bytes,
    )
    from dugout.store.entities import _insert_ignoring_duplicates, report_entities
    from dugout.store.schema import articles as articles_t
    from dugout.store.schema import claims as claims_t
    from dugout.store.schema import entities as entities_t
    from dugout.store.schema import mentions as mentions_t
    from dugout.store.schema import report_bands as bands_t
    from dugout.store.store import _article_row, _claim_row, add_claim_names

    kb = load_kb()
    prepared = []
    entity_rows: dict[str, dict] = {}
    for record, claim_dicts in base:
        article = Article(
            **{k: record.get(k) for k in ("id", "url", "outlet", "published", "title", "text", "source")}
        )
        claims = [Claim.from_dict(c) for c in claim_dicts]
        found = report_entities(claims, kb)
        claim_rows = [
            {**_claim_row(c), "subject_id": s, "object_id": o}
            for c, (s, o) in zip(claims, found.claim_ids, strict=True)
        ]
        claim_rows = [
            {**r, **derived_claim_columns(r, article.published, article.outlet)} for r in claim_rows
        ]
        signature = signature_bytes(minhash(article.text))
        mention_rows = [
            {"entity_id": e, "surface": s[:255], "surface_folded": normalized_text(s)}
            for e, forms in found.surfaces.items()
            for s in (forms or {""})
        ]
        for e, (name, kind, known) in found.entities.items():
            entity_rows.setdefault(
                e,
                {
                    "id": e,
                    "name": name,
                    "kind": kind,
                    "known": known,
                    "first_seen": article.published,
                    "last_seen": article.published,
                    "name_folded": normalized_text(name),
                },
            )
        prepared.append((article, claim_rows, mention_rows, signature))
    with store.engine.begin() as conn:
        _insert_ignoring_duplicates(conn, entities_t, list(entity_rows.values()))
    copy = 0
    done = 0
    while done < total:
        with store.engine.begin() as conn:
            a_rows, c_rows, m_rows, b_rows = [], [], [], []
            for article, claim_rows, mention_rows, signature in prepared:
                if done >= total:
                    break
                doc = article.id if copy == 0 else f"{article.id}~{copy}"
                text = article.text if copy == 0 else f"{article.text}\n\n[copy {copy}]"
                a = Article(
                    id=doc,
                    text=text,
                    title=article.title,
                    url=article.url,
                    outlet=article.outlet,
                    published=article.published,
                    source=article.source,
                )
                a_rows.append(_article_row(a) | {"minhash": signature, "cluster": article.id})
                b_rows += [{"band": k, "doc": doc} for k in band_keys(signature)]
                c_rows += [{**r, "doc": doc} for r in claim_rows]
                m_rows += [{**r, "doc": doc} for r in mention_rows]
                done += 1
            conn.execute(insert(articles_t), a_rows)
            if c_rows:
                conn.execute(insert(claims_t), c_rows)
                if copy == 0:
                    add_claim_names(conn, c_rows)
            if m_rows:
                conn.execute(insert(mentions_t), m_rows)
            conn.execute(insert(bands_t), b_rows)
        copy += 1
        print(f"  {done} reports stored", end="\r", flush=True)
    print()
    start = time.perf_counter()
    with store.engine.begin() as conn:
        fill_copies(conn)
        rebuild_outcomes(conn)
    print(f"  copies marked and outcomes of the whole store computed in {time.perf_counter() - start:.0f} s")
    # What autovacuum does on its own after a bulk update: drop the dead index entries the
    # update of dup_of left behind and refresh the planner's statistics.
    with store.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM ANALYZE" if store.engine.dialect.name == "postgresql" else "ANALYZE")


def store_size(store) -> str:
    from sqlalchemy import text

    with store.engine.connect() as conn:
        if store.engine.dialect.name == "postgresql":
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
        else:
            path = store.engine.url.database
            size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    return f"{size / 2**20:.0f} MB"


def timed(fn, runs: int) -> tuple[float, float]:
    start = time.perf_counter()
    fn()
    cold = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return cold * 1000, statistics.median(times) * 1000


def bench(url: str, label: str, base, total: int, names: list[str], runs: int, story: bool = True) -> None:
    from dugout.store import Store
    from dugout.story import story_of

    start = time.perf_counter()
    with Store.open(url) as store:
        if store.counts()["articles"] < total:
            print(f"{label}: building a store of {total} reports ...")
            build(store, base, total)
        else:
            print(f"{label}: reusing the store at {url}")
        built = time.perf_counter() - start
        counts = store.counts()
        print(
            f"{label}: {counts['articles']} reports, {counts['claims']} claims, {store_size(store)}, "
            f"built in {built:.0f} s"
        )
        page = None
        try:
            from fastapi.testclient import TestClient

            from dugout.web import create_app

            page = TestClient(create_app(url, None, False))
        except Exception as e:  # noqa: BLE001 - the page figure is optional
            print(f"{label}: web app not available ({type(e).__name__}: {e})")
        for name in names:
            qcold, qwarm = timed(lambda name=name: store.claims(about=name), runs)
            n = len(store.claims(about=name))
            print(
                f"{label}: store.claims(about={name!r}) -> {n} claims:"
                f" cold {qcold:5.0f} ms  warm {qwarm:5.0f} ms"
            )
        if story:
            # Once per process (the CLI pays it before the first story, the server at its first
            # request): the knowledge base that tells a person from a club and names outlets.
            from dugout.kb.index import load_kb

            kb_start = time.perf_counter()
            load_kb()
            print(
                f"{label}: knowledge base loaded in {(time.perf_counter() - kb_start) * 1000:.0f} ms (once)"
            )
        for name in names if story else []:
            cold, warm = timed(lambda name=name: story_of(store, name), runs)
            line = f"{label}: dugout story {name!r:<22} cold {cold:7.0f} ms  warm {warm:7.0f} ms"
            if page is not None:
                from urllib.parse import quote

                path = f"/stories/{quote(name)}"
                pcold, pwarm = timed(lambda path=path: page.get(path), runs)
                status = page.get(path).status_code
                line += f"   | page {path} ({status}) cold {pcold:7.0f} ms  warm {pwarm:7.0f} ms"
            print(line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=1000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--names", default="Carlo Ancelotti,Real Madrid,Gareth Southgate,Pep Guardiola")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-story", action="store_true", help="time only the name query, not story_of")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the stores to time again: SQLite at KEEP.db, PostgreSQL database named KEEP's last part",
    )
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dugout-bench-base.jsonl")
    args = parser.parse_args()
    start = time.perf_counter()
    base = extracted(args.base, args.cache)
    print(
        f"{len(base)} base reports, {sum(len(c) for _r, c in base)} claims "
        f"(extracted in {time.perf_counter() - start:.0f} s, cached in {args.cache})"
    )
    names = [n.strip() for n in args.names.split(",") if n.strip()]
    story = not args.no_story
    if args.db in ("sqlite", "both"):
        if args.keep:
            bench(str(args.keep) + ".db", "sqlite", base, args.reports, names, args.runs, story)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                bench(os.path.join(tmp, "big.db"), "sqlite", base, args.reports, names, args.runs, story)
    if args.db in ("postgresql", "both"):
        import psycopg

        server = os.environ.get("DUGOUT_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
        name = args.keep.name if args.keep else f"dugout_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(f"CREATE DATABASE {name}")
        try:
            bench(f"{server}/{name}", "postgresql", base, args.reports, names, args.runs, story)
        finally:
            if not args.keep:
                with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
