"""The model's attribute ruler and lemmatizer, memoised: the same annotations at a tenth of the cost.

In en_core_web_sm the `attribute_ruler` (a Matcher over 179 token patterns: the tag map to
POS and morphology, plus exceptions) and the rule `lemmatizer` cost a fifth of the whole
pipeline's time on football copy, although both are pure functions of a few attributes:

- a ruler pattern is one or two tokens long and tests only TAG, LOWER, DEP and IS_SPACE, so
  which patterns set a token's attributes depends only on those attributes of the token and
  of its neighbours;
- a lemma depends only on the token's text, POS and morphology (`Lemmatizer.rule_lemmatize`).

`FastTags` evaluates each pattern once per distinct token signature and each lemma once per
(text, POS, morphology), then writes exactly what spaCy's components would write, through
spaCy's own `set_token_attrs` and the lemmatizer's own `lemmatize`. If a model's patterns use
anything else (operators, other attributes), `install` leaves the pipeline as it is.
`tests/test_fast_tags.py` checks token-for-token equality with the original components on
real reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")
"""Token attributes a pattern may test for the memo to be exact (the signature of a token)."""

Signature = tuple[int, int, int, int]
Test = Callable[[tuple[str, str, str, bool]], bool]


def _value_test(value: Any) -> Callable[[Any], bool] | None:
    """One attribute's test as the Matcher reads it: equality, IN, NOT_IN or REGEX (else None)."""
    if isinstance(value, (str, bool)):
        return lambda v: v == value
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), *_ = value.items()
        if op == "IN" and isinstance(arg, list):
            options = set(arg)
            return lambda v: v in options
        if op == "NOT_IN" and isinstance(arg, list):
            excluded = set(arg)
            return lambda v: v not in excluded
        if op == "REGEX" and isinstance(arg, str):
            pattern = re.compile(arg)
            return lambda v: isinstance(v, str) and pattern.search(v) is not None
    return None


def _token_test(spec: dict[str, Any]) -> Test | None:
    """A pattern token's test over (tag, lower, dep, is_space), or None if it tests anything else."""
    tests = []
    for key, value in spec.items():
        if key not in _KEYS:
            return None
        test = _value_test(value)
        if test is None:
            return None
        tests.append((_KEYS.index(key), test))
    if len(tests) == 1:
        (i, only), *_ = tests
        return lambda sig: only(sig[i])
    return lambda sig: all(test(sig[i]) for i, test in tests)


def _required(spec: dict[str, Any], key: str) -> list[str] | None:
    """The values a pattern token requires of one attribute (equality or IN), None if any will do."""
    value = spec.get(key)
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and list(value) == ["IN"]:
        return [v for v in value["IN"] if isinstance(v, str)]
    return None


class FastTags:
    """Applies an AttributeRuler and then a Lemmatizer to a Doc, memoised (see the module docstring).

    Every memo is keyed by hashes the Doc already holds, so a token costs a few dict look-ups
    once its kind has been seen. Single-token rules are indexed by the tag and lower-case form
    they require, so a new kind of token is tested against a handful of rules, not all of them;
    the lemmatizer's word lists are read as sets (spaCy scans them as lists, ~100 µs a word).
    """

    def __init__(self, ruler: AttributeRuler, lemmatizer: Lemmatizer) -> None:
        self.ruler = ruler
        self.lemmatizer = _with_set_indexes(lemmatizer)
        self.strings = ruler.vocab.strings
        # (tag hash or 0, lower hash or 0) -> single-token rules requiring that tag / lower form.
        self.index: dict[tuple[int, int], list[tuple[int, Test]]] = {}
        pairs: list[tuple[int, Test, Test, int]] = []
        for rule_id, rule in enumerate(ruler.patterns):
            index = rule.get("index", 0)
            for pattern in rule["patterns"]:
                tests = [_token_test(spec) for spec in pattern]
                if any(t is None for t in tests) or not 1 <= len(pattern) <= 2:
                    raise ValueError(f"unsupported attribute ruler pattern {pattern!r}")
                position = index if index >= 0 else len(pattern) + index
                if not 0 <= position < len(pattern):
                    raise ValueError(f"attribute ruler index {index} outside {pattern!r}")
                if len(pattern) == 2:
                    pairs.append((rule_id, tests[0], tests[1], position))  # type: ignore[arg-type]
                    continue
                tags = _required(pattern[0], "TAG") or [None]
                lowers = _required(pattern[0], "LOWER") or [None]
                for tag in tags:
                    for lower in lowers:
                        key = (self.strings.add(tag) if tag else 0, self.strings.add(lower) if lower else 0)
                        self.index.setdefault(key, []).append((rule_id, tests[0]))  # type: ignore[arg-type]
        self.pairs = pairs
        self._decoded: dict[Signature, tuple[str, str, str, bool]] = {}
        self._single_hits: dict[Signature, tuple[int, ...]] = {}
        self._pair_starts: dict[Signature, tuple[tuple[int, Test, int], ...]] = {}
        self._pair_ends: dict[tuple[int, Signature], bool] = {}
        self._merged: dict[tuple[int, ...], dict] = {}
        self._lemmas: dict[tuple[int, int, int], int] = {}

    def _decode(self, sig: Signature) -> tuple[str, str, str, bool]:
        found = self._decoded.get(sig)
        if found is None:
            tag, lower, dep, space = sig
            s = self.strings
            found = self._decoded[sig] = (s[tag] if tag else "", s[lower], s[dep] if dep else "", bool(space))
        return found

    def _singles_of(self, sig: Signature) -> tuple[int, ...]:
        found = self._single_hits.get(sig)
        if found is None:
            values = self._decode(sig)
            tag, lower = sig[0], sig[1]
            rules = {
                r: test
                for key in ((tag, lower), (tag, 0), (0, lower), (0, 0))
                for r, test in self.index.get(key, ())
            }
            found = self._single_hits[sig] = tuple(r for r in sorted(rules) if rules[r](values))
        return found

    def _starts_of(self, sig: Signature) -> tuple[tuple[int, Test, int], ...]:
        """The two-token rules whose first token this is: (rule id, test of the second, target)."""
        found = self._pair_starts.get(sig)
        if found is None:
            values = self._decode(sig)
            found = self._pair_starts[sig] = tuple(
                (r, second, position) for r, first, second, position in self.pairs if first(values)
            )
        return found

    def _ends(self, rule: int, test: Test, sig: Signature) -> bool:
        key = (rule, sig)
        found = self._pair_ends.get(key)
        if found is None:
            found = self._pair_ends[key] = test(self._decode(sig))
        return found

    def _attrs_of(self, rules: tuple[int, ...]) -> dict:
        """The attributes the ruler sets for these matched rules: in rule order, the later wins."""
        found = self._merged.get(rules)
        if found is None:
            found = {}
            for r in sorted(rules):
                found.update(self.ruler.attrs[r])
            self._merged[rules] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        sigs: list[Signature] = [tuple(row) for row in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()]
        hits: list[tuple[int, ...]] = [self._singles_of(sig) for sig in sigs]
        if self.pairs:
            for i in range(n - 1):
                for rule, second, position in self._starts_of(sigs[i]):
                    if self._ends(rule, second, sigs[i + 1]):
                        hits[i + position] = (*hits[i + position], rule)
        for i, rules in enumerate(hits):
            if rules:
                set_token_attrs(doc[i], self._attrs_of(rules))
        overwrite = self.lemmatizer.overwrite
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            found = self._lemmas.get(key)
            if found is None:
                found = self._lemmas[key] = self.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            doc[i].lemma = found
        return doc


def _with_set_indexes(lemmatizer: Lemmatizer) -> Lemmatizer:
    """A copy of a rule lemmatizer whose `lemma_index` word lists are sets: the same lemmas, each
    found by a hash look-up where spaCy scans a list of up to 57,000 words."""
    lookups = Lookups()
    for name in lemmatizer.lookups.tables:
        table = lemmatizer.lookups.get_table(name)
        if name == "lemma_index":
            lookups.add_table(name, {k: frozenset(v) for k, v in table.items()})
        else:
            lookups.set_table(name, table)
    copy = type(lemmatizer)(
        lemmatizer.vocab,
        lemmatizer.model,
        lemmatizer.name,
        mode=lemmatizer.mode,
        overwrite=lemmatizer.overwrite,
    )
    copy.lookups = lookups
    return copy


@Language.factory("dugout_fast_tags")
def make_fast_tags(nlp: Language, name: str) -> FastTags:
    """The factory `install` adds: the model's own (disabled) ruler and lemmatizer, memoised."""
    return FastTags(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"))


def install(nlp: Language) -> bool:
    """Swap the model's attribute ruler and lemmatizer for `FastTags`, in the lemmatizer's place.

    The originals stay in the pipeline, disabled (their tables are still read, e.g. by the claim
    screen). Returns False, changing nothing, when the model lacks either component, when they
    are not consecutive, or when a pattern is one `FastTags` does not reproduce exactly.
    """
    names = nlp.pipe_names
    if "attribute_ruler" not in names or "lemmatizer" not in names:
        return False
    ruler, lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
    if not isinstance(ruler, AttributeRuler) or not isinstance(lemmatizer, Lemmatizer):
        return False
    if names.index("lemmatizer") != names.index("attribute_ruler") + 1 or lemmatizer.mode != "rule":
        return False
    try:
        FastTags(ruler, lemmatizer)
    except ValueError:
        return False
    nlp.add_pipe("dugout_fast_tags", after="lemmatizer")
    nlp.disable_pipe("attribute_ruler")
    nlp.disable_pipe("lemmatizer")
    return True
