"""Very long reports: the learned sentence screen and the parse budget (dugout.extract.screen).

A report over `LONG_REPORT_CHARS` is parsed only in the sentences the screen ranks likeliest to
carry a claim, up to `PARSE_BUDGET_CHARS`; anything shorter is parsed whole. The screen is
trained and checked on training reports (../shared/eval/train); the long report is real corpus
text joined (../shared/corpus).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dugout.extract.model import load_model
from dugout.extract.pipeline import SHIPPED_MODEL, Extractor
from dugout.extract.screen import (
    LONG_REPORT_CHARS,
    PARSE_BUDGET_CHARS,
    SentenceScreen,
    carries_claim,
    labelled_sentences,
    ranked_recall,
    report_sentences,
)
from dugout.extract.train import read_annotated
from dugout.nlp.pipeline import _pieces
from dugout.records import Article

try:
    from tests.corpus_text import corpus_text
except ImportError:  # tests/ is not a package: pytest put the folder itself on sys.path
    from corpus_text import corpus_text


@pytest.fixture(scope="module")
def train_reports(shared_dir: Path):
    return read_annotated(shared_dir / "eval" / "train")[:300]


def _labelled(reports):
    texts, labels = [], []
    for r in reports:
        t, y = labelled_sentences(r.article, r.gold)
        texts += t
        labels += y
    return texts, np.array(labels)


def test_a_sentence_carries_a_claim_when_a_gold_evidence_lies_in_it_or_it_in_one() -> None:
    evidence = ["Arteta signed a new deal. He is staying until 2027."]
    assert carries_claim("He is staying  until 2027.", evidence)  # a part of a two-sentence evidence
    assert carries_claim("Reports say: Arteta signed a new deal. He is staying until 2027. Good.", evidence)
    assert not carries_claim("Arsenal won 2-0.", evidence)
    assert not carries_claim("   ", evidence)


def test_the_screen_ranks_claim_sentences_first_on_reports_it_was_not_fitted_on(train_reports) -> None:
    """The general rule: a screen fitted on some training reports puts the sentences that carry
    claims of other reports first, far above their share of the text."""
    fit_texts, fit_labels = _labelled(train_reports[:200])
    screen = SentenceScreen().fit(fit_texts, fit_labels)
    texts, labels = _labelled(train_reports[200:])
    recall = ranked_recall(screen.score(texts), texts, labels, (0.2, 0.5))
    assert recall[0.2] > 0.4 and recall[0.5] > 0.75, recall
    assert recall[0.2] < recall[0.5] <= 1.0


def test_a_report_up_to_the_threshold_is_parsed_whole(train_reports) -> None:
    screen = SentenceScreen().fit(*_labelled(train_reports[:50]))
    article = train_reports[0].article
    assert len(article.text) <= LONG_REPORT_CHARS
    assert screen.choose(article, report_sentences(article)) is None
    assert _pieces(article, select=screen.choose) == _pieces(article)


def long_report(shared_dir: Path, chars: int) -> Article:
    return Article(id="long", text=corpus_text(shared_dir, chars), published="2024-11-06")


def test_a_long_report_spends_the_budget_on_its_best_sentences(shared_dir: Path, train_reports) -> None:
    screen = SentenceScreen().fit(*_labelled(train_reports[:100]))
    article = long_report(shared_dir, 3 * LONG_REPORT_CHARS)
    paragraphs = report_sentences(article)
    keep = screen.choose(article, paragraphs)
    assert keep is not None and [len(k) for k in keep] == [len(p) for p in paragraphs]
    chosen = [s for p, k in zip(paragraphs, keep, strict=True) for s, kept in zip(p, k, strict=True) if kept]
    assert PARSE_BUDGET_CHARS * 0.95 < sum(map(len, chosen)) <= PARSE_BUDGET_CHARS
    flat = [s for p in paragraphs for s in p]
    scores = dict(zip(flat, screen.score(flat), strict=True))
    taken = set(chosen)
    left = [s for s in flat if s not in taken]
    assert np.median([scores[s] for s in chosen]) > np.median([scores[s] for s in left])
    for offset, piece in _pieces(article, select=screen.choose):
        assert article.text[offset : offset + len(piece)] == piece


def test_the_shipped_model_has_a_screen_and_a_long_report_keeps_verbatim_evidence(shared_dir: Path) -> None:
    assert load_model(SHIPPED_MODEL).screen_ is not None
    extractor = Extractor()
    article = long_report(shared_dir, 2 * LONG_REPORT_CHARS)
    parsed = next(extractor.parsed([article]))
    read = sum(len(p.doc.text) for p in parsed.paragraphs)
    assert PARSE_BUDGET_CHARS < read < 1.6 * PARSE_BUDGET_CHARS < len(article.text)
    for paragraph in parsed.paragraphs:
        text = paragraph.doc.text
        assert article.text[paragraph.offset : paragraph.offset + len(text)] == text
    claims = extractor.claims(extractor.instances(parsed))
    assert claims and all(c.evidence in article.text for c in claims)
