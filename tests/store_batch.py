"""Store a batch of generated reports, one line per report: the helper of test_store_crash.py.

Run as `python tests/store_batch.py DB COUNT CLAIMS_PER_REPORT`; prints
`<id> <True|False>` (stored, or already there) and flushes after each report so
the test can kill it at a known point.
"""

from __future__ import annotations

import sys

from dugout.records import Article, Claim
from dugout.store import Store


def report(i: int, n_claims: int) -> tuple[Article, list[Claim]]:
    doc = f"batch-{i:04d}"
    sentences = [
        f"Report {i}: coach {j} of club {i % 7} is under pressure, say sources." for j in range(n_claims)
    ]
    article = Article(
        id=doc,
        text=" ".join(sentences),
        title=f"Batch report {i}",
        outlet=("ESPN", "Marca", "Football España")[i % 3],
        published=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
    )
    claims = [
        Claim(
            doc=doc,
            type="job_status",
            subject=f"Coach Número {j}",
            object=f"Club {i % 7}",
            value="at_risk",
            polarity="affirmed",
            modality="reported",
            evidence=sentence,
            attribution="sources",
            confidence=0.5,
        )
        for j, sentence in enumerate(sentences)
    ]
    return article, claims


def main(db: str, count: int, n_claims: int) -> None:
    with Store.open(db) as store:
        for i in range(count):
            article, claims = report(i, n_claims)
            stored = store.add_report(article, claims)
            print(article.id, stored, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
