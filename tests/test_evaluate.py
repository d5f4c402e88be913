"""dugout.evaluate re-states ../shared/eval/score.py: both must give the same figures on real data.

Gold is the dev set's gold; predictions are the gold itself, the gold damaged
in the ways the spec's matching rules are about (surnames, generic one-word
club names, reversed scores, wrong values, evidence not in the report), and
what `dugout extract` gives on the dev reports.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from dugout import evaluate
from dugout.cli import app
from dugout.records import CLAIM_TYPES


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def reference(shared_dir: Path, load_script) -> ModuleType:
    return load_script(shared_dir / "eval" / "score.py", "reference_score")


@pytest.fixture(scope="module")
def dev(shared_dir: Path) -> dict[str, Path]:
    folder = shared_dir / "eval" / "dev"
    return {"gold": folder / "gold.jsonl", "articles": folder / "articles.jsonl"}


@pytest.fixture(scope="module")
def gold(dev: dict[str, Path]) -> list[dict]:
    rows = load_jsonl(dev["gold"])
    assert len(rows) > 300
    return rows


@pytest.fixture(scope="module")
def texts(dev: dict[str, Path], reference: ModuleType) -> dict[str, str]:
    """The reports' texts exactly as score.py builds them for --articles."""
    return {
        str(r["id"]): reference.squash((r.get("title") or "") + " " + (r.get("text") or ""))
        for r in load_jsonl(dev["articles"])
    }


def plain(counts: dict) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


def both(reference: ModuleType, gold: list[dict], pred: list[dict], texts: dict[str, str] | None):
    """Score with both scorers (on copies: neither may see the other's changes) and compare."""
    tp, fp, fn, agree, bad, errors = reference.score([dict(c) for c in gold], [dict(c) for c in pred], texts)
    ours = evaluate.score([dict(c) for c in gold], [dict(c) for c in pred], texts)
    assert plain(ours.tp) == plain(tp)
    assert plain(ours.fp) == plain(fp)
    assert plain(ours.fn) == plain(fn)
    assert {k: list(v) for k, v in ours.agree.items()} == {k: list(v) for k, v in agree.items()}
    assert ours.bad_evidence == bad
    assert [(kind, doc, claim) for kind, doc, claim, _near in ours.errors] == errors
    T, FP, FN = sum(tp.values()), sum(fp.values()), sum(fn.values())
    assert ours.total() == pytest.approx(reference.prf(T, FP, FN))
    return ours


# -- (a) the gold itself --------------------------------------------------------------------------


def test_gold_against_itself_is_perfect(reference, gold, texts) -> None:
    ours = both(reference, gold, gold, texts)
    assert ours.total() == pytest.approx((1.0, 1.0, 1.0))
    assert ours.bad_evidence == 0
    assert all(agreed == total for agreed, total in ours.agree.values())
    assert set(plain(ours.tp)) <= set(CLAIM_TYPES)


def test_gold_without_texts_and_with_nothing_predicted(reference, gold) -> None:
    both(reference, gold, gold, None)
    ours = both(reference, gold, [], None)
    assert sum(ours.fn.values()) == len(gold)
    assert ours.total() == (0.0, 0.0, 0.0)


# -- (b) damaged gold -------------------------------------------------------------------------------

GENERIC_SHORT = {"Real Madrid": "Madrid", "Manchester City": "City", "Manchester United": "United"}


def surname(name: str | None) -> str | None:
    if not name:
        return name
    words = name.split()
    return words[-1] if len(words) > 1 else name


def test_surnames_match_but_generic_words_do_not(reference, gold, texts) -> None:
    shortened = [dict(c, subject=surname(c["subject"]), object=surname(c.get("object"))) for c in gold]
    both(reference, gold, shortened, texts)

    generic = [
        dict(
            c,
            subject=GENERIC_SHORT.get(c["subject"], c["subject"]),
            object=GENERIC_SHORT.get(c.get("object"), c.get("object")),
        )  # fmt: skip
        for c in gold
    ]
    changed = sum(1 for g, p in zip(gold, generic, strict=True) if g != p)
    assert changed >= 10, "the dev gold names Manchester City/United and Real Madrid often"
    ours = both(reference, gold, generic, texts)
    assert sum(ours.fp.values()) >= changed - 5  # "City" is not "Manchester City"
    assert not evaluate.names_match("City", "Manchester City")
    assert not evaluate.names_match("Madrid", "Real Madrid")
    assert evaluate.names_match("Ancelotti", "Carlo Ancelotti")


def test_reversed_scores_with_swapped_sides_still_match(reference, gold, texts) -> None:
    results = [c for c in gold if c["type"] == "match_result"]
    assert any(c.get("value") for c in results)
    swapped = []
    for c in gold:
        if c["type"] == "match_result" and c.get("value"):
            home, away = c["value"].split("-")
            c = dict(c, subject=c["object"], object=c["subject"], value=f"{away}-{home}")
        swapped.append(c)
    ours = both(reference, gold, swapped, texts)
    assert ours.tp["match_result"] == len(results)
    # a reversed score without swapped sides is a different result
    wrong = [
        dict(c, value="-".join(reversed(c["value"].split("-"))))
        if c["type"] == "match_result" and c.get("value") and len(set(c["value"].split("-"))) == 2
        else c
        for c in gold
    ]
    ours = both(reference, gold, wrong, texts)
    assert ours.fp["match_result"] > 0


def other_value(claim: dict) -> object:
    vocabulary = {
        "coach_of": ("current", "former"),
        "holds_role": ("president", "owner"),
        "job_status": ("secure", "at_risk"),
        "meeting": ("planned", "held"),
        "candidate_for": ("linked", "offered"),
        "transfer": ("interest", "signed"),
        "squad_need": ("striker", "goalkeeper"),
        "match_result": ("1-0", "2-2"),
        "contract_until": ("2030", None),
    }[claim["type"]]
    return vocabulary[1] if claim.get("value") == vocabulary[0] else vocabulary[0]


def test_changed_values_polarity_and_modality(reference, gold, texts) -> None:
    changed = [dict(c, value=other_value(c)) for c in gold]
    ours = both(reference, gold, changed, texts)
    # keyed on value for these types: all missed; the others match with value disagreement
    keyed = sum(1 for c in gold if c["type"] in ("holds_role", "squad_need", "job_status"))
    assert sum(ours.tp[t] for t in ("holds_role", "squad_need", "job_status")) < keyed / 4
    agreed, total = ours.agree["value"]
    assert total > 0 and agreed < total

    flipped = [
        dict(
            c,
            polarity="negated" if c.get("polarity", "affirmed") == "affirmed" else "affirmed",
            modality="possible" if c.get("modality") != "possible" else "fact",
        )
        for c in gold
    ]
    ours = both(reference, gold, flipped, texts)
    assert ours.agree["polarity"][0] == 0
    assert ours.agree["modality"][0] == 0
    # polarity left out counts as affirmed on both sides
    dropped = [{k: v for k, v in c.items() if k != "polarity"} for c in gold]
    both(reference, gold, dropped, texts)


def test_evidence_not_in_the_report_is_counted(reference, gold, texts) -> None:
    damaged = []
    for n, c in enumerate(gold):
        if n % 3 == 0:
            c = dict(c, evidence=c["evidence"] + " And then the referee sang the anthem.")
        elif n % 3 == 1:
            c = dict(c, evidence="   \n" + c["evidence"].replace(" ", "\n  ") + "  ")  # spacing is squashed
        damaged.append(c)
    ours = both(reference, gold, damaged, texts)
    assert ours.bad_evidence == len(range(0, len(gold), 3))
    assert ours.tp["__bad_evidence__"] == 0
    assert ours.fp["__bad_evidence__"] == ours.bad_evidence
    # a claim on a report that is not among the articles, an empty evidence, an unknown type
    extra = [
        dict(gold[0], doc="no-such-report"),
        dict(gold[1], evidence=""),
        dict(gold[2], evidence=None),
        dict(gold[3], type="sacking"),
    ]
    ours = both(reference, gold, damaged + extra, texts)
    assert ours.bad_evidence == len(range(0, len(gold), 3)) + 3


def test_everything_at_once_reordered(reference, gold, texts) -> None:
    mixed = []
    for n, c in enumerate(reversed(gold)):
        kind = n % 5
        if kind == 0:
            c = dict(c, subject=surname(c["subject"]))
        elif kind == 1:
            c = dict(c, object=GENERIC_SHORT.get(c.get("object"), surname(c.get("object"))))
        elif kind == 2:
            c = dict(c, value=other_value(c))
        elif kind == 3:
            c = dict(c, evidence=c["evidence"][::-1])
        mixed.append(c)
        if n % 7 == 0:
            mixed.append(dict(c))  # a duplicate prediction is a false alarm
    both(reference, gold, mixed, texts)


def test_name_matching_agrees_on_every_gold_name(reference, gold) -> None:
    names = sorted({c[k] for c in gold for k in ("subject", "object") if c.get(k)})
    generic = ["Madrid", "City", "United", "Real", "FC", "AC Milan", "Milan", "Inter", "Atletico", "", None]

    def variants(name: str) -> list[str]:
        words = name.split()
        return [words[-1], words[0], name.upper(), name.lower(), f"{name} FC", name.replace(" ", "-")]

    mismatches = [
        (a, b)
        for a in names
        for b in [*names, *variants(a), *generic]
        if evaluate.names_match(a, b) != reference.names_match(a, b)
    ]
    assert mismatches == []


def test_name_matching_agrees_on_nordic_and_german_letters(reference) -> None:
    pairs = [
        ("Martin Odegaard", "Martin Ødegaard"),
        ("Odegaard", "Martin Ødegaard"),
        ("Ole Gunnar Solskjaer", "Ole Gunnar Solskjær"),
        ("Borussia Monchengladbach", "Borussia Mönchengladbach"),
        ("Christian Strass", "Christian Straß"),
    ]
    assert [evaluate.names_match(a, b) for a, b in pairs] == [reference.names_match(a, b) for a, b in pairs]


# -- (c) what dugout extracts, through `dugout eval` --------------------------------------------------


@pytest.fixture(scope="module")
def eval_run(dev: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    saved = tmp_path_factory.mktemp("eval") / "pred.jsonl"
    result = CliRunner().invoke(
        app, ["eval", str(dev["gold"]), str(dev["articles"]), "--save", str(saved), "--show-errors"]
    )
    assert result.exit_code == 0, result.output
    return result.stdout, saved


@pytest.fixture(scope="module")
def predicted(eval_run: tuple[str, Path]) -> list[dict]:
    rows = load_jsonl(eval_run[1])
    assert rows, "dugout extracts claims from the dev reports"
    return rows


@pytest.fixture(scope="module")
def reference_run(shared_dir: Path, dev: dict[str, Path], eval_run: tuple[str, Path]) -> dict:
    run = subprocess.run(
        [
            sys.executable,
            str(shared_dir / "eval" / "score.py"),
            str(dev["gold"]),
            str(eval_run[1]),
            "--articles",
            str(dev["articles"]),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    as_json = subprocess.run(
        [
            sys.executable,
            str(shared_dir / "eval" / "score.py"),
            str(dev["gold"]),
            str(eval_run[1]),
            "--articles",
            str(dev["articles"]),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert as_json.returncode == 0, as_json.stderr
    return {"table": run.stdout, "json": json.loads(as_json.stdout.rsplit("\nF1 ", 1)[0])}


def test_extracted_predictions_score_the_same(reference, gold, texts, predicted) -> None:
    ours = both(reference, gold, predicted, texts)
    assert sum(ours.tp.values()) > 0


def test_eval_prints_the_reference_table_and_f1(eval_run, reference_run) -> None:
    ours, ref = eval_run[0].splitlines(), reference_run["table"].splitlines()
    assert ours[-1] == ref[-1]
    assert re.fullmatch(r"F1 \d\.\d{4}", ours[-1])
    # the per-type table, the totals, the evidence line and the agreement lines, as score.py prints them
    head = len(ref) - 1
    assert ours[:head] == ref[:head]
    rows = {
        line.split()[0]: line.split()[1:] for line in ours[1:head] if line and line.split()[0] in CLAIM_TYPES
    }
    assert set(rows) == {t for t in CLAIM_TYPES if t in reference_run["json"]["per_type"]}
    for t, cells in rows.items():
        figures = reference_run["json"]["per_type"][t]
        assert [int(x) for x in cells[3:]] == [figures["tp"], figures["fp"], figures["fn"]]


def test_eval_json_matches_the_reference(dev, eval_run, reference_run) -> None:
    result = CliRunner().invoke(app, ["eval", str(dev["gold"]), str(dev["articles"]), "--json"])
    assert result.exit_code == 0, result.output
    ours, ref = json.loads(result.stdout), reference_run["json"]
    for key in ("tp", "fp", "fn", "bad_evidence"):
        assert ours[key] == ref[key], key
    for key in ("precision", "recall", "f1"):
        assert ours[key] == pytest.approx(ref[key]), key
    assert set(ours["per_type"]) == set(ref["per_type"])
    for t, figures in ref["per_type"].items():
        assert ours["per_type"][t] == pytest.approx(figures), t
    assert ours["agreement"] == pytest.approx(ref["agreement"])


HEADER = re.compile(r"^(\S+) — (missed|false alarm) — (.+) \((\d+)\)$")


def test_show_errors_groups_by_type_and_cause(eval_run, reference_run) -> None:
    lines = eval_run[0].splitlines()
    headers = [HEADER.match(line) for line in lines]
    groups = [(m[1], m[2], m[3], int(m[4])) for m in headers if m]
    ref = reference_run["json"]
    if ref["fp"] + ref["fn"] == 0:
        assert groups == []
        return
    assert groups, "errors are listed under group headers"
    assert len({g[:3] for g in groups}) == len(groups), "each (type, kind, cause) is one group"
    for claim_type, _kind, _cause, _count in groups:
        assert claim_type in CLAIM_TYPES or claim_type == "__bad_evidence__"
    totals: dict[str, int] = defaultdict(int)
    for _t, kind, _c, count in groups:
        totals[kind] += count
    assert totals["missed"] == ref["fn"]
    assert totals["false alarm"] == ref["fp"]
    # every group header is followed by exactly as many indented error lines
    for index, line in enumerate(lines):
        m = HEADER.match(line)
        if m:
            body = lines[index + 1 : index + 1 + int(m[4])]
            assert all(b.startswith("  ") for b in body), (line, body)
    # groups come type by type
    order = [g[0] for g in groups]
    assert order == sorted(order)
