"""One resolved report turned into model rows: its candidates, their features, its attributions.

The same function serves prediction and training, so the two can never see different rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from dugout.extract.attribution import Attribution, attributions_of
from dugout.extract.features import Features, PairIndex, ReportView, candidate_features
from dugout.extract.pairs import Candidate, CandidateMaker
from dugout.kb.index import KnowledgeBase
from dugout.nlp.entities import ResolvedArticle


@dataclass
class ReportInstances:
    """A report's candidates with their features, and each sentence's attribution."""

    resolved: ResolvedArticle
    candidates: list[Candidate]
    features: list[Features]
    attributions: list[Attribution | None]


def instances_of(resolved: ResolvedArticle, kb: KnowledgeBase, maker: CandidateMaker) -> ReportInstances:
    attributions = attributions_of(resolved, kb)
    report = ReportView.of(resolved, kb, [a.kind if a is not None else None for a in attributions])
    candidates = maker(resolved)
    report.pairs = PairIndex.of(candidates)
    features = [candidate_features(c, report) for c in candidates]
    return ReportInstances(resolved, candidates, features, attributions)
