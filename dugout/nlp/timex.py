"""Time expressions resolved against the report's publication date.

"Wednesday's defeat" in a report of Friday 19 May 2023 is 2023-05-17; "the
summer of 2024" is 2024-06; "the January transfer window" in November 2024 is
2025-01. Precision follows the text: a day, a month or a year, never more
precise than what was said.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from spacy.tokens import Span

from dugout.ingest.clean import MONTH_NAMES, WEEKDAY_NAMES

MONTHS = list(MONTH_NAMES)
WEEKDAYS = list(WEEKDAY_NAMES)
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "eighteen": 18,
}
FUTURE_CUES = {"will", "shall", "next", "coming", "upcoming", "plan", "set", "expect", "until", "till", "due"}


SEASON_END = r"(?:the\s+)?end of (the|this) (current )?(?:season|campaign)"
"""The end of the season under way ("the end of the current campaign"): groups say "this" and
"current", which make it this season's whatever the tense."""
WORDS_NER_MISSES = rf"\b(today|tonight|yesterday|{SEASON_END})\b"
"""Time words the English model often leaves unmarked ("runs out at the end of the current
campaign" has no DATE entity), looked for in the sentence when no entity resolves."""


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _month_shift(d: date, months: int) -> str:
    index = d.year * 12 + d.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _future(sent_text: str) -> bool:
    words = set(re.findall(r"[a-z]+", sent_text.lower()))
    return bool(words & FUTURE_CUES)


def resolve_expression(text: str, published: str | None, future: bool = False) -> str | None:
    """An ISO date, month or year for one time expression; None when it cannot be placed."""
    t = text.lower().strip()
    pub = _parse_iso(published)
    m = re.search(r"\b(19|20)(\d{2})\s*[-/–]\s*(\d{2})\b", t)
    if m and ("season" in t or "campaign" in t or len(t) <= 9):
        return f"{m[1]}{m[2]}"
    m = re.search(
        r"\b(" + "|".join(MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})\b", t
    ) or re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r"),?\s+((?:19|20)\d{2})\b", t)
    if m:
        a, b, year = m.groups()
        month, day = (a, b) if a in MONTHS else (b, a)
        return f"{year}-{MONTHS.index(month) + 1:02d}-{int(day):02d}"
    season_month = {"summer": 6, "winter": 1, "january": 1}
    m = re.search(r"\b(summer|winter|january|end of the season)\b.*?\b((?:19|20)\d{2})\b", t)
    if m:
        key = "summer" if m[1] == "end of the season" else m[1]
        return f"{m[2]}-{season_month[key]:02d}"
    m = re.search(r"\b(" + "|".join(MONTHS) + r"),?\s+((?:19|20)\d{2})\b", t)
    if m:  # "June 2025", "the end of June, 2025"
        return f"{m[2]}-{MONTHS.index(m[1]) + 1:02d}"
    m = re.fullmatch(r"(?:in\s+|since\s+|back\s+in\s+)?((?:19|20)\d{2})", t)
    if m:
        return m[1]
    m = re.search(r"\b((?:19|20)\d{2})\b", t)
    if m and not re.search(r"\d{4}\s*[-/]", t):
        return m[1]
    if pub is None:
        return None
    if t in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return pub.isoformat()
    if t in ("yesterday", "last night"):
        return (pub - timedelta(days=1)).isoformat()
    if t == "tomorrow":
        return (pub + timedelta(days=1)).isoformat()
    for i, day in enumerate(WEEKDAYS):
        if re.search(rf"\b{day}\b", t):
            delta = (pub.weekday() - i) % 7
            if future or t.startswith("next"):
                ahead = (i - pub.weekday()) % 7 or 7
                return (pub + timedelta(days=ahead)).isoformat()
            return (pub - timedelta(days=delta)).isoformat()
    if "boxing day" in t:
        year = pub.year if (pub.month, pub.day) >= (12, 26) else pub.year - 1
        return f"{year}-12-26"
    if re.search(r"\b(this|coming|next few|the coming|in the coming) (days|week|weeks)\b", t) or t in (
        "this week",
        "the coming days",
        "in the coming days",
        "this weekend",
    ):
        return f"{pub.year:04d}-{pub.month:02d}"
    if "last week" in t:
        return (pub - timedelta(days=7)).strftime("%Y-%m")
    if "this month" in t or "earlier this month" in t:
        return f"{pub.year:04d}-{pub.month:02d}"
    if "last month" in t:
        return _month_shift(pub, -1)
    if "next month" in t:
        return _month_shift(pub, 1)
    m = re.search(r"\b(\w+)\s+(year|years|month|months|week|weeks)\s+ago\b", t)
    if m:
        n = NUMBER_WORDS.get(m[1], int(m[1]) if m[1].isdigit() else 0)
        if n:
            if m[2].startswith("year"):
                return str(pub.year - n)
            if m[2].startswith("month"):
                return _month_shift(pub, -n)
            return (pub - timedelta(weeks=n)).strftime("%Y-%m")
    m = re.fullmatch(r"(?:at\s+)?" + SEASON_END, t)
    if m and (future or m[1] == "this" or m[2]):
        # the season under way, or the one a forward-looking sentence speaks of: it runs August
        # to May, so until May it ends this June, from June (the last one over) the next
        return f"{pub.year if pub.month <= 5 else pub.year + 1}-06"
    if "last year" in t or "last season" in t:
        return str(pub.year - 1)
    if "this year" in t:
        return str(pub.year)
    if "next year" in t:
        return str(pub.year + 1)
    if "january" in t and ("window" in t or future):
        return f"{pub.year + 1 if pub.month >= 2 else pub.year}-01"
    if "summer" in t:
        year = pub.year if pub.month <= 8 else pub.year + 1
        if not future and "last" in t:
            year = pub.year - 1 if pub.month >= 6 else pub.year - 1
        return f"{year}-06" if "window" in t or "end" in t or future else str(year)
    for i, month in enumerate(MONTHS, start=1):
        if re.search(rf"\b{month}\b", t):
            if future:
                year = pub.year if i >= pub.month else pub.year + 1
            else:
                year = pub.year if i <= pub.month else pub.year - 1
            return f"{year}-{i:02d}"
    return None


def _told_in_past(ent: Span) -> bool:
    """Whether the verb a time expression hangs on is in the past ("who was appointed at the end
    of November"), whatever future cue the rest of the sentence holds."""
    tok = ent.root
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX"):
            break
        if tok.head is tok:
            return False
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    auxes = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    if auxes & {"will", "would", "'ll", "shall", "to"}:
        return False
    return tok.tag_ == "VBD" or (tok.tag_ == "VBN" and bool(auxes & {"was", "were", "had", "has", "have"}))


def time_in(sent: Span, published: str | None) -> str | None:
    """The first time expression of a sentence the model marks as a DATE or TIME, resolved."""
    future = _future(sent.text)
    for ent in sent.ents:
        if ent.label_ in ("DATE", "TIME"):
            value = resolve_expression(ent.text, published, future and not _told_in_past(ent))
            if value:
                return value
    m = re.search(WORDS_NER_MISSES, sent.text, re.IGNORECASE)
    if m:
        return resolve_expression(m[1], published, future)
    return None
