"""Command-line options that several verbs share, defined once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dugout.output import fail

ClaimsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--claims",
        help="Use the hand-checked claims of this JSONL file (spec/claims.md, each with its doc) "
        "instead of the model's; repeat for more files.",
        show_default=False,
    ),
]


def annotated_claims(paths: list[Path] | None) -> Any:
    """The `AnnotatedClaims` of --claims files (None without any: the model's claims are wanted),
    or one clear line naming the bad file and line."""
    from dugout.extract.annotated import AnnotatedClaims, AnnotationError

    if not paths:
        return None

    try:
        return AnnotatedClaims.from_files(paths)
    except AnnotationError as e:
        fail(str(e), 2)
