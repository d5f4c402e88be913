"""Read the knowledge-base CSV files (see FORMAT.md) into entities and roles.

The bundled files live in `dugout/kb/data/`; a newsroom's own files (added with
`dugout kb import`) live in a user directory and are read after them, so they
extend or override the bundled facts without editing the package.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

from dugout.kb.model import Entity, Role, entity_id

BUNDLED_DIR = Path(__file__).parent / "data"
FILES = ("clubs", "national_teams", "competitions", "outlets", "federations", "people", "roles")


PLAIN_FILES = {
    "outlets": ("outlet", ("language", "domains")),
    "federations": ("federation", ("confederation",)),
}
"""Files whose rows are a name, a country, aliases and extra columns kept as they are."""


class KBError(ValueError):
    """A knowledge-base file that cannot be read: names the file and line."""


def user_dir() -> Path:
    """Where imported knowledge-base files go: $DUGOUT_KB_DIR, else ~/.local/share/dugout/kb."""
    env = os.environ.get("DUGOUT_KB_DIR")
    return Path(env) if env else Path.home() / ".local" / "share" / "dugout" / "kb"


def split_list(cell: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split("|") if p.strip())


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """CSV rows with their line numbers, comment lines skipped."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            lines = (line for line in f if not line.lstrip().startswith("#"))
            reader = csv.DictReader(lines)
            for row in reader:
                yield reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items() if k}
    except UnicodeDecodeError as e:
        raise KBError(f"{path}: not UTF-8 text ({e.reason})") from None
    except csv.Error as e:
        raise KBError(f"{path}: not valid CSV ({e})") from None


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def entities_from(path: Path, kind_of_file: str) -> Iterator[Entity]:
    """Entities of one file; the file's stem tells what kind of rows it holds."""
    for line, row in read_rows(path):
        name = row.get("name")
        if not name:
            raise KBError(f"{path}:{line}: a row without a name")
        if kind_of_file == "clubs":
            sub = row.get("kind") or "club"
            yield Entity(
                id=entity_id("club", name),
                name=name,
                kind="club",
                subkind=sub,
                country=row.get("country") or None,
                parent=entity_id("club", row["parent"]) if row.get("parent") else None,
                prominence=_int(row.get("prominence", "")) or 1,
                league=row.get("league") or None,
                aliases=split_list(row.get("aliases")) + split_list(row.get("grounds")),
                extra={"grounds": row.get("grounds", ""), "city": row.get("city", "")},
            )
        elif kind_of_file == "national_teams":
            sub = row.get("kind") or "national_team"
            yield Entity(
                id=entity_id("national_team", name),
                name=name,
                kind="national_team",
                subkind=sub,
                country=row.get("parent") or name,
                parent=entity_id("national_team", row["parent"]) if row.get("parent") else None,
                prominence=3 if sub == "national_team" else 2,
                demonym=row.get("demonym") or None,
                aliases=split_list(row.get("aliases")),
                extra={"confederation": row.get("confederation", ""), "fifa_code": row.get("fifa_code", "")},
            )
        elif kind_of_file == "competitions":
            yield Entity(
                id=entity_id("competition", name),
                name=name,
                kind="competition",
                subkind=row.get("kind") or None,
                country=row.get("country") or None,
                aliases=split_list(row.get("aliases")),
                extra={"tier": row.get("tier", "")},
            )
        elif kind_of_file in PLAIN_FILES:
            kind, columns = PLAIN_FILES[kind_of_file]
            yield Entity(
                id=entity_id(kind, name),
                name=name,
                kind=kind,
                country=row.get("country") or None,
                aliases=split_list(row.get("aliases")),
                extra={c: row.get(c, "") for c in columns},
            )
        elif kind_of_file == "people":
            yield Entity(
                id=entity_id("person", name),
                name=name,
                kind="person",
                country=row.get("nationality") or None,
                birth_year=_int(row.get("birth_year", "")),
                aliases=split_list(row.get("aliases")),
                extra={"short": row.get("short", "")} if row.get("short") else {},
            )


def roles_from(path: Path) -> Iterator[Role]:
    for line, row in read_rows(path):
        person, org = row.get("person"), row.get("organisation")
        if not person or not org or not row.get("role"):
            raise KBError(f"{path}:{line}: a role needs person, role and organisation")
        yield Role(
            person=person,
            role=row["role"],
            organisation=org,
            start=row.get("start") or None,
            end=row.get("end") or None,
        )


def load_files(directories: list[Path]) -> tuple[list[Entity], list[Role]]:
    """Every entity and role in the given directories, later directories overriding earlier ones."""
    entities: dict[str, Entity] = {}
    roles: list[Role] = []
    for directory in directories:
        for stem in FILES:
            path = directory / f"{stem}.csv"
            if not path.exists():
                continue
            if stem == "roles":
                roles.extend(roles_from(path))
            else:
                for entity in entities_from(path, stem):
                    entities[entity.id] = entity
    return list(entities.values()), roles
