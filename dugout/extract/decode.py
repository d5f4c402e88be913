"""From the model's scores to claims: thresholds and margins, values, one claim per key, and the
shared passes (attribution, time, competition) that fill the optional fields.

The only place a score becomes a yes or a no. Thresholds and margins are per claim type, chosen on
the cross-validation folds at training time (`dugout.extract.train`) and stored with the model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from dugout.extract.attribution import Attribution
from dugout.extract.model import KEYED_VALUES, Prediction
from dugout.extract.pairs import Candidate, Party
from dugout.extract.scores import oriented_value, written_score
from dugout.nlp.entities import ResolvedArticle, SentenceView
from dugout.nlp.timex import time_in
from dugout.records import MODALITIES, Claim

DATED_TYPES = {"contract_until", "meeting", "squad_need", "match_result", "job_status", "transfer"}
"""Types whose `when` is read from the sentence's time expression."""
BACKGROUND_TYPES = {"coach_of", "holds_role", "contract_until", "match_result"}
"""Background facts: a source named in the sentence is not what the claim rests on."""


@dataclass
class Draft:
    """One claim the model would make, before one claim per key is kept."""

    claim: Claim
    key: tuple
    score: float


def claim_key(claim: Claim) -> tuple:
    """The scorer's key: type and parties (unordered for meetings and results), with the value
    where it is part of the key (roles, job status, needs) and the score for results."""
    if claim.type in ("meeting", "match_result"):
        teams = sorted([claim.subject, claim.object or ""])
        score = claim.value
        if score and claim.type == "match_result" and claim.subject != teams[0]:
            score = "-".join(reversed(score.split("-")))
        return (claim.type, tuple(teams), score if claim.type == "match_result" else None)
    if claim.type in ("holds_role", "squad_need", "job_status"):
        return (claim.type, claim.subject, claim.object, claim.value)
    return (claim.type, claim.subject, claim.object)


def decode(
    resolved: ResolvedArticle,
    candidates: list[Candidate],
    predictions: list[Prediction],
    attributions: list[Attribution | None],
    thresholds: dict[str, float],
    margins: dict[str, float] | None = None,
) -> list[Claim]:
    """The claims of one report: every (candidate, type) scoring at or above its type's
    threshold and not far under its subject's best reading of the sentence (`margins`, see
    `weaker_readings`), one per key (the best-scoring evidence kept), in reading order."""
    offered = offers(resolved, candidates, predictions, attributions, thresholds)
    return [d.claim for d in chosen(offered, margins)]


def offers(
    resolved: ResolvedArticle,
    candidates: list[Candidate],
    predictions: list[Prediction],
    attributions: list[Attribution | None],
    thresholds: dict[str, float],
) -> list[Draft]:
    """Every (candidate, type) scoring at or above its type's threshold, as a draft claim.
    Training reads them once at the lowest threshold it tries and keeps the drafts at or above
    each higher one (the same claims as decoding at it, in a fraction of the time)."""
    offered: list[Draft] = []
    for candidate, prediction in zip(candidates, predictions, strict=True):
        for claim_type, value, score in _decisions(prediction):
            if score < thresholds.get(claim_type, 0.5):
                continue
            claim = _claim(resolved, candidate, prediction, claim_type, score, attributions, value)
            if claim is not None:
                offered.append(Draft(claim, claim_key(claim), score))
    return offered


NEWS_FIRST_TYPES = {"candidate_for", "meeting", "contract_until"}
"""Types whose claim is read from the first sentence that states its pair (the report's news,
spec/claims.md: "the gold keeps the one that is the report's news"), with the best sentence's
score as its confidence; the other types whose key leaves the value out (coach_of, transfer)
are read from their best-scoring sentence. Measured on the nested run's out-of-fold predictions
over train + dev (2026-12-07, thresholds and margins from each outer fold's inner CV): reading
coach_of and transfers from the best sentence took value agreement 0.8858 -> 0.8895 (coach_of
0.901 -> 0.906, transfers 0.734 -> 0.741) and modality 0.8767 -> 0.8785, F1 unchanged (the keys
are the same); candidates and contracts read from the best sentence lost modality agreement
(0.818 -> 0.811, 0.875 -> 0.867), so they stay news-first. When these types were first made
news-first (the first logistic models), the first sentence had done better: the value models
have since learned more than the order of the report tells."""


def chosen(offered: list[Draft], margins: dict[str, float] | None = None) -> list[Draft]:
    """The claims kept of those offered: one reading per cue within each sentence, a subject's
    weaker readings dropped (`weaker_readings`), then one claim per key, in reading order: its
    best-scoring evidence, or for `NEWS_FIRST_TYPES` its first sentence scoring at or above the
    threshold (and kept by the margin)."""
    best: dict[tuple, Draft] = {}
    first: dict[tuple, Draft] = {}
    for draft in weaker_readings(_one_reading_per_cue(offered), margins or {}):
        if draft.key not in best or draft.score > best[draft.key].score:
            best[draft.key] = draft
        if draft.key not in first or _sentence(draft) < _sentence(first[draft.key]):
            first[draft.key] = draft
    drafts = [_news_first(d, first[key]) for key, d in best.items()]
    drafts = _drop_unscored_results(drafts)
    return sorted(drafts, key=lambda d: (_sentence(d), -d.score))


def _sentence(draft: Draft) -> int:
    return draft.claim.extra["sentence"]


def _news_first(best: Draft, first: Draft) -> Draft:
    """The first sentence's claim with the best sentence's confidence, for `NEWS_FIRST_TYPES`."""
    if best.claim.type not in NEWS_FIRST_TYPES or first is best:
        return best
    return Draft(replace(first.claim, confidence=best.claim.confidence), best.key, best.score)


def _decisions(prediction: Prediction):
    """(type, value, score) for each claim the candidate could be: one per type, or one per
    value where the value is part of the key."""
    for claim_type, score in prediction.scores.items():
        by_value = prediction.value_scores.get(claim_type)
        if by_value:
            for value, value_score in by_value.items():
                yield claim_type, value, value_score
        else:
            yield claim_type, None, score


def _drop_unscored_results(drafts: list[Draft]) -> list[Draft]:
    """A result with a score makes the same pairing without one redundant."""
    scored = {d.key[1] for d in drafts if d.key[0] == "match_result" and d.key[2]}
    return [d for d in drafts if not (d.key[0] == "match_result" and not d.key[2] and d.key[1] in scored)]


def _one_reading_per_cue(drafts: list[Draft]) -> list[Draft]:
    """Where a sentence's one cue went to several claims, the best-scoring reading only. Done
    sentence by sentence before one claim per key is kept, so a claim that loses here can still
    stand on another sentence that offers it without a rival.

    A title belongs to one organisation ("City's director of football X" makes X director at
    City, not also at the other club of the sentence), and a score to one match (a "2-0 win"
    is one pairing of teams). Measured on 5-fold out-of-fold predictions over train + dev
    (thresholds chosen on them): roles F1 0.531 -> 0.552, results 0.535 -> 0.555. The same for
    a transfer's club took transfers from 0.616 to 0.584 (a sentence can move a player from one
    club to another), and for a job status's club it gained nothing, so they are not done."""
    cues = [_cue_of(d) for d in drafts]
    best: dict[tuple, Draft] = {}
    for d, cue in zip(drafts, cues, strict=True):
        if cue is not None and (cue not in best or d.score > best[cue].score):
            best[cue] = d
    return [d for d, cue in zip(drafts, cues, strict=True) if cue is None or best[cue] is d]


def weaker_readings(drafts: list[Draft], margins: dict[str, float]) -> list[Draft]:
    """Where one sentence gives a subject several claims of one type (with one value, for the
    types whose value is in the key), those scoring under the type's margin times the best of
    them are dropped. A sentence mostly moves a player to one club, whatever other clubs it
    names ("joined Arsenal from Chelsea": the gold keeps Chelsea as the counterpart, not as a
    claim), while a genuine pair ("Chelsea and Arsenal want him") scores alike.

    Each type's margin is chosen with its threshold on out-of-fold predictions at training time
    (`train.choose_cutoffs`; 0 keeps every reading). On the fast protocol over train + dev
    (2026-12-07, a margin of 0.7 for every type): F1 0.6519 -> 0.6571 and 0.6562 -> 0.6618 on
    seeds 0 and 1, transfers 0.640 -> 0.650 and contracts 0.509 -> 0.529 at seed 0, results
    0.570 -> 0.564 (two results of a sentence can share a team), hence one margin per type."""
    if not any(margins.values()):
        return drafts
    best: dict[tuple, float] = {}
    for d in drafts:
        best[_reading_of(d)] = max(best.get(_reading_of(d), 0.0), d.score)
    return [d for d in drafts if d.score >= margins.get(d.claim.type, 0.0) * best[_reading_of(d)]]


def _reading_of(draft: Draft) -> tuple:
    claim = draft.claim
    value = claim.value if claim.type in KEYED_VALUES or claim.type == "squad_need" else None
    return (claim.type, claim.extra["sentence"], claim.extra["subject_id"], value)


def _cue_of(draft: Draft) -> tuple | None:
    """The sentence's cue a claim was read from, for the types where one cue makes one claim."""
    claim = draft.claim
    sentence = claim.extra["sentence"]
    if claim.type == "holds_role":
        return ("holds_role", claim.extra["subject_id"], claim.value, sentence)
    if claim.type == "match_result" and claim.value:
        return ("match_result", sentence, tuple(sorted(claim.value.split("-"))))
    return None


def _claim(
    resolved: ResolvedArticle,
    candidate: Candidate,
    prediction: Prediction,
    claim_type: str,
    score: float,
    attributions: list[Attribution | None],
    value: str | None = None,
) -> Claim | None:
    view = resolved.sentences[candidate.sentence]
    subject, obj = candidate.subject, candidate.object
    if obj is not None and subject.entity.id == obj.entity.id:
        return None
    value = value or _value(view, candidate, prediction, claim_type)
    modality = prediction.modality.get(claim_type, "fact")
    attribution = attributions[candidate.sentence] if candidate.sentence < len(attributions) else None
    source = _source(attribution, claim_type, modality)
    article = resolved.article
    return Claim(
        doc=article.id,
        type=claim_type,
        subject=subject.entity.name,
        object=obj.entity.name if obj is not None else None,
        value=value,
        polarity=prediction.polarity.get(claim_type, "affirmed"),
        modality=modality,
        evidence=view.text.strip(),
        attribution=source,
        outlet=article.outlet,
        when=time_in(view.span, article.published) if claim_type in DATED_TYPES else None,
        confidence=round(score, 3),
        competition=_competition(view) if claim_type == "match_result" else None,
        counterpart=_counterpart(view, subject, obj) if claim_type == "transfer" else None,
        extra={
            "subject_id": subject.entity.id,
            "object_id": obj.entity.id if obj is not None else None,
            "sentence": candidate.sentence,
        },
    )


def _value(view: SentenceView, candidate: Candidate, prediction: Prediction, claim_type: str) -> str | None:
    if claim_type == "squad_need":
        return candidate.position
    if claim_type == "match_result":
        score = written_score(view, candidate)
        if score is None:
            return None
        return oriented_value(score, prediction.orientation or "as_written")
    if claim_type == "contract_until":
        return None
    return prediction.values.get(claim_type)


def _source(attribution: Attribution | None, claim_type: str, modality: str) -> str | None:
    """Who the sentence says the claim comes from, where the claim rests on it: a reported claim,
    or a club's own statement."""
    if attribution is None or claim_type in BACKGROUND_TYPES:
        return None
    if attribution.kind == "club" or MODALITIES.index(modality) <= MODALITIES.index("reported"):
        return attribution.source
    return None


def _competition(view: SentenceView) -> str | None:
    for m in view.mentions:
        if m.kind == "competition":
            return m.entity.name
    return None


def _counterpart(view: SentenceView, subject: Party, obj: Party | None) -> str | None:
    """The club a moving player leaves: another club of the sentence ("from Rayo Vallecano",
    "Dortmund's Bellingham")."""
    doc = view.span.doc
    for m in view.mentions:
        if m.kind != "club" or (obj is not None and m.entity.id == obj.entity.id):
            continue
        before = doc[m.start - 1].lower_ if m.start > view.span.start else ""
        after = doc[m.end].text if m.end < view.span.end else ""
        near_player = subject.mention is not None and 0 <= subject.mention.start - m.end <= 3
        if before == "from" or (after in ("'s", "’s") and near_player):
            return m.entity.name
    return None
