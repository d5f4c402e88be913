"""Gold claims laid onto candidates: the training rows' answers.

A candidate is a positive example of a gold claim's type when its parties match the gold claim's
key (the scorer's own name rules) and its sentence is the gold claim's evidence. A candidate with
the same key in another sentence is left out of that type's training rows: the gold keeps one
evidence per key, and whether that other sentence says it too is unknown, so it is neither a
positive nor a negative. Every other candidate is a negative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dugout.evaluate import names_match, squash
from dugout.extract.pairs import Candidate
from dugout.extract.scores import written_score
from dugout.nlp.entities import ResolvedArticle


@dataclass(frozen=True)
class Label:
    """The answer for one candidate and one type: its value, modality and polarity."""

    value: str | None
    modality: str
    polarity: str
    orientation: str | None = None
    """For match_result: "won" when the candidate's subject won the match the sentence scores,
    "lost" when it lost, None for a draw or when it cannot tell."""


@dataclass
class Labels:
    """Per candidate: the types it is a positive of, and the types it is left out of."""

    positive: dict[str, Label]
    ignore: set[str]


def key_matches(candidate: Candidate, gold: dict) -> bool:
    """Whether the candidate's parties give the gold claim's key (spec/claims.md)."""
    t = gold["type"]
    if t not in candidate.types:
        return False
    s, o = gold.get("subject"), gold.get("object")
    cs = candidate.subject.entity.name
    co = candidate.object.entity.name if candidate.object is not None else None
    if t == "squad_need":
        return candidate.position == gold.get("value") and names_match(s, cs)
    if t == "job_status" and o is None:
        return names_match(s, cs)
    if t == "match_result" and not _same_score(candidate, gold.get("value")):
        return False
    if names_match(s, cs) and names_match(o, co):
        return True
    return t in ("meeting", "match_result") and names_match(s, co) and names_match(o, cs)


def _same_score(candidate: Candidate, value: str | None) -> bool:
    """Whether a candidate reading one of a sentence's several scores reads the gold claim's
    (in either order: which way round is the orientation model's to decide)."""
    if candidate.score is None or not value:
        return True
    numbers = re.findall(r"\d+", value)
    return sorted(int(n) for n in numbers) == sorted(candidate.score[1:])


def evidence_sentences(resolved: ResolvedArticle, evidence: str) -> set[int]:
    """Indices of the sentences the gold evidence quotes (one, or two adjacent)."""
    ev = squash(evidence)
    out = set()
    for i, view in enumerate(resolved.sentences):
        text = squash(view.text)
        if text and (text in ev or ev in text):
            out.add(i)
    return out


def label_candidates(
    resolved: ResolvedArticle, candidates: list[Candidate], gold: list[dict]
) -> list[Labels]:
    """The answers for every candidate of one report.

    Candidates giving a gold key outside its evidence sentence stay left out even when the
    evidence sentence offers none: making them positives instead was measured (5-fold CV on
    train, logistic detectors) at F1 0.572 against 0.587 without, they are too often sentences
    that only mention the pair."""
    labels = [Labels({}, set()) for _ in candidates]
    for claim in gold:
        t = claim["type"]
        where = evidence_sentences(resolved, claim.get("evidence") or "")
        matching = [k for k, candidate in enumerate(candidates) if key_matches(candidate, claim)]
        in_evidence = [k for k in matching if candidates[k].sentence in where]
        for k in in_evidence:
            if t not in labels[k].positive:
                labels[k].positive[t] = _label(resolved, candidates[k], claim)
        for k in set(matching) - set(in_evidence):
            labels[k].ignore.add(t)
    for item in labels:
        item.ignore -= set(item.positive)
    return labels


def _label(resolved: ResolvedArticle, candidate: Candidate, claim: dict) -> Label:
    value = claim.get("value")
    orientation = None
    if claim["type"] == "match_result" and value:
        score = written_score(resolved.sentences[candidate.sentence], candidate)
        if score is not None:
            subject_is_gold_subject = names_match(claim.get("subject"), candidate.subject.entity.name)
            gold_for_subject = value if subject_is_gold_subject else "-".join(reversed(value.split("-")))
            orientation = outcome_for_subject(score, gold_for_subject)
    return Label(value, claim.get("modality") or "fact", claim.get("polarity") or "affirmed", orientation)


def outcome_for_subject(score: tuple[int, int], gold_for_subject: str) -> str | None:
    """ "won" or "lost" when the gold score (subject's goals first) is the written score's two
    numbers, None for a draw (nothing to decide) or another score."""
    a, b = score
    if gold_for_subject not in (f"{a}-{b}", f"{b}-{a}") or a == b:
        return None
    mine, theirs = (int(n) for n in gold_for_subject.split("-"))
    return "won" if mine > theirs else "lost"
