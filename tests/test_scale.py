"""Scale: the claim screen, --workers, and extraction on a Dask cluster (including a worker killed
mid-run), on real reports from ../shared. The cluster tests keep to ~20 reports."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from dugout.extract.pipeline import Extractor
from dugout.ingest.readers import ReadOptions, read_inputs
from dugout.nlp.pipeline import _pieces, rough_sentences, screened_ranges
from dugout.records import Article
from dugout.scale.cluster import ClusterError, parse_cluster
from dugout.store import Store


def _records(path: Path, n: int | None = None) -> list[Article]:
    found = [a for a in read_inputs([str(path)], ReadOptions(allow_urls=False)) if isinstance(a, Article)]
    return found[:n] if n else found


def _claims(results) -> list[tuple[str, str]]:
    return [(a.id, json.dumps(c.to_dict(), sort_keys=True)) for a, cs in results for c in cs]


@pytest.fixture(scope="module")
def dev20(shared_dir: Path) -> list[Article]:
    return _records(shared_dir / "eval" / "dev" / "articles.jsonl", 20)


@pytest.fixture(scope="module")
def single(dev20: list[Article]) -> list[tuple[str, str]]:
    return _claims(Extractor().run([Article(**vars(a)) for a in dev20]))


def test_parse_cluster() -> None:
    assert parse_cluster("local:3").local_workers == 3
    assert parse_cluster("local").local_workers == 2
    assert parse_cluster("10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    assert parse_cluster("tls://sched:8786").address == "tls://sched:8786"
    with pytest.raises(ClusterError):
        parse_cluster("local:0")
    with pytest.raises(ClusterError):
        parse_cluster("not an address")


def test_rough_sentences_cover_the_text_verbatim() -> None:
    text = 'Ancelotti stays, say Marca. "He is our coach." (Marca) Perez met him on Tuesday!'
    ranges = rough_sentences(text)
    assert [text[s:e] for s, e in ranges] == [
        "Ancelotti stays, say Marca.",
        '"He is our coach."',
        "(Marca) Perez met him on Tuesday!",
    ]


def word_screen(text: str) -> bool:
    """A screen for the tests of the parse's screening machinery: sentences holding a job word."""
    return any(w in text for w in ("sacked", "met ", "Chelsea"))


def test_screened_ranges_keep_kept_sentences_and_their_context() -> None:
    text = "It was sunny. Sources told ESPN the club were calm. He was sacked on Monday. The end."
    kept = [text[s:e] for s, e in screened_ranges(text, word_screen)]
    assert kept == ["Sources told ESPN the club were calm. He was sacked on Monday."]


def test_a_quoted_paragraph_keeps_the_speaker_before_it() -> None:
    text = 'Gibson added: "Gordon would admit it.\n\n"Today Gordon met with me, we talked."'
    pieces = [piece for _offset, piece in _pieces(Article(id="q", text=text), word_screen)]
    assert pieces[0].startswith("Gibson added:")
    assert pieces[-1].startswith('"Today Gordon met with me')
    for offset, piece in _pieces(Article(id="q", text=text), word_screen):
        assert text[offset : offset + len(piece)] == piece


def test_workers_give_the_single_process_output(dev20: list[Article], single) -> None:
    from dugout.scale.pool import extract_parallel

    assert _claims(extract_parallel(dev20, workers=2, chunk_size=3)) == single


def test_stored_of_finds_reports_by_id_and_text(tmp_path: Path, dev20: list[Article]) -> None:
    with Store.open(str(tmp_path / "s.db")) as store:
        store.add_report(dev20[0], [])
        copy = Article(id="another-id", text=dev20[0].text)
        assert store.stored_of([dev20[0], copy, dev20[1]]) == {dev20[0].id, "another-id"}


@pytest.fixture(scope="module")
def local_cluster():
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def test_cluster_gives_the_single_process_claims(local_cluster, dev20: list[Article], single) -> None:
    from dugout.scale.run import extract_on_cluster

    assert _claims(extract_on_cluster(dev20, local_cluster, partition_size=3)) == single


def test_cluster_survives_a_killed_worker(
    local_cluster, tmp_path: Path, dev20: list[Article], single
) -> None:
    from dugout.scale.run import extract_on_cluster

    client = local_cluster
    killed = False
    with Store.open(str(tmp_path / "cluster.db")) as store:
        for article, claims in extract_on_cluster(dev20, client, partition_size=2):
            store.add_report(article, claims)
            if not killed:
                pids = client.run(os.getpid)
                os.kill(sorted(pids.values())[0], signal.SIGKILL)  # mid-run: most partitions pending
                killed = True
        assert killed
        counts = store.counts()
        stored_ids = {a.id for a in store.articles()}
        stored_claims = sum(len(store.claims_of(a.id)) for a in dev20)
    assert counts["articles"] == len(dev20) and stored_ids == {a.id for a in dev20}
    assert stored_claims == counts["claims"] == len(single)


def test_cli_extract_on_a_local_cluster(tmp_path: Path, shared_dir: Path) -> None:
    from typer.testing import CliRunner

    from dugout.cli import app

    out = tmp_path / "claims.jsonl"
    seeds = str(shared_dir / "eval" / "seeds" / "articles.jsonl")
    result = CliRunner().invoke(app, ["extract", seeds, "--cluster", "local:1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    clustered = out.read_text(encoding="utf-8").splitlines()
    result = CliRunner().invoke(app, ["extract", seeds, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert clustered == out.read_text(encoding="utf-8").splitlines() and clustered


def test_v3_claim_names_backfilled_and_kept(tmp_path: Path) -> None:
    from sqlalchemy import select

    from dugout.records import Claim
    from dugout.store import MIGRATIONS
    from dugout.store.schema import claim_names

    db = str(tmp_path / "v2.db")
    article = Article(id="r1", text="Carlo Ancelotti is the Real Madrid coach.", published="2024-01-01")
    claim = Claim(
        doc="r1",
        type="coach_of",
        subject="Carlo Ancelotti",
        object="Real Madrid",
        value="current",
        polarity="affirmed",
        modality="fact",
        evidence="Carlo Ancelotti is the Real Madrid coach.",
    )
    with Store.open(db, migrations=MIGRATIONS[:2]) as v2:
        v2.add_report(article, [claim])
    with Store.open(db) as v3:
        with v3.engine.connect() as conn:
            assert set(conn.execute(select(claim_names.c.folded)).scalars()) == {
                "carlo ancelotti",
                "real madrid",
            }
        assert [c.claim.subject for c in v3.claims(about="ancelotti")] == ["Carlo Ancelotti"]
        assert [c.claim.object for c in v3.claims(about="madrid")] == ["Real Madrid"]
        assert v3.claims(about="carlo madrid") == []
        v3.add_report(
            Article(id="r2", text="Xabi Alonso coaches Leverkusen."),
            [
                Claim(
                    doc="r2",
                    type="coach_of",
                    subject="Xabi Alonso",
                    object="Bayer Leverkusen",
                    value="current",
                    polarity="affirmed",
                    modality="fact",
                    evidence="Xabi Alonso coaches Leverkusen.",
                )
            ],
        )
        assert [c.claim.subject for c in v3.claims(about="alonso")] == ["Xabi Alonso"]
