"""How long one very long report takes to extract: time and memory against its length.

    python bench/long_report.py [--sizes 100000,250000,500000,1000000] [--whole] [--timeout 900]

Builds one report per size from real corpus text (../shared/corpus/football_news.jsonl: its
reports in file order, joined by blank lines, cut at a paragraph boundary at or under the
size in characters; the largest default is the cap on one report, `MAX_TEXT_CHARS`), and
runs `Extractor().run` on it in a fresh process per size, after loading the model and the
knowledge base (not timed). Prints, per size: characters, words, seconds, seconds per
100,000 characters (flat when extraction is linear in length), claims, and peak resident
memory of that process, with what the loaded model alone took, and the characters parsed: a
report over `LONG_REPORT_CHARS` is parsed only in the sentences the model's sentence screen
chooses (dugout/extract/screen.py); `--whole` parses every sentence instead, to show what that
budget costs in claims. A size that runs past --timeout is killed and reported as such.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


def long_text(chars: int) -> str:
    """Corpus paragraphs in file order joined by blank lines, up to `chars` characters (a paragraph
    that would go past it is left out, and the next ones tried, until the text is within 1%)."""
    parts: list[str] = []
    size = 0
    with (SHARED / "corpus" / "football_news.jsonl").open(encoding="utf-8") as f:
        for line in f:
            for paragraph in (json.loads(line).get("text") or "").split("\n\n"):
                if not paragraph.strip():
                    continue
                if size + len(paragraph) + 2 > chars:
                    if size >= 0.99 * chars:
                        return "\n\n".join(parts)
                    continue
                parts.append(paragraph)
                size += len(paragraph) + 2
    return "\n\n".join(parts)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(chars: int, whole: bool) -> None:
    """Child process: extract one report of `chars` characters; print one JSON line of figures."""
    from dugout.extract.pipeline import Extractor
    from dugout.nlp.pipeline import _pieces, load_nlp
    from dugout.records import Article

    text = long_text(chars)
    load_nlp()
    extractor = Extractor()
    if whole:
        extractor.model.screen_ = None
    screen = extractor.model.screen_
    list(extractor.run([Article(id="warm-up", text="Carlo Ancelotti is the coach of Real Madrid.")]))
    loaded = peak_mb()
    report = Article(id="long", text=text, outlet="bench", published="2024-11-06")
    started = time.perf_counter()
    claims = [c for _a, cs in extractor.run([report]) for c in cs]
    took = time.perf_counter() - started
    figures = {
        "chars": len(text),
        "words": len(text.split()),
        "seconds": took,
        "claims": len(claims),
        "parsed": sum(len(t) for _o, t in _pieces(report, select=screen.choose if screen else None)),
        "loaded_mb": loaded,
        "peak_mb": peak_mb(),
    }
    print(json.dumps(figures))


def measure(chars: int, timeout: float, whole: bool) -> dict | None:
    """Run one size in a fresh process; its figures, or None when it ran past `timeout`."""
    try:
        run = subprocess.run(
            [sys.executable, __file__, "--one", str(chars), *(["--whole"] if whole else [])],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    if run.returncode != 0:
        raise SystemExit(f"size {chars}: the child failed:\n{run.stderr[-2000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    from dugout.ingest.fields import MAX_TEXT_CHARS

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default=f"100000,250000,500000,{MAX_TEXT_CHARS}",
        help="report lengths in characters, comma-separated",
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a size is killed")
    parser.add_argument("--whole", action="store_true", help="parse every sentence of a long report too")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.whole)
        return
    header = ("chars", 10), ("words", 8), ("seconds", 9), ("s/100k chars", 13), ("claims", 7), ("parsed", 10)
    print(" ".join(f"{name:>{width}}" for name, width in header), f"{'peak MB':>8} {'model MB':>9}")
    for chars in (int(s) for s in args.sizes.split(",")):
        f = measure(chars, args.timeout, args.whole)
        if f is None:
            print(f"{chars:>10} {'':>8} {'>' + str(int(args.timeout)):>9}  killed after --timeout")
            continue
        per = f["seconds"] / f["chars"] * 100_000
        print(
            f"{f['chars']:>10,} {f['words']:>8,} {f['seconds']:>9.1f} {per:>13.2f} {f['claims']:>7} "
            f"{f['parsed']:>10,} "
            f"{f['peak_mb']:>8.0f} {f['loaded_mb']:>9.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
