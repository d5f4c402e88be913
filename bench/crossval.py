"""Cross-validated quality of the learned extraction, by report: the figure that counts.

    python bench/crossval.py                       # train + dev, 5 folds, seed 0
    python bench/crossval.py --folds 5 --seed 1 --curve 0.25,0.5,1 --json out.json
    python bench/crossval.py --fast --seed 1 --claims fast.jsonl   # quick, for comparing changes
    python bench/crossval.py --fast --seeds 0,1,2                  # the same over three seeds

What it prints, each from models that never saw the reports they are scored on:

1. 5-fold cross-validation by report over ../shared/eval/train + ../shared/eval/dev (folds fixed
   by the seed): per-type P/R/F1, value / polarity / modality agreement, evidence not verbatim,
   and the spread of F1 across folds. Each outer fold's thresholds and margins are chosen by an
   inner cross-validation on that fold's training reports only, so no test report touches them.
2. A learning curve: the same outer folds, each model trained on 25%, 50% and 100% of its
   training reports (a seeded subsample), to show what more annotated reports buy.
3. Trained on train alone (thresholds and margins from its own cross-validation), scored on dev
   and seeds.

`--fast` is the quick protocol for comparing two versions of the code (about 10 minutes on 2
cores, against 45 to 110 for the above): 5-fold out-of-fold predictions with each detector
fitted on every positive and a seeded 30% of the negatives, thresholds and margins chosen on
those same predictions. They see the test reports, so its figure flatters (0.005 against
thresholds chosen on the other folds, measured before there were margins); it is for
differences, not the figure that counts. Run
it with `--seeds 0,1,2` and compare means: one version of the code gave 0.6212, 0.6256 and
0.6218 on 2026-12-06, and one seed cannot show a change of less than about 0.005.

`--save-predictions PATH` keeps what every outer fold's models predicted (the inner out-of-fold
predictions that choose its cutoffs, and its test reports'), and `--from-predictions PATH` re-runs
only the choice of cutoffs and the decoding of the code checked out now on them: the nested figure
of a change to decoding (`dugout/extract/decode.py`, the cutoffs' grids) in about four minutes
instead of twenty, exactly as the full run would give it. Predictions are the model's: after a
change to features, candidates or the model they are stale, and only the full run counts.

Every report is parsed once up front (the parse does not depend on the model).
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dugout.evaluate import Score  # noqa: E402
from dugout.extract.model import Prediction  # noqa: E402
from dugout.extract.train import (  # noqa: E402
    ReportRows,
    choose_cutoffs,
    cross_validate,
    decode_all,
    fit,
    folds_of,
    out_of_fold,
    prepare,
    progress_bar,
    read_annotated,
    score_claims,
)
from dugout.records import Claim  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"


@dataclass
class FoldPredictions:
    """What one outer fold's models read, kept so that decoding can be re-run without them
    (`--save-predictions`): the inner out-of-fold predictions of its training reports, which
    choose the cutoffs, and the fold model's predictions of its test reports."""

    train_index: list[int]
    test_index: list[int]
    inner: list[list[Prediction]]
    test: list[list[Prediction]]


def predict_fold(
    reports: list[ReportRows], train_index: list[int], test_index: list[int], inner: int, seed: int, **params
) -> FoldPredictions:
    """One outer fold's predictions: an inner cross-validation's over its training reports (they
    choose its cutoffs), and a model fitted on all of those over its test reports."""
    train = [reports[i] for i in train_index]
    predictions = out_of_fold(train, inner, seed, **params)
    model = fit(train, seed, **params)
    return FoldPredictions(
        train_index, test_index, predictions, [model.predict(reports[i].rows) for i in test_index]
    )


def outer_cv(
    reports: list[ReportRows], folds: int, inner: int, seed: int, fraction: float, progress, **params
):
    """Score of every report's claims from nested cross-validation, per-fold F1, the claims, and
    (at the 100% fraction only: the kept pickle is some 200 MB) each fold's predictions."""
    kept: list[FoldPredictions] = []
    task = progress.add_task(f"cross-validating, {fraction:.0%} of training reports", total=folds)
    rng = random.Random(seed)

    def predicted():  # fold by fold, each decoded (by `redecode`) before the next is fitted
        for train_index, test_index in folds_of(len(reports), folds, seed):
            train = [int(i) for i in train_index]
            if fraction < 1:
                train = rng.sample(train, max(inner, round(len(train) * fraction)))
            fold = predict_fold(reports, train, [int(i) for i in test_index], inner, seed, **params)
            if fraction == 1:
                kept.append(fold)
            yield fold
            progress.advance(task)

    return *redecode(reports, predicted()), kept


def table(title: str, s: Score, fold_f1: list[float] | None = None) -> dict:
    p, r, f = s.total()
    print(f"\n{title}")
    print(f"{'type':<16}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}")
    for claim_type, row in s.per_type().items():
        print(
            f"{claim_type:<16}{row['precision']:7.3f}{row['recall']:7.3f}{row['f1']:7.3f}"
            f"{row['tp']:6d}{row['fp']:6d}{row['fn']:6d}"
        )
    print(f"{'TOTAL':<16}{p:7.3f}{r:7.3f}{f:7.3f}")
    agreement = s.agreement()
    print(
        "agreement on matched claims: "
        + ", ".join(f"{k} {v:.3f}" for k, v in agreement.items() if v is not None)
        + f"; evidence not verbatim: {s.bad_evidence}"
    )
    if fold_f1:
        print(
            f"F1 by fold: {', '.join(f'{x:.3f}' for x in fold_f1)} "
            f"(mean {np.mean(fold_f1):.3f}, sd {np.std(fold_f1):.3f}, "
            f"range {min(fold_f1):.3f}-{max(fold_f1):.3f})"
        )
    return {
        "f1": f,
        "precision": p,
        "recall": r,
        "per_type": s.per_type(),
        "agreement": agreement,
        "folds": fold_f1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, action="append", help="annotated folders [train and dev]")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--inner", type=int, default=3, help="inner folds that choose thresholds and margins")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--seeds", help="--fast only: comma-separated fold seeds, run in turn, then their mean (0,1,2)"
    )
    parser.add_argument("--curve", default="0.25,0.5,1", help="training fractions for the learning curve")
    parser.add_argument("--no-holdout", action="store_true", help="skip train-alone -> dev and seeds")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--fast", action="store_true", help="the quick protocol for comparing changes (see above)"
    )
    parser.add_argument(
        "--claims",
        type=Path,
        help="also write every report's cross-validated claims here (JSONL; `dugout ingest --claims` "
        "stores them, e.g. for bench/story_check.py on reports no model saw)",
    )
    parser.add_argument(
        "--save-predictions",
        type=Path,
        metavar="PATH",
        help="also keep every outer fold's predictions (inner and test; the 100%% fraction) here, "
        "for --from-predictions",
    )
    parser.add_argument(
        "--from-predictions",
        type=Path,
        metavar="PATH",
        help="re-run only the choice of cutoffs and the decoding of this checkout on predictions kept "
        "by --save-predictions (minutes, not half an hour; for changes to decoding only)",
    )
    args = parser.parse_args()
    _check_options(parser, args)
    from dugout.extract.train import _training_extractor

    started = time.monotonic()
    folders = args.data or [SHARED / "train", SHARED / "dev"]
    extractor = _training_extractor()
    out: dict = {"folders": [str(f) for f in folders], "folds": args.folds, "seed": args.seed}
    with progress_bar() as progress:
        reports = prepare([r for f in folders for r in read_annotated(f)], extractor, progress)
        if args.fast:
            _fast(reports, args, progress)
            return
        if args.from_predictions:
            _redecode(reports, args, progress)
            return
        fractions = curve_fractions(args.curve)
        results = {
            fraction: outer_cv(reports, args.folds, args.inner, args.seed, fraction, progress)
            for fraction in fractions
        }
        holdout = None
        if not args.no_holdout:
            train_ids = {a.article.id for f in folders if f.name == "train" for a in read_annotated(f)}
            train = [r for r in reports if r.doc in train_ids]
            if train:
                holdout = _holdout(train, extractor, args.inner, args.seed, progress)
    full = results[max(fractions)]
    out["cross_validation"] = table(
        f"{args.folds}-fold cross-validation by report over {', '.join(f.name for f in folders)} "
        f"({len(reports)} reports; thresholds and margins by an inner {args.inner}-fold CV)",
        *full[:2],
    )
    if args.claims:
        _write_claims(args.claims, full[2])
    if args.save_predictions:
        save_predictions(args.save_predictions, reports, full[3], args)
    print("\nlearning curve (same outer folds, training reports subsampled):")
    out["learning_curve"] = {}
    for fraction in sorted(fractions):
        score, fold_f1, _claims, _kept = results[fraction]
        out["learning_curve"][str(fraction)] = score.total()[2]
        print(
            f"  {fraction:>5.0%} of training reports: F1 {score.total()[2]:.3f} "
            f"(folds sd {np.std(fold_f1):.3f})"
        )
    if holdout is not None:
        for name, s in holdout.items():
            out[f"train_alone_on_{name}"] = table(f"trained on train alone, scored on {name}", s)
    out["seconds"] = round(time.monotonic() - started, 1)
    print(f"\n{out['seconds']} s")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=str), encoding="utf-8")


def _fast(reports: list[ReportRows], args, progress) -> None:
    """The quick protocol (`--fast`): `train.cross_validate` (out-of-fold predictions, thresholds
    and margins chosen on them) with detectors on 30% of the negatives, once per seed of `--seeds` (else
    `--seed`), then the mean and spread over the seeds."""
    seeds = [int(x) for x in args.seeds.split(",")] if args.seeds else [args.seed]
    runs = {}
    for seed in seeds:
        cv = cross_validate(reports, args.folds, seed, progress, negatives=0.3)
        figures = table(
            f"fast protocol: {args.folds}-fold out-of-fold, 30% of negatives, cutoffs chosen on "
            f"the same predictions ({len(reports)} reports, seed {seed})",
            cv.score,
            cv.fold_f1,
        )
        print("thresholds: " + ", ".join(f"{t} {v:g}" for t, v in cv.cutoffs.thresholds.items()))
        print("margins: " + ", ".join(f"{t} {v:g}" for t, v in cv.cutoffs.margins.items()))
        runs[seed] = {"fast": figures, "thresholds": cv.cutoffs.thresholds, "margins": cv.cutoffs.margins}
        if args.claims:
            suffix = f".seed{seed}" if len(seeds) > 1 else ""
            _write_claims(args.claims.with_name(args.claims.stem + suffix + args.claims.suffix), cv.claims)
    out = runs[seeds[0]] if len(seeds) == 1 else {"seeds": runs, "mean": _over_seeds(runs)}
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=str), "utf-8")


def _over_seeds(runs: dict[int, dict]) -> dict:
    """F1 over several seeds of the fast protocol: each seed's, the mean and the spread, and
    each type's mean. One seed cannot tell a change of less than about 0.005 from noise: a
    feature that means nothing (present on a hashed tenth of candidates) moved F1 by 0.001 and
    single types by up to 0.012, and two seeds of one version of the code differ by 0.004."""
    f1 = [r["fast"]["f1"] for r in runs.values()]
    types = runs[next(iter(runs))]["fast"]["per_type"]
    per_type = {t: float(np.mean([r["fast"]["per_type"][t]["f1"] for r in runs.values()])) for t in types}
    print(
        f"\nover seeds {', '.join(map(str, runs))}: F1 {', '.join(f'{x:.4f}' for x in f1)} "
        f"(mean {np.mean(f1):.4f}, sd {np.std(f1):.4f})"
    )
    print("mean F1 by type: " + ", ".join(f"{t} {v:.3f}" for t, v in per_type.items()))
    return {"f1": f1, "mean": float(np.mean(f1)), "sd": float(np.std(f1)), "per_type": per_type}


def curve_fractions(curve: str) -> list[float]:
    """`--curve`'s shares of the training reports, largest first ("0.25,0.5,1" -> [1.0, 0.5, 0.25])."""
    return sorted({float(x) for x in curve.split(",")}, reverse=True)


def _check_options(parser: argparse.ArgumentParser, args) -> None:
    """Options that cannot go together stop before half an hour of reading and training."""
    kept = args.save_predictions or args.from_predictions
    if args.fast and kept:
        parser.error("--fast keeps and reads no nested predictions; drop --save/--from-predictions")
    if args.save_predictions and args.from_predictions:
        parser.error("--save-predictions and --from-predictions: one at a time")
    if args.save_predictions and 1.0 not in curve_fractions(args.curve):
        parser.error("--save-predictions keeps the 100% fraction's predictions: --curve must include 1")


def save_predictions(path: Path, reports: list[ReportRows], kept: list[FoldPredictions], args) -> None:
    """The outer folds' predictions, with the reports and settings they belong to."""
    folds = [vars(fold) for fold in kept]  # plain dicts: loadable whichever module name ran this
    saved = {"docs": [r.doc for r in reports], "inner": args.inner, "seed": args.seed, "folds": folds}
    with path.open("wb") as f:
        pickle.dump(saved, f, protocol=pickle.HIGHEST_PROTOCOL)


def load_predictions(path: Path, reports: list[ReportRows]) -> tuple[list[FoldPredictions], int]:
    """Predictions kept by `--save-predictions`, checked against the reports read now, and the
    number of inner folds they were kept with."""
    try:
        with path.open("rb") as f:
            saved = pickle.load(f)
        folds, docs, inner = (
            [FoldPredictions(**fold) for fold in saved["folds"]],
            saved["docs"],
            saved["inner"],
        )
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, TypeError, AttributeError) as e:
        sys.exit(f"{path}: not predictions kept by --save-predictions ({e})")
    if docs != [r.doc for r in reports]:
        sys.exit(f"{path}: kept for other reports ({len(docs)}) than those read now ({len(reports)})")
    return folds, inner


def redecode(
    reports: list[ReportRows], folds: Iterable[FoldPredictions]
) -> tuple[Score, list[float], list[Claim]]:
    """The nested figure from each outer fold's predictions, fresh (`outer_cv`) or kept: the
    fold's cutoffs chosen on its inner predictions, its test reports decoded with them, by this
    checkout's decoding; with each fold's F1 and every report's claims."""
    claims, fold_f1 = [], []
    for fold in folds:
        train = [reports[i] for i in fold.train_index]
        test = [reports[i] for i in fold.test_index]
        found = decode_all(test, fold.test, choose_cutoffs(train, fold.inner))
        claims.extend(found)
        fold_f1.append(score_claims(test, found).total()[2])
    return score_claims(reports, claims), fold_f1, claims


def _redecode(reports: list[ReportRows], args, progress) -> None:
    task = progress.add_task("choosing cutoffs and decoding", total=1)
    folds, inner = load_predictions(args.from_predictions, reports)
    score, fold_f1, claims = redecode(reports, folds)
    progress.advance(task)
    title = (
        f"nested figure re-decoded from {args.from_predictions} ({len(reports)} reports; thresholds "
        f"and margins by the kept inner {inner}-fold CV)"
    )
    out = table(title, score, fold_f1)
    if args.claims:
        _write_claims(args.claims, claims)
    if args.json:
        args.json.write_text(json.dumps({"cross_validation": out}, indent=1, default=str), "utf-8")


def _write_claims(path: Path, claims) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in claims)


def _holdout(train: list[ReportRows], extractor, inner: int, seed: int, progress) -> dict[str, Score]:
    """The model of train alone (its thresholds and margins from its own CV) on dev and the seeds."""
    task = progress.add_task("train alone -> dev, seeds", total=1)
    cutoffs = choose_cutoffs(train, out_of_fold(train, inner, seed))
    model = fit(train, seed)
    scores = {}
    for name in ("dev", "seeds"):
        folder = SHARED / name
        if not (folder / "gold.jsonl").is_file():
            continue
        held = prepare(read_annotated(folder), extractor)
        scores[name] = score_claims(held, decode_all(held, [model.predict(r.rows) for r in held], cutoffs))
    progress.advance(task)
    return scores


if __name__ == "__main__":
    main()
