"""What the attribution pass sees of a sentence: the sentence, its mentions, the report and the
knowledge base."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from dugout.kb.index import KnowledgeBase
from dugout.nlp.entities import Mention, ResolvedArticle, SentenceView


@dataclass
class SentenceContext:
    """One sentence with the one before it, the report and the knowledge base."""

    view: SentenceView
    article: ResolvedArticle
    kb: KnowledgeBase
    index: int
    previous: SentenceView | None

    @property
    def span(self) -> Span:
        return self.view.span

    @property
    def doc(self):
        return self.view.span.doc

    @property
    def mentions(self) -> list[Mention]:
        return self.view.mentions

    def teams(self) -> list[Mention]:
        return [m for m in self.view.mentions if m.is_team]

    def mention_of(self, token: Token | None) -> Mention | None:
        if token is None:
            return None
        return self.view.mention_at(token)
