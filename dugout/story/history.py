"""Is a claim about the past? A career note is history, not news about where a coach is now.

Reports recall careers all the time: "the Italian stayed two years before leaving for
Bayern Munich in 2015", "the departure of long-term manager Christian Streich",
"Carrick previously took caretaker charge when Solskjaer was sacked in 2021". A claim
read off such a clause says who held a post *then*; taken as the present, one career
note outranks thirty reports of where the man works today. This module reads the
claim's own evidence, against its report's date, for the constructions English
football copy uses to place a post in the past:

- next to the person or club the claim names: "former", "ex-", "then-", "legendary",
  "predecessor", "sacked X", "replaced X", "the departure of X", "X, who left",
  "X previously", "X's replacement";
- anywhere in the sentence: "back in 2013", "at the time", "during his time at",
  "his first spell", "the previous season", or a year at least two years before the
  report ("in 2011-12", "in August 2007" in a 2024 report).

Only a claim that says someone is in a post now (`coach_of` current or interim,
`holds_role`, `job_status`, `candidate_for`) can be history; a claim whose own date
(`when`) is a year or more before its report is history too. The rules are general
constructions of the language, not names: a history note is kept in the story as a past
post, never as the present, and never contradicts it.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from dugout.kb.names import GENERIC_WORDS, fold, strip_accents
from dugout.records import Claim

from .dates import start_of

PRESENT_TYPES = ("coach_of", "holds_role", "job_status", "candidate_for")
OLD_YEARS = 2
"""A year this many years or more before the report dates the clause to the past."""

_CLUB_BEFORE = re.compile(
    r"\b(?:former|formerly|ex-|erstwhile|then-|the\s+then|one-time|onetime|previous|legendary)\W*(?:[\w'’.&-]+\W+){0,2}$",
    re.IGNORECASE,
)
"""Before the club: "former Chelsea boss", "ex-Real Madrid coach", "then-Napoli manager"."""
_FORMER_BOSS = re.compile(
    r"\b(?:former|ex-|erstwhile)\W*(?:[\w'’.&-]+\W+){0,3}(?:boss|manager|coach|head\s+coach)\W+$",
    re.IGNORECASE,
)
"""Before the person: "former Black Cats boss X", where the club is not named as the claim names it."""
_PERSON_BEFORE = re.compile(
    r"\b(?:then-|the\s+then|predecessor|replaced|replacing|succeeded|succeeding|successor\s+to|sacked|"
    r"sacking|fired|axed|ousted|dismissed|dismissal\s+of|departure\s+of|departed|exit\s+of)"
    r"\W+(?:(?!by\b|with\b|him\b|her\b)[\w'’.-]+\W+){0,3}$",
    re.IGNORECASE,
)
"""Before the person: "sacked manager X", "the departure of long-term manager X", "replacing X"."""
_PERSON_AFTER = re.compile(
    r"^(?:['’]s?\s+(?:\w+\s+)?(?:replacement|successor|departure|exit|sacking|dismissal)\b|"
    r"\W{0,3}(?:who\s+|,\s*)?(?:previously|formerly|had\s+(?:been|left|managed|coached|led|guided)|"
    r"(?:left|departed|quit)\b(?!\s+(?:for|to)\b)|was\s+(?:sacked|dismissed|fired|axed|replaced|in\s+charge)|resigned\b|"
    r"stepped\s+down|spent\b))",
    re.IGNORECASE,
)
"""After the person: "X, who left", "X previously", "X's permanent replacement"."""
_END_BEFORE = re.compile(
    r"\b(?:sacked|sacking|dismissed|fired|axed|ousted|parted\s+(?:company|ways)\s+with)"
    r"\W+(?:(?!by\b|with\b|him\b|her\b)[\w'’.-]+\W+){0,3}$",
    re.IGNORECASE,
)
_END_AFTER = re.compile(
    r"^(?:['’]s?\s+(?:[\w-]+\s+){0,3}(?:reign|tenure|spell|time|stint|era)\b[^.]{0,80}?"
    r"\b(?:came|comes|has\s+come)\s+to\s+an?\s+(?:\w+\s+)?end|"
    r"\W{0,3}(?:who\s+)?(?:was|has\s+been|had\s+been)\s+(?:sacked|dismissed|fired|axed|relieved)|"
    r"\s+(?:has\s+)?(?:stepped\s+down|resigned|quit)\b)",
    re.IGNORECASE,
)
"""A post ending, next to the person: "sacked manager X", "X's reign ... came to an end", "X was sacked"."""
_NEW_POST = re.compile(
    r"\b(?:taking\s+over|took\s+over|take\s+over|to\s+manage|managing|(?:to\s+)?take\s+charge\s+of|"
    r"took\s+charge\s+of|to\s+join|joined|joining|now\s+(?:at|with|in\s+charge\s+of)|(?:left|leaving)\s+for|"
    r"moved\s+to|move\s+to|appointed\s+(?:by|at))\s+(?:the\s+)?(?:[\w'’.-]+\s+){0,2}$",
    re.IGNORECASE,
)
"""Before the club: the post someone moved to ("before taking over the United States team")."""
_SENTENCE = re.compile(
    r"\b(?:back\s+in\s+(?:19|20)\d\d|as\s+far\s+back\s+as|at\s+the\s+time\b|the\s+then\b|"
    r"during\s+(?:his|her|their)\s+(?:time|spell|stint|tenure|reign|days|first|previous|earlier)\b|"
    r"(?:his|her|their)\s+(?:first|previous|earlier|former|two|three|several)\s+(?:spells?|stints?|tenures?)\b|"
    r"the\s+previous\s+season\b)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\d,.£$€])((?:19[5-9]|20[0-9])\d)(?:[-/](\d\d))?(?![\d,.%])")


_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_SINCE = re.compile(r"\bsince\s+(?:\w+\s+)?$", re.IGNORECASE)
"""A year after "since" ("since December 2019") starts what still goes on."""


def _folded(text: str) -> str:
    return strip_accents(text)


def _forms(name: str, club: bool) -> tuple[str, ...]:
    """How a text may write a name: whole, else a person's surname, else a club's telling words
    ("Chelsea" for "Chelsea Women", "States" for "United States Women")."""
    words = name.split()
    if not club:
        return tuple(dict.fromkeys((name, words[-1])))
    telling = [w for w in words if fold(w) not in GENERIC_WORDS and fold(w) not in ("women", "ladies")]
    return tuple(dict.fromkeys((name, *telling)))


def _mentions(text: str, name: str | None, club: bool = False) -> list[tuple[int, int]]:
    """Where a name (whole, else its telling words, see `_forms`) is written in the text."""
    if not name:
        return []
    for form in _forms(name, club):
        if len(form) < 3:
            continue
        pattern = re.compile(rf"\b{re.escape(_folded(form))}\b", re.IGNORECASE)
        spans = [(m.start(), m.end()) for m in pattern.finditer(text)]
        if spans:
            return spans
    return []


def _old_year(text: str, report_year: int) -> bool:
    """A year (or season "2011-12") at least `OLD_YEARS` before the report's year."""
    for m in _YEAR.finditer(text):
        year = int(m.group(1))
        if _ISO_DAY.match(text, m.start()):
            continue  # "date 2017-10-17": a dateline, the report's own metadata, not its story
        if year <= report_year - OLD_YEARS and not _SINCE.search(text[max(0, m.start() - 20) : m.start()]):
            return True
    return False


def _marked(
    text: str,
    name: str | None,
    before: re.Pattern[str] | None,
    after: re.Pattern[str] | None,
    club: bool = False,
) -> bool:
    """A marker right before (or after) a mention of `name` in the text."""
    for start, end in _mentions(text, name, club):
        if before is not None and before.search(text[max(0, start - 60) : start]):
            return True
        if after is not None and after.match(text[end : end + 120]):
            return True
    return False


@lru_cache(maxsize=65536)
def _history(
    type_: str, value: str | None, subject: str, obj: str | None, evidence: str, day: date | None
) -> bool:
    text = _folded(evidence)
    if _SENTENCE.search(text) or (day is not None and _old_year(text, day.year)):
        return True
    if type_ == "candidate_for" or value in ("dismissed", "resigned"):
        return False  # "former Chelsea boss X is linked", "sacked X": the claim itself, not a note
    if _marked(text, obj, _CLUB_BEFORE, None, club=True):
        return True
    if _marked(text, obj, _NEW_POST, None, club=True):
        return False  # "... before taking over the United States women's team": the post he went to
    if not _mentions(text, obj, club=True) and _marked(text, subject, _FORMER_BOSS, None):
        return True  # "former Black Cats boss Tony Mowbray": a past post, the claim's club unnamed
    return _marked(text, subject, _PERSON_BEFORE, _PERSON_AFTER)


def is_history(claim: Claim, report_day: date | None) -> bool:
    """Whether the claim's clause places it in the past relative to its report (see module doc)."""
    if claim.type not in PRESENT_TYPES:
        return False
    if claim.type == "coach_of" and claim.value not in ("current", "interim"):
        return False
    when = start_of(claim.when)
    if when is not None and report_day is not None and (report_day - when).days >= 365:
        return True
    return _history(claim.type, claim.value, claim.subject, claim.object, claim.evidence or "", report_day)


def ends_post(claim: Claim) -> bool:
    """Whether a claim that puts someone in a post is read off a sentence that ends it ("Erik ten
    Hag's reign as Manchester United manager came to an end", "United have sacked manager X"):
    the post is over as of the report, whatever the claim's value says."""
    if claim.type != "coach_of" or claim.value not in ("current", "interim"):
        return False
    return _ends(claim.subject, claim.evidence or "")


@lru_cache(maxsize=65536)
def _ends(subject: str, evidence: str) -> bool:
    return _marked(_folded(evidence), subject, _END_BEFORE, _END_AFTER)
