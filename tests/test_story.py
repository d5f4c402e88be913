"""The story layer over stored claims: state, conflicts, changes, staleness, track record, CLI.

Reports are real (../shared/eval/seeds and ../shared/eval/dev), stored in a
temporary SQLite file. The end-to-end test on the seeds asserts only what
today's extraction gives; the story logic is tested with claims constructed
over real report texts, since extraction improves in parallel.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dugout.cli import app
from dugout.records import Article, Claim
from dugout.store import Store
from dugout.story import brief, load_story, render, story_of, timeline, track_record
from dugout.story.confidence import track_factor
from dugout.story.dedup import near_duplicate_groups

runner = CliRunner()


def _records(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, path.read_text("utf-8").splitlines()) if r}


@pytest.fixture(scope="module")
def dev(shared_dir: Path) -> dict[str, dict]:
    return _records(shared_dir / "eval" / "dev" / "articles.jsonl")


@pytest.fixture(scope="module")
def seeds_path(shared_dir: Path) -> Path:
    return shared_dir / "eval" / "seeds" / "articles.jsonl"


@pytest.fixture(scope="module")
def seed_db(seeds_path: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The two seed reports with their hand-made gold claims (`dugout ingest --claims`), once per
    module: the story layer is tested on what the seeds say, not on how much the model reads."""
    db = str(tmp_path_factory.mktemp("story") / "seeds.db")
    gold = seeds_path.parent / "gold.jsonl"
    result = runner.invoke(app, ["ingest", str(seeds_path), "--claims", str(gold), "--db", db])
    assert result.exit_code == 0, result.output
    return db


def _article(
    rec: dict,
    *,
    id: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
    text: str | None = None,
) -> Article:
    return Article(
        id=id or rec["id"],
        text=text or rec["text"],
        title=rec.get("title"),
        url=rec.get("url"),
        outlet=outlet or rec.get("outlet"),
        published=published or rec.get("published"),
    )


def _claim(
    article: Article,
    type: str,
    subject: str,
    object: str | None,
    value: str | None,
    *,
    modality: str = "fact",
    polarity: str = "affirmed",
    attribution: str | None = None,
    when: str | None = None,
    counterpart: str | None = None,
) -> Claim:
    # evidence: the report's first sentence-ish span; the story never reinterprets it
    return Claim(
        doc=article.id,
        type=type,
        subject=subject,
        object=object,
        value=value,
        polarity=polarity,
        modality=modality,
        evidence=article.text[:120],
        attribution=attribution,
        outlet=article.outlet,
        when=when,
        counterpart=counterpart,
    )


# -- end to end on the seeds ---------------------------------------------------------------------


def test_seed_ancelotti_story(seed_db: str) -> None:
    with Store.open(seed_db) as store:
        story = story_of(store, "Carlo Ancelotti")
    assert story is not None and story.kind == "person" and story.as_of == "2024-11-06"
    coach = [ln for ln in story.roles if ln.value == "current"]
    assert coach and "Real Madrid" in coach[0].text
    assert {c.outlet for c in coach[0].claims} == {"ESPN", "Football España"}
    # contract to 2024-06, flagged stale as of 2024-11
    assert any(s.claim.claim.when == "2024-06" for s in story.stale)
    assert any(ln.note.startswith("stale") for ln in story.contracts)
    # job status: secure, ESPN 2023 among the reports for, at_risk against, side by side
    job = story.jobs[0]
    assert job.status == "secure" and 0 < job.confidence < 1
    assert any(c.outlet == "ESPN" and c.published == "2023-05-19" for c in job.support)
    assert any(c.claim.value == "at_risk" and c.published == "2024-11-06" for c in job.against)
    assert any(
        {con.a.claim.value, con.b.claim.value} == {"secure", "at_risk"} for con in story.contradictions
    )
    # meetings: planned (2023) and held (2024-11-06, per Marca)
    meets = {(ln.claims[0].claim.value, ln.claims[0].claim.attribution) for ln in story.meetings}
    assert ("planned", "sources") in meets and ("held", "Marca") in meets
    assert any(ln.claims[0].claim.object == "Brazil" for ln in story.linked_elsewhere)
    names = {c.name for c in story.candidates}
    assert {
        "Xabi Alonso",
        "Zinedine Zidane",
        "Raul Gonzalez",
        "Julian Nagelsmann",
        "Mauricio Pochettino",
    } <= names
    assert {"Santi Solari", "Raul Gonzalez"} <= names
    assert story.candidates[0].name == "Raul Gonzalez"  # two independent outlets named him
    assert story.to_dict()["job_status"][0]["status"] == "secure"


def test_seed_real_madrid_story(seed_db: str) -> None:
    with Store.open(seed_db) as store:
        story = story_of(store, "Real Madrid")
    assert story is not None and story.kind == "club"
    ins = {ln.text.split(":")[0] for ln in story.transfers_in}
    assert {"Fran Garcia", "Jude Bellingham"} <= ins
    right_back = next(ln for ln in story.needs if ln.value == "right-back")
    assert {c.published[:4] for c in right_back.claims} == {"2023", "2024"}
    assert any("Manchester City" in ln.text for ln in story.results)
    assert any("Barcelona" in ln.text and "4-0" in ln.text for ln in story.results)


def test_seed_brief_cites_every_sentence(seed_db: str) -> None:
    with Store.open(seed_db) as store:
        story = story_of(store, "Carlo Ancelotti")
    sentences = brief(story)
    assert sentences
    for s in sentences:
        if "confidence" not in s.text:
            assert s.claim_ids and s.render().endswith("].")
    text = render(story)
    assert "[ESPN, 2023-05-19]" in text and "Football España, 2024-11-06" in text
    assert "June 2024" in text and "stale" in text


# -- constructed claims over real report texts -----------------------------------------------------


@pytest.fixture()
def united(dev: dict[str, dict], tmp_path: Path) -> str:
    """Solskjaer at Manchester United over three real reports: at risk, sacked, then a near-copy."""
    db = str(tmp_path / "united.db")
    a = _article(dev["p022"], published="2020-01-31")  # The Scottish Sun
    b = _article(dev["p053"], published="2020-03-01")  # SportsLens
    c = _article(dev["p013"], published="2020-01-25", outlet="Washington Newsday")
    with Store.open(db) as store:
        store.add_report(
            c,
            [
                _claim(
                    c,
                    "job_status",
                    "Ole Gunnar Solskjaer",
                    "Manchester United",
                    "secure",
                    attribution="sources",
                    modality="reported",
                ),
                _claim(c, "coach_of", "Ole Gunnar Solskjaer", "Manchester United", "current"),
            ],
        )
        store.add_report(
            a,
            [
                _claim(a, "job_status", "Ole Gunnar Solskjaer", "Manchester United", "at_risk"),
                _claim(a, "coach_of", "Ole Gunnar Solskjaer", "Manchester United", "current"),
                _claim(
                    a,
                    "transfer",
                    "Odion Ighalo",
                    "Manchester United",
                    "interest",
                    modality="reported",
                    attribution="sources",
                ),
                _claim(
                    a, "contract_until", "Ole Gunnar Solskjaer", "Manchester United", None, when="2020-02"
                ),
            ],
        )
        store.add_report(
            b,
            [
                _claim(b, "job_status", "Ole Gunnar Solskjaer", "Manchester United", "dismissed"),
                _claim(b, "transfer", "Odion Ighalo", "Manchester United", "signed", when="2020-02-28"),
            ],
        )
    return db


def test_contradiction_within_two_weeks_from_two_outlets(united: str) -> None:
    with Store.open(united) as store:
        story = story_of(store, "Ole Gunnar Solskjaer", as_of="2020-02-10")
    assert story is not None
    pairs = [(c.a.outlet, c.a.claim.value, c.b.outlet, c.b.claim.value) for c in story.contradictions]
    assert ("Washington Newsday", "secure", "The Scottish Sun", "at_risk") in pairs
    assert story.jobs[0].status == "at_risk"
    assert story.jobs[0].against  # the contradicting secure report is shown beside it


def test_dismissal_is_a_change_not_a_contradiction(united: str) -> None:
    with Store.open(united) as store:
        story = story_of(store, "Ole Gunnar Solskjaer")
    assert story is not None and story.as_of == "2020-03-01"
    assert not any("dismissed" in (c.a.claim.value, c.b.claim.value) for c in story.contradictions)
    change = [ch for ch in story.changes if ch.question.startswith("job status")]
    assert change and "dismissed" in change[-1].note and "at_risk" in change[-1].note
    assert story.jobs[0].status == "dismissed"
    post = next(ln for ln in story.roles if "Manchester United" in ln.text)
    assert post.value == "former"  # the sacking ended the spell


def test_as_of_before_and_after_the_change(united: str) -> None:
    with Store.open(united) as store:
        before = story_of(store, "Ole Gunnar Solskjaer", as_of="2020-02-15")
        after = story_of(store, "Ole Gunnar Solskjaer", as_of="2020-03-31")
        too_early = story_of(store, "Ole Gunnar Solskjaer", as_of="2019-01-01")
    assert before is not None and after is not None
    assert before.jobs[0].status == "at_risk" and before.as_of == "2020-02-15"
    assert after.jobs[0].status == "dismissed"
    assert too_early is None


def test_stale_contract_only_after_its_end(united: str) -> None:
    with Store.open(united) as store:
        inside = story_of(store, "Ole Gunnar Solskjaer", as_of="2020-02-10")
        past = story_of(store, "Ole Gunnar Solskjaer", as_of="2020-03-31")
    assert inside is not None and past is not None
    assert not inside.stale
    assert past.stale and past.stale[0].claim.claim.when == "2020-02"


def test_settled_transfer_moves_the_outlets_track_record(united: str) -> None:
    with Store.open(united) as store:
        before, _ = track_record(store, as_of="2020-02-15")
        records, outcomes = track_record(store)
        inp = load_story(store, "Ole Gunnar Solskjaer")
    assert not any(r.outlet == "The Scottish Sun" for r in before)
    sun = next(r for r in records if r.outlet == "The Scottish Sun")
    assert sun.borne_out >= 1
    assert any(o.claim.claim.subject == "Odion Ighalo" and o.outcome == "borne_out" for o in outcomes)
    # the secure report was followed by a sacking within a year: not borne out
    assert any(o.outlet == "Washington Newsday" and o.outcome == "not_borne_out" for o in outcomes)
    assert track_factor("The Scottish Sun", inp.track) > 1.0 > track_factor("Washington Newsday", inp.track)


def test_near_copy_and_cited_outlet_count_once(dev: dict[str, dict], tmp_path: Path) -> None:
    db = str(tmp_path / "copies.db")
    rec = dev["p022"]
    original = _article(rec, published="2020-01-31")
    copy_text = rec["text"].replace("Manchester United", "Man Utd", 1) + " Read more on our site."
    copy = _article(rec, id="p022-copy", outlet="Copycat Daily", published="2020-02-01", text=copy_text)
    relay = _article(dev["p053"], published="2020-02-02")  # SportsLens, citing The Scottish Sun
    other = _article(dev["p013"], published="2020-02-03", outlet="Washington Newsday")
    assert near_duplicate_groups({original.id: original.text, copy.id: copy.text, other.id: other.text}) == {
        original.id: original.id,
        copy.id: original.id,
        other.id: other.id,
    }
    with Store.open(db) as store:
        for art, attribution in ((original, None), (copy, None), (relay, "The Scottish Sun"), (other, None)):
            store.add_report(
                art,
                [
                    _claim(
                        art,
                        "candidate_for",
                        "Mauricio Pochettino",
                        "Manchester United",
                        "linked",
                        modality="possible",
                        attribution=attribution,
                    ),
                    _claim(art, "coach_of", "Ole Gunnar Solskjaer", "Manchester United", "current"),
                ],
            )
        story = story_of(store, "Manchester United")
    assert story is not None
    poch = next(c for c in story.candidates if c.name == "Mauricio Pochettino")
    assert len(poch.claims) == 4
    assert poch.outlets == ["The Scottish Sun", "Washington Newsday"]


def test_timeline_marks_undated_claims(united: str) -> None:
    with Store.open(united) as store:
        inp = load_story(store, "Odion Ighalo", with_track=False)
    events = timeline(inp.claims)
    assert [e.claim.claim.value for e in events] == ["interest", "signed"]
    assert not events[0].dated and events[0].date == "2020-01-31"
    assert events[1].dated and events[1].date == "2020-02-28"


# -- the CLI ---------------------------------------------------------------------------------------


def test_cli_story_brief_timeline_outlets(seed_db: str, united: str) -> None:
    result = runner.invoke(app, ["story", "Carlo Ancelotti", "--db", seed_db])
    assert result.exit_code == 0, result.output
    assert "head coach of Real Madrid" in result.output and "STALE" in result.output
    assert "[ESPN, 2023-05-19]" in result.output
    result = runner.invoke(app, ["story", "Real Madrid", "--db", seed_db, "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["kind"] == "club"
    result = runner.invoke(app, ["brief", "Carlo Ancelotti", "--db", seed_db, "--as-of", "2023-06-01"])
    assert result.exit_code == 0
    assert "2024" not in result.output.split("\n", 1)[1].replace("June 2024", "")  # nothing from 2024 yet
    result = runner.invoke(app, ["timeline", "Carlo Ancelotti", "--db", seed_db, "--json"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows and all("evidence" in r and "outlet" in r for r in rows)
    result = runner.invoke(app, ["outlets", "--db", united, "--json"])
    assert result.exit_code == 0
    assert any(json.loads(line)["outlet"] == "The Scottish Sun" for line in result.output.splitlines())


def test_a_name_the_knowledge_base_knows_reads_its_entitys_story(seed_db: str) -> None:
    """Rule: claims carry canonical names, so a query no claim carries but that the knowledge
    base gives one entity as another name ("Don Carlo", "Los Blancos") reads that entity's
    story, under its canonical name; a name it does not know still finds nothing."""
    with Store.open(seed_db) as store:
        coach = story_of(store, "Don Carlo")
        club = story_of(store, "Los Blancos")
        nobody = story_of(store, "Nobody Atall")
    assert coach is not None and coach.name == "Carlo Ancelotti"
    assert club is not None and club.name == "Real Madrid" and club.kind == "club"
    assert nobody is None
    for verb in ("story", "brief", "timeline"):
        result = runner.invoke(app, [verb, "Don Carlo", "--db", seed_db])
        assert result.exit_code == 0 and "Carlo Ancelotti" in result.output, verb


def test_cli_unknown_name_is_one_line_and_status_1(seed_db: str) -> None:
    result = runner.invoke(app, ["story", "Nobody Atall", "--db", seed_db])
    assert result.exit_code == 1
    assert "no stored claims about 'Nobody Atall'" in result.output
    assert runner.invoke(app, ["brief", "Nobody Atall", "--db", seed_db]).exit_code == 1
    assert runner.invoke(app, ["timeline", "Nobody Atall", "--db", seed_db]).exit_code == 1


def test_help_ends_with_examples() -> None:
    for verb in ("story", "timeline", "brief", "outlets"):
        result = runner.invoke(app, [verb, "--help"])
        assert result.exit_code == 0 and "Example" in result.output
