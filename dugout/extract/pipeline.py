"""From reports to claims: parse, resolve, propose candidates, let the trained model decide.

    Article ──parse──▶ sentences ──resolve──▶ mentions ──pairs──▶ candidates ──features──▶ rows
        rows ──ClaimModel.predict──▶ scores ──decode (thresholds, one claim per key)──▶ Claim[]

Every decision about what is a claim is the trained model's (`dugout train` rebuilds it from
annotated reports); this module only wires the stages. The model ships inside the package
(`trained/`), so nothing is trained or downloaded at run time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from dugout.extract.attribution import infer_outlet
from dugout.extract.decode import decode
from dugout.extract.instances import ReportInstances, instances_of
from dugout.extract.model import ClaimModel, Row, load_model
from dugout.extract.pairs import CandidateMaker
from dugout.kb.index import KnowledgeBase, load_kb
from dugout.kb.outlets import report_outlet
from dugout.nlp.entities import Resolver
from dugout.nlp.pipeline import ParsedArticle, Screen, parse_articles
from dugout.records import Article, Claim

SHIPPED_MODEL = Path(__file__).parent / "trained"
"""The model that ships with the package: trained on ../shared/eval/train by `dugout train`."""


MODEL_ENV = "DUGOUT_MODEL"
"""A model folder to use instead of the shipped one (what `--model` sets, so worker processes
and the web server's extractor use the same model)."""


def default_model() -> Path:
    """The model folder an Extractor loads when it is given none: $DUGOUT_MODEL, else the shipped one."""
    chosen = os.environ.get(MODEL_ENV)
    return Path(chosen) if chosen else SHIPPED_MODEL


@lru_cache(maxsize=4)
def shipped_model(directory: Path = SHIPPED_MODEL) -> ClaimModel:
    """The claim model of a folder, loaded once per process."""
    return load_model(directory)


class Extractor:
    """The whole path from Articles to claims, the model and knowledge base loaded once.

    `model` is a trained `ClaimModel` or the folder of one (default: `default_model()`);
    `screen` (see `dugout.nlp.pipeline.screened_ranges`) parses only the sentences it lets
    through, None parses everything.
    """

    def __init__(
        self,
        kb: KnowledgeBase | None = None,
        model: ClaimModel | Path | None = None,
        screen: Screen | None = None,
    ) -> None:
        self.kb = kb or load_kb()
        self.resolver = Resolver(self.kb)
        self.maker = CandidateMaker(self.kb)
        if model is None or isinstance(model, Path):
            model = shipped_model(model or default_model())
        self.model = model
        self.screen = screen

    def parsed(self, articles: Iterable[Article]) -> Iterator[ParsedArticle]:
        for parsed in parse_articles(articles, screen=self.screen):
            article = parsed.article
            article.outlet = report_outlet(article.outlet, article.url) or infer_outlet(article.text, self.kb)
            yield parsed

    def resolve(self, parsed: ParsedArticle):
        """The report's mentions resolved against the knowledge base."""
        return self.resolver.resolve(parsed)

    def instances(self, parsed: ParsedArticle) -> ReportInstances:
        """One parsed report's candidates, features and attributions (what training reads too)."""
        return instances_of(self.resolve(parsed), self.kb, self.maker)

    def claims(self, instances: ReportInstances) -> list[Claim]:
        rows = [Row(f, c.kind) for f, c in zip(instances.features, instances.candidates, strict=True)]
        predictions = self.model.predict(rows)
        return decode(
            instances.resolved,
            instances.candidates,
            predictions,
            instances.attributions,
            self.model.thresholds_,
        )

    def run(
        self, articles: Iterable[Article], on_error: Callable[[Article, Exception], None] | None = None
    ) -> Iterator[tuple[Article, list[Claim]]]:
        """Claims of each report. A report that breaks the extractor is passed to `on_error` and
        skipped, so one odd page never stops a batch of thousands; without `on_error` it raises."""
        for parsed in self.parsed(articles):
            try:
                claims = self.claims(self.instances(parsed))
            except Exception as e:  # noqa: BLE001 - reported per report, the batch goes on
                if on_error is None:
                    raise
                on_error(parsed.article, e)
                continue
            yield parsed.article, claims
