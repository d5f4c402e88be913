"""Score `article_from_html` against human gold text on real saved pages.

Reads the 62 pages listed in ../shared/corpus/html/index.jsonl and, for the 60
with gold text in ../shared/corpus/football_news.jsonl (same `id`), prints
per-page and mean token precision / recall / F1 and title agreement. Nothing is
copied into the repository: the pages and texts are read from ../shared at run
time.

Metric: both texts are NFKC-normalised, case-folded and split into word tokens
(`\\w+`, so punctuation and whitespace, including the paragraph breaks the gold
lacks, do not count). Each text is a bag of tokens with counts; overlap is the
sum over tokens of min(count in extracted, count in gold). Precision = overlap /
extracted tokens, recall = overlap / gold tokens, F1 their harmonic mean. This is
the usual CleanEval-style bag-of-words score: it ignores order, so it rewards
getting the right words in, not getting them in the right order.

Title agreement: the normalised extracted title equals the gold title, or one
contains the other (sites append " | Outlet" or prefix a section); pages whose
gold title is empty are left out of that figure.

Usage: .venv/bin/python bench/html_extraction.py [--shared PATH] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

from dugout.ingest.html import HtmlError, article_from_html

REPO = Path(__file__).resolve().parents[1]


def tokens(text: str | None) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text or "").casefold())


def prf(extracted: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 with counts."""
    e, g = Counter(tokens(extracted)), Counter(tokens(gold))
    overlap = sum((e & g).values())
    p = overlap / sum(e.values()) if e else 0.0
    r = overlap / sum(g.values()) if g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def titles_agree(extracted: str | None, gold: str | None) -> bool:
    a, b = " ".join(tokens(extracted)), " ".join(tokens(gold))
    return bool(a and b) and (a == b or a in b or b in a)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--quiet", action="store_true", help="only the summary")
    args = ap.parse_args(argv)
    html_dir = args.shared / "corpus" / "html"
    index = [json.loads(line) for line in (html_dir / "index.jsonl").open(encoding="utf-8")]
    wanted = {row["id"] for row in index}
    gold: dict[str, dict] = {}
    with (args.shared / "corpus" / "football_news.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if '"l3sgn1-' not in line and '"espnfc13-example' not in line:
                continue
            rec = json.loads(line)
            if rec["id"] in wanted:
                gold[rec["id"]] = rec

    scores: list[tuple[float, float, float]] = []
    title_hits = title_total = failures = 0
    started = time.perf_counter()
    extract_time = 0.0
    for row in index:
        data = (html_dir / f"{row['id']}.html").read_bytes()
        t0 = time.perf_counter()
        try:
            art = article_from_html(data, doc_id=row["id"], url=row.get("url"))
        except HtmlError as exc:
            art = None
            failures += 1
            print(f"FAIL {row['id']}: {exc}")
        extract_time += time.perf_counter() - t0
        g = gold.get(row["id"])
        if g is None:
            if not args.quiet and art is not None:
                print(f"{'(no gold)':>20} {row['id'][:30]:30} outlet={art.outlet!r} title={art.title!r}")
            continue
        p, r, f = prf(art.text if art else "", g["text"])
        scores.append((p, r, f))
        agree = None
        if g.get("title"):
            title_total += 1
            agree = titles_agree(art.title if art else None, g["title"])
            title_hits += agree
        if not args.quiet:
            mark = {True: "T", False: "t", None: "-"}[agree]
            print(f"P={p:.3f} R={r:.3f} F1={f:.3f} {mark} {row['id'][:30]:30} {art.outlet if art else ''!s}")
    total = time.perf_counter() - started
    mp, mr, mf = (statistics.mean(s[i] for s in scores) for i in range(3))
    print(f"pages={len(index)} scored={len(scores)} failures={failures}")
    print(
        f"mean token precision={mp:.3f} recall={mr:.3f} F1={mf:.3f}",
        f" median F1={statistics.median(s[2] for s in scores):.3f}",
    )
    print(f"title agreement={title_hits}/{title_total} ({title_hits / max(title_total, 1):.1%})")
    print(
        f"time: extraction {extract_time:.2f}s total {total:.2f}s",
        f"({extract_time / len(index) * 1000:.0f} ms/page)",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
