"""Page debris and publication-date hints in plain report text.

Reports arrive with what the page around them left behind: "play", video
captions with durations, promos, embedded tweets' signatures, "Most viewed"
lists. Debris never becomes a claim, so it is cut out here, before any parsing.
The text itself is never rewritten: a block is a character range of the
original text, so evidence copied from a block is copied from the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {m: i for i, m in enumerate(MONTH_NAMES, start=1)}
_MONTH_RE = "(January|February|March|April|May|June|July|August|September|October|November|December)"

# Whole lines that are page furniture.
_DEBRIS_LINE = re.compile(
    r"""^\s*(?:
        play|video|watch|advertisement(?:\s+advertisement)*|read\s+more.*|related(?:\s+articles?)?
        |more\s*:.*               # "MORE: Arsenal star ... says ...": a link to another report
        |most\s+(?:viewed|read|popular).*|share(?:\s+this)?(?:\s+article)?|subscribe.*|sign\s+up.*
        |-\s*stream\s+on\b.*|stream\s+on\s+espn\+.*|get\s+sky\s+sports\s+on\s+whatsapp.*
        |please\s+use\s+chrome\s+browser.*|photograph:.*|image\s*:.*|getty\s+images.*
        |follow\s+us\s+on.*|click\s+here.*|\[?embed\]?|listen\s+to.*podcast.*
        |-\s*\d+\s*\S.*            # "- 1New bar coming to Royton ..." numbered promo lists
        |<\s*>|[<>\s]*
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_PHOTO_CREDIT = re.compile(
    r"getty\s?images|/afp\b|/reuters\b|/pa images|\bphotograph:|\bphoto:|/shutterstock", re.IGNORECASE
)
_DURATION = re.compile(r"\(\d{1,2}:\d{2}\)\s*$")
_BREADCRUMB = re.compile(r"[|•»›]")
_TWEET_SIGNATURE = re.compile(
    r"\s*pic\.twitter\.com/\S+\s*[—–-]+\s*[^\n(]*\(@\w+\)\s*" + _MONTH_RE + r"\s+(\d{1,2}),\s+(\d{4})\s*$"
)
_TWEET_BARE = re.compile(r"\s*(?:pic\.twitter\.com/\S+|https?://t\.co/\S+)\s*$")
_DATE_LINE = re.compile(
    r"^\s*(?:date(?:\s+published)?|published(?:\s+on)?|updated(?:\s+on)?)\s*:?\s*(.+?)\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class Block:
    """A paragraph of report text worth reading: [start, end) in the original text."""

    start: int
    end: int


def is_debris(line: str) -> bool:
    """Whether a whole line is page furniture rather than reporting."""
    stripped = line.strip()
    if not stripped:
        return True
    if _DEBRIS_LINE.match(stripped) or _DURATION.search(stripped):
        return True
    if len(stripped) < 160 and _PHOTO_CREDIT.search(stripped):
        return True  # a photo caption with its credit: "West Ham manager X / James Fearn/GettyImages"
    # Breadcrumb trails: "Manchester City | Premier League • England".
    if len(_BREADCRUMB.findall(stripped)) >= 2 and not stripped.endswith((".", '"', "”")):
        return True
    return False


def content_blocks(text: str) -> list[Block]:
    """The paragraphs of `text` that carry reporting, tweet signatures trimmed off."""
    blocks: list[Block] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        body = text[start:end]
        if is_debris(body):
            continue
        signature = _TWEET_SIGNATURE.search(body) or _TWEET_BARE.search(body)
        if signature:
            end = start + signature.start()
        # Trim surrounding whitespace so blocks start and end on text.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            blocks.append(Block(start, end))
    return _join_wrapped(text, blocks)


def _join_wrapped(text: str, blocks: list[Block]) -> list[Block]:
    """Wire copy wrapped at a fixed width ("... Vasco da Gama won\n2-0 at Bahia ..."): a line that
    stops mid-sentence and a next line that goes on in lower case or digits are one paragraph."""
    joined: list[Block] = []
    for block in blocks:
        if joined:
            last = joined[-1]
            between = text[last.end : block.start]
            head = text[block.start]
            if (
                between.count("\n") == 1
                and not between.strip()
                and text[last.end - 1] not in '.!?"”:;)'
                and (head.islower() or head.isdigit())
            ):
                joined[-1] = Block(last.start, block.end)
                continue
        joined.append(block)
    return joined


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_loose_date(text: str) -> str | None:
    """An ISO date from "04 January 2016", "November 6, 2024" or "2024-01-01"; None otherwise."""
    text = text.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    m = re.match(r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_RE + r",?\s+(\d{4})", text, re.IGNORECASE)
    if m:
        return _iso(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
    m = re.match(_MONTH_RE + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", text, re.IGNORECASE)
    if m:
        return _iso(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
    return None


def published_hint(text: str) -> str | None:
    """A publication date the text itself gives away, for reports that come without one.

    Looks at a "Date published:" line near the top and at the dates of embedded
    tweets (a report embedding a tweet from November 6 is from that day or later).
    """
    head = text[:600]
    for line in head.splitlines():
        m = _DATE_LINE.match(line)
        if m:
            found = parse_loose_date(m[1])
            if found:
                return found
    tweet_dates = [
        _iso(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
        for m in re.finditer(r"\(@\w+\)\s*" + _MONTH_RE + r"\s+(\d{1,2}),\s+(\d{4})", text)
    ]
    tweet_dates = [d for d in tweet_dates if d]
    return max(tweet_dates) if tweet_dates else None
