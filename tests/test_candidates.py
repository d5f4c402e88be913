"""Candidate generation (`dugout.extract.pairs`): the proposals a claim needs exist, each rule
pinned on a sentence of the training reports (../shared/eval/train); nothing here decides
whether a proposal is a claim."""

from __future__ import annotations

import pytest

from dugout.extract.features import ReportView, kb_pair_features, result_features
from dugout.extract.labels import key_matches
from dugout.extract.pairs import Candidate, CandidateMaker, kb_side, reports_result
from dugout.kb.index import load_kb
from dugout.kb.model import Role
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


MULTI_SCORE_REPORT = ("t0683", "losing the first leg 2-1 and the second leg 1-0")
OUTCOME_REPORT = ("t0585", "1-0 victory away to 10-man AEK Athens")


@pytest.fixture(scope="module")
def results_proposed(train_articles) -> dict[str, tuple[ResolvedArticle, list[Candidate]]]:
    articles = train_articles({MULTI_SCORE_REPORT[0], OUTCOME_REPORT[0]})
    kb = load_kb()
    resolver, maker = Resolver(kb), CandidateMaker(kb)
    return {
        parsed.article.id: (resolved := resolver.resolve(parsed), maker(resolved))
        for parsed in parse_articles(articles)
    }


def _pair(candidates: list[Candidate], index: int, a: str, b: str) -> list[Candidate]:
    return [
        c
        for c in candidates
        if c.sentence == index
        and c.kind == "team_team"
        and {c.subject.entity.name, c.object.entity.name} == {a, b}
    ]


def test_each_score_of_a_sentence_is_a_candidate_of_its_own(results_proposed) -> None:
    """Rule: a sentence giving two results of one pairing ("losing the first leg 2-1 and the
    second leg 1-0") offers the pairing once per score, and a gold result labels only the
    candidate that reads its score (the scorer keys a result on its score)."""
    doc, sentence = MULTI_SCORE_REPORT
    resolved, candidates = results_proposed[doc]
    found = _pair(candidates, _index(resolved, sentence), "Barcelona Women", "Lyon Women")
    assert sorted(c.score[1:] for c in found) == [(1, 0), (2, 1)]
    gold = {"type": "match_result", "subject": "Lyon Women", "object": "Barcelona Women", "value": "1-0"}
    assert [c.score[1:] for c in found if key_matches(c, gold)] == [(1, 0)]


def test_a_score_is_read_with_how_each_team_stands_to_its_result_word(results_proposed) -> None:
    """Rule: the result word nearest the score ("victory") is joined with each team's tie to it
    (the subject of the clause it sits in; the object of "to"), so the orientation model can
    tell the winner where the written order says nothing ("a 1-0 victory away to X")."""
    doc, sentence = OUTCOME_REPORT
    resolved, candidates = results_proposed[doc]
    index = _index(resolved, sentence)
    found = _pair(candidates, index, "Brighton & Hove Albion", "AEK Athens")
    assert found
    subject_first = [c for c in found if c.subject.entity.name == "Brighton & Hove Albion"] or found
    features = result_features(resolved.sentences[index], subject_first[0])
    sides = {"Brighton & Hove Albion": "s", "AEK Athens": "o"}
    if subject_first[0].subject.entity.name != "Brighton & Hove Albion":
        sides = {"Brighton & Hove Albion": "o", "AEK Athens": "s"}
    assert features[f"res_role={sides['Brighton & Hove Albion']}:WIN:clause_nsubj"] == 1.0
    assert features[f"res_role={sides['AEK Athens']}:WIN:prep_to"] == 1.0


HINDSIGHT_REPORT = ("t0031", "Brazil wants to appoint Ancelotti as their new head coach")


def test_a_role_begun_after_the_report_is_not_read(train_articles) -> None:
    """Rule: the extractor reads only the roles the knowledge base could have held when the report
    came out. A report of April 2025 linking Ancelotti with Brazil (his spell there begins in May
    2025) gets no knowledge-base tie for the pair, and Brazil is not offered as a team he is known
    at, while his Real Madrid spell, begun in 2021, is read: what the detectors learn from old
    reports then holds for new ones, whose appointments the knowledge base does not yet know."""
    doc, sentence = HINDSIGHT_REPORT
    kb = load_kb()
    parsed = next(iter(parse_articles(train_articles({doc}))))
    resolved = Resolver(kb).resolve(parsed)
    published = resolved.article.published
    ancelotti = next(e for e in kb.lookup("Carlo Ancelotti") if e.kind == "person")
    known = {kb.entities[r.organisation].name for r in kb.roles_known(ancelotti.id, published)}
    assert "Real Madrid" in known and "Brazil" not in known
    assert any(
        r.role == "head_coach" and kb.entities[r.organisation].name == "Brazil"
        for r in kb.roles_of[ancelotti.id]
    )
    candidates = CandidateMaker(kb)(resolved)
    index = _index(resolved, sentence)
    pair = [
        c
        for c in candidates
        if c.sentence == index and c.subject.entity.id == ancelotti.id and c.object is not None
    ]
    brazil = [c for c in pair if c.object.entity.name == "Brazil"]
    assert brazil and all(c.object.source == "here" for c in brazil)
    report = ReportView.of(resolved, kb, [None] * len(resolved.sentences))
    assert not kb_pair_features(brazil[0].subject, brazil[0].object, report)
    madrid = [c for c in pair if c.object.entity.name == "Real Madrid"]
    assert madrid and kb_pair_features(madrid[0].subject, madrid[0].object, report)


def test_a_person_is_paired_with_the_side_the_knowledge_base_knows_him_at(train_articles) -> None:
    """Rule: a report judged to be about the women's game reads "USMNT" as the women's side like
    every team it names, but a coach the knowledge base knows only at the men's side (Gregg
    Berhalter, United States head coach) is paired with the men's side, while the women's coach
    of the same report (Emma Hayes, whom it knows at no side of the United States by then) keeps
    the report's reading (train t0107, a report on the USWNT's new coach)."""
    kb = load_kb()
    parsed = next(iter(parse_articles(train_articles({"t0107"}))))
    resolved = Resolver(kb).resolve(parsed)
    assert resolved.womens
    index = _index(resolved, "USMNT head coach Gregg Berhalter")
    view = resolved.sentences[index]
    assert any(m.entity.name == "United States Women" for m in view.mentions)
    pairs = {
        (c.subject.entity.name, c.object.entity.name)
        for c in CandidateMaker(kb)(resolved)
        if c.sentence == index and c.kind == "person_team"
    }
    assert ("Gregg Berhalter", "United States") in pairs
    assert ("Gregg Berhalter", "United States Women") not in pairs
    assert ("Emma Hayes", "United States Women") in pairs


def test_the_knowledge_base_side_works_both_ways() -> None:
    """Rule (the other way round): a club read as its men's side is the women's side for a coach
    known only there by the report's date (Nick Cushing, Manchester City Women's manager until
    2020, in 2019); one known only at the men's side is read there whichever side the report
    gives (Pep Guardiola), and one the knowledge base holds no role of keeps the report's reading
    (Erling Haaland)."""
    kb = load_kb()

    def named(name: str, kind: str):
        return next(e for e in kb.lookup(name) if e.kind == kind)

    city = named("Manchester City", "club")
    cushing = named("Nick Cushing", "person")
    assert kb_side(kb, cushing, city, "2019-01-01").name == "Manchester City Women"
    assert kb_side(kb, cushing, kb.side_of(city, "women"), "2019-01-01").name == "Manchester City Women"
    guardiola = named("Pep Guardiola", "person")
    assert kb_side(kb, guardiola, city, "2019-01-01") is city
    assert kb_side(kb, guardiola, kb.side_of(city, "women"), "2019-01-01").name == "Manchester City"
    haaland = named("Erling Haaland", "person")
    assert kb_side(kb, haaland, kb.side_of(city, "women"), "2023-01-01").name == "Manchester City Women"


EDGE_REPORT = ("t0044", "thawing of relations between Celtic fans and Brendan Rodgers")


def test_a_post_dated_to_the_report_s_month_is_read_as_changing_then(train_articles) -> None:
    """Rule: the knowledge base dates most posts to the month, so on a report of that month it
    cannot tell whether the change came before or after: a post ending or beginning in the
    report's month is read as held (as before) and as ending or beginning, and a post held
    elsewhere on the report's date is read beside every other team. The Herald of 2023-06-09
    (train t0044) on Brendan Rodgers' return to Celtic, dated 2023-06 in the knowledge base: the
    pair with Celtic is his post now and beginning; the pair with Leicester City (his post to
    2023-04) is past, with a post elsewhere now."""
    doc, sentence = EDGE_REPORT
    kb = load_kb()
    parsed = next(iter(parse_articles(train_articles({doc}))))
    resolved = Resolver(kb).resolve(parsed)
    report = ReportView.of(resolved, kb, [None] * len(resolved.sentences))
    index = _index(resolved, sentence)
    rodgers = next(e for e in kb.lookup("Brendan Rodgers") if e.kind == "person")
    pairs = {
        c.object.entity.name: kb_pair_features(c.subject, c.object, report)
        for c in CandidateMaker(kb)(resolved)
        if c.sentence == index and c.subject.entity.id == rodgers.id and c.object is not None
    }
    assert {"kb_pair_now=head_coach", "kb_pair_begins=head_coach"} <= set(pairs["Celtic"])
    assert "kb_pair_ends=head_coach" not in pairs["Celtic"]
    assert "kb_pair_past=head_coach" in pairs["Leicester City"]
    assert not {"kb_pair_now=head_coach", "kb_pair_ends=head_coach"} & set(pairs["Leicester City"])


def test_a_post_s_edge_is_the_month_or_year_it_is_dated_to() -> None:
    """Rule: a post's end or start known only to a month (or a year) that holds the report's date
    is an edge; a report of another month, or a post dated to the day, is not."""
    spell = Role("p", "head_coach", "c", "2022-09", "2023-04")
    assert spell.edge_on("2023-04-11") == "ends" and spell.active_on("2023-04-11")
    assert spell.edge_on("2022-09-30") == "begins"
    assert spell.edge_on("2023-05-01") is None and spell.edge_on("2023-03-31") is None
    assert Role("p", "head_coach", "c", "2021", "2023").edge_on("2023-04-11") == "ends"
    assert Role("p", "head_coach", "c", "2021-06-01", "2023-04-11").edge_on("2023-04-11") is None
    assert spell.edge_on(None) is None


def test_an_undated_report_is_read_at_the_month_its_people_s_posts_meet(train_articles) -> None:
    """Rule: an undated report's knowledge-base features are read at the latest month where the
    most of the posts it pairs in a sentence overlap (`dating.estimated_date`), and flagged as
    read at a guessed date. The Herald's report on Brendan Rodgers' return to Celtic (train
    t0044, published 2023-06-09), its date taken away: read at 2023-06, his Celtic pair now, his
    Leicester City pair (his post to 2023-04) past. A report that pairs no one with a team he
    held a dated post at (train t0013, on Nigeria's qualifier) stays undated."""
    from dataclasses import replace

    from dugout.extract.dating import estimated_date

    doc, sentence = EDGE_REPORT
    kb = load_kb()
    article = next(iter(train_articles({doc})))
    parsed = next(iter(parse_articles([replace(article, published=None)])))
    resolved = Resolver(kb).resolve(parsed)
    report = ReportView.of(resolved, kb, [None] * len(resolved.sentences))
    assert (report.kb_date, report.date_guessed) == ("2023-06", True)
    index = _index(resolved, sentence)
    pairs = {
        c.object.entity.name: set(kb_pair_features(c.subject, c.object, report))
        for c in CandidateMaker(kb)(resolved)
        if c.sentence == index and c.subject.entity.name == "Brendan Rodgers" and c.object is not None
    }
    assert {"kb_pair_now=head_coach", "kb_pair_date_guessed"} <= pairs["Celtic"]
    assert {"kb_pair_past=head_coach", "kb_pair_date_guessed"} <= pairs["Leicester City"]
    quiet = Resolver(kb).resolve(next(iter(parse_articles(train_articles({"t0013"})))))
    assert quiet.article.published is None and estimated_date(quiet, kb) is None
