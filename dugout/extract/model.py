"""The claim model: which candidates are claims, of which type, with which value, modality,
polarity and (for results) which way round the score goes.

A scikit-learn estimator in the library's own contract: `__init__` only stores its arguments,
`fit` returns the estimator, learned attributes end in `_`. Inside, one `DictVectorizer` encodes
the candidates' feature dicts, and these models decide:

- `detectors_[type]`: is this candidate a claim of this type (one binary LightGBM model per
  type, since one candidate can be two claims: "under-pressure Chelsea boss X" is coach_of and
  job_status), fitted on every positive and a share of the negatives (`negatives`);
- `linear_[type]`: the same question asked of a logistic model over every feature seen twice,
  its probability blended into the trees' with weight `linear_weight`. The trees read only the
  features seen in 100 candidates or more; the rare words and paths they drop still tell, and a
  linear model weighs each on its own (see `_blend`);
- `values_[type]`: its value, for types with a vocabulary (a multiclass LightGBM model over
  the type's positives), read only for candidates whose type scores at least `SCORE_FLOOR`.
  Trees chose the gold value more often than the logistic models they replaced, for every
  type (5-fold cross-validation by report over the positives of train + dev, 2026-12-06:
  coach_of 0.876 against 0.855, transfer 0.772 against 0.756; with 200 trees at 0.05, job
  status 0.753 against 0.739, roles 0.881 against 0.850, candidates 0.752 against 0.744);

and small logistic models read the rest:

- `modality_`, `polarity_`: how firmly and whether negated, over all claims, with the claim type
  joined to the cue features so "could" can weigh differently for a transfer and a sacking;
- `orientation_`: whether a result's subject won or lost the match the sentence scores.

Scores are returned, not thresholded: thresholds are applied late, in `decode`, in one place.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import skops.io
from scipy.sparse import csr_matrix
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from dugout.extract.features import Features
from dugout.extract.labels import Labels
from dugout.extract.pairs import TYPES_OF_KIND
from dugout.records import CLAIM_TYPES

CUE_PREFIXES = (
    "w=",
    "modal=",
    "attr=",
    "neg",
    "cond",
    "root_aux=",
    "root_tag=",
    "quote",
    "question",
    "year_",
)
"""Features joined with the claim type for the modality and polarity models."""
ORIENTATION_PREFIXES = (
    "res_",
    "s_verb",
    "o_verb",
    "s_left",
    "o_left",
    "s_right",
    "o_right",
    "s_dep",
    "o_dep",
    "s_head",
    "o_head",
    "btw",
    "path",
    "lca",
    "order",
)
"""The features the orientation model reads: who won, from the words around each team and the score."""

SCORE_FLOOR = 0.05
"""The lowest threshold training chooses (`train.THRESHOLD_GRID`): a candidate scoring below it
is no claim at any threshold, so its value, modality and polarity are not read (the value trees
are most of a prediction's time for the few candidates that reach them)."""


def orientation_cues(features: Features) -> Features:
    return {k: v for k, v in features.items() if k.startswith(ORIENTATION_PREFIXES)}


@dataclass
class Row:
    """One candidate as the model sees it: its features, its kind, and (in training) its answers."""

    features: Features
    kind: str
    labels: Labels | None = None


@dataclass
class Prediction:
    """The model's reading of one candidate: a score per possible type, and for each type the
    value, modality and polarity it would have, with the result's orientation."""

    scores: dict[str, float]
    values: dict[str, str | None]
    modality: dict[str, str]
    polarity: dict[str, str]
    orientation: str | None
    value_scores: dict[str, dict[str, float]] = field(default_factory=dict)
    """For types whose value is part of the key (job status, roles): each value's score, the
    type's score times the value's probability, so a candidate can carry two values when the
    text leaves it open, and a weak value weighs less than a sure one."""


KEYED_VALUES = ("job_status", "holds_role")
"""Types whose value is part of the claim's key (spec/claims.md): decided value by value."""


def typed_cues(features: Features, claim_type: str) -> Features:
    """The cue features joined with a claim type, plus the type itself."""
    out: Features = {f"type={claim_type}": 1.0}
    for key, value in features.items():
        if key.startswith(CUE_PREFIXES):
            out[f"{claim_type}|{key}"] = value
    return out


class ClaimModel:
    """See the module docstring. `C` is the inverse regularisation of every linear model."""

    screen_ = None
    """The `extract.screen.SentenceScreen` that chooses which sentences of a very long report to
    parse, fitted by `dugout train` beside the detectors (None in a model without one: every
    sentence is parsed)."""
    margins_: dict[str, float] | None = None
    """Per claim type, the share of its subject's best reading of a sentence a reading must reach
    (`decode.weaker_readings`), chosen with the thresholds by `dugout train` (None in a model
    saved before there were margins: every reading is kept)."""
    linear_: dict[str, LogisticRegression] | None = None
    """Per claim type, the logistic detector blended with the trees (`_blend`); None in a model
    saved before there was one, or when the detectors are linear themselves."""

    def __init__(
        self,
        C: float = 0.5,
        seed: int = 0,
        max_iter: int = 2000,
        learner: str = "lightgbm",
        trees: int = 200,
        min_count: int = 2,
        tree_min_count: int = 100,
        negatives: float = 1.0,
        value_trees: int = 100,
        linear_weight: float = 0.35,
        kb_dropout: float = 0.0,
    ) -> None:
        self.C = C
        self.seed = seed
        self.max_iter = max_iter
        self.learner = learner
        self.trees = trees
        self.min_count = min_count
        self.tree_min_count = tree_min_count
        self.negatives = negatives
        self.value_trees = value_trees
        self.linear_weight = linear_weight
        self.kb_dropout = kb_dropout

    def _detector(self):
        if self.learner == "lightgbm":
            return self._trees(
                n_estimators=self.trees,
                learning_rate=0.05,
                num_leaves=31,
                min_child_samples=10,
                subsample=0.8,
                subsample_freq=1,
                reg_lambda=1.0,
            )
        return self._linear(solver="liblinear")

    def _value_model(self):
        """One type's value model: trees when the learner is LightGBM (see the module docstring;
        100 trees at a learning rate of 0.1 chose within 0.002 of 200 at 0.05, in half the time)."""
        if self.learner != "lightgbm":
            return self._linear()
        return self._trees(
            n_estimators=self.value_trees, learning_rate=0.1, num_leaves=15, min_child_samples=5
        )

    def _trees(self, **params):
        """A LightGBM classifier with the settings every tree model shares: seeded and
        deterministic, each tree reading a seeded 30% of the columns."""
        from lightgbm import LGBMClassifier

        return LGBMClassifier(
            colsample_bytree=0.3,
            random_state=self.seed,
            n_jobs=2,
            verbose=-1,
            deterministic=True,
            force_row_wise=True,
            **params,
        )

    def _linear(self, **extra) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=self.max_iter, random_state=self.seed, **extra)

    def fit(self, rows: list[Row]) -> ClaimModel:
        rows = kb_dropout(rows, self.kb_dropout, self.seed)
        self.vectorizer_ = DictVectorizer()
        X = self.vectorizer_.fit_transform(r.features for r in rows)
        if self.min_count > 1:  # a feature seen once is noise, and weight on disk
            support = np.asarray((X != 0).sum(axis=0)).ravel() >= self.min_count
            self.vectorizer_.restrict(support)
            X = X[:, support]
        self.thresholds_: dict[str, float] = dict.fromkeys(CLAIM_TYPES, 0.5)
        self.margins_: dict[str, float] | None = dict.fromkeys(CLAIM_TYPES, 0.0)
        counts = np.asarray((X != 0).sum(axis=0)).ravel()
        self.tree_columns_ = (
            np.flatnonzero(counts >= self.tree_min_count) if self.learner == "lightgbm" else None
        )
        self.detectors_: dict[str, LogisticRegression | None] = {}
        self.linear_ = {} if self._blends() else None
        self.value_columns_: dict[str, np.ndarray] = {}
        self.values_: dict[str, LogisticRegression | str | None] = {}
        for claim_type in CLAIM_TYPES:
            index = [
                k
                for k, r in enumerate(rows)
                if claim_type in TYPES_OF_KIND[r.kind] and claim_type not in r.labels.ignore
            ]
            y = np.array([claim_type in rows[k].labels.positive for k in index])
            self.detectors_[claim_type] = (
                self._fit_detector(self._detector_input(X[index]), y) if 0 < y.sum() < len(y) else None
            )
            if self.linear_ is not None and 0 < y.sum() < len(y):
                self.linear_[claim_type] = _compact(self._linear(solver="liblinear").fit(X[index], y))
            positives = [k for k in index if claim_type in rows[k].labels.positive]
            self.values_[claim_type] = self._fit_values(X, rows, positives, claim_type)
        self._fit_manner(rows)
        return self

    def _blends(self) -> bool:
        return self.learner == "lightgbm" and self.linear_weight > 0

    def _fit_detector(self, X, y: np.ndarray):
        """One type's detector. Trees are fitted on every positive and a seeded share
        (`negatives`) of the negatives, each kept negative weighing 1/share: most candidates are
        plain negatives, and the trees' time grows with the rows they read."""
        if self.learner != "lightgbm" or self.negatives >= 1.0:
            return _compact(self._detector().fit(X, y))
        keep = y | (np.random.default_rng(self.seed).random(len(y)) < self.negatives)
        weight = np.where(y, 1.0, 1.0 / self.negatives)[keep]
        return self._detector().fit(X[keep], y[keep], sample_weight=weight)

    def _fit_values(self, X, rows: list[Row], positives: list[int], claim_type: str):
        values = [rows[k].labels.positive[claim_type].value for k in positives]
        if claim_type in ("match_result", "squad_need", "contract_until") or not values:
            return None
        if len(set(values)) == 1:
            return values[0]
        seen = X[positives]
        columns = np.flatnonzero(np.asarray((seen != 0).sum(axis=0)).ravel() >= self.min_count)
        self.value_columns_[claim_type] = columns  # a value is read from what its claims hold
        return _compact(self._value_model().fit(seen[:, columns], values))

    def _fit_manner(self, rows: list[Row]) -> None:
        """Modality, polarity and orientation, learned over every positive of every type."""
        feats, modalities, polarities, o_feats, orientations = [], [], [], [], []
        for r in rows:
            for claim_type, label in r.labels.positive.items():
                typed = typed_cues(r.features, claim_type)
                feats.append(typed)
                modalities.append(label.modality)
                polarities.append(label.polarity)
                if label.orientation is not None:
                    o_feats.append(orientation_cues(r.features))
                    orientations.append(label.orientation)
        self.manner_vectorizer_ = DictVectorizer()
        M = self.manner_vectorizer_.fit_transform(feats)
        if self.min_count > 1:
            support = np.asarray((M != 0).sum(axis=0)).ravel() >= self.min_count
            self.manner_vectorizer_.restrict(support)
            M = M[:, support]
        self.modality_ = self._linear().fit(M, modalities) if len(set(modalities)) > 1 else modalities[0]
        self.polarity_ = self._linear().fit(M, polarities) if len(set(polarities)) > 1 else polarities[0]
        self.orientation_vectorizer_ = DictVectorizer()
        if len(set(orientations)) > 1:
            cues = self.orientation_vectorizer_.fit_transform(o_feats)
            self.orientation_ = LogisticRegression(C=1.0, max_iter=self.max_iter, random_state=self.seed).fit(
                cues, orientations
            )
        else:
            self.orientation_vectorizer_.fit([{}])
            self.orientation_ = orientations[0] if orientations else "as_written"

    def predict(self, rows: list[Row]) -> list[Prediction]:
        if not rows:
            return []
        X = encode(self.vectorizer_, (r.features for r in rows))
        X_trees = self._detector_input(X)
        wanted = {t: rows_of_type(t, rows) for t in CLAIM_TYPES}
        scores = {t: self._blend(t, self._scores(t, X_trees, wanted[t]), X, wanted[t]) for t in CLAIM_TYPES}
        probabilities = {t: self._value_probabilities(t, X, scores[t] >= SCORE_FLOOR) for t in CLAIM_TYPES}
        values = {t: _best_values(probabilities[t], len(rows)) for t in CLAIM_TYPES}
        by_value = {t: probabilities[t] for t in KEYED_VALUES}
        orientation = _labels_of(
            self.orientation_,
            encode(self.orientation_vectorizer_, (orientation_cues(r.features) for r in rows)),
        )
        out = []
        for k, row in enumerate(rows):
            kinds = TYPES_OF_KIND[row.kind]
            out.append(
                Prediction(
                    {t: float(scores[t][k]) for t in kinds},
                    {t: values[t][k] for t in kinds},
                    {},
                    {},
                    orientation[k],
                    {
                        t: {v: float(scores[t][k]) * p[k] for v, p in by_value[t].items()}
                        for t in KEYED_VALUES
                        if t in kinds
                    },
                )
            )
        self._predict_manner(rows, out)
        return out

    def _value_probabilities(self, claim_type: str, X, wanted: np.ndarray) -> dict[str, np.ndarray]:
        """Each value's probability for the `wanted` rows, 0 for the others (one value with
        probability 1 when the training data held only one)."""
        model = self.values_.get(claim_type)
        n = X.shape[0]
        if model is None:
            return {}
        if isinstance(model, str):
            return {model: np.ones(n)}
        out = np.zeros((n, len(model.classes_)))
        if wanted.any():
            out[wanted] = _probabilities(model, self._value_input(claim_type, X[wanted]))
        return {str(v): out[:, i] for i, v in enumerate(model.classes_)}

    def _value_input(self, claim_type: str, X):
        columns = self.value_columns_.get(claim_type)
        return X if columns is None else X[:, columns]

    def _detector_input(self, X):
        """Trees read only the features seen in at least `tree_min_count` training candidates
        (speed, and less noise). 100, not 20: on the fast protocol (`bench/crossval.py --fast`,
        seeds 0 and 1) F1 0.6519 and 0.6562 against 0.6490 and 0.6562, with 5,721 columns
        instead of 20,325 (train + dev) and half the detectors' fitting time (2026-12-07)."""
        return X if self.tree_columns_ is None else X[:, self.tree_columns_]

    def _scores(self, claim_type: str, X_trees, wanted: list[int]) -> np.ndarray:
        """Each row's score for one type, from the columns the detectors read (`_detector_input`).
        Only the `wanted` rows, those whose kind can be this type (`rows_of_type`), are scored (a
        result detector never reads a person-club pair): the trees are most of the time of a
        prediction."""
        model = self.detectors_.get(claim_type)
        out = np.zeros(X_trees.shape[0])
        if model is None or not wanted:
            return out
        out[wanted] = _probability_of_true(model, X_trees[wanted])
        return out

    def _blend(self, claim_type: str, trees: np.ndarray, X, wanted: list[int]) -> np.ndarray:
        """The trees' score blended with the linear detector's, (1 - w) trees + w linear, on the
        rows `_scores` scored.

        Measured on the fast protocol (`bench/crossval.py --fast`, 2026-12-07): seed 0, F1 0.6585
        with the trees alone, 0.6606 / 0.6614 / 0.6602 at w = 0.2 / 0.35 / 0.5 (C = 0.5; C = 0.1
        and 2 did less well at 0.35: 0.6587, 0.6591); seed 1, 0.6622 alone and 0.6672 at 0.35.
        Roles, job status and candidates gained most, from the rare cue words the trees do not
        read; results lost a little (0.574 to 0.570 at seed 1). The nested cross-validation
        (`bench/crossval.py --inner 2`) confirms less: 0.662 with the blend, 0.660 without
        (candidates 0.521 against 0.484, contracts 0.554 against 0.524)."""
        model = (self.linear_ or {}).get(claim_type)
        if model is None:
            return trees
        out = trees.copy()
        if wanted:
            linear = _probability_of_true(model, X[wanted])
            out[wanted] = (1 - self.linear_weight) * trees[wanted] + self.linear_weight * linear
        return out

    def _predict_manner(self, rows: list[Row], out: list[Prediction]) -> None:
        """Modality and polarity for each (candidate, type) whose score is worth a look."""
        wanted = [(k, t) for k, p in enumerate(out) for t, s in p.scores.items() if s >= SCORE_FLOOR]
        if not wanted:
            return
        M = encode(self.manner_vectorizer_, (typed_cues(rows[k].features, t) for k, t in wanted))
        modalities = _labels_of(self.modality_, M)
        polarities = _labels_of(self.polarity_, M)
        for (k, t), modality, polarity in zip(wanted, modalities, polarities, strict=True):
            out[k].modality[t] = modality
            out[k].polarity[t] = polarity


KB_SUBJECT_PREFIXES = ("s_kb_role=", "kb_pair")
"""The features that say what the knowledge base holds of a candidate's subject (his posts, and
his post at the candidate's team, `features.party_features` and `features.kb_pair_features`)."""


def without_kb(features: Features) -> Features:
    """A candidate's features as they would be if the knowledge base did not know its subject: no
    posts, `s_known=False`, everything the text says kept."""
    f = {k: v for k, v in features.items() if not k.startswith(KB_SUBJECT_PREFIXES)}
    if f.pop("s_known=True", None) is not None:
        f["s_known=False"] = 1.0
    return f


def kb_dropout(rows: list[Row], share: float, seed: int) -> list[Row]:
    """The training rows with a seeded `share` of those whose subject is a person the knowledge
    base knows read as if it did not (`without_kb`).

    Why: reports name people the knowledge base does not hold (a newly appointed coach abroad, a
    youth player), and a model that has only seen the knowledge base vouch for its positives
    learns that an unknown subject is no claim: out of fold, 13 of the 90 gold coach_of claims of
    an unknown subject were found, against 1,655 of 1,859 of a known one. Dropping the knowledge
    base's word for some known people makes the text's own cues carry weight on their own.

    Off by default (`dugout train --kb-dropout`): measured nested (2026-12-08, a share of 0.2),
    unknown subjects were found more often (coach_of 13 -> 20 of 90, transfers 66 -> 84 of 210)
    at the price of more false claims about them (coach_of 11 -> 45, transfers 100 -> 142), and
    F1 went 0.664 -> 0.662, value agreement 0.890 -> 0.887, candidates 0.512 -> 0.468."""
    if share <= 0:
        return rows
    draws = np.random.default_rng(seed + 1).random(len(rows))
    out = []
    for row, draw in zip(rows, draws, strict=True):
        person = "s_kind=person" in row.features and "s_known=True" in row.features
        out.append(Row(without_kb(row.features), row.kind, row.labels) if person and draw < share else row)
    return out


def rows_of_type(claim_type: str, rows: list[Row]) -> list[int]:
    """The indices of the rows whose kind of candidate can be a claim of this type."""
    return [k for k, row in enumerate(rows) if claim_type in TYPES_OF_KIND[row.kind]]


def encode(vectorizer: DictVectorizer, rows: Iterable[Features]) -> csr_matrix:
    """Feature dicts as the fitted vectorizer's matrix, unknown keys ignored: what
    `DictVectorizer.transform` gives for numeric features, in one pass of dictionary lookups.

    Why not `transform` itself: it checks every value's type and grows Python lists, and at
    prediction time that was a tenth of the time of a report (measured with cProfile on 150
    corpus reports: 14 s of 113). Training still uses `fit_transform`."""
    vocabulary = vectorizer.vocabulary_
    indices = array("i")
    data = array("d")
    indptr = array("q", [0])
    for features in rows:
        for key, value in features.items():
            column = vocabulary.get(key)
            if column is not None:
                indices.append(column)
                data.append(value)
        indptr.append(len(indices))
    columns = np.array(indices, dtype=np.int32)
    return csr_matrix(
        (np.array(data, dtype=np.float64), columns, np.array(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, len(vectorizer.feature_names_)),
    )


def _compact(model):
    """A linear model's weights in single precision: half the size on disk, the same decisions
    to the sixth decimal."""
    if isinstance(model, LogisticRegression):
        model.coef_ = model.coef_.astype(np.float32)
        model.intercept_ = model.intercept_.astype(np.float32)
    return model


def _best_values(probabilities: dict[str, np.ndarray], n: int) -> list[str | None]:
    """Each row's likeliest value from one type's value probabilities (`_value_probabilities`):
    None where no value was read (no model, or every probability 0 below `SCORE_FLOOR`)."""
    if not probabilities:
        return [None] * n
    names = list(probabilities)
    table = np.column_stack([probabilities[v] for v in names])
    best = table.argmax(axis=1)
    return [names[b] if table[k, b] > 0 else None for k, b in enumerate(best)]


def _probability_of_true(model, X) -> np.ndarray:
    """A fitted binary detector's probability that each row is a claim (class True)."""
    return _probabilities(model, X)[:, list(model.classes_).index(True)]


def _probabilities(model, X) -> np.ndarray:
    """A fitted classifier's class probabilities; trees on one thread (a process uses one core:
    `--workers` is the way to use more, and on a batch of reports one thread is as fast as two)."""
    if isinstance(model, LogisticRegression):
        return model.predict_proba(X)
    return model.predict_proba(X, num_threads=1)


def _labels_of(model, X) -> list:
    """A fitted classifier's labels for X, or one constant label for every row."""
    n = X.shape[0]
    if model is None or isinstance(model, str):
        return [model] * n
    return list(model.predict(X))


MODEL_FILE = "model.skops"
CARD_FILE = "meta.json"
TRUSTED_PREFIXES = (
    "sklearn.",
    "numpy.",
    "builtins.",
    "lightgbm.",
    "scipy.",
    "dugout.extract.model.",
    "dugout.extract.screen.",
)
TRUSTED_TYPES = {"collections.OrderedDict"}


VOCABULARY_FILE = "features.json.gz"
VECTORIZERS = ("vectorizer_", "manner_vectorizer_", "orientation_vectorizer_")


def save_model(model: ClaimModel, directory: Path, card: dict) -> None:
    """The model (skops, not pickle: loading it runs no code), its feature names (a plain list,
    which skops would spell out node by node) and its card (meta.json) in one folder."""
    directory.mkdir(parents=True, exist_ok=True)
    names = {}
    kept = {}
    for attr in VECTORIZERS:
        vectorizer = getattr(model, attr)
        names[attr] = list(vectorizer.feature_names_)
        kept[attr] = (vectorizer.feature_names_, vectorizer.vocabulary_)
        vectorizer.feature_names_, vectorizer.vocabulary_ = [], {}
    try:
        skops.io.dump(model, directory / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    finally:
        for attr, (feature_names, vocabulary) in kept.items():
            getattr(model, attr).feature_names_, getattr(model, attr).vocabulary_ = feature_names, vocabulary
    with gzip.open(directory / VOCABULARY_FILE, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump(names, f, ensure_ascii=False)
    (directory / CARD_FILE).write_text(
        json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


class ModelError(RuntimeError):
    """A model folder that cannot be loaded: says which and why."""


def load_model(directory: Path) -> ClaimModel:
    """A saved claim model; only scikit-learn, numpy and dugout types are let in."""
    path = directory / MODEL_FILE
    if not path.is_file():
        raise ModelError(
            f"{directory}: no trained claim model here ({MODEL_FILE} missing); run: dugout train"
        )
    try:
        untrusted = skops.io.get_untrusted_types(file=path)
        unknown = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES) and t not in TRUSTED_TYPES]
        if unknown:
            raise ModelError(f"{path}: holds types dugout does not load: {', '.join(unknown)}")
        model = skops.io.load(path, trusted=untrusted)
    except ModelError:
        raise
    except Exception as e:  # noqa: BLE001 - a damaged file, whatever the reader raised
        raise ModelError(f"{path}: not a readable claim model ({e})") from None
    if not isinstance(model, ClaimModel):
        raise ModelError(f"{path}: holds a {type(model).__name__}, not a claim model")
    try:
        with gzip.open(directory / VOCABULARY_FILE, "rt", encoding="utf-8") as f:
            names = json.load(f)
        for attr in VECTORIZERS:
            vectorizer = getattr(model, attr)
            vectorizer.feature_names_ = names[attr]
            vectorizer.vocabulary_ = {name: i for i, name in enumerate(names[attr])}
    except (OSError, ValueError, KeyError) as e:
        raise ModelError(f"{directory / VOCABULARY_FILE}: not the model's feature names ({e})") from None
    return model


def read_card(directory: Path) -> dict:
    path = directory / CARD_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"{path}: no readable model card ({e})") from None
