"""The model as dugout loads it (numpy BLAS, memoised attribute ruler and lemmatizer) annotates
exactly as the stock `spacy.load` does, token for token, on real reports; its tokenizer also
splits a sentence run into the next after a number."""

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


def test_a_sentence_run_into_the_next_after_a_number_is_split(corpus_articles) -> None:
    """General rule: a full stop between a number (two digits, or a score) and a capitalised
    word ends a sentence, as spaCy already splits one after a lower-case word; a single digit
    before it is a name ("2.Bundesliga") and stays one token. Corpus ziv-kgtribuna-72 ("until
    the end of June, 2025.Kimmich"), ziv-gdelt-1ed77a2e5620 ("in 2011.The summer"),
    ziv-gdelt-017439e7578d ("2.Bundesliga side")."""
    nlp = load_nlp()
    found = {
        a.id: a.text
        for a in corpus_articles({"ziv-kgtribuna-72", "ziv-gdelt-1ed77a2e5620", "ziv-gdelt-017439e7578d"})
    }
    for doc_id, run_on in (("ziv-kgtribuna-72", "2025.Kimmich"), ("ziv-gdelt-1ed77a2e5620", "2011.The")):
        text = found[doc_id]
        at = text.index(run_on)
        end = text.find("\n", at)
        paragraph = text[text.rfind("\n", 0, at) + 1 : end if end >= 0 else len(text)]
        sentences = [s.text for s in nlp(paragraph).sents]
        before, after = run_on.split(".")
        assert any(s.endswith(before + ".") for s in sentences), sentences
        assert any(s.startswith(after) for s in sentences), sentences
    text = found["ziv-gdelt-017439e7578d"]
    at = text.index("2.Bundesliga")
    assert "2.Bundesliga" in [t.text for t in nlp(text[max(0, at - 80) : at + 80])]


def test_throughput_bench_times_each_component_of_the_parse(
    shared_dir: Path, tmp_path: Path, capsys, load_script
) -> None:
    """`bench/throughput.py --modes stages` times each component of dugout's own pipeline over
    the paragraphs `parse_articles` gives the parser (here the two seed reports): every component
    once, each a share of the whole, the tokenizer first."""
    bench = load_script(Path(__file__).parents[1] / "bench" / "throughput.py", "throughput_bench")
    sample = tmp_path / "sample.jsonl"
    reports, words = bench.write_sample(shared_dir / "eval" / "seeds" / "articles.jsonl", 2, sample)
    assert reports == 2 and words > 500
    stages = bench.stage_seconds(sample)
    assert list(stages) == ["tokenizer", *load_nlp().pipe_names]
    assert all(seconds > 0 for seconds in stages.values())
    bench.print_stages(stages)
    printed = capsys.readouterr().out
    assert all(name in printed for name in stages) and "%" in printed
