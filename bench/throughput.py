"""Throughput of dugout extraction against plain spaCy, on the same reports, in one run.

    python bench/throughput.py [-n 300] [--source ../shared/corpus] [--workers 2] [--modes ...]

Takes the first N reports of the corpus (a .jsonl file, or every .jsonl/.txt/.html file of a
folder), streamed into a temporary JSONL file, then runs each measurement in a fresh process
(so peak memory is each one's own):

  plain     en_core_web_sm `nlp.pipe` over the report texts, all components: the natural peer
            (spaCy's default batch size; `--modes plain64,...` also times batch_size=64, its best here;
            `plainnp` is the stock model with the matrix products dugout uses, numpy's BLAS on one
            thread instead of BLIS, to show what that choice alone is worth)
  extract   `dugout extract FILE -o OUT` (the CLI, in process, after the model is loaded)
  ingest    `dugout ingest FILE --db tmp.sqlite` (extraction and the store)
  extract --workers N   the same in N processes (the speed-up over one process)
  stages    dugout's own spaCy pipeline (`load_nlp`) over the paragraphs it parses, one
            component at a time over all of them (batch_size=64): where the parse's time goes

and prints reports/s, words/s and peak resident memory (MB) for each, and dugout's ratio
over the plain pipeline (quality is bench/crossval.py's).
Figures are wall-clock and depend on the machine; run it on an idle one.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def peak_mb() -> float:
    """Peak resident memory of this process and its (waited-for) children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def write_sample(source: Path, n: int, out: Path) -> tuple[int, int]:
    """The first n reports of `source` as input records in `out`; (reports, words)."""
    from dugout.ingest.readers import ReadOptions, read_inputs
    from dugout.records import Article

    count = words = 0
    with out.open("w", encoding="utf-8") as sink:
        if source.is_file() and source.suffix == ".jsonl":
            with source.open(encoding="utf-8") as f:
                for line in f:
                    if count >= n:
                        break
                    r = json.loads(line)
                    record = {k: r.get(k) for k in ("id", "url", "outlet", "published", "title", "text")}
                    sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
                    words += len(r["text"].split())
        else:
            for item in read_inputs([str(source)], ReadOptions(allow_urls=False)):
                if count >= n:
                    break
                if isinstance(item, Article):
                    sink.write(json.dumps(item.to_record(), ensure_ascii=False) + "\n")
                    count += 1
                    words += len(item.text.split())
    return count, words


def _plain_nlp(mode: str):
    """The stock model for a plain mode: as `spacy.load` gives it, or ("plainnp...") with the
    matrix products dugout uses (numpy's BLAS, one thread), to show what that choice alone gives."""
    import spacy

    from dugout.nlp.pipeline import MODEL

    if not mode.startswith("plainnp"):
        return spacy.load(MODEL)
    from thinc.api import use_ops
    from threadpoolctl import threadpool_limits

    with use_ops("numpy", use_blis=False):
        nlp = spacy.load(MODEL)
    threadpool_limits(limits=1, user_api="blas")
    return nlp


def stage_seconds(sample: Path) -> dict[str, float]:
    """Seconds each component of dugout's pipeline takes over the sample's paragraphs (the
    parts `parse_articles` gives the parser), run one component at a time over all of them."""
    from dugout.ingest.readers import ReadOptions, read_inputs
    from dugout.nlp.pipeline import _pieces, load_nlp
    from dugout.records import Article

    nlp = load_nlp()
    list(nlp.pipe(["Carlo Ancelotti met Florentino Perez on Tuesday."]))  # warm
    read = read_inputs([str(sample)], ReadOptions(allow_urls=False))  # as `dugout extract` reads it
    texts = [text for a in read if isinstance(a, Article) for _offset, text in _pieces(a)]
    start = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    seconds = {"tokenizer": time.perf_counter() - start}
    for name, component in nlp.pipeline:
        start = time.perf_counter()
        if hasattr(component, "pipe"):
            docs = list(component.pipe(docs, batch_size=64))
        else:  # dugout's memoised attribute ruler and lemmatizer work doc by doc
            docs = [component(doc) for doc in docs]
        seconds[name] = time.perf_counter() - start
    return seconds


def measure(mode: str, sample: Path, workers: int) -> dict:
    """One measurement, in this process (called in a fresh child by `main`)."""
    if mode == "stages":
        stages = stage_seconds(sample)
        return {"mode": mode, "seconds": sum(stages.values()), "stages": stages, "peak_mb": peak_mb()}
    if mode.startswith("plain"):
        nlp = _plain_nlp(mode)
    else:
        from dugout.extract.pipeline import Extractor
        from dugout.nlp.pipeline import load_nlp

        nlp = load_nlp()
        Extractor()  # the knowledge base and the claim model loaded, as the CLI would before reading
    list(nlp.pipe(["Carlo Ancelotti met Florentino Perez on Tuesday."]))  # warm
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        if mode.startswith("plain"):
            texts = (json.loads(line)["text"] for line in sample.open(encoding="utf-8"))
            # "plain64": batch_size 64; "plain": spaCy's default
            size = int(mode.removeprefix("plainnp").removeprefix("plain") or 0) or None
            for _doc in nlp.pipe(texts, batch_size=size):
                pass
        else:
            from dugout.cli import app

            args = [mode, str(sample)]
            args += ["-o", os.path.join(tmp, "claims.jsonl")] if mode == "extract" else []
            args += ["--db", os.path.join(tmp, "bench.db")] if mode == "ingest" else []
            args += ["--workers", str(workers)] if workers > 1 else []
            try:
                code = app(args, standalone_mode=False)
            except SystemExit as e:
                code = e.code
            if code:  # a report that could not be read or extracted: the figures would flatter
                raise SystemExit(f"dugout {mode} failed on the sample (exit status {code})")
        seconds = time.perf_counter() - start
    return {"mode": mode, "workers": workers, "seconds": seconds, "peak_mb": peak_mb()}


def print_stages(stages: dict[str, float]) -> None:
    """Each component's seconds and share of the parse, in pipeline order."""
    total = sum(stages.values())
    print(f"dugout's parse, component by component ({total:.1f} s in all):")
    for name, seconds in stages.items():
        print(f"  {name:<18} {seconds:7.2f} s  {seconds / total:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=300, help="reports to read (default 300)")
    parser.add_argument("--source", type=Path, default=SHARED / "corpus" / "football_news.jsonl")
    parser.add_argument("--workers", type=int, default=2, help="also time --workers N (0: skip)")
    parser.add_argument(
        "--modes",
        default="plain64,plain,extract,ingest",
        help="what to time: plain64 (spaCy at batch_size=64, its best here), plain (its default batch), "
        "plainnp64 (numpy BLAS), extract, ingest, stages (the parse's components one by one)",
    )
    parser.add_argument("--child", nargs=3, metavar=("MODE", "SAMPLE", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, sample, workers = args.child
        print(json.dumps(measure(mode, Path(sample), int(workers))))
        return

    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.jsonl"
        reports, words = write_sample(args.source, args.n, sample)
        print(f"{reports} reports, {words} words from {args.source}")
        runs = [(m, 1) for m in args.modes.split(",")]
        if args.workers > 1:
            runs.append(("extract", args.workers))
        results = {}
        for mode, workers in runs:
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(sample), str(workers)],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            if mode == "stages":
                print_stages(r["stages"])
                continue
            results[(mode, workers)] = r
            label = f"dugout {mode}" + (f" --workers {workers}" if workers > 1 else "")
            if mode.startswith("plain"):
                size = mode.removeprefix("plainnp").removeprefix("plain")
                label = "plain en_core_web_sm nlp.pipe" + (" numpy" if "np" in mode else "")
                label += f" batch {size}" if size else ""
            print(
                f"{label:<34} {reports / r['seconds']:7.2f} reports/s {words / r['seconds']:9.0f} words/s"
                f"   {r['seconds']:7.1f} s   peak {r['peak_mb']:6.0f} MB"
            )
    for peer in [m for m, _w in results if m.startswith("plain")]:
        plain = results[(peer, 1)]
        for (mode, workers), r in results.items():
            if not mode.startswith("plain"):
                label = f"dugout {mode}" + (f" --workers {workers}" if workers > 1 else "")
                print(f"{label} / {peer} throughput: {plain['seconds'] / r['seconds']:.2f}x")
    one, many = results.get(("extract", 1)), results.get(("extract", args.workers))
    if one and many and args.workers > 1:
        print(f"--workers {args.workers} speed-up over one process: {one['seconds'] / many['seconds']:.2f}x")


if __name__ == "__main__":
    main()
