"""A line of the story and the claims it rests on, with the strongest of them first.

A role that thirty reports state is one line with thirty citations; a reader wants
the best three and the count of the rest, not thirty chips. "Strongest" is the
confidence formula's per-claim weight without the track record (modality x recency),
one claim per independent voice first: the firmest, freshest word of three different
outlets, then everything else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dugout.kb.names import names_match

from .confidence import HALF_LIFE_DAYS, MODALITY
from .load import StoryClaim

SHOWN = 3
"""Citations a line shows before "and N more"."""


def subject_is(c: StoryClaim, name: str | None) -> bool:
    """Whether the claim's subject is `name` by the evaluation's name rule."""
    return name is not None and names_match(c.claim.subject, name)


def object_is(c: StoryClaim, name: str | None) -> bool:
    """Whether the claim's object is `name` by the evaluation's name rule."""
    return name is not None and names_match(c.claim.object, name)


def group_by(claims: list[StoryClaim], key: Callable[[StoryClaim], Any]) -> dict[Any, list[StoryClaim]]:
    """Claims grouped by `key`, in their order."""
    groups: dict[Any, list[StoryClaim]] = defaultdict(list)
    for c in claims:
        groups[key(c)].append(c)
    return groups


def order_key(c: StoryClaim) -> tuple:
    """Oldest report first; an undated report sorts before every dated one (it never is the newest)."""
    return (c.report_day.isoformat() if c.report_day else "0000", c.id or 0)


def strength(c: StoryClaim) -> float:
    """Modality x recency, in a unit where only order matters (recency relative to a fixed day)."""
    day = c.report_day or date(1900, 1, 1)
    age = (day - date(2000, 1, 1)).days
    return MODALITY.get(c.claim.modality, 0.4) * 0.5 ** (-age / HALF_LIFE_DAYS)


def strongest(claims: list[StoryClaim], n: int = SHOWN) -> tuple[list[StoryClaim], list[StoryClaim]]:
    """The `n` claims to cite first (the strongest claim of each of the strongest voices, then the
    strongest others) and the rest, strongest first; affirmed claims before negated ones."""
    ranked = sorted(
        claims, key=lambda c: (c.claim.polarity == "affirmed", strength(c), order_key(c)), reverse=True
    )
    first: list[StoryClaim] = []
    seen: set[str] = set()
    for c in ranked:
        if (c.voice or c.doc) not in seen:
            seen.add(c.voice or c.doc)
            first.append(c)
    top = (first + [c for c in ranked if c not in first])[:n]
    return top, [c for c in ranked if c not in top]


def cites(claims: list[StoryClaim]) -> list[dict[str, Any]]:
    """Every claim's citation, oldest report first."""
    return [c.cite() for c in sorted(claims, key=order_key)]


@dataclass
class Line:
    """One statement of the story ("head coach of Real Madrid") and the claims it rests on."""

    section: str
    text: str
    claims: list[StoryClaim]
    value: str | None = None
    note: str = ""
    party: str | None = None
    """The other party the line is about, where it has one: the club of a post, the coach of a club."""
    end: StoryClaim | None = None
    """For a past post the reports saw end: the claim that ended it (`standing.Option.ended_by`)."""

    @property
    def voices(self) -> list[str]:
        return sorted({c.voice or c.doc for c in self.claims if c.claim.polarity == "affirmed"})

    @property
    def latest(self) -> str | None:
        dates = [c.published or c.claim.when for c in self.claims if c.published or c.claim.when]
        return max(dates) if dates else None

    def to_dict(self) -> dict[str, Any]:
        top, rest = strongest(self.claims)
        return {
            "section": self.section,
            "text": self.text,
            "value": self.value,
            "note": self.note,
            "party": self.party,
            "independent_outlets": len(self.voices),
            "strongest": [c.cite() for c in top],
            "more": len(rest),
            "sources": cites(self.claims),
        }
