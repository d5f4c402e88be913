"""Which sentences of a very long report to parse: a learned sentence screen under a budget.

Parsing is most of extraction's time and grows with length: a 1,000,000-character report took
24 s to parse and 13 s more to resolve, pair and score (bench/long_report.py). News reports are
far shorter (the longest of the 13,070 corpus reports holds about 15,000 characters), so a
report of up to `LONG_REPORT_CHARS` is parsed whole, as always. A longer one, which is a
concatenation, a live blog or hostile input, is parsed only in the sentences most likely to
carry a claim, in reading order with the context they lean on, up to `PARSE_BUDGET_CHARS`:
its time then stays bounded by its length times the cost of scoring a sentence's words.

`SentenceScreen` is trained by `dugout train` on the same annotated reports as the claim model:
a rough sentence (`rough_sentences`, the split the parse step uses) is a positive when a gold
claim's evidence lies in it. Its features are the sentence's words and word pairs as written
(case kept: names are capitalised), hashed, so the model holds one array and no vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

from dugout.evaluate import squash
from dugout.nlp.pipeline import blocks_of, rough_sentences
from dugout.records import Article

LONG_REPORT_CHARS = 100_000
"""Reports longer than this are parsed only in the sentences the screen chooses."""

PARSE_BUDGET_CHARS = 100_000
"""The characters of the sentences the screen chooses in a long report (their context, the
sentence before or after that a chosen one leans on, comes on top)."""

HASHED_FEATURES = 2**18


def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        n_features=HASHED_FEATURES,
        ngram_range=(1, 2),
        lowercase=False,
        alternate_sign=False,
        token_pattern=r"(?u)\b\w+\b",
    )


def report_sentences(article: Article) -> list[list[str]]:
    """The rough sentences of each paragraph the parse step would read, in reading order."""
    out = []
    for block in blocks_of(article):
        text = article.text[block.start : block.end]
        out.append([text[s:e] for s, e in rough_sentences(text)])
    return out


def carries_claim(sentence: str, evidence: Sequence[str]) -> bool:
    """Whether a gold evidence lies in the sentence or the sentence in an evidence (two-sentence
    evidence, or a rough split finer than the parser's)."""
    s = squash(sentence)
    return bool(s) and any(s in e or e in s for e in evidence if e)


def labelled_sentences(article: Article, gold: Iterable[dict]) -> tuple[list[str], list[int]]:
    """A report's rough sentences and, for each, 1 when a gold claim's evidence lies in it."""
    evidence = [squash(g.get("evidence")) for g in gold]
    texts = [s for paragraph in report_sentences(article) for s in paragraph]
    return texts, [int(carries_claim(s, evidence)) for s in texts]


class SentenceScreen:
    """Scores sentences by how likely they carry a claim (fit/score, scikit-learn style)."""

    def __init__(self, C: float = 1.0, seed: int = 0) -> None:
        self.C = C
        self.seed = seed

    def fit(self, texts: Sequence[str], labels: Sequence[int]) -> SentenceScreen:
        X = _vectorizer().transform(texts)
        self.model_ = LogisticRegression(C=self.C, max_iter=1000, random_state=self.seed)
        self.model_.fit(X, np.asarray(labels))
        return self

    def score(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        return self.model_.decision_function(_vectorizer().transform(texts))

    def choose(
        self, article: Article, paragraphs: list[list[str]], budget: int = PARSE_BUDGET_CHARS
    ) -> list[list[bool]] | None:
        """Which sentences of each paragraph to parse: None (all of them) for a report of up to
        `LONG_REPORT_CHARS`; else the best-scoring ones whose lengths add up to `budget`
        (ties go to the earlier sentence)."""
        if len(article.text) <= LONG_REPORT_CHARS:
            return None
        flat = [s for paragraph in paragraphs for s in paragraph]
        scores = self.score(flat)
        keep = np.zeros(len(flat), dtype=bool)
        spent = 0
        for i in np.argsort(-scores, kind="stable"):
            if spent + len(flat[i]) > budget:
                continue
            keep[i] = True
            spent += len(flat[i])
        out, at = [], 0
        for paragraph in paragraphs:
            out.append(keep[at : at + len(paragraph)].tolist())
            at += len(paragraph)
        return out


def ranked_recall(
    scores: np.ndarray, texts: Sequence[str], labels: np.ndarray, shares: Iterable[float]
) -> dict[float, float]:
    """For each share of the characters: the share of positive sentences among the best-scoring
    sentences that fit in it (what a budget of that share of a long report keeps)."""
    if not labels.sum():
        return {}
    lengths = np.array([len(t) for t in texts], dtype=float)
    order = np.argsort(-scores, kind="stable")
    chars = np.cumsum(lengths[order]) / lengths.sum()
    found = np.cumsum(labels[order]) / labels.sum()
    out = {}
    for share in shares:
        within = np.searchsorted(chars, share, side="right")
        out[share] = float(found[within - 1]) if within else 0.0
    return out
