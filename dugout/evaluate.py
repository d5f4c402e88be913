"""Scoring predicted claims against gold claims, with the rules of ../shared/eval/score.py.

The rules are the contract (spec/claims.md): keys per type, names matched after
folding, one-word generic club names matching only themselves, scores turned to
the gold claim's orientation, evidence that must be copied from the report.
This module re-states them so `dugout eval` needs nothing outside the package;
a test checks it agrees with the reference scorer on real data.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from dugout.kb.names import names_match as kb_names_match
from dugout.records import CLAIM_TYPES

UNORDERED = {"meeting", "match_result"}
SUFFIXES = {"fc", "afc", "cf", "sc", "cfc"}


def fold(name: Any) -> tuple[str, ...]:
    """Exactly the reference scorer's folding (combining marks dropped, nothing else transliterated),
    so `dugout eval` never credits what score.py would not."""
    if name is None:
        return ()
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = tuple(w for w in re.split(r"[^a-z0-9]+", text) if w)
    core = tuple(w for w in words if w not in SUFFIXES)
    return core or words


def names_match(a: Any, b: Any) -> bool:
    """The reference scorer's name match: the shared rule, with the reference's folding."""
    return kb_names_match(a, b, folder=fold)


def _low(v: Any) -> str:
    return str(v).strip().lower() if v is not None else ""


def squash(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def oriented_score(gold: dict, pred: dict) -> Any:
    """The predicted score turned to the gold claim's orientation."""
    v = pred.get("value")
    if not v or gold.get("type") != "match_result":
        return v
    v = re.sub(r"\s+", "", str(v)).replace("\u2013", "-")
    if names_match(gold.get("subject"), pred.get("subject")):
        return v
    parts = v.split("-")
    return "-".join(reversed(parts)) if len(parts) == 2 else v


def keys_match(gold: dict, pred: dict) -> bool:
    t = gold.get("type")
    if t != pred.get("type"):
        return False
    gs, go, ps, po = gold.get("subject"), gold.get("object"), pred.get("subject"), pred.get("object")
    if t in ("holds_role", "squad_need", "job_status") and _low(gold.get("value")) != _low(pred.get("value")):
        return False
    if t == "squad_need":
        return names_match(gs, ps)
    if t == "job_status" and (go is None or po is None):
        return names_match(gs, ps)
    if t == "match_result" and gold.get("value") and oriented_score(gold, pred) != gold.get("value"):
        return False
    if names_match(gs, ps) and names_match(go, po):
        return True
    return t in UNORDERED and names_match(gs, po) and names_match(go, ps)


@dataclass
class Score:
    tp: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fp: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fn: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    agree: dict[str, list[int]] = field(
        default_factory=lambda: {f: [0, 0] for f in ("value", "polarity", "modality")}
    )
    bad_evidence: int = 0
    errors: list[tuple[str, str, dict, dict | None]] = field(default_factory=list)
    matched: list[tuple[dict, dict]] = field(default_factory=list)

    @staticmethod
    def prf(t: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = t / (t + fp) if t + fp else 0.0
        r = t / (t + fn) if t + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def total(self) -> tuple[float, float, float]:
        return self.prf(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))

    def per_type(self) -> dict[str, dict[str, float]]:
        rows = {}
        for t in (*CLAIM_TYPES, "__bad_evidence__"):
            if self.tp[t] + self.fp[t] + self.fn[t]:
                p, r, f = self.prf(self.tp[t], self.fp[t], self.fn[t])
                rows[t] = {
                    "precision": p,
                    "recall": r,
                    "f1": f,
                    "tp": self.tp[t],
                    "fp": self.fp[t],
                    "fn": self.fn[t],
                }
        return rows

    def agreement(self) -> dict[str, float | None]:
        return {k: (v[0] / v[1] if v[1] else None) for k, v in self.agree.items()}

    def to_dict(self) -> dict[str, Any]:
        p, r, f = self.total()
        return {
            "precision": p,
            "recall": r,
            "f1": f,
            "tp": sum(self.tp.values()),
            "fp": sum(self.fp.values()),
            "fn": sum(self.fn.values()),
            "bad_evidence": self.bad_evidence,
            "per_type": self.per_type(),
            "agreement": self.agreement(),
        }


def score(gold: list[dict], pred: list[dict], texts: dict[str, str] | None = None) -> Score:
    """Match predictions to gold per document, first match wins, as the reference scorer does."""
    result = Score()
    by_doc_g: dict[str, list[dict]] = defaultdict(list)
    by_doc_p: dict[str, list[dict]] = defaultdict(list)
    for c in gold:
        by_doc_g[str(c["doc"])].append(c)
    for c in pred:
        if c.get("type") not in CLAIM_TYPES:
            continue
        doc = str(c.get("doc"))
        if texts is not None:
            ev = squash(c.get("evidence"))
            if doc not in texts or not ev or ev not in texts[doc]:
                result.bad_evidence += 1
                c = dict(c, type="__bad_evidence__")
        by_doc_p[doc].append(c)
    for d in sorted(set(by_doc_g) | set(by_doc_p)):
        left = list(by_doc_g.get(d, []))
        for p in by_doc_p.get(d, []):
            hit = next((g for g in left if keys_match(g, p)), None)
            if hit is None:
                result.fp[p.get("type")] += 1
                near = next((g for g in left if g.get("type") == p.get("type")), None)
                result.errors.append(("FP", d, p, near))
                continue
            left.remove(hit)
            result.tp[hit["type"]] += 1
            result.matched.append((hit, p))
            pv = oriented_score(hit, p)
            for f, pval in (
                ("value", pv),
                ("polarity", p.get("polarity", "affirmed")),
                ("modality", p.get("modality")),
            ):
                gval = hit.get(f) if f != "polarity" else hit.get(f, "affirmed")
                result.agree[f][1] += 1
                result.agree[f][0] += int(str(gval or "").lower() == str(pval or "").lower())
        for g in left:
            result.fn[g["type"]] += 1
            result.errors.append(("FN", d, g, None))
    return result


def error_cause(kind: str, claim: dict, near: dict | None, predicted_docs: dict[str, list[dict]]) -> str:
    """A short guess at why a claim was missed or wrong, so errors can be grouped by cause."""
    if kind == "FP":
        if near is None:
            return "no gold claim of this type in the report"
        if not names_match(claim.get("subject"), near.get("subject")):
            return "wrong or extra subject"
        if not names_match(claim.get("object"), near.get("object")):
            return "wrong object"
        return "wrong value"
    same_type = [
        p for p in predicted_docs.get(str(claim.get("doc")), []) if p.get("type") == claim.get("type")
    ]
    subject_seen = any(names_match(claim.get("subject"), p.get("subject")) for p in same_type)
    if subject_seen:
        return "right subject, wrong object or value"
    any_subject = any(
        names_match(claim.get("subject"), p.get("subject"))
        or names_match(claim.get("subject"), p.get("object"))
        for p in predicted_docs.get(str(claim.get("doc")), [])
    )
    return "construction not recognised" if any_subject else "entity never in a claim (name not resolved?)"
