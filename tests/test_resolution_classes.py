"""Resolution rules by class of error, each pinned on a sentence of the training reports
(../shared/eval/train) or the corpus (../shared/corpus): the general rule is named, the sentence
only shows it."""

from __future__ import annotations

import pytest

from dugout.kb.index import load_kb
from dugout.nlp.entities import Mention, ResolvedArticle, Resolver
from dugout.nlp.pipeline import parse_articles
from dugout.nlp.womens import is_womens_report

# (report, a piece of the sentence, the mention's surface, the entity's name, the mention's kind)
CASES = [
    # A report about the women's game: a country is its women's national team ...
    ("t0065", "to give Spain a 2-1 victory over Sweden", "Sweden", "Sweden Women", "national_team"),
    # ... and a club the knowledge base knows without a women's side gets one, named the spec's way
    ("t0007", "with the women's teams of Juventus", "Melbourne City", "Melbourne City Women", "club"),
    # "women's" after a team makes it the women's side in any report ...
    ("t0123", "head coach of the Canada women", "Canada", "Canada Women", "national_team"),
    # ... and "men's" keeps the first team in a report about the women's game
    ("t0277", "previously coached Morocco's men's team", "Morocco", "Morocco", "national_team"),
    # a possessive or object pronoun in a sentence that names nobody is the person in focus
    ("t0152", "his current employers have come to terms with selling him", "his", "Mason Mount", "person"),
    ("t0152", "his current employers have come to terms with selling him", "him", "Mason Mount", "person"),
]

# (report, a piece of the sentence, the pronoun, the person it must not be)
NOT_ANTECEDENTS = [
    # an object pronoun is never the subject of its own clause
    ("t0277", "Sweden coach Peter Gerhardsson still chose her", "her", "Peter Gerhardsson"),
]

# (report, whether it is about the women's game)
WOMENS_REPORTS = [
    ("t0065", True),  # Spain at the Women's World Cup, "she" throughout, no competition marker
    ("t0617", False),  # clubs linked with a male manager; two women's phrases in passing
]


@pytest.fixture(scope="module")
def resolved(train_articles) -> dict[str, ResolvedArticle]:
    wanted = {c[0] for c in CASES} | {c[0] for c in NOT_ANTECEDENTS}
    resolver = Resolver(load_kb())
    parsed = parse_articles(train_articles(wanted))
    return {p.article.id: resolver.resolve(p) for p in parsed}


def mentions_in(resolved: dict[str, ResolvedArticle], doc: str, sentence: str) -> list[Mention]:
    for view in resolved[doc].sentences:
        if sentence in view.text:
            return view.mentions
    raise AssertionError(f"no sentence with {sentence!r} in {doc}")


@pytest.mark.parametrize(
    ("doc", "sentence", "surface", "name", "kind"), CASES, ids=[f"{c[2]}->{c[3]}" for c in CASES]
)
def test_resolution_class(resolved, doc, sentence, surface, name, kind) -> None:
    found = [(m.entity.name, m.kind) for m in mentions_in(resolved, doc, sentence) if m.text == surface]
    assert (name, kind) in found, f"{surface!r} resolved as {found}"


@pytest.mark.parametrize(("doc", "sentence", "surface", "person"), NOT_ANTECEDENTS)
def test_not_the_antecedent(resolved, doc, sentence, surface, person) -> None:
    found = [m.entity.name for m in mentions_in(resolved, doc, sentence) if m.text == surface]
    assert person not in found


@pytest.mark.parametrize(("doc", "womens"), WOMENS_REPORTS)
def test_womens_report(train_articles, doc: str, womens: bool) -> None:
    (article,) = train_articles({doc})
    assert is_womens_report(article.text, article.title) is womens
