"""From reports to claims: parse, resolve, propose candidates, let the trained model decide.

    Article ──parse──▶ sentences ──resolve──▶ mentions ──pairs──▶ candidates ──features──▶ rows
        rows ──ClaimModel.predict──▶ scores ──decode (thresholds, margins, one claim per key)──▶ Claim[]

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
from dugout.nlp.pipeline import ParsedArticle, parse_articles
from dugout.records import Article, Claim

SHIPPED_MODEL = Path(__file__).parent / "trained"
"""The model that ships with the package: trained on ../shared/eval/train by `dugout train`."""


PREDICT_BATCH = 16
"""Reports whose candidates the model scores in one call (`Extractor.run`): measured on 80 corpus
reports, the trees took 40% less time in one batch than report by report."""


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

    `model` is a trained `ClaimModel` or the folder of one (default: `default_model()`). A report
    is parsed whole, unless it is longer than `extract.screen.LONG_REPORT_CHARS`: then only the
    sentences the model's sentence screen chooses within its budget are parsed.
    """

    def __init__(self, kb: KnowledgeBase | None = None, model: ClaimModel | Path | None = None) -> None:
        self.kb = kb or load_kb()
        self.resolver = Resolver(self.kb)
        self.maker = CandidateMaker(self.kb)
        if model is None or isinstance(model, Path):
            model = shipped_model(model or default_model())
        self.model = model

    def parsed(self, articles: Iterable[Article]) -> Iterator[ParsedArticle]:
        screen = self.model.screen_
        for parsed in parse_articles(articles, select=screen.choose if screen is not None else None):
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
        return self.claims_of([instances])[0]

    def claims_of(self, batch: list[ReportInstances]) -> list[list[Claim]]:
        """The claims of several reports, their candidates scored in one call of the model: the
        trees cost less per candidate in one large batch than in many small ones (the same
        scores either way: tests/test_learned_extraction.py)."""
        rows = [Row(f, c.kind) for inst in batch for f, c in zip(inst.features, inst.candidates, strict=True)]
        predictions = self.model.predict(rows)
        out, at = [], 0
        for inst in batch:
            mine = predictions[at : at + len(inst.candidates)]
            at += len(inst.candidates)
            out.append(
                decode(
                    inst.resolved,
                    inst.candidates,
                    mine,
                    inst.attributions,
                    self.model.thresholds_,
                    self.model.margins_,
                )
            )
        return out

    def run(
        self, articles: Iterable[Article], on_error: Callable[[Article, Exception], None] | None = None
    ) -> Iterator[tuple[Article, list[Claim]]]:
        """Claims of each report, in order. A report that breaks the extractor is passed to
        `on_error` and skipped, so one odd page never stops a batch of thousands; without
        `on_error` it raises. Reports are scored `PREDICT_BATCH` at a time."""
        batch: list[tuple[Article, ReportInstances]] = []
        for parsed in self.parsed(articles):
            try:
                batch.append((parsed.article, self.instances(parsed)))
            except Exception as e:  # noqa: BLE001 - reported per report, the batch goes on
                if on_error is None:
                    raise
                on_error(parsed.article, e)
            if len(batch) >= PREDICT_BATCH:
                yield from self._finish(batch, on_error)
                batch = []
        yield from self._finish(batch, on_error)

    def _finish(
        self, batch: list[tuple[Article, ReportInstances]], on_error
    ) -> Iterator[tuple[Article, list[Claim]]]:
        """Claims of a batch of reports; if the batch fails, report by report, so the failure is
        the one report's."""
        if not batch:
            return
        try:
            claims = self.claims_of([inst for _a, inst in batch])
        except Exception:  # noqa: BLE001 - retried one by one to find the report at fault
            claims = None
        if claims is not None:
            yield from ((article, found) for (article, _i), found in zip(batch, claims, strict=True))
            return
        for article, inst in batch:
            try:
                found = self.claims(inst)
            except Exception as e:  # noqa: BLE001 - reported per report, the batch goes on
                if on_error is None:
                    raise
                on_error(article, e)
                continue
            yield article, found
