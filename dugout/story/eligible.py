"""Who can be a candidate for a coaching job: people who can hold it, never players, owners,
places or fragments of a sentence.

A `candidate_for` claim is read off sentences like "United have looked at Amad Diallo's
form under ..." or "Sir Jim Ratcliffe wants a new manager": the extraction can name a
player, an owner, a journalist, a town or half a clause ("Wherever Tuchel") as the
candidate. Before a name is listed as a possible successor, three sources decide, in
this order:

1. the name itself: a fragment (its first word a function word, "Wherever Tuchel"), or a
   name the knowledge base knows only as a club, national team, competition or outlet
   ("Ibiza", "Football Association"), is nobody;
2. what is known of the person: the knowledge base's roles (a coaching post, including
   assistant, makes a coach; people.csv lists players with no role but captain, and
   owners and executives with only those roles), and the other claims of the store with
   him as subject (`coach_of` or `job_status`: a coach; `transfer`: a player;
   `holds_role` owner, chairman, president, director: an executive);
3. the claim's own context: the words next to his name in the evidence ("Brighton
   midfielder X", "co-owner X", "The Athletic's X", "manager X", "X, the 24-year-old
   winger").

A coach (by any source) can hold the job; a known player, executive, journalist or
agent cannot. A knowledge-base player is never a candidate. Someone nobody knows
anything about is kept when his name has two words or more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from dugout.kb.names import strip_accents

from .load import StoryClaim

COACH_ROLES = ("head_coach", "interim_coach", "assistant_coach")
EXECUTIVE_ROLES = ("owner", "president", "chairman", "director", "board_member", "sporting_director")
EXECUTIVE_VALUES = ("owner", "president", "chairman", "director", "board_member")
FUNCTION_WORDS = frozenset(
    """a about after also although an and as at because before both but by could despite during either
    even ever for from however if in instead into like meanwhile neither nor of on once only or
    should since so than that the then though thus to under unless unlike until when whenever where
    whereas wherever whether which while whoever whatever with within without would yet""".split()
)

_WORD = r"[\w'’.-]+"
_PLAYER = (
    r"midfielder|striker|winger|defender|goalkeeper|keeper|forward|full-back|fullback|centre-back|"
    r"center-back|right-back|left-back|wing-back|playmaker|youngster|teenager|wonderkid|starlet|"
    r"captain|skipper|international|loanee|academy graduate"
)
_EXECUTIVE = (
    r"owner|co-owner|chairman|chairwoman|chief executive|ceo|president|billionaire|investor|"
    r"director|director of football|sporting director|technical director|board member|executive"
)
_SOURCE = r"journalist|reporter|pundit|presenter|correspondent|commentator|columnist|writer|agent|referee"
_COACH = (
    r"manager|boss|coach|head coach|assistant|assistant manager|assistant coach|gaffer|tactician|caretaker"
)
_KINDS = (("player", _PLAYER), ("executive", _EXECUTIVE), ("source", _SOURCE), ("coach", _COACH))
_BEFORE = {k: re.compile(rf"\b(?:{words})\s+(?:{_WORD}\s+)?$", re.IGNORECASE) for k, words in _KINDS}
_AFTER = {
    k: re.compile(rf"^\s*,\s*(?:an?\s+|the\s+)?(?:{_WORD}\s+){{0,3}}(?:{words})\b", re.IGNORECASE)
    for k, words in _KINDS
}
_SOURCE_VERB = re.compile(
    r"^\s+(?:has\s+|have\s+)?(?:provided\s+(?:an?\s+)?(?:\w+\s+)?update|reported|reports|revealed|reveals|"
    r"understands|tweeted|writes|wrote|broke\s+the\s+news)\b",
    re.IGNORECASE,
)
"""After the name, what a journalist does: "David Ornstein has provided a significant update"."""
_MATCHDAY = re.compile(
    r"\b(?:on\s+the\s+bench|starting\s+(?:xi|line-?up|eleven)|in\s+the\s+squad|substitutes?|"
    r"came\s+off\s+the\s+bench|scored|assists?)\b",
    re.IGNORECASE,
)
"""A sentence about a match squad ("the options on the bench"): the people it names are players."""
_POSSESSOR = re.compile(r"([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})['’]s\s+$")


def _mentions(text: str, name: str) -> list[tuple[int, int]]:
    words = name.split()
    for form in dict.fromkeys((name, words[-1] if words else name)):
        found = [
            (m.start(), m.end())
            for m in re.finditer(rf"\b{re.escape(strip_accents(form))}\b", text, re.IGNORECASE)
        ]
        if found:
            return found
    return []


def context_kinds(name: str, evidence: str, kb: Any | None) -> set[str]:
    """What the evidence calls the person next to his name: "player", "executive", "source",
    "coach" (a club's possessive before an unknown name counts as "club_possessive")."""
    text = strip_accents(evidence)
    kinds: set[str] = {"player"} if _MATCHDAY.search(text) else set()
    for start, end in _mentions(text, name):
        before, after = text[max(0, start - 60) : start], text[end : end + 80]
        kinds |= {k for k, pattern in _BEFORE.items() if pattern.search(before)}
        kinds |= {k for k, pattern in _AFTER.items() if pattern.match(after)}
        if _SOURCE_VERB.match(after):
            kinds.add("source")
        owner = _POSSESSOR.search(before)
        if owner and kb is not None:
            found = {e.kind for e in kb.lookup(owner.group(1))}
            if "outlet" in found:
                kinds.add("source")
            elif found & {"club", "national_team"}:
                kinds.add("club_possessive")
    return kinds


def kb_kinds(name: str, kb: Any | None) -> set[str]:
    """What the knowledge base knows the name as: "coach", "player", "executive", or the
    entity kinds ("club", "outlet" ...) of a name that is no person."""
    if kb is None:
        return set()
    entities = kb.lookup(name)
    people = [e for e in entities if e.kind == "person"]
    if not people:
        return {e.kind for e in entities}
    kinds: set[str] = set()
    for e in people:
        roles = {r.role for r in kb.roles_of.get(e.id, [])}
        if roles & set(COACH_ROLES):
            kinds.add("coach")
        elif roles & set(EXECUTIVE_ROLES):
            kinds.add("executive")
        else:
            kinds.add("player")  # people.csv lists players with no role but captain
    return kinds


def store_kinds(claims: Iterable[Any]) -> set[str]:
    """What other claims with the person as subject make him: coach, player or executive."""
    kinds: set[str] = set()
    for c in claims:
        if c.polarity != "affirmed":
            continue
        if c.type in ("coach_of", "job_status") or (c.type == "holds_role" and c.value == "assistant_coach"):
            kinds.add("coach")
        elif c.type == "transfer":
            kinds.add("player")
        elif c.type == "holds_role" and c.value in EXECUTIVE_VALUES:
            kinds.add("executive")
    return kinds


HONORIFICS = frozenset({"sir", "dame", "lord", "mr", "mrs", "ms", "dr", "herr", "senor", "signor"})


def is_fragment(name: str) -> bool:
    """A piece of a clause rather than a name: "Wherever Tuchel", "the Italian", a lone "Sir"."""
    words = name.split()
    if not words or words[0].lower() in FUNCTION_WORDS or not words[0][:1].isupper():
        return True
    return all(w.lower().strip(".") in HONORIFICS for w in words)


def can_hold_job(
    name: str, claims: list[StoryClaim], kb: Any | None, known: Mapping[str, set[str]] | None = None
) -> bool:
    """Whether `name`, named for a job by `claims`, is someone who can hold it (module doc).

    `known` maps a folded name to what the store's other claims make him (`store_kinds`)."""
    from dugout.kb.names import fold

    if is_fragment(name):
        return False
    from_kb = kb_kinds(name, kb)
    if from_kb and not from_kb & {"coach", "player", "executive"}:
        return False  # a club, a competition, an outlet
    if "player" in from_kb and "coach" not in from_kb:
        return False
    kinds = from_kb | set((known or {}).get(fold(name), set()))
    for c in claims:
        kinds |= context_kinds(name, c.claim.evidence or "", kb)
    if "coach" in kinds:
        return True
    if kinds & {"player", "executive", "source", "club_possessive"}:
        return False
    return bool(from_kb) or len(name.split()) >= 2
