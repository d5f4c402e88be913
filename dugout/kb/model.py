"""Entities and roles of the football knowledge base."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dugout.kb.names import strip_accents

KINDS = ("person", "club", "national_team", "competition", "outlet", "federation")


def entity_id(kind: str, name: str) -> str:
    """Stable, readable id: the same name and kind always give the same id, across runs and stores."""
    slug = re.sub(r"[^a-z0-9]+", "-", strip_accents(name).lower()).strip("-")
    return f"{kind}:{slug}"


@dataclass
class Entity:
    """One person, club, national team, competition or outlet.

    `known` is False for entities met in text but absent from the knowledge
    base: they are kept (with what the text says of them) rather than dropped.
    """

    id: str
    name: str
    kind: str
    subkind: str | None = None
    country: str | None = None
    parent: str | None = None
    prominence: int = 1
    birth_year: int | None = None
    league: str | None = None
    demonym: str | None = None
    aliases: tuple[str, ...] = ()
    known: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_team(self) -> bool:
        return self.kind in ("club", "national_team")


@dataclass(frozen=True)
class Role:
    """A post held over a span of time: head coach of Real Madrid from 2021-06 to 2025-05."""

    person: str
    role: str
    organisation: str
    start: str | None = None
    end: str | None = None

    def active_on(self, date: str | None) -> bool:
        """Whether the role was held on an ISO date (None: now)."""
        if date is None:
            return not self.end
        if not self.begun_by(date):
            return False
        return not self.end or self.end >= date[: len(self.end)]

    def edge_on(self, date: str | None) -> str | None:
        """Whether the role "ends" or "begins" within the month or year a report's date falls
        in, where the knowledge base dates that end or start only so finely (held "2022-09" to
        "2023-04", a report of 2023-04-11): the data cannot tell whether the report comes before
        or after the change, so `active_on` calls the role held and this says how sure that is."""
        if not date:
            return None
        if self.end and len(self.end) < len(date) and date.startswith(self.end):
            return "ends"
        if self.start and len(self.start) < len(date) and date.startswith(self.start):
            return "begins"
        return None

    def begun_by(self, date: str | None) -> bool:
        """Whether the role had begun by an ISO date (None or undated: yes). A role that begins
        after a report is hindsight: a knowledge base kept up to date could not have held it
        when the report came out, so the extractor must not lean on it there."""
        return not (date and self.start and self.start[: len(date)] > date[: len(self.start)])
