"""The story's dated events in order, each with its source and evidence.

A claim that says when is placed at that date; one that does not is placed
at its report's publication date and marked `undated`, so the reader can tell
"happened on 6 November" from "reported on 6 November".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .load import StoryClaim
from .phrases import phrase


@dataclass
class Event:
    """One claim on the timeline."""

    date: str | None
    dated: bool
    text: str
    claim: StoryClaim

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "dated": self.dated,
            "placed_by": "claim" if self.dated else "report date",
            "text": self.text,
            "type": self.claim.claim.type,
            "value": self.claim.claim.value,
            "polarity": self.claim.claim.polarity,
            **self.claim.cite(),
        }


def timeline(claims: list[StoryClaim]) -> list[Event]:
    """Events oldest first: by date, then report date, then claim id; undated reports last."""
    events = [Event(c.date, c.dated, phrase(c.claim) + _attr(c), c) for c in claims]

    def key(e: Event) -> tuple:
        day = e.claim.day
        report = e.claim.report_day
        return (
            day.isoformat() if day else "9999",
            report.isoformat() if report else "9999",
            e.claim.id or 0,
        )

    return sorted(events, key=key)


def _attr(c: StoryClaim) -> str:
    return f", according to {c.claim.attribution}" if c.claim.attribution else ""
