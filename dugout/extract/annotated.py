"""Hand-checked claims in place of the model's: `dugout ingest --claims FILE`.

A desk that annotates its own reports (in the claim format of spec/claims.md, one JSON claim
per line with the `doc` it belongs to) loads those claims as they are, so the story, the pages
and the alerts work on what people checked. The same path keeps the story, page and alert
tests independent of how good the learned extraction is today: those layers are tested on the
annotated claims of real reports, and the extraction is measured by `bench/crossval.py`.

A report is matched to its claims by id; a report that arrives under another id (a page
fetched from a feed) is matched by its text: the annotated report most of whose evidence
sentences it contains.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from pathlib import Path

from dugout.evaluate import squash
from dugout.records import CLAIM_TYPES, Article, Claim

CLAIM_FIELDS = {f.name for f in fields(Claim)} - {"doc", "extra"}


class AnnotationError(ValueError):
    """An annotation file that cannot be read: the message names the file, the line and why."""


def annotated_lines(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, claim) for each claim of an annotation file, the format `dugout train`
    reads too: a JSON object per line with its `doc` and one of the nine types."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as e:
        raise AnnotationError(f"{path}: cannot read it ({e})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            claim = json.loads(line)
        except json.JSONDecodeError as e:
            raise AnnotationError(f"{path}:{number}: not valid JSON ({e.msg})") from None
        if not isinstance(claim, dict) or claim.get("type") not in CLAIM_TYPES or "doc" not in claim:
            raise AnnotationError(f"{path}:{number}: not a claim (needs doc and one of the nine types)")
        yield number, claim


def read_annotations(paths: Iterable[Path]) -> dict[str, list[dict]]:
    """Claims by report id from JSONL files of annotated claims, each complete enough to store."""
    out: dict[str, list[dict]] = {}
    for path in paths:
        for number, claim in annotated_lines(path):
            for name in ("subject", "evidence", "polarity", "modality"):
                if not isinstance(claim.get(name), str):
                    raise AnnotationError(f"{path}:{number}: {name!r} must be a string")
            out.setdefault(str(claim["doc"]), []).append(claim)
    return out


class AnnotatedClaims:
    """Stands in for `Extractor`: `run` yields each report with the claims annotated for it.

    Only claims whose evidence is verbatim in the report's text are kept (the claim contract);
    a report with no annotation gets no claims."""

    def __init__(self, annotations: dict[str, list[dict]]) -> None:
        self.annotations = annotations
        self._evidence = {doc: {squash(c["evidence"]) for c in claims} for doc, claims in annotations.items()}

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> AnnotatedClaims:
        return cls(read_annotations(paths))

    def claims_of(self, article: Article) -> list[Claim]:
        """The annotated claims of one report, re-addressed to its id and outlet."""
        text = squash(article.text)
        doc = article.id if article.id in self.annotations else self._by_text(text)
        if doc is None:
            return []
        return [_claim(article, c) for c in self.annotations[doc] if squash(c["evidence"]) in text]

    def _by_text(self, text: str) -> str | None:
        """The annotated report most of whose evidence sentences this text holds (a page keeps
        the report's sentences, though its extraction may drop a line or two)."""
        best: tuple[int, str] | None = None
        for doc, evidence in self._evidence.items():
            held = sum(e in text for e in evidence)
            if held and 2 * held >= len(evidence) and (best is None or held > best[0]):
                best = (held, doc)
        return best[1] if best else None

    def run(
        self, articles: Iterable[Article], on_error: Callable[[Article, Exception], None] | None = None
    ) -> Iterator[tuple[Article, list[Claim]]]:
        for article in articles:
            yield article, self.claims_of(article)


def _claim(article: Article, annotated: dict) -> Claim:
    kept = {k: v for k, v in annotated.items() if k in CLAIM_FIELDS}
    kept["outlet"] = article.outlet or kept.get("outlet")
    kept.setdefault("object", None)
    kept.setdefault("value", None)
    return Claim(doc=article.id, **kept)
