"""How many gold claim names the resolver finds: the entity-resolution yardstick.

For every subject and object name in a gold file, checks whether an entity
resolved in that report (as `dugout entities` gives them) matches it by the
scorer's name rules. Prints the coverage and every miss.

    python bench/entity_coverage.py ../shared/eval/dev/gold.jsonl ../shared/eval/dev/articles.jsonl
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict

from dugout.extract.pipeline import Extractor
from dugout.ingest.readers import ReadOptions, read_inputs
from dugout.kb.names import names_match
from dugout.nlp.pipeline import parse_articles
from dugout.records import Article


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("gold")
    parser.add_argument("articles")
    args = parser.parse_args()
    wanted: dict[str, set[str]] = defaultdict(set)
    with open(args.gold, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                claim = json.loads(line)
                for name in (claim.get("subject"), claim.get("object")):
                    if name:
                        wanted[str(claim["doc"])].add(name)
    articles = [
        a for a in read_inputs([args.articles], ReadOptions(allow_urls=False)) if isinstance(a, Article)
    ]
    extractor = Extractor()
    started = time.perf_counter()
    found: dict[str, list[str]] = {}
    for parsed in parse_articles(articles):
        resolved = extractor.resolve(parsed)
        found[parsed.article.id] = [e.name for e in resolved.entities.values()]
    elapsed = time.perf_counter() - started
    total = hits = 0
    misses = []
    for doc, names in sorted(wanted.items()):
        for name in sorted(names):
            total += 1
            if any(names_match(name, got) for got in found.get(doc, [])):
                hits += 1
            else:
                misses.append((doc, name))
    print(f"gold names found among resolved entities: {hits}/{total} = {hits / total:.3f}")
    print(f"reports: {len(articles)}, resolution time: {elapsed:.2f} s")
    for doc, name in misses:
        print(f"  miss {doc}: {name}")


if __name__ == "__main__":
    main()
