"""Where someone works now: the weight of dated evidence, not the last claim that came in.

A stream of reports says the same thing many times ("Real Madrid boss Carlo Ancelotti",
thirty reports over two years) and, now and then, something else: a career note
("head coach of Bayern Munich" from a sentence about 2016), a mis-read sentence, or real
news (a sacking, an appointment). The question "which club is his now?" (or, for a club,
"who is its head coach now?") is answered here over *options* (the clubs, or the people)
with the evidence for each:

- support: dated claims that put him in the post now: `coach_of` current or interim,
  `job_status` at that club (secure, at risk, extended, appointed), not history notes
  (`history.py`);
- ends: dated claims that the post ended: `job_status` dismissed or resigned, `coach_of`
  former, or a post read off a sentence that ends it ("X's reign came to an end"). An
  option is over when an end is newer than its last support and is news: a sacking, a
  resignation or an ending the report states, ends from two voices, or a post only one
  voice ever reported (a stray "former" does not end a post many outlets report).

An undated claim never outranks a dated one: claims from reports without a date count
only when no option has dated support. Among the live options, the one with the newest
support is *now* when the change to it is recognised, that is when

- no other option is alive; or
- since its first support, at least two independent voices back it, and its weight
  over that span is no less than any other option's over the same span (weight: per
  independent voice, the strongest claim's modality x recency, summed); or
- every other option went silent more than `LAPSE_DAYS` before it first appeared; or
- no other option ever had more than one voice (sparse coverage: the newest word).

Otherwise it is one stray claim, *outweighed*, and the next option is tried. So thirty
reports of Real Madrid are not undone by one note about Bayern, while two outlets
reporting an appointment (or one sacking) move the story on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from .confidence import MODALITY, decay
from .history import ends_post
from .load import StoryClaim

LAPSE_DAYS = 90
IN_POST = ("secure", "at_risk", "extended", "appointed")
ENDS = ("dismissed", "resigned")
FIRM = ("fact", "reported")


@dataclass
class Option:
    """One possible answer (a club, or a person) and the dated evidence for and against it now."""

    key: str
    support: list[StoryClaim] = field(default_factory=list)
    ends: list[StoryClaim] = field(default_factory=list)
    undated: list[StoryClaim] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The name most claims give it."""
        names = [self._name_of(c) for c in self.support + self.ends + self.undated]
        return max(dict.fromkeys(names), key=names.count) if names else self.key

    _name_of: Callable[[StoryClaim], str] = field(default=lambda c: c.claim.object or "", repr=False)

    @property
    def voices(self) -> set[str]:
        return {c.voice or c.doc for c in self.support}

    @property
    def first(self) -> date:
        return min(day_of(c) for c in self.support)

    @property
    def last(self) -> date:
        return max(day_of(c) for c in self.support)

    def ended_by(self) -> StoryClaim | None:
        """What ended the post, when the newest end has no support after it and is news: a
        sacking or resignation the report states (fact or reported), or ends from two voices, or
        a post only one voice ever reported. A stray "former" does not end a post many outlets
        report. The claim given is the spell's first end after its last support, a firm one
        where that day has one, not the newest: "former manager X" a year on does not move the
        day the spell ended, nor does a sacking a later report looks back on ("the same mistake
        they made with ten Hag") when an earlier report already had him gone."""
        if not self.ends:
            return None
        newest = max(self.ends, key=lambda c: (day_of(c), c.claim.type == "job_status", c.id or 0))
        if any(day_of(c) > day_of(newest) or c.doc == newest.doc for c in self.support):
            return None
        last = max((day_of(c) for c in self.support), default=date.min)
        after = [c for c in self.ends if day_of(c) >= last]
        firm = [
            c
            for c in after
            if (c.claim.type == "job_status" or ends_post(c.claim)) and c.claim.modality in FIRM
        ]
        if firm or len({c.voice or c.doc for c in after}) >= 2 or len(self.voices) <= 1:
            # on one day a sacking or resignation says more than the "former coach" that follows from it
            return min(
                after, key=lambda c: (day_of(c), c not in firm, c.claim.type != "job_status", c.id or 0)
            )
        return None


@dataclass
class Standing:
    """The answer now (or None), and what the evidence did not back."""

    now: Option | None
    value: str = "current"
    outweighed: list[Option] = field(default_factory=list)
    ended: list[Option] = field(default_factory=list)
    superseded: list[Option] = field(default_factory=list)
    """Posts the recognised change moved on from: no support since the post now was first reported."""
    taken: dict[str, Option] = field(default_factory=dict)
    """Option key -> the club's coach now by the evidence about the club, who came after (`posts`)."""


def day_of(c: StoryClaim) -> date:
    """The claim's report day (history notes, which a claim's own old date marks, support nothing)."""
    return c.report_day or date.min


def is_dated(c: StoryClaim) -> bool:
    return c.published is not None


def weight_since(option: Option, since: date, as_of: str | None) -> float:
    """Per independent voice, the strongest claim since `since` (modality x recency), summed."""
    best: dict[str, float] = {}
    for c in option.support:
        if day_of(c) >= since:
            w = MODALITY.get(c.claim.modality, 0.4) * decay(c, as_of)
            v = c.voice or c.doc
            best[v] = max(best.get(v, 0.0), w)
    return sum(best.values())


def _voices_since(option: Option, since: date) -> int:
    return len({c.voice or c.doc for c in option.support if day_of(c) >= since})


def recognised(new: Option, others: list[Option], as_of: str | None) -> bool:
    """Whether the evidence backs a move to `new` over the other live options (module doc)."""
    if not others:
        return True
    since = new.first
    if _voices_since(new, since) >= 2 and weight_since(new, since, as_of) >= max(
        weight_since(o, since, as_of) for o in others
    ):
        return True
    if all((since - o.last).days > LAPSE_DAYS for o in others):
        return True
    return max(len(o.voices) for o in others) <= 1 and new.last >= max(o.last for o in others)


def _value(option: Option) -> str:
    """Interim or current: what the newest report on the post says."""
    posts = [c for c in option.support if c.claim.type == "coach_of"]
    if not posts:
        return "current"
    newest = max(day_of(c) for c in posts)
    values = {c.claim.value for c in posts if day_of(c) == newest}
    return "current" if "current" in values or not values else "interim"


def weigh(
    options: Iterable[Option], as_of: str | None, prior: Callable[[Option], bool] | None = None
) -> Standing:
    """The option that is *now*, the outweighed ones and the ended ones (see module doc).

    `prior` says which options the knowledge base already knows as right on the day: it only
    breaks ties between options whose newest support is of the same day."""
    options = [o for o in options if o.support or o.ends or o.undated]
    if not any(o.support for o in options):  # only undated evidence: it is all there is
        for o in options:
            o.support, o.undated = o.undated, []
    ended = [o for o in options if o.ended_by() is not None]
    alive = [o for o in options if o.support and o not in ended]
    known = prior or (lambda o: False)
    rest = sorted(
        alive, key=lambda o: (o.last, known(o), len(o.voices), weight_since(o, date.min, as_of)), reverse=True
    )
    outweighed: list[Option] = []
    while rest:
        new, others = rest[0], rest[1:]
        if recognised(new, others, as_of):
            before = [o for o in others if o.last < new.first]
            rest_ = [o for o in others if o not in before]
            return Standing(new, _value(new), outweighed + rest_, ended, before)
        outweighed.append(new)
        rest = others
    return Standing(None, "current", outweighed, ended)


def options_of(
    claims: Iterable[StoryClaim], key: Callable[[StoryClaim], str | None], name: Callable[[StoryClaim], str]
) -> dict[str, Option]:
    """Group a person's (or a club's) post claims into options by `key`, each sorted into support,
    ends and undated support. History notes and negated claims support nothing."""
    found: dict[str, Option] = {}
    for c in claims:
        k = key(c)
        if not k:
            continue
        kind = _kind(c)
        if kind is None:
            continue
        option = found.setdefault(k, Option(k, _name_of=name))
        if kind == "end":
            if is_dated(c):
                option.ends.append(c)
        elif is_dated(c):
            option.support.append(c)
        else:
            option.undated.append(c)
    return found


def _kind(c: StoryClaim) -> str | None:
    """ "support", "end" or None for a claim about a post."""
    cl = c.claim
    if cl.polarity != "affirmed":
        return None
    if cl.type == "coach_of":
        if cl.value == "former" or ends_post(cl):
            return "end"
        if cl.value in ("current", "interim") and not c.history:
            return "support"
        return None
    if cl.type == "job_status" and not c.history:
        if cl.value in ENDS:
            return "end"
        if cl.value in IN_POST:
            return "support"
    return None
