"""From a resolved report to its claims: the families, then the shared passes, then one claim per key.

Families are registered by name (like spaCy's pipeline components), so a
new family — or a newsroom's own — plugs in without touching this file.
Attribution and modality are decided here once for every family's drafts.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from dugout.extract import candidates, jobs, matches, meetings, roles, transfers
from dugout.extract.attribution import Attribution, carries_over, infer_outlet, sentence_attribution
from dugout.extract.context import Draft, SentenceContext
from dugout.extract.modality import cue_modality
from dugout.kb.index import KnowledgeBase, load_kb
from dugout.nlp.entities import ResolvedArticle, Resolver
from dugout.nlp.pipeline import ParsedArticle, Screen, load_nlp, parse_articles
from dugout.nlp.timex import time_in
from dugout.records import MODALITIES, Article, Claim, weakest

Family = Callable[[SentenceContext], list[Draft]]
FAMILIES: dict[str, Family] = {}


def register_family(name: str, family: Family) -> None:
    """Add a claim family; it is called once per sentence and returns drafts."""
    FAMILIES[name] = family


for _name, _family in (
    ("roles", roles.extract),
    ("jobs", jobs.extract),
    ("contracts", jobs.extract_contract),
    ("candidates", candidates.extract),
    ("transfers", transfers.extract),
    ("meetings", meetings.extract),
    ("matches", matches.extract),
):
    register_family(_name, _family)

QUOTE_MARKS = ('"', "“", "‘", "'")

# Types whose claims are background facts: an attribution in the sentence does not weaken them.
BACKGROUND = {"coach_of", "holds_role", "contract_until", "match_result"}


def _contexts(
    resolved: ResolvedArticle, kb: KnowledgeBase
) -> list[tuple[SentenceContext, Attribution | None]]:
    """Each sentence with its neighbours and the source it is attributed to (carried where it continues)."""
    out: list[tuple[SentenceContext, Attribution | None]] = []
    carried: Attribution | None = None
    carried_here: Attribution | None = None
    speaking: Attribution | None = None  # a named speaker whose quote runs over paragraphs
    previous = None
    for index, view in enumerate(resolved.sentences):
        ctx = SentenceContext(view, resolved, kb, index, previous)
        attribution = sentence_attribution(ctx, carried)
        same_paragraph = previous is not None and previous.paragraph == view.paragraph
        if (
            attribution is None
            and carried is not None
            and (carries_over(ctx) or (same_paragraph and carried_here is not None))
        ):
            attribution = carried  # a paragraph relaying a source keeps relaying it
        if (
            attribution is None
            and speaking is not None
            and view.text.lstrip()[:1] in QUOTE_MARKS
            and previous is not None
            and previous.paragraph in (view.paragraph, view.paragraph - 1)
        ):
            attribution = speaking  # the next quoted paragraph goes on in the same voice
        if attribution is None and index + 1 < len(resolved.sentences):
            following = resolved.sentences[index + 1]
            if following.paragraph == view.paragraph and _source_tag(following):
                # "It is their priority for the January transfer window. (Marca)"
                attribution = sentence_attribution(
                    SentenceContext(following, resolved, kb, index + 1, view), None
                )
        if attribution is not None and attribution.kind in ("person", "club"):
            ctx.speaker = next(
                (
                    e
                    for e in resolved.entities.values()
                    if e.kind == "person" and e.name == attribution.source
                ),
                None,
            )
        out.append((ctx, attribution))
        quoted = view.text.lstrip()[:1] in QUOTE_MARKS or view.text.rstrip().endswith(":")
        if (
            attribution is not None
            and attribution.kind in ("person", "club")
            and (quoted or ":" in view.text)
        ):
            speaking = attribution
        elif not quoted:
            speaking = None
        if attribution is not None:
            carried = attribution
        carried_here = attribution
        previous = view
    return out


def _source_tag(view) -> bool:
    """A sentence that is only a source in brackets: "(Marca)"."""
    text = view.text.strip()
    return (
        text.startswith("(")
        and text.endswith(")")
        and len(text) < 40
        and any(m.kind == "outlet" for m in view.mentions)
    )


def claims_of(resolved: ResolvedArticle, kb: KnowledgeBase) -> list[Claim]:
    """Every claim of one report, one per key, the firmest evidence kept.

    Roles run first over the whole report, so the other families know whom
    each coach coaches ("his job is not at risk" is about his current club).
    """
    article = resolved.article
    contexts = _contexts(resolved, kb)
    drafts: list[tuple[Draft, SentenceContext, Attribution | None]] = []
    first, *rest = list(FAMILIES.values())
    for ctx, attribution in contexts:
        for draft in first(ctx):
            drafts.append((draft, ctx, attribution))
            if draft.type == "coach_of":
                resolved.coaches.add(draft.subject.id)
            if (
                draft.type == "coach_of"
                and draft.value in ("current", "interim")
                and draft.object is not None
            ):
                resolved.coached.setdefault(draft.subject.id, draft.object)
    for ctx, attribution in contexts:
        for family in rest:
            for draft in family(ctx):
                drafts.append((draft, ctx, attribution))
    # "West Ham forward Jarrod Bowen returns": a man the sentence calls a player holds no coach's job
    drafts = [(d, c, a) for d, c, a in drafts if not (d.type in COACH_TYPES and _called_player_here(c, d))]
    coaches = {d.subject.id for d, _, _ in drafts if d.type in ("coach_of", "job_status")}
    # a coach's comings and goings are job news, not transfers ("Dickov has decided to quit")
    drafts = [(d, c, a) for d, c, a in drafts if not (d.type == "transfer" and d.subject.id in coaches)]
    claims = [_finish(d, ctx, attribution, article) for d, ctx, attribution in drafts]
    return roles.spells_ended(one_per_key([c for c in claims if c is not None]), kb, article.published)


COACH_TYPES = {"coach_of", "job_status", "candidate_for"}


def _called_player_here(ctx: SentenceContext, draft: Draft) -> bool:
    """Whether the sentence names the draft's subject with a player's position before him."""
    return any(m.entity.id == draft.subject.id and transfers.called_player(ctx, m) for m in ctx.people())


def _finish(
    draft: Draft, ctx: SentenceContext, attribution: Attribution | None, article: Article
) -> Claim | None:
    if draft.object is not None and draft.subject.id == draft.object.id:
        return None
    cues = draft.type not in BACKGROUND and not draft.cue_free
    modality = weakest(draft.modality, cue_modality(ctx, draft.trigger) if cues else "fact")
    source = None
    if attribution is not None and draft.attributed and draft.type not in BACKGROUND:
        source = attribution.source
        if attribution.makes_reported:
            modality = weakest(modality, "reported")
    if draft.type in ("coach_of", "holds_role") and draft.value in ("incoming",):
        modality = weakest(modality, "expected")
    when = draft.when
    if (
        when is None
        and draft.type in ("meeting", "squad_need", "transfer", "job_status")
        and draft.value in ("planned", "held", "signed", "dismissed", "resigned", "appointed", "extended")
        or (when is None and draft.type == "squad_need")
    ):
        when = time_in(ctx.span, article.published)
    confidence = round(draft.score * (0.6 + 0.4 * MODALITIES.index(modality) / 4), 3)
    return Claim(
        doc=article.id,
        type=draft.type,
        subject=draft.subject.name,
        object=draft.object.name if draft.object is not None else None,
        value=draft.value,
        polarity=draft.polarity,
        modality=modality,
        evidence=ctx.view.text.strip(),
        attribution=source,
        outlet=article.outlet,
        when=when,
        confidence=confidence,
        competition=draft.competition,
        counterpart=draft.counterpart.name if draft.counterpart is not None else None,
        extra={"subject_id": draft.subject.id, "object_id": draft.object.id if draft.object else None},
    )


def _match_key(claim: Claim) -> tuple:
    if claim.type == "match_result":
        teams = sorted([claim.subject, claim.object or ""])
        score = claim.value
        if score and claim.subject != teams[0]:
            score = "-".join(reversed(score.split("-")))
        return ("match_result", tuple(teams), score)
    return claim.key()


def one_per_key(claims: Iterable[Claim]) -> list[Claim]:
    """Keep one claim per key: the firmest (modality, then confidence), in first-seen order."""
    best: dict[tuple, Claim] = {}
    order: list[tuple] = []
    for claim in claims:
        key = _match_key(claim)
        if key not in best:
            best[key] = claim
            order.append(key)
            continue
        old = best[key]
        if (claim.confidence or 0) > (old.confidence or 0) + 0.15:
            best[key] = claim
    result = [best[k] for k in order]
    # A match with a score makes the same pairing without one redundant.
    scored = {
        tuple(sorted([c.subject, c.object or ""])) for c in result if c.type == "match_result" and c.value
    }
    return [
        c
        for c in result
        if not (
            c.type == "match_result" and not c.value and tuple(sorted([c.subject, c.object or ""])) in scored
        )
    ]


# -- the screen: which sentences can carry a claim, from the families' own word lists ----------

# Words of the families' lists that only ever qualify a claim another word triggers ("the club's
# future", "expected to", "women's"): too common in football copy to let a sentence through alone.
_CONTEXT_WORDS = {
    "football",
    "going",
    "want",
    "wants",
    "wanted",
    "women",
    "clubs",
    "international",
    "sporting",
    "hope",
    "hopes",
    "head",
    "role",
    "member",
    "members",
    "expected",
    "likely",
    "future",
    "saw",
    "try",
    "trying",
    "attempt",
    "ready",
    "previous",
    "general",
    "executive",
    "plans",
    "new",
    "next",
    "old",
    "then",
    "first",
    "current",
    "late",
    "set",
    "men",
    "due",
    "close",
    "look",
    "star",
    "team",
    "teams",
    "side",
    "squad",
    "players",
    "player",
    "club",
    "take",
    "step",
    "charges",
    "outfit",
    "senior",
}
# The families' module-level patterns that only qualify a claim another word triggers: "such as"
# or "are" lists names only after a shortlist (see `_LEADS_ON`), "the next" or "replace" make a
# candidacy only beside a link or an approach, "exits" a transfer only beside interest. They let
# no sentence through on their own ("are" alone let through a twentieth of all text). Negative
# word lists (SHOT_WORDS, PLAYING_WORDS, ...) would cut another quarter of the parsed text, but
# dropping those sentences takes context the resolver leans on (a few percent of corpus claims
# change), so they stay.
_CONTEXT_LISTS = {
    "LISTING",
    "SHORTLIST_CONTEXT",
    "TAKE_OVER_PAT",
    "OUTGOING",
}
# Patterns of a sentence whose next sentence may carry its claim: "X have identified four
# managerial candidates. The report mentions names like Y and Z." (candidates' listing rule).
_LEADS_ON = {"SHORTLIST_CONTEXT"}
# Stop words that are triggers all the same ("named as coach", "took charge").
_TRIGGER_STOP_WORDS = {"name", "give", "move", "back", "call", "put", "top"}
# Constructions no single word gives: "Potter's Chelsea", "played under Klopp", "guided Argentina
# to", "took charge", "his Fulham side", "the Chelsea squad", "Löw's national team".
_CONSTRUCTIONS = re.compile(
    r"[A-Z][\w.-]*['’]s [A-Z]|\bunder [A-Z]|\bguid(?:e|ed|es|ing)\b|\b(?:take|took|taken|takes|taking) "
    r"(?:charge|over)\b|\b(?:his|her|their|[A-Z][\w.-]*['’]s?|the [A-Z][\w.-]*)(?: [A-Z][\w.-]*)*"
    r"(?: national| first| senior)? (?:players|squad|side|team|charges|men|outfit)\b"
)
# Something a claim can be about: a capitalised word after the first, or a reference the
# resolver turns into a name ("he", "the club", "the 45-year-old").
_NAMED = re.compile(
    r"\s[\"“‘'(]?[A-Z]|^[\"“‘'(]?[A-Z][\w.'’-]*\s|"
    r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er|[Tt]heir|club|year[- ]old)\b"
)


def _strings(value: object) -> Iterator[str]:
    """The strings of a module-level word list: sets, sequences, dict keys and values, tuples."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            if not isinstance(v, (int, float)):
                yield from _strings(v)
    elif isinstance(value, (set, frozenset, list, tuple)):
        for item in value:
            yield from _strings(item)


def _patterns(value: object) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _patterns(item)


class ClaimScreen:
    """Whether a sentence can carry a claim, decided from its text in microseconds.

    Built from the registered families' own vocabulary — every module-level word set, phrase
    list and compiled pattern of the module each family lives in — so a word a family learns
    is screened in without touching this class (except the qualifying patterns named in
    `_CONTEXT_LISTS`). A word matches in any inflection the model's lemmatizer knows ("met" for
    "meet", "sacked" for "sack") and before a possessive ("manager's"). A sentence passes when
    it holds one of those words or patterns; the rest never reach the parser.
    """

    def __init__(self, families: Iterable[Family]) -> None:
        modules = {inspect.getmodule(f) for f in families} - {None}
        words: set[str] = set()
        phrases: set[str] = set()
        patterns: list[re.Pattern[str]] = []
        leads_on: list[re.Pattern[str]] = []
        for module in modules:
            for name, value in vars(module).items():
                if name in _LEADS_ON:
                    leads_on.extend(_patterns(value))
                if (name.startswith("_") and not name.startswith("_TRIGGER")) or name in _CONTEXT_LISTS:
                    continue
                if isinstance(value, re.Pattern) or (
                    isinstance(value, (list, tuple)) and any(True for _ in _patterns(value))
                ):
                    patterns.extend(_patterns(value))
                    continue
                if not isinstance(value, (set, frozenset, list, tuple, dict)):
                    continue
                for text in _strings(value):
                    text = text.lower().strip()
                    if " " in text:
                        phrases.add(text)
                    elif text:
                        words.add(text)
        stop = load_nlp().Defaults.stop_words - _TRIGGER_STOP_WORDS
        words = {
            w
            for w in words
            if w not in stop and w not in _CONTEXT_WORDS and len(w) > 1 and (w.isalpha() or "-" in w)
        }
        forms = set(words) | _inflections(words)
        self.words = {f + suffix for f in forms for suffix in _SUFFIXES}
        """Every trigger word in every form the screen accepts, lowercased: a set look-up a word."""
        self.phrases = sorted(phrases)
        self.patterns = [*patterns, _CONSTRUCTIONS]
        self.leads_on = leads_on

    def __call__(self, text: str) -> bool:
        if not _NAMED.search(text):
            return False
        lowered = text.lower()
        if any(w in self.words for w in _WORD.findall(lowered)):
            return True
        return any(p in lowered for p in self.phrases) or any(p.search(text) for p in self.patterns)

    def brings_next(self, text: str) -> bool:
        """Whether a kept sentence lets the next one through: it announces a list of names."""
        return any(p.search(text) for p in self.leads_on)


_SUFFIXES = ("", "s", "es", "d", "ed", "ing", "n")
# A word, without a possessive "'s" ("manager's" is "manager").
_WORD = re.compile(r"[\w'’-]*?\w(?=['’]s\b)|[\w'’-]*\w")


def _inflections(lemmas: set[str]) -> set[str]:
    """Irregular forms of the given lemmas from the model's lemmatizer tables ("met", "won", "left"),
    and regular stems whose final "e" drops or consonant doubles ("hiring", "sacking", "axed")."""
    forms: set[str] = set()
    try:
        tables = load_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_exc")
        for pos in ("verb", "noun", "adj"):
            for form, lemma_list in tables.get(pos, {}).items():
                if any(lemma in lemmas for lemma in lemma_list):
                    forms.add(form)
    except (KeyError, ValueError):
        pass
    for lemma in lemmas:
        if lemma.endswith("e"):
            forms.add(lemma[:-1])  # hire → hir(ing|ed)
        if len(lemma) > 2 and lemma[-1] not in "aeiouwy" and lemma[-2] in "aeiou":
            forms.add(lemma + lemma[-1])  # sit → sitt(ing)
    return forms


@lru_cache(maxsize=8)
def _screen_for(families: tuple[Family, ...]) -> ClaimScreen:
    return ClaimScreen(families)


def claim_screen() -> Screen:
    """The screen for the families registered now."""
    return _screen_for(tuple(FAMILIES.values()))


class Extractor:
    """The whole path from Articles to claims, the model and knowledge base loaded once."""

    def __init__(self, kb: KnowledgeBase | None = None, screen: bool = True) -> None:
        self.kb = kb or load_kb()
        self.resolver = Resolver(self.kb)
        self.screen = screen
        """Parse only the sentences that can carry a claim (see `ClaimScreen`); False parses all."""

    def resolve(self, parsed: ParsedArticle) -> ResolvedArticle:
        return self.resolver.resolve(parsed)

    def run(
        self, articles: Iterable[Article], on_error: Callable[[Article, Exception], None] | None = None
    ) -> Iterator[tuple[Article, list[Claim]]]:
        """Claims of each report. A report that breaks the extractor is passed to `on_error` and
        skipped, so one odd page never stops a batch of thousands; without `on_error` it raises."""
        screen = claim_screen() if self.screen else None
        for parsed in parse_articles(articles, screen=screen):
            try:
                if not parsed.article.outlet:
                    parsed.article.outlet = infer_outlet(parsed.article.text, self.kb)
                resolved = self.resolver.resolve(parsed)
                claims = claims_of(resolved, self.kb)
            except Exception as e:  # noqa: BLE001 - reported per report, the batch goes on
                if on_error is None:
                    raise
                on_error(parsed.article, e)
                continue
            yield parsed.article, claims
