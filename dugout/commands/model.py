"""The claim model's verbs: `dugout train` rebuilds it from annotated reports, `dugout model` shows
its card (what it was trained on, its cross-validated figures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dugout.output import fail

SHARED_TRAIN = Path("../shared/eval/train")


def train_command(
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            help="An annotated folder (articles.jsonl + gold.jsonl); repeat for more. "
            "[default: ../shared/eval/train]",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Folder to write the model to. [default: the shipped model's folder]"
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Seeds the folds and the learners: same seed, same model.")
    ] = 0,
    folds: Annotated[
        int,
        typer.Option(
            "--folds",
            min=0,
            help="Cross-validation folds by report that choose the thresholds and margins (0 or 1: "
            "none; thresholds all 0.5, no margins).",
        ),
    ] = 5,  # train.FOLDS (not imported here: the CLI starts without scikit-learn)
    trees: Annotated[
        int, typer.Option("--trees", min=1, help="Boosting rounds of each claim type's detector.")
    ] = 200,
    negatives: Annotated[
        float,
        typer.Option(
            "--negatives",
            min=0.01,
            max=1.0,
            help="Share of the negative candidates each detector is fitted on (every positive is "
            "kept). Below 1 trains faster for a slightly weaker model (measured in the README, "
            "Quality: Training time).",
        ),
    ] = 1.0,
    linear_weight: Annotated[
        float,
        typer.Option(
            "--linear-weight",
            min=0.0,
            max=1.0,
            help="Weight of the logistic detector blended with each type's trees (0: trees alone; "
            "measured in the README, Quality: The eighth session).",
        ),
    ] = 0.35,
    kb_dropout: Annotated[
        float,
        typer.Option(
            "--kb-dropout",
            min=0.0,
            max=1.0,
            help="Share of the training candidates about a person the knowledge base knows that are "
            "read as if it did not, so the model leans less on it for people it does not know "
            "(0: none; measured and not kept in the README, Quality: The thirteenth session).",
        ),
    ] = 0.0,
) -> None:
    """Rebuild the claim model from annotated reports, cross-validated by report.

    Each folder holds articles.jsonl (input records) and gold.jsonl (claims as spec/claims.md
    defines them), like ../shared/eval/train. Every report is parsed once; its candidates are
    labelled with the gold claims; a 5-fold cross-validation by report chooses each claim type's
    threshold and margin (how far under a subject's best reading of a sentence a reading may
    score and stay) and measures the model on reports it never saw; the final model is fitted on all of
    them and saved with its card (meta.json). Deterministic for a given seed.

    Example:

        dugout train

        dugout train --data ../shared/eval/train --data ../shared/eval/dev -o my-model/

        dugout extract ../shared/seeds --model my-model/

        dugout train --negatives 0.3 --trees 400 -o quick-model/
    """
    from dugout.extract.pipeline import SHIPPED_MODEL
    from dugout.extract.train import TrainingDataError, train

    folders = data or [SHARED_TRAIN]
    try:
        card = train(
            folders,
            output or SHIPPED_MODEL,
            seed=seed,
            folds=folds,
            trees=trees,
            negatives=negatives,
            linear_weight=linear_weight,
            kb_dropout=kb_dropout,
        )
    except TrainingDataError as e:
        fail(str(e))
    print_card(card, output or SHIPPED_MODEL)


def model_command(
    path: Annotated[
        Path | None, typer.Argument(help="A model folder. [default: the shipped model]", show_default=False)
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the card as JSON.")] = False,
) -> None:
    """Show the claim model's card: what it was trained on and how it scored on reports it never saw.

    Example:

        dugout model

        dugout model my-model/ --json
    """
    from dugout.extract.model import ModelError, read_card
    from dugout.extract.pipeline import SHIPPED_MODEL

    folder = path or SHIPPED_MODEL
    try:
        card = read_card(folder)
    except ModelError as e:
        fail(str(e))
    if json_:
        typer.echo(json.dumps(card, indent=1, ensure_ascii=False))
        return
    print_card(card, folder)


def print_card(card: dict, folder: Path) -> None:
    console = Console()
    data = card.get("trained_on", {})
    console.print(
        f"[bold]{card.get('name', 'claim model')}[/bold] in {folder} (created {card.get('created')})"
    )
    model = card.get("model", {})
    learner = f"{model.get('learner')}"
    if "trees" in model:
        share = model["negatives"]
        learner += f", {model['trees']} trees on " + (
            "every negative" if share >= 1 else f"{share:g} of the negatives"
        )
        if model.get("linear_weight"):
            learner += f", blended with a logistic detector at {model['linear_weight']:g}"
        if model.get("kb_dropout"):
            learner += f", {model['kb_dropout']:g} of known people read as unknown"
    console.print(
        f"trained on {data.get('reports')} reports, {data.get('gold_claims')} gold claims "
        f"from {', '.join(data.get('folders', []))} (fingerprint {data.get('fingerprint')}); "
        f"{learner}; {model.get('features')} features, seed {model.get('seed')}, "
        f"{card.get('training_seconds')} s"
    )
    _print_screen(console, card.get("sentence_screen"))
    cv = card.get("cross_validation")
    if not cv:
        console.print("no cross-validation was run (--folds 0)")
        return
    table = Table(title=f"{cv['folds']}-fold cross-validation by report", title_justify="left")
    for column in ("type", "P", "R", "F1", "tp", "fp", "fn", "threshold", "margin"):
        table.add_column(column, justify="left" if column == "type" else "right")
    for claim_type, row in cv["per_type"].items():
        table.add_row(
            claim_type,
            *(f"{row[k]:.3f}" for k in ("precision", "recall", "f1")),
            *(str(int(row[k])) for k in ("tp", "fp", "fn")),
            str(card.get("thresholds", {}).get(claim_type, "")),
            str(card.get("margins", {}).get(claim_type, "")),
        )
    table.add_row(
        "TOTAL", f"{cv['precision']:.3f}", f"{cv['recall']:.3f}", f"{cv['f1']:.3f}", "", "", "", "", ""
    )
    console.print(table)
    agreement = cv.get("agreement", {})
    console.print(
        "agreement on matched claims: "
        + ", ".join(f"{k} {v:.3f}" for k, v in agreement.items() if v is not None)
        + f"; F1 by fold: {', '.join(f'{f:.3f}' for f in cv.get('fold_f1', []))}"
    )


def _print_screen(console: Console, screen: dict | None) -> None:
    """What the card says of the sentence screen for very long reports (older cards have none)."""
    if not screen:
        console.print("no sentence screen: a report of any length is parsed whole")
        return
    line = (
        f"sentence screen: a report over {screen['long_report_chars']:,} characters is parsed in the "
        f"{screen['parse_budget_chars']:,} characters of its sentences likeliest to carry a claim"
    )
    recall = screen.get("cv_recall_at_share_of_chars") or {}
    if recall:
        line += (
            "; cross-validated by report, its best-scoring sentences within "
            + " / ".join(recall)
            + " of a report's characters hold "
            + " / ".join(f"{r:.0%}" for r in recall.values())
            + " of the sentences with a claim"
        )
    console.print(line)


def register(app: typer.Typer) -> None:
    app.command("train")(train_command)
    app.command("model")(model_command)


__all__ = ["model_command", "register", "train_command"]
