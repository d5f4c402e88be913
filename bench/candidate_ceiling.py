"""The candidate recall ceiling: how many gold claims some candidate could become.

    python bench/candidate_ceiling.py ../shared/eval/train [--cache DIR] [--misses N]

The learned extractor can only pick among the candidates `dugout.extract.pairs.CandidateMaker`
proposes from the resolved mentions, so a gold claim no candidate covers is lost whatever the
model learns. For every gold claim of the split (`gold.jsonl` beside `articles.jsonl`), this
checks whether a candidate of its report carries the claim's key by the scorer's name rules,
with the test the training labels use (`dugout.extract.labels.key_matches`): the type among
the candidate's types, the parties (either order for meeting and match_result), the position
for squad_need. It prints, per type:

  in evidence   a covering candidate in a sentence of the claim's evidence
  anywhere      a covering candidate in any sentence of the report

then the candidates per kind (more cost the model precision and speed), the share of gold
names (subjects and objects) that match an entity resolved anywhere in their report, the share
of gold claims with every party resolved there, and the time resolution and proposal took.
Values, scores and roles are not checked: they are the model's to decide.

Measure on ../shared/eval/train (the training data); dev is for error analysis only.

The parse does not depend on the resolver, so `--cache DIR` keeps it as a spaCy DocBin
(rebuilt when the articles file changes) and later runs only resolve and propose.
`--misses N` prints N gold claims not covered in their evidence, with what was resolved there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from spacy.tokens import DocBin

from dugout.evaluate import names_match
from dugout.extract.labels import evidence_sentences, key_matches
from dugout.extract.pairs import Candidate, CandidateMaker
from dugout.ingest.readers import ReadOptions, read_inputs
from dugout.kb.index import load_kb
from dugout.nlp.entities import ResolvedArticle, Resolver
from dugout.nlp.pipeline import Paragraph, ParsedArticle, load_nlp, parse_articles
from dugout.records import Article


def read_split(folder: Path) -> tuple[list[Article], dict[str, list[dict]]]:
    articles = [
        a
        for a in read_inputs([str(folder / "articles.jsonl")], ReadOptions(allow_urls=False))
        if isinstance(a, Article)
    ]
    gold: dict[str, list[dict]] = defaultdict(list)
    with open(folder / "gold.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                claim = json.loads(line)
                gold[str(claim["doc"])].append(claim)
    return articles, gold


def parsed_articles(folder: Path, articles: list[Article], cache: Path | None) -> list[ParsedArticle]:
    """Every report parsed whole (no claim screen), from the cache when it holds this split."""
    if cache is None:
        return list(parse_articles(articles, screen=None))
    digest = hashlib.sha256((folder / "articles.jsonl").read_bytes()).hexdigest()[:16]
    bin_path, meta_path = cache / f"{digest}.spacy", cache / f"{digest}.json"
    if bin_path.exists() and meta_path.exists():
        docs = iter(DocBin().from_disk(bin_path).get_docs(load_nlp().vocab))
        by_id = {a.id: a for a in articles}
        out = []
        for article_id, offsets in json.loads(meta_path.read_text()):
            parsed = ParsedArticle(by_id[article_id])
            parsed.paragraphs = [Paragraph(o, next(docs)) for o in offsets]
            out.append(parsed)
        return out
    out = list(parse_articles(articles, screen=None))
    cache.mkdir(parents=True, exist_ok=True)
    docbin = DocBin(store_user_data=False)
    for parsed in out:
        for paragraph in parsed.paragraphs:
            docbin.add(paragraph.doc)
    docbin.to_disk(bin_path)
    meta = [(p.article.id, [par.offset for par in p.paragraphs]) for p in out]
    meta_path.write_text(json.dumps(meta))
    return out


class Tally:
    """The counts the report prints."""

    def __init__(self) -> None:
        self.per_type: dict[str, Counter[str]] = defaultdict(Counter)
        self.kinds: Counter[str] = Counter()
        self.names = Counter()
        self.misses: list[dict] = []

    def add(self, resolved: ResolvedArticle, candidates: list[Candidate], gold: list[dict]) -> None:
        for c in candidates:
            self.kinds[c.kind] += 1
        names = {e.name for e in resolved.entities.values()}
        for claim in gold:
            both = True
            for name in (claim.get("subject"), claim.get("object")):
                if name:
                    found = any(names_match(name, n) for n in names)
                    self.names["gold"] += 1
                    self.names["found"] += found
                    both = both and found
            self.names["claims"] += 1
            self.names["both"] += both
            where = evidence_sentences(resolved, claim.get("evidence", ""))
            hits = {c.sentence for c in candidates if key_matches(c, claim)}
            counts = self.per_type[claim["type"]]
            counts["n"] += 1
            counts["anywhere"] += bool(hits)
            counts["evidence"] += bool(hits & where)
            if not hits & where:
                seen = [
                    (m.text, m.entity.name) for i in sorted(where) for m in resolved.sentences[i].mentions
                ]
                self.misses.append({"doc": resolved.article.id, **claim, "resolved": seen})

    def print(self) -> None:
        total: Counter[str] = Counter()
        print(f"{'type':16s} {'gold':>6s} {'in evidence':>12s} {'anywhere':>9s}")
        for kind, counts in sorted(self.per_type.items(), key=lambda kv: -kv[1]["n"]):
            total.update(counts)
            self._row(kind, counts)
        self._row("TOTAL", total)
        print("candidates:", sum(self.kinds.values()), dict(sorted(self.kinds.items())))
        share = self.names["found"] / max(self.names["gold"], 1)
        print(
            f"gold names resolved in their report: {self.names['found']}/{self.names['gold']} = {share:.3f}"
        )
        both = self.names["both"] / max(self.names["claims"], 1)
        print(f"gold claims with every party resolved in their report: {both:.3f}")

    @staticmethod
    def _row(kind: str, counts: Counter[str]) -> None:
        n = max(counts["n"], 1)
        print(f"{kind:16s} {counts['n']:6d} {counts['evidence'] / n:12.3f} {counts['anywhere'] / n:9.3f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("split", type=Path, help="an eval split folder (articles.jsonl and gold.jsonl)")
    parser.add_argument("--cache", type=Path, help="folder for the parse cache (DocBin)")
    parser.add_argument("--misses", type=int, default=0, help="print this many uncovered gold claims")
    args = parser.parse_args(argv)
    if not (args.split / "articles.jsonl").is_file() or not (args.split / "gold.jsonl").is_file():
        sys.exit(f"{args.split}: needs articles.jsonl and gold.jsonl")
    articles, gold = read_split(args.split)
    parsed = parsed_articles(args.split, articles, args.cache)
    kb = load_kb()
    resolver, maker = Resolver(kb), CandidateMaker(kb)
    tally = Tally()
    started = time.perf_counter()
    for p in parsed:
        resolved = resolver.resolve(p)
        tally.add(resolved, maker(resolved), gold.get(p.article.id, []))
    elapsed = time.perf_counter() - started
    tally.print()
    print(f"reports: {len(parsed)}, resolution and candidates: {elapsed:.1f} s")
    random.Random(0).shuffle(tally.misses)
    for miss in tally.misses[: args.misses]:
        print(json.dumps(miss, ensure_ascii=False))


if __name__ == "__main__":
    main()
