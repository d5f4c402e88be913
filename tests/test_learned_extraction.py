"""The learned extraction: training on a small sample of annotated reports, saving and loading,
determinism, the shipped model, and the CLI verbs (`dugout train`, `dugout model`).

The small-sample tests follow spaCy's `test_overfitting_IO`: fix the seed, train on a few real
training reports (../shared/eval/train), check the model learns them, save, load, and check the
loaded model predicts the same, report by report and all at once.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction import DictVectorizer

from dugout.evaluate import squash
from dugout.extract.model import (
    ClaimModel,
    ModelError,
    encode,
    kb_dropout,
    load_model,
    read_card,
    rows_of_type,
    save_model,
)
from dugout.extract.pairs import TYPES_OF_KIND
from dugout.extract.pipeline import SHIPPED_MODEL, Extractor
from dugout.extract.train import (
    FOLDS,
    TrainingDataError,
    cutoffs_of,
    decode_all,
    fit,
    prepare,
    read_annotated,
    score_claims,
    uniform,
)

SAMPLE = 12
"""Training reports in the small sample: enough for every kind of candidate, seconds to fit."""


@pytest.fixture(scope="module")
def sample_dir(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first training reports and their gold claims, as an annotated folder of their own."""
    folder = tmp_path_factory.mktemp("annotated")
    train = shared_dir / "eval" / "train"
    records = [json.loads(x) for x in (train / "articles.jsonl").open(encoding="utf-8")][:SAMPLE]
    ids = {r["id"] for r in records}
    gold = [json.loads(x) for x in (train / "gold.jsonl").open(encoding="utf-8")]
    (folder / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (folder / "gold.jsonl").write_text(
        "".join(json.dumps(g) + "\n" for g in gold if g["doc"] in ids), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def sample(sample_dir: Path):
    return prepare(read_annotated(sample_dir), Extractor(model=ClaimModel()))


@pytest.fixture(scope="module")
def small_model(sample) -> ClaimModel:
    return fit(sample, seed=0, learner="logistic", C=4.0, min_count=1)


def _claims(reports, model, one_at_a_time: bool = True):
    if one_at_a_time:
        predictions = [model.predict(r.rows) for r in reports]
    else:  # every report's rows in one batch, split back afterwards
        rows = [row for r in reports for row in r.rows]
        flat = model.predict(rows)
        predictions, k = [], 0
        for r in reports:
            predictions.append(flat[k : k + len(r.rows)])
            k += len(r.rows)
    return [c.to_dict() for c in decode_all(reports, predictions, cutoffs_of(model))]


def test_the_model_learns_the_reports_it_is_trained_on(sample, small_model) -> None:
    s = score_claims(
        sample, decode_all(sample, [small_model.predict(r.rows) for r in sample], cutoffs_of(small_model))
    )
    precision, recall, f1 = s.total()
    assert f1 > 0.8, s.per_type()  # a model that cannot fit 12 reports has a broken label or feature path
    assert s.bad_evidence == 0


def test_save_load_predict_the_same_one_at_a_time_and_in_a_batch(sample, small_model, tmp_path: Path) -> None:
    save_model(small_model, tmp_path / "m", {"name": "test"})
    loaded = load_model(tmp_path / "m")
    before = _claims(sample, small_model)
    assert _claims(sample, loaded) == before
    assert _claims(sample, loaded, one_at_a_time=False) == before
    assert read_card(tmp_path / "m") == {"name": "test"}


FEATURE_KEYS = st.sampled_from(
    [f"w={w}" for w in ("sack", "sign", "bid", "loan", "boss")] + ["neg", "quote", "kind=x"]
)


@settings(max_examples=60, deadline=None)
@given(
    fitted=st.lists(st.dictionaries(FEATURE_KEYS, st.floats(-5, 5), max_size=6), min_size=1, max_size=5),
    rows=st.lists(
        st.dictionaries(st.one_of(FEATURE_KEYS, st.text(max_size=8)), st.floats(-1e6, 1e6), max_size=8),
        min_size=1,
        max_size=6,
    ),
)
def test_encoding_is_what_the_vectorizer_gives(fitted, rows) -> None:
    """`encode` is a faster `DictVectorizer.transform` for numeric features: the same matrix,
    keys the vectorizer never saw ignored; and no rows, an empty matrix (where `transform` raises)."""
    vectorizer = DictVectorizer().fit(fitted)
    expected = vectorizer.transform(rows).toarray()
    assert np.array_equal(encode(vectorizer, rows).toarray(), expected)
    assert encode(vectorizer, []).shape == (0, len(vectorizer.feature_names_))


def test_detectors_score_only_rows_of_their_kinds(sample) -> None:
    """A detector scores the candidates of the kinds its type can come from, and only those
    (the rest are 0 and never reach a claim): the same scores as running every detector on every row."""
    model = fit(sample, seed=1, learner="lightgbm", trees=10, tree_min_count=2)
    rows = [row for r in sample for row in r.rows]
    X_trees = model._detector_input(encode(model.vectorizer_, (r.features for r in rows)))
    for claim_type, detector in model.detectors_.items():
        if detector is None:
            continue
        every_row = detector.predict_proba(X_trees)[:, list(detector.classes_).index(True)]
        wanted = np.array([claim_type in TYPES_OF_KIND[row.kind] for row in rows])
        expected = np.where(wanted, every_row, 0.0)
        assert np.allclose(
            model._scores(claim_type, X_trees, rows_of_type(claim_type, rows)), expected, rtol=0, atol=1e-12
        )


def test_kb_dropout_reads_a_share_of_known_people_as_unknown(sample) -> None:
    """General rule of training: a seeded share of the rows whose subject is a person the
    knowledge base knows lose what it says of him (his posts, his post at the team) and read as
    unknown, the same rows for the same seed; rows of unknown people, of clubs, and every
    feature of the text are left as they are."""
    rows = [row for report in sample for row in report.rows]
    known = [k for k, r in enumerate(rows) if "s_kind=person" in r.features and "s_known=True" in r.features]
    assert known and any(k not in known for k in range(len(rows)))
    dropped = kb_dropout(rows, 0.3, seed=4)
    assert dropped == kb_dropout(rows, 0.3, seed=4) and kb_dropout(rows, 0.0, seed=4) == rows
    changed = [k for k, (a, b) in enumerate(zip(rows, dropped, strict=True)) if a.features != b.features]
    assert set(changed) <= set(known) and 0.2 < len(changed) / len(known) < 0.4
    for k in changed:
        before, after = rows[k].features, dropped[k].features
        assert "s_known=False" in after and not any(f.startswith(("s_kb_role=", "kb_pair")) for f in after)
        assert {f for f in before if f.startswith(("s_left", "path=", "w="))} <= set(after)
        assert dropped[k].labels is rows[k].labels and dropped[k].kind == rows[k].kind


def test_trees_read_every_positive_and_a_share_of_negatives() -> None:
    """With `negatives` below 1 a detector is fitted on every positive and about that share of
    the negatives, each kept negative weighing 1/share, the same rows for the same seed."""
    model = ClaimModel(seed=2, trees=5, tree_min_count=2, negatives=0.25)
    fitted: list[tuple[np.ndarray, np.ndarray]] = []

    class Recording:
        def fit(self, X, y, sample_weight=None):
            fitted.append((y, sample_weight))
            return self

    model._detector = Recording
    y = np.array([k % 10 == 0 for k in range(4000)])
    for _ in range(2):
        model._fit_detector(np.zeros((len(y), 1)), y)
    (kept, weight), (again, _w) = fitted
    assert kept.sum() == y.sum() and 0.2 < (~kept).sum() / (~y).sum() < 0.3
    assert set(weight[kept]) == {1.0} and set(weight[~kept]) == {4.0}
    assert np.array_equal(kept, again)


def test_each_detector_blends_its_trees_with_a_logistic_model(sample) -> None:
    """A LightGBM model scores a candidate (1 - w) trees + w logistic for each type it can be,
    0 for the types its kind cannot be; with weight 0 there is no logistic detector at all."""
    model = fit(sample[:8], seed=0, trees=10, tree_min_count=2, linear_weight=0.35)
    assert model.linear_ and set(model.linear_) <= {t for t, d in model.detectors_.items() if d is not None}
    rows = [row for r in sample[8:] for row in r.rows]
    X = encode(model.vectorizer_, (r.features for r in rows))
    for claim_type, linear in model.linear_.items():
        of_type = rows_of_type(claim_type, rows)
        trees = model._scores(claim_type, model._detector_input(X), of_type)
        blended = model._blend(claim_type, trees, X, of_type)
        can = np.array([claim_type in TYPES_OF_KIND[r.kind] for r in rows])
        alone = linear.predict_proba(X[can])[:, list(linear.classes_).index(True)]
        assert np.allclose(blended[can], 0.65 * trees[can] + 0.35 * alone)
        assert not blended[~can].any()
        assert not np.allclose(blended[can], trees[can])
    assert fit(sample[:8], seed=0, trees=10, tree_min_count=2, linear_weight=0.0).linear_ is None


def test_values_are_read_by_trees_only_where_a_claim_can_stand(sample) -> None:
    """A LightGBM model reads values with trees, and only for candidates whose type scores at
    least `SCORE_FLOOR`, the lowest threshold training can choose: there the value is the trees'
    best for that row alone; below it a candidate is no claim at any threshold, so no value is read
    (None, and 0 for each value of a keyed type)."""
    from lightgbm import LGBMClassifier

    from dugout.extract.model import KEYED_VALUES, SCORE_FLOOR
    from dugout.extract.train import THRESHOLD_GRID

    assert min(THRESHOLD_GRID) >= SCORE_FLOOR
    model = fit(sample, seed=1, learner="lightgbm", trees=10, tree_min_count=2, value_trees=10)
    rows = [row for r in sample for row in r.rows]
    predictions = model.predict(rows)
    X = encode(model.vectorizer_, (r.features for r in rows))
    trees = {t: m for t, m in model.values_.items() if isinstance(m, LGBMClassifier)}
    assert {"coach_of", "transfer"} <= set(trees)
    seen = Counter()
    for k, prediction in enumerate(predictions):
        for claim_type, value_model in trees.items():
            if claim_type not in prediction.scores:
                continue
            above = prediction.scores[claim_type] >= SCORE_FLOOR
            seen[above] += 1
            alone = value_model.predict(model._value_input(claim_type, X[k]))[0]
            assert prediction.values[claim_type] == (alone if above else None)
            if claim_type in KEYED_VALUES and not above:
                assert set(prediction.value_scores[claim_type].values()) == {0.0}
    assert seen[True] and seen[False]


def test_the_same_seed_gives_the_same_model(sample) -> None:
    first = fit(sample, seed=3, learner="lightgbm", trees=20, tree_min_count=2)
    second = fit(sample, seed=3, learner="lightgbm", trees=20, tree_min_count=2)
    assert _claims(sample, first) == _claims(sample, second)


def test_evidence_is_a_verbatim_sentence_of_the_report(sample, small_model) -> None:
    texts = {r.doc: r.instances.resolved.article.text for r in sample}
    for claim in _claims(sample, small_model):
        assert claim["evidence"] in texts[claim["doc"]]


def test_a_damaged_model_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no trained claim model"):
        load_model(tmp_path)
    (tmp_path / "model.skops").write_bytes(b"not a zip file")
    with pytest.raises(ModelError, match="not a readable claim model"):
        load_model(tmp_path)


def test_annotated_data_problems_name_the_file(tmp_path: Path, sample_dir: Path) -> None:
    with pytest.raises(TrainingDataError, match="articles.jsonl: missing"):
        read_annotated(tmp_path)
    shutil.copy(sample_dir / "articles.jsonl", tmp_path / "articles.jsonl")
    (tmp_path / "gold.jsonl").write_text('{"doc": "t0001", "type": "coach_of"}\n{"doc": \n', encoding="utf-8")
    with pytest.raises(TrainingDataError, match=r"gold.jsonl:2: not valid JSON"):
        read_annotated(tmp_path)
    (tmp_path / "gold.jsonl").write_text('{"doc": "nowhere", "type": "coach_of"}\n', encoding="utf-8")
    with pytest.raises(TrainingDataError, match="report 'nowhere' is not in"):
        read_annotated(tmp_path)


def _dugout(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dugout.cli", *args], capture_output=True, text=True, timeout=900
    )


@pytest.mark.slow
def test_train_and_model_verbs(sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    done = _dugout(
        "train", "--data", str(sample_dir), "--folds", "2", "--trees", "30", "--negatives", "0.5",
        "-o", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (out / "model.skops").is_file() and (out / "meta.json").is_file()
    card = json.loads(_dugout("model", str(out), "--json").stdout)
    assert card["trained_on"]["reports"] == SAMPLE
    assert card["cross_validation"]["folds"] == 2 and 0 <= card["cross_validation"]["f1"] <= 1
    assert (card["model"]["trees"], card["model"]["negatives"]) == (30, 0.5)
    assert load_model(out).detectors_["coach_of"].n_estimators == 30
    screen = card["sentence_screen"]
    assert 0 < screen["with_claims"] < screen["sentences"]
    assert set(screen["cv_recall_at_share_of_chars"]) == {"10%", "20%", "50%"}
    assert load_model(out).screen_ is not None
    shown = " ".join(_dugout("model", str(out)).stdout.split())
    assert "cross-validation by report" in shown and "TOTAL" in shown and "30 trees on 0.5" in shown
    assert "sentence screen: a report over 100,000 characters" in shown
    bad = _dugout("train", "--data", str(tmp_path / "nowhere"), "-o", str(tmp_path / "x"))
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "missing" in bad.stderr


def test_dugout_train_defaults_to_the_folds_of_train() -> None:
    import inspect

    from dugout.commands.model import train_command
    from dugout.extract.train import FOLDS, train

    assert inspect.signature(train_command).parameters["folds"].default == FOLDS
    assert inspect.signature(train).parameters["folds"].default == FOLDS


def test_the_shipped_model_loads_small_with_its_card() -> None:
    model = load_model(SHIPPED_MODEL)
    card = read_card(SHIPPED_MODEL)
    size = sum(p.stat().st_size for p in SHIPPED_MODEL.iterdir())
    assert size < 25 * 1024 * 1024
    assert card["trained_on"]["reports"] >= 600 and card["cross_validation"]["folds"] == FOLDS
    assert set(model.thresholds_) == set(card["thresholds"])
    assert model.margins_ == card["margins"] and set(model.margins_) == set(card["thresholds"])


def test_the_seed_reports_give_their_central_claims(shared_dir: Path) -> None:
    """The reference reports through the shipped model: both are about Carlo Ancelotti's Real
    Madrid, which each states plainly ("Ancelotti ... at Real Madrid"), and every claim quotes
    its report verbatim, in the spec's vocabularies."""
    from dugout.records import MODALITIES, VALUES, Article

    path = shared_dir / "eval" / "seeds" / "articles.jsonl"
    records = [json.loads(x) for x in path.open(encoding="utf-8")]
    fields = ("id", "url", "outlet", "published", "title", "text")
    articles = [Article(**{k: r.get(k) for k in fields}) for r in records]
    claims = [c for _a, cs in Extractor().run(articles) for c in cs]
    for article in articles:
        mine = [c for c in claims if c.doc == article.id]
        assert ("coach_of", "Carlo Ancelotti", "Real Madrid") in {(c.type, c.subject, c.object) for c in mine}
        for c in mine:
            assert squash(c.evidence) in squash(article.text)
            assert c.modality in MODALITIES and (not VALUES[c.type] or c.value in VALUES[c.type])
            assert c.polarity in ("affirmed", "negated") and 0 <= c.confidence <= 1


class _OneBadReport(Extractor):
    """The shipped extractor, except that scoring fails for a batch holding `bad` (as a report
    whose candidates broke the model would): what `run` must survive."""

    bad = ""

    def claims_of(self, batch):
        if any(inst.resolved.article.id == self.bad for inst in batch):
            raise ValueError("this report breaks the model")
        return super().claims_of(batch)


def test_a_report_that_breaks_a_batch_is_the_only_one_lost(sample_dir: Path) -> None:
    """`run` scores reports in batches; when a batch fails it retries report by report, so the
    report at fault goes to `on_error` and the others keep their claims and their order."""
    articles = [a.article for a in read_annotated(sample_dir)][:5]
    expected = [(a.id, [c.to_dict() for c in found]) for a, found in Extractor().run(articles)]
    extractor = _OneBadReport()
    extractor.bad = articles[2].id
    failed: list[str] = []
    got = [
        (a.id, [c.to_dict() for c in found])
        for a, found in extractor.run(articles, lambda a, e: failed.append(a.id))
    ]
    assert failed == [articles[2].id]
    assert got == [pair for pair in expected if pair[0] != articles[2].id]
    with pytest.raises(ValueError, match="breaks the model"):
        list(extractor.run(articles))


def test_a_result_is_oriented_by_who_won_not_by_the_order_written() -> None:
    """General rule: the orientation model says whether the subject won; the winner's goals come
    first whichever way the sentence writes the score ("lost 3-1" and "a 1-3 defeat" alike)."""
    from dugout.extract.labels import outcome_for_subject
    from dugout.extract.scores import oriented_value

    assert oriented_value((3, 1), "won") == oriented_value((1, 3), "won") == "3-1"
    assert oriented_value((3, 1), "lost") == oriented_value((1, 3), "lost") == "1-3"
    assert oriented_value((2, 2), "lost") == "2-2"
    assert (oriented_value((3, 1), "as_written"), oriented_value((3, 1), "reversed")) == ("3-1", "1-3")
    assert outcome_for_subject((1, 3), "3-1") == "won"
    assert outcome_for_subject((3, 1), "1-3") == "lost"
    assert outcome_for_subject((2, 2), "2-2") is None
    assert outcome_for_subject((2, 0), "3-1") is None


def test_result_labels_give_back_the_gold_score(sample) -> None:
    """On training reports, every won/lost label turns the sentence's score into the gold score."""
    from dugout.evaluate import names_match
    from dugout.extract.scores import oriented_value, written_score

    checked = 0
    for report in sample:
        inst = report.instances
        for candidate, row in zip(inst.candidates, report.rows, strict=True):
            label = row.labels.positive.get("match_result")
            if label is None or label.orientation is None:
                continue
            assert label.orientation in ("won", "lost")
            score = written_score(inst.resolved.sentences[candidate.sentence], candidate)
            mine = oriented_value(score, label.orientation)
            gold = [g for g in report.gold if g["type"] == "match_result" and g.get("value")]
            flipped = "-".join(reversed(mine.split("-")))
            subject = candidate.subject.entity.name
            assert any((mine if names_match(g["subject"], subject) else flipped) == g["value"] for g in gold)
            checked += 1
    assert checked >= 3


def test_pair_features_count_the_sentences_that_pair_the_two(sample) -> None:
    """A candidate's report-level cues say in how many sentences the report pairs its parties."""
    from dugout.extract.features import pair_key

    returning = 0
    for report in sample:
        candidates = report.instances.candidates
        sentences = Counter()
        for key in {(pair_key(c), c.sentence) for c in candidates}:
            sentences[key[0]] += 1
        for candidate, row in zip(candidates, report.rows, strict=True):
            n = sentences[pair_key(candidate)]
            bucket = next(e for e in (1, 2, 3, 5, 8, 99) if n <= e)
            assert row.features.get(f"pair_any_n={bucket if bucket != 99 else '>8'}") == 1.0
            returning += n > 1
    assert returning > 0


def _draft(claim_type: str, subject: str, obj: str, value: str, sentence: int, score: float):
    from dugout.extract.decode import Draft, claim_key
    from dugout.records import Claim

    claim = Claim("r", claim_type, subject, obj, value, "affirmed", "fact", f"sentence {sentence}")
    claim.extra = {"subject_id": subject.lower(), "object_id": obj.lower(), "sentence": sentence}
    return Draft(claim, claim_key(claim), score)


def test_a_title_or_a_score_read_two_ways_keeps_its_best_reading_sentence_by_sentence() -> None:
    """General rule of decoding, on hand-made offers: in one sentence a title goes to one
    organisation and a score to one pairing; a reading that loses there still stands on another
    sentence that offers it alone; other types and other sentences are left as they are."""
    from dugout.extract.decode import chosen

    offered = [
        _draft("holds_role", "Hugo Viana", "Manchester City", "sporting_director", 1, 0.6),
        _draft("holds_role", "Hugo Viana", "Sporting CP", "sporting_director", 1, 0.9),
        _draft("holds_role", "Hugo Viana", "Manchester City", "sporting_director", 4, 0.5),
        _draft("match_result", "Arsenal", "Chelsea", "2-0", 2, 0.8),
        _draft("match_result", "Arsenal", "Everton", "2-0", 2, 0.4),
        _draft("match_result", "Everton", "Fulham", "2-0", 3, 0.4),
        _draft("transfer", "Declan Rice", "Arsenal", "signed", 5, 0.7),
        _draft("transfer", "Declan Rice", "West Ham United", "signed", 5, 0.6),
    ]
    kept = {(d.claim.type, d.claim.object, d.claim.extra["sentence"]) for d in chosen(offered)}
    assert kept == {
        ("holds_role", "Sporting CP", 1),
        ("holds_role", "Manchester City", 4),
        ("match_result", "Chelsea", 2),
        ("match_result", "Fulham", 3),
        ("transfer", "Arsenal", 5),
        ("transfer", "West Ham United", 5),
    }


def test_a_subjects_weaker_reading_of_a_sentence_gives_way_to_its_type_margin() -> None:
    """General rule of decoding, on hand-made offers: in one sentence, a subject's claim of a type
    scoring under the type's margin times its best claim of that type is dropped ("joined Arsenal
    from West Ham" moves him to one club); readings that score alike stay (two suitors), as do
    another sentence's, another type's (no margin), and a job status's other value (its own key)."""
    from dugout.extract.decode import chosen

    offered = [
        _draft("transfer", "Declan Rice", "Arsenal", "signed", 1, 0.8),
        _draft("transfer", "Declan Rice", "West Ham United", "signed", 1, 0.4),
        _draft("transfer", "Declan Rice", "Chelsea", "interest", 2, 0.6),
        _draft("transfer", "Declan Rice", "Manchester City", "interest", 2, 0.5),
        _draft("candidate_for", "Thomas Frank", "Tottenham Hotspur", "linked", 1, 0.8),
        _draft("candidate_for", "Thomas Frank", "Brentford", "linked", 1, 0.2),
        _draft("job_status", "Gareth Southgate", "England", "at_risk", 4, 0.8),
        _draft("job_status", "Gareth Southgate", "England", "sacked", 4, 0.2),
    ]
    margins = {"transfer": 0.7}

    def kept(margins):
        return {(d.claim.object, d.claim.value, d.claim.extra["sentence"]) for d in chosen(offered, margins)}

    every = {(d.claim.object, d.claim.value, d.claim.extra["sentence"]) for d in offered}
    assert kept({}) == kept({"transfer": 0.0}) == every
    assert kept(margins) == kept({}) - {("West Ham United", "signed", 1)}
    assert ("Brentford", "linked", 1) not in kept({"candidate_for": 0.5})
    assert ("England", "sacked", 4) in kept({"job_status": 0.85})


def test_drafts_read_once_at_a_low_threshold_give_each_higher_ones_claims(sample, small_model) -> None:
    """What `train.choose_cutoffs` relies on to try every threshold and margin in one reading:
    the drafts offered at a low threshold, those under a higher one left out, give exactly the
    claims decoding at the higher one gives."""
    from dugout.extract.decode import chosen, decode
    from dugout.extract.train import offers_all

    predictions = [small_model.predict(r.rows) for r in sample]
    low = offers_all(sample, predictions, uniform(0.05).thresholds)
    for threshold, margin in ((0.05, 0.0), (0.3, 0.0), (0.3, 0.7), (0.6, 0.85)):
        cut = uniform(threshold, margin)
        direct = [  # what the pipeline decodes, report by report
            c
            for r, p in zip(sample, predictions, strict=True)
            for c in decode(
                r.instances.resolved,
                r.instances.candidates,
                p,
                r.instances.attributions,
                cut.thresholds,
                cut.margins,
            )
        ]
        above = [[d for d in drafts if d.score >= threshold] for drafts in low]
        kept = [d.claim for drafts in above for d in chosen(drafts, uniform(threshold, margin).margins)]
        assert [c.to_dict() for c in kept] == [c.to_dict() for c in direct]
    assert direct


def test_a_pair_stated_twice_is_read_from_its_first_sentence_with_its_best_score() -> None:
    """General rule of decoding, on hand-made offers: where the value is not part of the key, the
    claim of a candidate pair stated in several sentences takes the first sentence's evidence,
    value and modality (the report's news) and the best sentence's confidence; a transfer is read
    from its best-scoring sentence; where the value is part of the key (a job status), each
    reading is its own claim."""
    from dataclasses import replace

    from dugout.extract.decode import chosen

    later = _draft("candidate_for", "Xabi Alonso", "Real Madrid", "offered", 6, 0.9)
    offered = [
        replace(later, claim=replace(later.claim, confidence=0.9)),
        _draft("candidate_for", "Xabi Alonso", "Real Madrid", "linked", 2, 0.5),
        _draft("transfer", "Declan Rice", "Arsenal", "signed", 6, 0.9),
        _draft("transfer", "Declan Rice", "Arsenal", "interest", 2, 0.5),
        _draft("job_status", "Gareth Southgate", "England", "at_risk", 1, 0.4),
        _draft("job_status", "Gareth Southgate", "England", "resigned", 3, 0.8),
    ]
    kept = chosen(offered)
    candidate = next(d.claim for d in kept if d.claim.type == "candidate_for")
    assert (candidate.value, candidate.evidence, candidate.confidence) == ("linked", "sentence 2", 0.9)
    transfer = next(d.claim for d in kept if d.claim.type == "transfer")
    assert (transfer.value, transfer.evidence) == ("signed", "sentence 6")
    assert {d.claim.value for d in kept if d.claim.type == "job_status"} == {"at_risk", "resigned"}


def test_one_cue_gives_one_role_and_one_result(sample, small_model) -> None:
    """General rule of decoding: a title in a sentence goes to one organisation, and a score to one
    pairing of teams, even at a threshold low enough to offer several."""
    claims = decode_all(sample, [small_model.predict(r.rows) for r in sample], uniform(0.01))
    roles = Counter(
        (c.doc, c.subject, c.value, c.extra["sentence"]) for c in claims if c.type == "holds_role"
    )
    results = Counter(
        (c.doc, c.extra["sentence"], tuple(sorted(c.value.split("-"))))
        for c in claims
        if c.type == "match_result" and c.value
    )
    assert roles and results
    assert max(roles.values()) == 1 and max(results.values()) == 1


def _stand_ins(article, subject: str, team: str) -> list[dict]:
    """The features of each candidate pairing `subject` with `team` implied, not named."""
    extractor = Extractor(model=ClaimModel())
    instances = extractor.instances(next(iter(extractor.parsed([article]))))
    return [
        f
        for c, f in zip(instances.candidates, instances.features, strict=True)
        if c.subject.entity.name == subject
        and c.object is not None
        and c.object.entity.name == team
        and c.object.source != "here"
    ]


def test_a_club_the_sentence_does_not_name_is_read_through_what_stands_in_for_it(train_articles) -> None:
    """General rule: where a sentence pairs a player with a club it does not name, the features
    read the path to what stands for the club there: a club pronoun ("This month they have made
    the permanent additions of Andrey Santos", train t0063) or a person the knowledge base holds
    at the club then ("Dybala made the switch to Jose Mourinho's side", train t0041)."""
    articles = {a.id: a for a in train_articles({"t0063", "t0041"})}
    t0063, t0041 = articles["t0063"], articles["t0041"]
    pronoun = _stand_ins(t0063, "Andrey Santos", "Chelsea")
    assert pronoun and all(f.get("o_stand_in=pronoun") == 1.0 for f in pronoun)
    assert all(any(k.startswith("path=") for k in f) for f in pronoun)
    staff = _stand_ins(t0041, "Paulo Dybala", "Roma")
    assert staff and any(f.get("o_stand_in=staff") == 1.0 for f in staff)
    assert any(f.get("lca=side") == 1.0 or f.get("on_path=side") == 1.0 for f in staff)


def _need_candidates(article) -> list[tuple[str, str, dict]]:
    """(sentence text, position, features) of each squad-need candidate of a report."""
    extractor = Extractor(model=ClaimModel())
    instances = extractor.instances(next(iter(extractor.parsed([article]))))
    sentences = instances.resolved.sentences
    return [
        (sentences[c.sentence].text, c.position, f)
        for c, f in zip(instances.candidates, instances.features, strict=True)
        if c.kind == "team_need"
    ]


def test_a_position_word_that_titles_a_player_is_told_from_a_need(train_articles, corpus_articles) -> None:
    """General rule: a position word right before a name or attached to it is a player's title
    ("Morocco winger Hakim Ziyech"), and says so to the model; a position the sentence asks for
    ("in the market for a right-back") does not (train t0063). Where a sentence uses a position
    both ways, the need's candidate reads the occurrence that is not a title ("then-Standard
    Liège goalkeeper Sinan Bolat scored ... by a goalkeeper", corpus ziv-gdelt-435a2a912ec5)."""
    (t0063,) = train_articles({"t0063"})
    needs = _need_candidates(t0063)
    titled = [f for text, position, f in needs if "winger Hakim Ziyech" in text and position == "winger"]
    asked = [f for text, position, f in needs if "in the market for a right-back" in text]
    assert titled and all(f.get("pos_labels_person") == 1.0 for f in titled)
    assert asked and not any("pos_labels_person" in f for f in asked)
    (bolat,) = corpus_articles({"ziv-gdelt-435a2a912ec5"})
    keepers = [
        f for text, position, f in _need_candidates(bolat) if position == "goalkeeper" and "Bolat" in text
    ]
    assert keepers and not any("pos_labels_person" in f for f in keepers)


@pytest.fixture(scope="module")
def crossval_bench(load_script):
    return load_script(Path(__file__).parents[1] / "bench" / "crossval.py", "crossval_bench")


def test_kept_nested_predictions_give_back_the_nested_figure(sample, tmp_path: Path, crossval_bench) -> None:
    """`bench/crossval.py --save-predictions` then `--from-predictions`: re-choosing each outer
    fold's cutoffs on its kept inner predictions and decoding its kept test predictions gives the
    claims and figure of the run that kept them, so a change to decoding can be measured nested
    without training; predictions kept for other reports are refused, naming the file."""
    bench = crossval_bench
    params = {"learner": "logistic", "C": 4.0, "min_count": 1}
    with bench.progress_bar() as progress:
        score, fold_f1, claims, kept = bench.outer_cv(sample, 3, 2, 0, 1.0, progress, **params)
    args = SimpleNamespace(inner=2, seed=0)
    path = tmp_path / "kept.pkl"
    bench.save_predictions(path, sample, kept, args)
    folds, inner = bench.load_predictions(path, sample)
    assert inner == 2 and len(folds) == 3
    again, again_f1, again_claims = bench.redecode(sample, folds)
    assert [c.to_dict() for c in again_claims] == [c.to_dict() for c in claims]
    assert again.total() == score.total() and again_f1 == fold_f1
    assert score.total()[2] > 0  # the sample's folds find some of its claims
    with pytest.raises(SystemExit, match="kept.pkl: kept for other reports"):
        bench.load_predictions(path, sample[:-1])
    (tmp_path / "junk.pkl").write_bytes(b"not a pickle")
    with pytest.raises(SystemExit, match="junk.pkl: not predictions"):
        bench.load_predictions(tmp_path / "junk.pkl", sample)


def test_crossval_refuses_options_that_keep_no_predictions(capsys, crossval_bench) -> None:
    """`--fast` keeps no nested predictions, and `--save-predictions` keeps the 100% fraction's:
    asked for with either, the bench stops at once with a usage error instead of after training."""
    bench = crossval_bench
    parser = argparse.ArgumentParser(prog="crossval.py")
    base = {"fast": False, "save_predictions": None, "from_predictions": None, "curve": "0.25,0.5,1"}
    bench._check_options(parser, SimpleNamespace(**base))  # the defaults pass
    for bad in (
        {"fast": True, "from_predictions": Path("kept.pkl")},
        {"save_predictions": Path("kept.pkl"), "curve": "0.5"},
        {"save_predictions": Path("a.pkl"), "from_predictions": Path("b.pkl")},
    ):
        with pytest.raises(SystemExit):
            bench._check_options(parser, SimpleNamespace(**{**base, **bad}))
    assert capsys.readouterr().err.count("crossval.py: error:") == 3
