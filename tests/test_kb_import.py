"""`dugout kb import`: openfootball football.txt / football.json and plain CSV into the user knowledge base.

Samples are a few lines in the real formats (openfootball/clubs europe/es-espana/clubs.txt,
openfootball/football.json 2013-14 and 2020-21 files), written into tmp_path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dugout.cli import app
from dugout.kb.importers import (
    ImportProblem,
    import_file,
    read_football_json,
    read_football_txt,
    read_plain_csv,
)
from dugout.kb.index import load_kb
from dugout.kb.loader import BUNDLED_DIR
from dugout.kb.model import entity_id

CLUBS_TXT = """\
====================================
=  Spain • España (es)


== Comunidad de Madrid ==

Atlético Madrid,    Madrid    ## use Atlético de Madrid - why? why not?
  | Atlético | Atlético de Madrid | Club Atlético de Madrid | Ath Madrid [en]
Real Madrid,   Madrid
  | R. Madrid | Real Madrid CF | Real Madrid Club de Fútbol    ## add Madrid ?
Rayo Majadahonda Test,  Majadahonda › Comunidad de Madrid
  | Rayo Maja | Madrid

# a club on one line, aliases after |
Zamora Test CF, Zamora | Zamora Test | Zamora Test Club de Fútbol
"""

CLUBS_JSON = {
    "name": "Primera División 2020/21",
    "clubs": [
        {"name": "Real Madrid", "code": "RMD", "country": "Spain"},
        {"name": "Getafe CF", "code": "GET", "country": "Spain"},
        {"name": "Club Json Test", "code": None, "country": "Spain"},
    ],
}
MATCHES_JSON = {
    "name": "Primera División 2020/21",
    "matches": [
        {"round": "Jornada 1", "date": "2020-09-13", "team1": "Real Madrid", "team2": "Getafe CF"},
        {
            "round": "Jornada 2",
            "date": "2020-09-20",
            "team1": "Match Test United",
            "team2": "Real Madrid",
            "score": {"ft": [0, 0]},
        },
    ],
}
ROUNDS_JSON = {  # the older football.json layout: rounds, teams as objects
    "name": "Primera División 2013/14",
    "rounds": [
        {
            "name": "Jornada 1",
            "matches": [
                {
                    "date": "2013-08-18",
                    "team1": {"key": "madrid", "name": "R. Madrid", "code": "RMD"},
                    "team2": {"key": "betis", "name": "Betis", "code": "BET"},
                    "score1": 2,
                    "score2": 1,
                }
            ],
        }
    ],
}
PEOPLE_CSV = """\
# staff we track
name,type,aliases,country,nationality,birth_year,role,organisation,start,end
Joe Testington,person,Testy|J. Testington,,England,1980,head_coach,Zamora Test CF,2024-07,
Carlo Ancelotti,person,King Carlo,,,,,,,
Fabrica Test FC,club,Fabrica Test|Los Fabricantes,Spain,,,,,,
"""


@pytest.fixture
def kb_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    directory = tmp_path / "kb"
    monkeypatch.setenv("DUGOUT_KB_DIR", str(directory))
    load_kb.cache_clear()
    yield directory
    load_kb.cache_clear()  # later tests get the knowledge base without this directory


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def bundled_digest() -> str:
    h = hashlib.sha256()
    for path in sorted(BUNDLED_DIR.glob("*.csv")):
        h.update(path.read_bytes())
    return h.hexdigest()


# -- readers -------------------------------------------------------------------------------------


def test_football_txt_reader(tmp_path: Path) -> None:
    records = read_football_txt(write(tmp_path / "clubs.txt", CLUBS_TXT))
    by_name = {r.name: r for r in records}
    assert list(by_name) == ["Atlético Madrid", "Real Madrid", "Rayo Majadahonda Test", "Zamora Test CF"]
    assert by_name["Atlético Madrid"].aliases == [
        "Atlético",
        "Atlético de Madrid",
        "Club Atlético de Madrid",
        "Ath Madrid",
    ]
    assert by_name["Real Madrid"].aliases == ["R. Madrid", "Real Madrid CF", "Real Madrid Club de Fútbol"]
    assert by_name["Rayo Majadahonda Test"].cells == {"country": "Spain", "city": "Majadahonda"}
    assert by_name["Zamora Test CF"].aliases == ["Zamora Test", "Zamora Test Club de Fútbol"]
    assert by_name["Zamora Test CF"].where.endswith("clubs.txt:15")


def test_football_json_readers(tmp_path: Path) -> None:
    clubs = read_football_json(write(tmp_path / "es.1.clubs.json", json.dumps(CLUBS_JSON)))
    assert [(r.name, r.cells) for r in clubs][-1] == ("Club Json Test", {"country": "Spain"})
    matches = read_football_json(write(tmp_path / "es.1.json", json.dumps(MATCHES_JSON)))
    assert {r.name for r in matches} == {"Real Madrid", "Getafe CF", "Match Test United"}
    rounds = read_football_json(write(tmp_path / "old.json", json.dumps(ROUNDS_JSON)))
    assert {r.name for r in rounds} == {"R. Madrid", "Betis"}


def test_plain_csv_reader(tmp_path: Path) -> None:
    records = read_plain_csv(write(tmp_path / "people.csv", PEOPLE_CSV))
    joe = records[0]
    assert (joe.kind, joe.name, joe.aliases) == ("person", "Joe Testington", ["Testy", "J. Testington"])
    assert joe.cells == {"nationality": "England", "birth_year": "1980"}
    assert joe.roles == [
        {
            "person": "Joe Testington",
            "role": "head_coach",
            "organisation": "Zamora Test CF",
            "start": "2024-07",
            "end": "",
        }
    ]
    assert records[2].kind == "club" and records[2].cells == {"country": "Spain"}


# -- merging into the user directory ----------------------------------------------------------------


def test_txt_import_adds_and_updates_without_touching_bundled_files(kb_dir: Path, tmp_path: Path) -> None:
    before = bundled_digest()
    result = import_file(write(tmp_path / "clubs.txt", CLUBS_TXT))
    actions = {c.name: (c.action, c.aliases) for c in result.changes}
    assert actions["Real Madrid"] == ("updated", ["R. Madrid"])
    assert actions["Zamora Test CF"][0] == "added"
    assert actions["Rayo Majadahonda Test"] == ("added", ["Rayo Maja"])  # "Madrid" is a generic word
    assert ("Madrid", "a generic word") in result.skipped_aliases
    assert bundled_digest() == before
    assert sorted(p.name for p in kb_dir.iterdir()) == ["clubs.csv"]

    kb = load_kb()
    real = kb.get("club:real-madrid")
    assert real is not None and "R. Madrid" in real.aliases and "Los Blancos" in real.aliases
    assert real.league == "LaLiga" and real.prominence == 5  # the bundled row, extended, not replaced
    assert [e.id for e in kb.lookup("R. Madrid")] == ["club:real-madrid"]
    zamora = kb.get(entity_id("club", "Zamora Test CF"))
    assert zamora is not None and zamora.country == "Spain" and zamora.extra["city"] == "Zamora"
    assert [e.name for e in kb.lookup("Zamora Test Club de Fútbol")] == ["Zamora Test CF"]

    again = import_file(tmp_path / "clubs.txt")  # the same file twice changes nothing
    assert {c.action for c in again.changes} == {"unchanged"} and again.written == []


def test_json_imports(kb_dir: Path, tmp_path: Path) -> None:
    result = import_file(write(tmp_path / "es.1.clubs.json", json.dumps(CLUBS_JSON)))
    assert {c.name: c.action for c in result.changes} == {
        "Real Madrid": "unchanged",
        "Getafe": "unchanged",
        "Club Json Test": "added",
    }
    result = import_file(write(tmp_path / "es.1.json", json.dumps(MATCHES_JSON)))
    assert [c.name for c in result.changes if c.action == "added"] == ["Match Test United"]
    kb = load_kb()
    assert kb.get(entity_id("club", "Club Json Test")).country == "Spain"
    assert kb.get(entity_id("club", "Match Test United")) is not None


def test_csv_import_through_the_cli_then_kb_show_and_stats(kb_dir: Path, tmp_path: Path) -> None:
    write(tmp_path / "clubs.txt", CLUBS_TXT)
    assert run("kb", "import", str(tmp_path / "clubs.txt")).exit_code == 0
    persons_before = json.loads(
        next(line for line in run("kb", "stats", "--json").stdout.splitlines() if '"person"' in line)
    )["count"]

    imported = run("kb", "import", str(write(tmp_path / "people.csv", PEOPLE_CSV)), "--json")
    assert imported.exit_code == 0, imported.output
    changes = {c["name"]: c for c in map(json.loads, imported.stdout.splitlines())}
    assert changes["Joe Testington"]["action"] == "added" and changes["Joe Testington"]["roles"] == 1
    carlo_change = changes["Carlo Ancelotti"]
    assert carlo_change["action"] == "updated" and carlo_change["aliases"] == "King Carlo"
    assert "2 added, 1 updated" in imported.stderr
    assert (kb_dir / "people.csv").exists() and (kb_dir / "roles.csv").exists()

    shown = run("kb", "show", "Testy", "--json")
    assert shown.exit_code == 0, shown.output
    row = json.loads(shown.stdout.splitlines()[0])
    assert row["id"] == "person:joe-testington" and row["country"] == "England"
    assert "head_coach Zamora Test CF 2024-07" in row["roles"]
    carlo = json.loads(run("kb", "show", "King Carlo", "--json").stdout.splitlines()[0])
    assert carlo["id"] == "person:carlo-ancelotti" and "Carletto" in carlo["aliases"]
    club = json.loads(run("kb", "show", "Los Fabricantes", "--json").stdout.splitlines()[0])
    assert club["id"] == "club:fabrica-test-fc"

    stats = {
        json.loads(line)["kind"]: json.loads(line)["count"]
        for line in run("kb", "stats", "--json").stdout.splitlines()
    }
    assert stats["person"] == persons_before + 1


def test_dry_run_writes_nothing(kb_dir: Path, tmp_path: Path) -> None:
    result = run("kb", "import", str(write(tmp_path / "clubs.txt", CLUBS_TXT)), "--dry-run")
    assert result.exit_code == 0
    assert "would write clubs.csv" in result.stderr
    assert not kb_dir.exists()


# -- bad input: one line, exit 1, nothing written ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "args", "message"),
    [
        ("missing.csv", None, [], "missing.csv: no such file"),
        ("latin1.csv", "name,type\nM\xe1laga,club\n".encode("latin-1"), [], "latin1.csv: not UTF-8 text"),
        ("bad.json", '{"name": "x",\n "clubs": [}', [], "bad.json:2: not valid JSON"),
        ("empty.json", '{"name": "x"}', [], "empty.json: no clubs or matches"),
        ("alias.txt", "= Spain =\n  | Orphan alias\n", [], "alias.txt:2: an alias line before any club"),
        ("notype.csv", "name,aliases\nX,Y\n", [], "notype.csv: no 'type' column"),
        ("noname.csv", "type,aliases\nclub,Y\n", [], "noname.csv: no 'name' column"),
        ("kind.csv", "name,type\nGood,club\nBad,stadium\n", [], "kind.csv:3: unknown type 'stadium'"),
        ("year.csv", "name,type,birth_year\nJo,person,19x0\n", [], "year.csv:2: birth_year '19x0'"),
        ("role.csv", "name,type,role\nJo,person,head_coach\n", [], "role.csv:2: role head_coach without an"),
        ("wide.csv", "name,type\nJo,person,extra\n", [], "wide.csv:2: more cells than the header"),
        ("x.csv", "name\nJo\n", ["--kind", "stadium"], "unknown kind 'stadium'"),
    ],
)
def test_bad_input_is_one_clear_line(
    kb_dir: Path, tmp_path: Path, name: str, content: str | bytes | None, args: list[str], message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        write(path, content)
    result = run("kb", "import", str(path), *args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not kb_dir.exists()


def test_a_directory_is_refused(kb_dir: Path, tmp_path: Path) -> None:
    result = run("kb", "import", str(tmp_path))
    assert result.exit_code == 1 and "is a directory" in result.stderr


def test_an_error_leaves_existing_user_files_as_they_were(kb_dir: Path, tmp_path: Path) -> None:
    import_file(write(tmp_path / "clubs.txt", CLUBS_TXT))
    before = (kb_dir / "clubs.csv").read_bytes()
    bad = write(tmp_path / "bad.csv", "name,type\nNew Club Test,club\nBroken,stadium\n")
    with pytest.raises(ImportProblem, match="bad.csv:3"):
        import_file(bad)
    assert (kb_dir / "clubs.csv").read_bytes() == before
    assert [p.name for p in kb_dir.iterdir()] == ["clubs.csv"]  # no temporary file left behind
    assert load_kb().get(entity_id("club", "New Club Test")) is None


def test_a_malformed_user_file_is_named(kb_dir: Path, tmp_path: Path) -> None:
    kb_dir.mkdir()
    write(kb_dir / "clubs.csv", b"name,kind\n\xff\xfe,club\n")
    result = run("kb", "import", str(write(tmp_path / "clubs.txt", CLUBS_TXT)))
    assert result.exit_code == 1 and str(kb_dir / "clubs.csv") in result.stderr
