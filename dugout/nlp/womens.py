"""Women's football: which reports are about it, and which side of a club or country a name means.

The claim spec keeps women's sides as their own entities ("Chelsea Women", "England Women"),
while reports about the women's game write "Chelsea" and "England". A report is judged as a
whole (who its pronouns are about, how often it names the women's game, against how often it
names men's competitions), and a name can also say it outright ("Manchester City women",
"Australia's women's team", "the club's men's side").
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from dugout.kb.model import Entity, entity_id

WOMENS_MARKERS = re.compile(
    r"\b(women['’]s super league|wsl|nwsl|women['’]s champions league|women['’]s fa cup|"
    r"women['’]s league cup|"
    r"lionesses|liga f|frauen|féminine|feminine|women['’]s football|women['’]s team|women['’]s side|"
    r"women['’]s game|her side|her team|her players|she was appointed|she has|belles)\b",
    re.IGNORECASE,
)
# Men's competitions: a round-up that names them as often as the women's game covers both, and
# its clubs keep their first teams.
MENS_MARKERS = re.compile(
    r"(?<!women['’]s )\b(premier league|championship|carabao cup|efl|la ?liga|serie a|bundesliga|"
    r"ligue 1|mls|europa league)\b",
    re.IGNORECASE,
)
WOMEN_WORDS = re.compile(r"\b(?:women|women['’]s|female|girls)\b", re.IGNORECASE)
SHE = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
HE = re.compile(r"\b(?:he|his|him|himself)\b", re.IGNORECASE)
MIN_WOMENS_EVIDENCE = 3


def is_womens_report(text: str, title: str | None = None) -> bool:
    """Whether a report is about women's football: then "Liverpool" is Liverpool Women.

    The evidence for: female pronouns, words of the women's game ("women", "female", "girls")
    and its competitions and phrases (`WOMENS_MARKERS`, counted twice); against: male pronouns
    (counted half: many women's sides have a male coach) and men's competitions (twice). It
    must name the women's game at least once: pronouns alone are anyone's (a queen, a
    politician). A report on a men's club that mentions its women's team once, or on a female
    referee in the Premier League, is outweighed by its "he"s and men's competitions."""
    whole = f"{title}\n{text}" if title else text
    markers = len(WOMENS_MARKERS.findall(whole))
    words = len(WOMEN_WORDS.findall(whole))
    womens = len(SHE.findall(text)) + words
    mens = len(HE.findall(text)) / 2 + 2 * len(MENS_MARKERS.findall(whole))
    return words + markers >= 1 and womens + markers >= MIN_WOMENS_EVIDENCE and womens + 2 * markers > mens


_WOMEN_CUES = {"women", "women's", "women’s", "ladies", "femenino", "feminine", "féminine", "frauen"}
_MEN_CUES = {"men", "men's", "men’s"}
_POSSESSIVE = {"'s", "’s", "'"}


def side_cue(span: Span) -> str | None:
    """ "women" when the words after a team name make it the women's side ("Manchester City
    women", "Australia's women's team"), "men" for the men's ("the club's men's side")."""
    doc = span.doc
    k = span.end
    if k < len(doc) and doc[k].text in _POSSESSIVE:
        k += 1
    if k >= len(doc):
        return None
    word = doc[k].lower_
    if word in _WOMEN_CUES:
        return "women"
    if word in _MEN_CUES:
        return "men"
    return None


SIDE_NAME_WORDS = re.compile(
    r"\b(?:women|ladies|lady|girls|femenino|feminine|féminine|frauen|wfc|lfc)\b", re.IGNORECASE
)


def womens_side(team: Entity, known_side: Entity | None, local: dict[str, Entity]) -> Entity:
    """The women's side of a club or national team: the knowledge base's, else a new entity
    named the spec's way ("Melbourne City Women"). Women's-only clubs ("Bay FC"), youth and B
    sides, and names that already say it ("Long Island Lady Riders") stay as they are."""
    if team.subkind not in (None, "club", "national_team") or SIDE_NAME_WORDS.search(team.name):
        return team
    if known_side is not None:
        return known_side
    name = f"{team.name} Women"
    key = entity_id(team.kind, name)
    if key not in local:
        local[key] = Entity(
            id=key,
            name=name,
            kind=team.kind,
            subkind="women",
            country=team.country,
            parent=team.id,
            known=False,
        )
    return local[key]
