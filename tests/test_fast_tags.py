"""The model as dugout loads it (numpy BLAS, memoised attribute ruler and lemmatizer) annotates
exactly as the stock `spacy.load` does, token for token, on real reports."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from dugout.ingest.readers import ReadOptions, read_inputs
from dugout.nlp.pipeline import MODEL, load_nlp
from dugout.records import Article

ATTRS = ["ORTH", "TAG", "POS", "MORPH", "LEMMA", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "SENT_START"]


@pytest.fixture(scope="module")
def texts(shared_dir: Path) -> list[str]:
    found = []
    for name in ("seeds", "dev"):
        path = shared_dir / "eval" / name / "articles.jsonl"
        found += [
            a.text for a in read_inputs([str(path)], ReadOptions(allow_urls=False)) if isinstance(a, Article)
        ]
    return found[:30]


def test_fast_components_are_installed() -> None:
    names = load_nlp().pipe_names
    assert "dugout_fast_tags" in names
    assert "attribute_ruler" not in names and "lemmatizer" not in names


def test_same_annotations_as_stock_spacy(texts: list[str]) -> None:
    stock = spacy.load(MODEL)
    ours = load_nlp()
    for fast, slow in zip(ours.pipe(texts), stock.pipe(texts), strict=True):
        assert fast.to_array(ATTRS).tolist() == slow.to_array(ATTRS).tolist(), fast.text[:80]
        assert [str(t.morph) for t in fast] == [str(t.morph) for t in slow]
        assert [t.lemma_ for t in fast] == [t.lemma_ for t in slow]
