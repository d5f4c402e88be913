"""How firmly a sentence states a claim: one pass shared by every family.

Cues are read in the clause around the claim's trigger. The spec's order
decides between several: conditional < possible < expected < reported < fact,
and the weakest wins.
"""

from __future__ import annotations

from spacy.tokens import Token

from dugout.extract.context import SentenceContext
from dugout.records import weakest

CONDITIONAL_MARKS = {"if", "unless", "should", "provided"}
POSSIBLE_WORDS = {
    "could",
    "may",
    "might",
    "can",
    "possible",
    "possibly",
    "potential",
    "potentially",
    "option",
    "options",
    "alternative",
    "alternatives",
    "consider",
    "considering",
    "monitor",
    "monitoring",
    "link",
    "linked",
    "speculation",
    "rumour",
    "rumours",
    "touted",
    "perhaps",
    "maybe",
    "chance",
    "contender",
    "contenders",
    "target",
    "targets",
    "interest",
    "interested",
    "eye",
    "eyeing",
    "radar",
    "candidate",
    "candidates",
    "shortlist",
    "favourite",
    "favorite",
    "frontrunner",
    "front-runner",
    "tip",
    "tipped",
    "weigh",
    "mull",
}
EXPECTED_WORDS = {
    "will",
    "shall",
    "set",
    "expect",
    "expected",
    "likely",
    "plan",
    "plans",
    "planning",
    "poised",
    "due",
    "ready",
    "about",
    "would",
    "going",
    "intend",
    "aim",
    "prepare",
    "preparing",
    "close",
    "closing",
    "verge",
    "imminent",
    "imminently",
    "shortly",
    "soon",
}


VERB_MODIFIERS = {"aux", "auxpass", "neg", "advmod", "mark", "prt"}
OTHER_CLAUSES = {"conj", "cc", "advcl", "ccomp", "relcl", "parataxis", "punct", "acl"}


def clause_tokens(trigger: Token) -> list[Token]:
    """The trigger's own clause: its head chain up to the clause root, and their direct children."""
    tokens: list[Token] = []
    t = trigger
    for step in range(4):
        tokens.append(t)
        governing_verb = step > 0 and t.pos_ in ("VERB", "AUX") and t.dep_ not in ("xcomp", "aux")
        if governing_verb:
            # the verb governing the trigger bounds its clause; only its own modifiers count
            tokens.extend(c for c in t.children if c.dep_ in VERB_MODIFIERS)
            break
        tokens.extend(c for c in t.children if c.dep_ not in OTHER_CLAUSES)
        if t.dep_ in ("ROOT", "ccomp", "advcl", "relcl") or t.head is t:
            break
        t = t.head
    return tokens


def cue_modality(ctx: SentenceContext, trigger: Token | None) -> str:
    """The modality the wording itself gives, before attribution."""
    found = ["fact"]
    span = ctx.span
    lower_words = {t.lower_ for t in span}
    clause = clause_tokens(trigger) if trigger is not None else list(span)
    clause_words = {t.lower_ for t in clause} | {t.lemma_.lower() for t in clause}
    # Conditional: an if-clause in the sentence governing or beside the trigger's clause.
    for tok in span:
        if tok.lower_ in CONDITIONAL_MARKS and tok.dep_ in ("mark", "aux", "advmod"):
            head = tok.head
            if (
                trigger is None
                or head is trigger
                or head.head is trigger
                or trigger in head.ancestors
                or head in trigger.ancestors
                or trigger.head is head.head
            ):
                found.append("conditional")
        if tok.lower_ == "if" and tok.i + 1 < len(ctx.doc) and ctx.doc[tok.i + 1].lower_ == "necessary":
            found.append("conditional")
    if "only if" in span.text.lower():
        found.append("conditional")
    if clause_words & POSSIBLE_WORDS or (trigger is None and lower_words & {"could", "might", "may"}):
        found.append("possible")
    if clause_words & EXPECTED_WORDS:
        found.append("expected")
    return weakest(*found)
