"""The one set of data types every stage speaks: Article in, Claim out.

Kept free of any library so that readers, the NLP stage, extractors, the store
and the web layer can all import it without pulling each other in.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

CLAIM_TYPES = (
    "coach_of",
    "holds_role",
    "job_status",
    "contract_until",
    "meeting",
    "candidate_for",
    "transfer",
    "squad_need",
    "match_result",
)

MODALITIES = ("conditional", "possible", "expected", "reported", "fact")
"""Weakest first: when several apply, the claim takes the weakest (spec/claims.md)."""

VALUES: dict[str, tuple[str, ...]] = {
    "coach_of": ("current", "former", "incoming", "interim"),
    "holds_role": (
        "president",
        "chairman",
        "owner",
        "sporting_director",
        "director",
        "assistant_coach",
        "captain",
        "board_member",
    ),
    "job_status": ("secure", "at_risk", "dismissed", "resigned", "appointed", "extended"),
    "contract_until": (),
    "meeting": ("planned", "held"),
    "candidate_for": ("linked", "approached", "offered", "shortlisted"),
    "transfer": ("interest", "bid", "negotiating", "agreed", "signed", "loan", "departure"),
    "squad_need": (
        "goalkeeper",
        "right-back",
        "left-back",
        "centre-back",
        "defensive-midfielder",
        "midfielder",
        "winger",
        "striker",
        "manager",
    ),
    "match_result": (),
}


POSITION_WORDS: dict[str, str] = {
    **dict.fromkeys(("right-back", "right back", "right wing-back", "right-wing-back"), "right-back"),
    **dict.fromkeys(("left-back", "left back", "left wing-back", "left-wing-back"), "left-back"),
    **dict.fromkeys(
        (
            "centre-back",
            "center-back",
            "centre back",
            "center back",
            "centre-half",
            "centre-halves",
            "central defender",
            "defender",
            "defence",
            "defensive reinforcement",
        ),
        "centre-back",
    ),
    **dict.fromkeys(
        (
            "defensive midfielder",
            "holding midfielder",
            "defensive midfield",
            "no 6",
            "no. 6",
            "number six",
            "pivot",
        ),
        "defensive-midfielder",
    ),
    **dict.fromkeys(
        ("goalkeeper", "goalkeeping", "keeper", "shot-stopper", "no 1", "no. 1", "number one"), "goalkeeper"
    ),
    **dict.fromkeys(
        ("midfielder", "midfield", "central midfielder", "playmaker", "attacking midfielder"), "midfielder"
    ),
    **dict.fromkeys(("winger", "wide man", "wide player", "wide forward"), "winger"),
    **dict.fromkeys(
        (
            "striker",
            "forward",
            "centre-forward",
            "center-forward",
            "no 9",
            "no. 9",
            "number nine",
            "goalscorer",
            "frontman",
            "attacker",
        ),
        "striker",
    ),
    **dict.fromkeys(
        ("manager", "head coach", "coach", "boss", "successor", "replacement", "managerial"), "manager"
    ),
}
"""Words that name a squad position (a `squad_need` value) in football English."""
MAX_OFFSET = 1_000_000_000
"""The largest `limit` and `offset` a stored-claims query takes, on the command line, in the API and
in the store: far past any store, far inside a 64-bit integer (an offset of 2**63 used to be an
OverflowError on SQLite and "bigint out of range" on PostgreSQL)."""


def weakest(*modalities: str) -> str:
    """The weakest of several modalities, as the spec orders them."""
    present = [m for m in modalities if m]
    return min(present, key=MODALITIES.index) if present else "fact"


def normalized_text(text: str) -> str:
    """Text folded for duplicate detection: case, accents, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[\W_]+", " ", text).strip()


def content_hash(text: str) -> str:
    """Stable hash of the normalized text: the same report from two files hashes the same."""
    return hashlib.sha256(normalized_text(text).encode("utf-8")).hexdigest()


@dataclass
class Article:
    """One report as it comes in, whatever the reader.

    `published` is an ISO date (YYYY-MM-DD) or None; `published_hint` marks a
    date guessed from the text (a tweet's date, for instance) rather than given.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    source: str | None = None
    published_hint: bool = False

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    def to_record(self) -> dict[str, Any]:
        """The input-record shape of ../shared/eval/*/articles.jsonl."""
        return {
            "id": self.id,
            "url": self.url,
            "outlet": self.outlet,
            "published": self.published,
            "title": self.title,
            "text": self.text,
        }


@dataclass
class InputProblem:
    """Bad input that did not become an Article: where it was and why, for one clear line."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


_OPTIONAL = ("attribution", "outlet", "when", "confidence", "competition", "counterpart")


@dataclass
class Claim:
    """One statement a report makes or passes on, exactly as spec/claims.md defines it."""

    doc: str
    type: str
    subject: str
    object: str | None
    value: str | None
    polarity: str
    modality: str
    evidence: str
    attribution: str | None = None
    outlet: str | None = None
    when: str | None = None
    confidence: float | None = None
    competition: str | None = None
    counterpart: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def key(self) -> tuple:
        """The evaluation key: one claim per key per report (spec/claims.md)."""
        if self.type == "holds_role" or self.type == "squad_need":
            parties: tuple = (self.subject, self.object)
            return (self.type, *parties, self.value)
        if self.type == "job_status":
            return (self.type, self.subject, self.object, self.value)
        if self.type == "meeting":
            return (self.type, frozenset((self.subject, self.object)))
        if self.type == "match_result":
            return (self.type, frozenset((self.subject, self.object)))
        return (self.type, self.subject, self.object)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: required fields always, optional ones only when set."""
        d = asdict(self)
        d.pop("extra")
        for name in _OPTIONAL:
            if d[name] is None:
                del d[name]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        known = {k: d.get(k) for k in cls.__dataclass_fields__ if k != "extra"}
        known.setdefault("polarity", "affirmed")
        return cls(**known)  # type: ignore[arg-type]
