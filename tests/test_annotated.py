"""Hand-checked claims in place of the model's (`--claims`), and a model of one's own (`--model`).

Reports and claims are the seeds' and train's own (../shared/eval), read at run time.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dugout.cli import app
from dugout.evaluate import squash
from dugout.extract.annotated import AnnotatedClaims
from dugout.records import Article
from dugout.store import Store

runner = CliRunner()


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def _articles(path: Path) -> list[Article]:
    keys = ("id", "url", "outlet", "published", "title", "text")
    return [Article(**{k: r.get(k) for k in keys}) for r in _lines(path)]


def test_ingest_with_claims_stores_the_annotated_claims(shared_dir: Path, tmp_path: Path) -> None:
    seeds = shared_dir / "eval" / "seeds"
    db = str(tmp_path / "gold.db")
    result = runner.invoke(
        app, ["ingest", str(seeds / "articles.jsonl"), "--claims", str(seeds / "gold.jsonl"), "--db", db]
    )
    assert result.exit_code == 0, result.output
    gold = _lines(seeds / "gold.jsonl")
    with Store.open(db) as store:
        stored = [c for a in store.articles() for c in store.claims_of(a.id)]
    key = lambda c: (c["doc"], c["type"], c["subject"], c.get("object"), c.get("value"), c["evidence"])  # noqa: E731
    assert sorted(map(key, (c.to_dict() for c in stored))) == sorted(map(key, gold))


def test_a_report_under_another_id_is_matched_by_its_text(shared_dir: Path) -> None:
    """A page fetched from a feed gets an id of its own: its claims are found by the text, and
    only those whose evidence the page still holds are kept."""
    train = shared_dir / "eval" / "train"
    annotated = AnnotatedClaims.from_files([train / "gold.jsonl"])
    report = next(a for a in _articles(train / "articles.jsonl") if annotated.annotations.get(a.id))
    expected = {(c.type, c.subject, c.object) for c in annotated.claims_of(report)}
    assert expected
    page = replace(report, id="127.0.0.1-page", text="Home | Football\n" + report.text)
    found = annotated.claims_of(page)
    assert {(c.type, c.subject, c.object) for c in found} == expected
    assert all(c.doc == "127.0.0.1-page" and squash(c.evidence) in squash(page.text) for c in found)
    unrelated = replace(report, id="other", text="A report about something else entirely.")
    assert annotated.claims_of(unrelated) == []


def test_a_bad_claims_file_is_one_line_naming_file_and_line(shared_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "claims.jsonl"
    good = {"doc": "a", "type": "coach_of", "subject": "X", "evidence": "e", "polarity": "affirmed"}
    bad.write_text(json.dumps({**good, "modality": "fact"}) + '\n{"doc": "a", "type": "gossip"}\n', "utf-8")
    seeds = shared_dir / "eval" / "seeds" / "articles.jsonl"
    result = runner.invoke(app, ["ingest", str(seeds), "--claims", str(bad), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert f"{bad}:2: not a claim" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_extract_with_a_model_folder_of_ones_own(
    shared_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dugout.extract.pipeline import MODEL_ENV, SHIPPED_MODEL

    monkeypatch.setenv(MODEL_ENV, "")  # --model sets it for the run; restored after the test

    seeds = str(shared_dir / "eval" / "seeds" / "articles.jsonl")
    shipped = runner.invoke(app, ["extract", seeds])
    chosen = runner.invoke(app, ["extract", seeds, "--model", str(SHIPPED_MODEL)])
    assert chosen.exit_code == 0 and chosen.output == shipped.output
    missing = runner.invoke(app, ["extract", seeds, "--model", str(tmp_path)])
    assert missing.exit_code == 2 and "not a model folder" in " ".join(missing.output.split())
