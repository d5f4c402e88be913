"""Candidate generation (`dugout.extract.pairs`): the proposals a claim needs exist, each rule
pinned on a sentence of the training reports (../shared/eval/train); nothing here decides
whether a proposal is a claim."""

from __future__ import annotations

import pytest

from dugout.extract.pairs import Candidate, CandidateMaker, reports_result
from dugout.kb.index import load_kb
from dugout.kb.names import names_match
from dugout.nlp.entities import ResolvedArticle, Resolver
from dugout.nlp.pipeline import parse_articles

# (report, a piece of the sentence, kind, subject, object, where the implied party came from)
CASES = [
    # a sentence naming clubs and nobody leans on the person of the sentence before
    ("t0092", "Crystal Palace are also interested", "person_team", "Kalvin Phillips", "Juventus", "before"),
    # a result with one side named is paired with the report's main team, a national team here
    ("t0181", "1-0 win over Denmark", "team_team", "Australia", "Denmark", "focus"),
    # a national team's report offers the national team as an implied side
    ("t0124", "are among the early favourites", "person_team", "Graham Potter", "England", "focus"),
    # a person is paired with a federation the sentence names (holds_role: "CAF president")
    (
        "t0054",
        "CAF president Patrice Motsepe",
        "person_team",
        "Patrice Motsepe",
        "Confederation of African Football",
        "here",
    ),
]


@pytest.fixture(scope="module")
def proposed(train_articles) -> dict[str, tuple[ResolvedArticle, list[Candidate]]]:
    articles = train_articles({c[0] for c in CASES})
    kb = load_kb()
    resolver, maker = Resolver(kb), CandidateMaker(kb)
    out = {}
    for parsed in parse_articles(articles):
        resolved = resolver.resolve(parsed)
        out[parsed.article.id] = (resolved, maker(resolved))
    return out


def _index(resolved: ResolvedArticle, sentence: str) -> int:
    return next(i for i, view in enumerate(resolved.sentences) if sentence in view.text)


@pytest.mark.parametrize(("doc", "sentence", "kind", "subject", "obj", "source"), CASES)
def test_candidate_proposed(proposed, doc, sentence, kind, subject, obj, source) -> None:
    resolved, candidates = proposed[doc]
    index = _index(resolved, sentence)
    here = [c for c in candidates if c.sentence == index and c.kind == kind]
    found = [
        c
        for c in here
        if names_match(c.subject.entity.name, subject)
        and c.object is not None
        and names_match(c.object.entity.name, obj)
    ]
    assert found, [(c.subject.entity.name, c.object and c.object.entity.name) for c in here]
    assert any(source in (c.subject.source, c.object.source) for c in found)


def test_implied_sides_only_for_results(proposed) -> None:
    """Teams a sentence does not name are offered only where it reports a result, so a list of
    interested clubs is not paired with the report's main team."""
    resolved, candidates = proposed["t0092"]
    index = _index(resolved, "Crystal Palace are also interested")
    assert not reports_result(resolved.sentences[index])
    assert all(
        c.subject.source == "here" for c in candidates if c.sentence == index and c.kind == "team_team"
    )
    resolved, _ = proposed["t0181"]
    assert reports_result(resolved.sentences[_index(resolved, "1-0 win over Denmark")])
