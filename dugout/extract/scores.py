"""Match scores as a sentence writes them ("a 4-0 win", "lost 2 – 1"), and turned to a team.

English copy usually writes the winner's goals first whoever won ("lost 3-1 to Arsenal"), so
what is learned (the orientation model) is whether the subject won or lost, not which number is
its own as written: the order of the numbers says little, and "the subject scored the first
number" is a XOR of winning and the order, which a linear model cannot read. This module only
finds the score and turns it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dugout.extract.pairs import Candidate
    from dugout.nlp.entities import SentenceView

SCORE = re.compile(r"(?<![\d/.:\-–])(\d{1,2})\s?[-–—]\s?(\d{1,2})(?!\d|[/:%]|[.,]\d|\s?[-–]\s?\d)")
"""A score: "4-0", "2 – 1", at a sentence's end too ("beat Barcelona 1-0."), not a date or a time."""
GOALLESS = re.compile(r"\b(?:goalless|scoreless)\b", re.IGNORECASE)


def scores_in(text: str) -> list[tuple[int, int, int]]:
    """Every score of a text as (character offset, first number, second number)."""
    return [(m.start(), int(m.group(1)), int(m.group(2))) for m in SCORE.finditer(text)]


def written_score(view: SentenceView, candidate: Candidate) -> tuple[int, int] | None:
    """The candidate's own score where it reads one of several (`Candidate.score`), else the
    score of the sentence closest to its named teams, as written."""
    if candidate.score is not None:
        return candidate.score[1], candidate.score[2]
    found = scores_in(view.text)
    if not found:
        return (0, 0) if GOALLESS.search(view.text) else None
    anchors = [
        party.mention.start
        for party in (candidate.subject, candidate.object)
        if party is not None and party.mention is not None and party.source == "here"
    ]
    if not anchors:
        _, a, b = found[0]
        return a, b
    doc = view.span.doc
    char_anchors = [doc[i].idx - view.span.start_char for i in anchors]
    _, a, b = min(found, key=lambda s: min(abs(s[0] - c) for c in char_anchors))
    return a, b


def oriented_value(score: tuple[int, int], orientation: str) -> str:
    """The score with the subject's goals first: the higher number first when it "won", the lower
    when it "lost"; as written or "reversed" (how models trained before 2026-12-06 say it)."""
    a, b = score
    if orientation == "won":
        return f"{max(a, b)}-{min(a, b)}"
    if orientation == "lost":
        return f"{min(a, b)}-{max(a, b)}"
    return f"{b}-{a}" if orientation == "reversed" else f"{a}-{b}"
