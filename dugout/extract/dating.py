"""When an undated report was most likely written, from the posts of the people it names.

About one report in six carries no publication date (135 of the 699 annotated reports, 2,234 of
the 13,070 corpus reports). Without one, the knowledge base cannot say whether a coach's post at
the club a sentence pairs him with is held or over (`features.kb_pair_features`), the strongest
cue the value models have for "current" against "former"; and it hands them posts begun years
after the report, which a report of its day could not have known.

A report names people at their clubs mostly while they are there. So the month where the most of
the posts it pairs in one sentence (a person named with a team he held a dated post at) overlap
is a fair guess at its date; the latest such month, since a post that overlaps the others and
then goes on is more likely the present than the past. The guess is only for the knowledge
base's features: a claim's `when` is still read against the publication date, which stays
unknown.

Measured: on 150 dated training reports with their dates taken away, the guess falls in the
report's year for 56, a year off for 43, further for 21, and 30 pair no one with a dated post
(they stay undated). Out of fold (nested, 2026-12-08), value agreement of coach_of claims in
undated reports went 0.732 -> 0.826 (305 matched claims) and over all claims 0.890 -> 0.897.
A month where one person's post ends and the next begins counts both: ESPN's undated seed
report (May 2023) is guessed May 2025, when Ancelotti left Real Madrid for Brazil.
"""

from __future__ import annotations

from dugout.kb.index import KnowledgeBase
from dugout.kb.model import Role
from dugout.nlp.entities import ResolvedArticle


def paired_posts(resolved: ResolvedArticle, kb: KnowledgeBase) -> set[Role]:
    """The dated posts of the people the report names, at a team named in the same sentence."""
    posts: set[Role] = set()
    for view in resolved.sentences:
        teams = {m.entity.id for m in view.mentions if m.is_team}
        for m in view.mentions:
            if m.kind == "person" and m.via == "name":
                held = kb.roles_of.get(m.entity.id, ())
                posts.update(r for r in held if r.start and r.organisation in teams)
    return posts


def _month(date: str) -> str:
    """The month a knowledge-base date ("2019", "2019-07", "2019-07-01") begins in."""
    return date[:7] if len(date) >= 7 else f"{date[:4]}-01"


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        out.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def estimated_date(resolved: ResolvedArticle, kb: KnowledgeBase) -> str | None:
    """The month ("2019-07") an undated report was most likely written in (see the module's
    docstring), no later than the knowledge base's latest month; None when it pairs no one with
    a team he held a dated post at. A dated report keeps its date: this is not called for it."""
    posts = paired_posts(resolved, kb)
    if not posts or kb.latest_month is None:
        return None
    months = _months(min(_month(r.start) for r in posts), kb.latest_month)
    cover = [sum(r.active_on(m) for r in posts) for m in months]
    best = max(cover)
    return next(m for m, c in zip(reversed(months), reversed(cover), strict=True) if c == best)
