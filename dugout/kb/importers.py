"""Import data a newsroom already has into the user knowledge base (`dugout kb import`).

Three formats:

- openfootball club lists, the football.txt format (github.com/openfootball/clubs):
  `= Spain • España (es)` country headings, `== Madrid ==` region headings, `#` comments,
  club lines `Real Madrid CF, Madrid › Comunidad de Madrid` with aliases after `|`,
  on the same line or on continuation lines that start with `|`;
- openfootball football.json (github.com/openfootball/football.json): club lists
  `{"name": ..., "clubs": [{"name", "code", "country"}]}` and match files
  `{"name": ..., "matches": [{"team1", "team2", ...}]}` (or `rounds[].matches`, teams as
  strings or `{"name": ...}` objects), from which the club names are taken;
- a plain CSV with a header: `name,type,aliases,country,...`, type one of person, club,
  national_team, competition, outlet, federation (or `--kind` for all rows); people may also give
  nationality, birth_year, role, organisation, start, end.

Everything goes into the user directory (`loader.user_dir()`) as the CSV files FORMAT.md
describes, which `load_kb()` reads after the bundled ones, so the package data stays as it
is. A name the knowledge base already has gets only what is new (aliases, empty cells,
roles); since a user row replaces the bundled row of the same id, an updated bundled entity
is written in full. Everything is read and checked before anything is written, and each file
is written to a temporary file and renamed: an error leaves the directory as it was.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dugout.kb.index import KnowledgeBase
from dugout.kb.loader import BUNDLED_DIR, KBError, load_files, split_list, user_dir
from dugout.kb.model import KINDS, Entity, entity_id
from dugout.kb.names import GENERIC_WORDS, fold, fold_words
from dugout.records import VALUES

FILE_OF = {
    "club": "clubs",
    "national_team": "national_teams",
    "competition": "competitions",
    "outlet": "outlets",
    "federation": "federations",
    "person": "people",
}
COLUMNS = {
    "clubs": ["name", "kind", "parent", "country", "league", "prominence", "aliases", "grounds", "city"],
    "national_teams": ["name", "kind", "parent", "demonym", "confederation", "fifa_code", "aliases"],
    "competitions": ["name", "kind", "country", "tier", "aliases"],
    "outlets": ["name", "country", "language", "aliases", "domains"],
    "federations": ["name", "country", "confederation", "aliases"],
    "people": ["name", "nationality", "birth_year", "aliases", "short"],
    "roles": ["person", "role", "organisation", "start", "end"],
}
# The posts of roles.csv: the coaching posts plus every holds_role value of the claim contract.
ROLES = ("head_coach", "interim_coach", *VALUES["holds_role"])
FORMATS = ("txt", "json", "csv")
_PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
_LANG_TAG = re.compile(r"\[[^\]]*\]")


class ImportProblem(KBError):
    """Input that cannot be imported: one line naming the file (and line) and the reason."""


@dataclass
class Record:
    """One entity read from an import file, before it is merged."""

    kind: str
    name: str
    aliases: list[str] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # other columns of the target file
    roles: list[dict[str, str]] = field(default_factory=list)
    where: str = ""


@dataclass
class Change:
    """What an import did to one entity."""

    action: str  # "added", "updated" or "unchanged"
    kind: str
    name: str
    id: str
    aliases: list[str] = field(default_factory=list)  # aliases added
    roles: int = 0  # roles added
    filled: list[str] = field(default_factory=list)  # empty cells filled in

    def to_dict(self) -> dict[str, object]:
        return {
            "action": self.action,
            "kind": self.kind,
            "name": self.name,
            "id": self.id,
            "aliases": " | ".join(self.aliases),
            "roles": self.roles,
            "filled": ", ".join(self.filled),
        }


@dataclass
class ImportResult:
    changes: list[Change]
    directory: Path
    written: list[Path]
    skipped_aliases: list[tuple[str, str]]  # (alias, why)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


# -- reading -----------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportProblem(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportProblem(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as e:
        raise ImportProblem(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise ImportProblem(f"{path}: cannot read ({e.strerror or e})") from None


def _clean_alias(alias: str) -> str:
    return " ".join(_LANG_TAG.sub("", alias).split())


def _has_letter(text: str) -> bool:
    return any(c.isalpha() for c in text)


def read_football_txt(path: Path, kind: str = "club") -> list[Record]:
    """Clubs of an openfootball football.txt club list."""
    records: list[Record] = []
    country = ""
    for number, raw in enumerate(_read_text(path).splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{path}:{number}"
        if line.startswith("="):
            level = len(line) - len(line.lstrip("="))
            title = line.strip("=").strip()
            if level == 1 and title:
                country = re.sub(r"\([^)]*\)", "", title.split("•", 1)[0]).strip()
            continue
        if line.startswith("|"):
            if not records:
                raise ImportProblem(f"{where}: an alias line before any club")
            records[-1].aliases.extend(a for a in map(_clean_alias, line.split("|")) if a)
            continue
        head, *aliases = line.split("|")
        name, _, place = head.partition(",")
        name = _clean_alias(name)
        if not _has_letter(name) or any(c in name for c in '{}[]"') or "\t" in name:
            raise ImportProblem(f"{where}: not a football.txt club line: {raw.strip()[:60]!r}")
        city = place.split("›", 1)[0].split(">", 1)[0].strip()
        cells = {"country": country} if country else {}
        if city and kind == "club":
            cells["city"] = city
        records.append(Record(kind, name, [a for a in map(_clean_alias, aliases) if a], cells, where=where))
    if not records:
        raise ImportProblem(f"{path}: no clubs found (not a football.txt club list?)")
    return records


def _team_name(team: object, where: str) -> str:
    if isinstance(team, dict):
        team = team.get("name")
    if not isinstance(team, str) or not team.strip():
        raise ImportProblem(f"{where}: a team without a name")
    return team.strip()


def read_football_json(path: Path, kind: str = "club") -> list[Record]:
    """Clubs of an openfootball football.json club list or match file."""
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ImportProblem(f"{path}:{e.lineno}: not valid JSON ({e.msg})") from None
    if not isinstance(data, dict):
        raise ImportProblem(f"{path}: not an openfootball football.json file (no clubs or matches)")
    records: list[Record] = []
    clubs = data.get("clubs", data.get("teams"))
    if clubs is not None:
        if not isinstance(clubs, list):
            raise ImportProblem(f'{path}: "clubs" is not a list')
        for i, club in enumerate(clubs):
            where = f"{path}: clubs[{i}]"
            name = _team_name(club, where)
            cells = {}
            if isinstance(club, dict) and isinstance(club.get("country"), str) and club["country"].strip():
                cells["country"] = club["country"].strip()
            records.append(Record(kind, name, [], cells, where=where))
    matches: list[object] = []
    if isinstance(data.get("matches"), list):
        matches.extend(data["matches"])
    for round_ in data.get("rounds") or []:
        if isinstance(round_, dict) and isinstance(round_.get("matches"), list):
            matches.extend(round_["matches"])
    for i, match in enumerate(matches):
        where = f"{path}: matches[{i}]"
        if not isinstance(match, dict) or "team1" not in match or "team2" not in match:
            raise ImportProblem(f"{where}: a match without team1 and team2")
        for side in ("team1", "team2"):
            records.append(Record(kind, _team_name(match[side], where), [], {}, where=where))
    if not records:
        raise ImportProblem(f"{path}: no clubs or matches (not an openfootball football.json file?)")
    return records


def _kind_name(value: str) -> str | None:
    k = value.strip().lower().replace(" ", "_").replace("-", "_")
    k = {"people": "person", "player": "person", "coach": "person", "team": "club"}.get(k, k)
    return k if k in KINDS else None


# Plain-CSV columns that go straight into each target file (besides name and aliases).
_CELLS = {
    "club": ("parent", "country", "league", "prominence", "grounds", "city"),
    "national_team": ("parent", "demonym", "confederation", "fifa_code"),
    "competition": ("country", "tier"),
    "outlet": ("country", "language", "domains"),
    "federation": ("country", "confederation"),
    "person": ("nationality", "birth_year", "short"),
}


def _csv_table(path: Path, text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and rows (with their line numbers in the file) of CSV text; `#` lines are comments."""
    # Comment lines become blank lines, so csv's line numbers stay those of the file.
    lines = ["\n" if line.lstrip().startswith("#") else line for line in text.splitlines(keepends=True)]
    reader = csv.reader(lines)
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if not header:
                header = [c.strip() for c in cells]
            else:
                rows.append((reader.line_num, cells))
    except csv.Error as e:
        raise ImportProblem(f"{path}:{reader.line_num}: not valid CSV ({e})") from None
    return header, rows


def read_plain_csv(path: Path, kind: str | None = None) -> list[Record]:
    """Entities of a plain CSV: a `name` column, a `type` column (or `--kind`), the rest optional."""
    header, rows = _csv_table(path, _read_text(path))
    header = [h.lower() for h in header]
    if "name" not in header:
        raise ImportProblem(f"{path}: no 'name' column in the header (got: {', '.join(header) or 'nothing'})")
    if "type" not in header and kind is None:
        raise ImportProblem(f"{path}: no 'type' column; add one (person, club, ...) or give --kind")
    records: list[Record] = []
    for line, cells in rows:
        where = f"{path}:{line}"
        if len(cells) > len(header):
            raise ImportProblem(f"{where}: more cells than the header has columns")
        row = {h: c.strip() for h, c in zip(header, cells, strict=False) if h}
        records.append(_plain_record(row, kind, where))
    if not records:
        raise ImportProblem(f"{path}: no rows to import")
    return records


def _plain_record(row: dict[str, str], kind: str | None, where: str) -> Record:
    name = row.get("name", "")
    if not name:
        raise ImportProblem(f"{where}: a row without a name")
    given = row.get("type", "")
    record_kind = _kind_name(given) if given else kind
    if record_kind is None:
        raise ImportProblem(f"{where}: unknown type {given!r} (one of {', '.join(KINDS)})")
    if kind is not None and given and record_kind != kind:
        raise ImportProblem(f"{where}: type {given!r} but --kind {kind}")
    cells = {c: row[c] for c in _CELLS[record_kind] if row.get(c)}
    if record_kind == "person" and not cells.get("nationality") and row.get("country"):
        cells["nationality"] = row["country"]
    if record_kind != "person" and row.get("subkind"):
        cells["kind"] = row["subkind"]
    birth = cells.get("birth_year", "")
    if birth and not re.fullmatch(r"\d{4}", birth):
        raise ImportProblem(f"{where}: birth_year {birth!r} is not a four-digit year")
    prominence = cells.get("prominence", "")
    if prominence and prominence not in {"1", "2", "3", "4", "5"}:
        raise ImportProblem(f"{where}: prominence {prominence!r} is not 1 to 5")
    roles = []
    role = row.get("role", "")
    if role or row.get("organisation"):
        if record_kind != "person":
            raise ImportProblem(f"{where}: only people have a role and organisation")
        role = role.lower().replace(" ", "_")
        if role not in ROLES:
            raise ImportProblem(f"{where}: unknown role {row.get('role', '')!r} (one of {', '.join(ROLES)})")
        if not row.get("organisation"):
            raise ImportProblem(f"{where}: role {role} without an organisation")
        for end in ("start", "end"):
            if row.get(end) and not _PERIOD.match(row[end]):
                raise ImportProblem(f"{where}: {end} {row[end]!r} is not YYYY or YYYY-MM")
        roles.append(
            {
                "person": name,
                "role": role,
                "organisation": row["organisation"],
                "start": row.get("start", ""),
                "end": row.get("end", ""),
            }
        )
    return Record(record_kind, name, list(split_list(row.get("aliases"))), cells, roles, where)


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    head = _read_text(path).lstrip()[:200]
    if head.startswith(("{", "[")):
        return "json"
    first = head.splitlines()[0] if head else ""
    return "csv" if "name" in first.lower() and "," in first else "txt"


def read_records(path: Path, kind: str | None = None, fmt: str | None = None) -> list[Record]:
    """The entities of an import file, in the format its suffix (or content) says."""
    if kind is not None and kind not in KINDS:
        raise ImportProblem(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    fmt = fmt or detect_format(path)
    if fmt == "txt":
        return read_football_txt(path, kind or "club")
    if fmt == "json":
        return read_football_json(path, kind or "club")
    if fmt == "csv":
        return read_plain_csv(path, kind)
    raise ImportProblem(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


# -- merging -----------------------------------------------------------------------------------


def _csv_rows(path: Path) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """Comment lines, header and rows of an existing knowledge-base file."""
    if not path.exists():
        return [], [], []
    text = _read_text(path)
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    header, rows = _csv_table(path, text)
    return (
        comments,
        header,
        [{h: c.strip() for h, c in zip(header, cells, strict=False) if h} for _n, cells in rows],
    )


class _Merger:
    """The user files being rewritten, and the knowledge base as it will be after the import."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        entities, roles = load_files([BUNDLED_DIR, directory])
        self.kb = KnowledgeBase(entities, roles)
        self.role_keys = {self._role_key(r.person, r.role, r.organisation, r.start) for r in roles}
        self.bundled: dict[str, dict[str, str]] = {}
        for kind, stem in FILE_OF.items():
            for row in _csv_rows(BUNDLED_DIR / f"{stem}.csv")[2]:
                if row.get("name"):
                    self.bundled[entity_id(kind, row["name"])] = row
        self.files: dict[str, tuple[list[str], list[str], list[dict[str, str]]]] = {}
        self.user_ids: dict[str, dict[str, str]] = {}
        for kind, stem in FILE_OF.items():
            comments, header, rows = _csv_rows(directory / f"{stem}.csv")
            self.files[stem] = (comments, header, rows)
            for row in rows:
                if row.get("name"):
                    self.user_ids[entity_id(kind, row["name"])] = row
        self.files["roles"] = _csv_rows(directory / "roles.csv")
        self.touched: set[str] = set()
        self.changes: dict[str, Change] = {}
        self.skipped: list[tuple[str, str]] = []

    def _role_key(self, person: str, role: str, organisation: str, start: str | None) -> tuple[str, ...]:
        return (
            entity_id("person", person),
            role,
            self.kb.team_id(organisation) or fold(organisation),
            start or "",
        )

    def _find(self, record: Record) -> Entity | None:
        own = self.kb.get(entity_id(record.kind, record.name))
        if own is not None:
            return own
        for name in (record.name, *record.aliases):
            words = fold_words(name)
            if not words or (len(words) == 1 and words[0] in GENERIC_WORDS):
                continue
            found = [e for e in self.kb.lookup(name) if e.kind == record.kind]
            if found:
                return found[0]
        return None

    def _takes(self, alias: str, target: str) -> bool:
        """Whether `alias` may be added to `target`: not a lone generic word, nobody else's name."""
        words = fold_words(alias)
        if not words or (len(words) == 1 and words[0] in GENERIC_WORDS):
            self.skipped.append((alias, "a generic word"))
            return False
        others = [i for i in self.kb.aliases.get(words, []) if i != target]
        if others:
            self.skipped.append((alias, f"already a name of {self.kb.entities[others[0]].name}"))
            return False
        return True

    def add(self, record: Record) -> None:
        stem = FILE_OF[record.kind]
        existing = self._find(record)
        if existing is None:
            self._add_new(record, stem)
        else:
            self._update(record, stem, existing)
        self._add_roles(record)

    def _add_new(self, record: Record, stem: str) -> None:
        id_ = entity_id(record.kind, record.name)
        names = {fold(record.name)}
        aliases = []
        for alias in record.aliases:
            if fold(alias) not in names and self._takes(alias, id_):
                names.add(fold(alias))
                aliases.append(alias)
        row = {"name": record.name, **record.cells, "aliases": "|".join(aliases)}
        if record.kind in ("club", "national_team"):
            row.setdefault("kind", record.kind)
        self.files[stem][2].append(row)
        self.user_ids[id_] = row
        self.touched.add(stem)
        self.kb.add(Entity(id=id_, name=record.name, kind=record.kind, aliases=tuple(aliases)))
        self.changes[id_] = Change("added", record.kind, record.name, id_, aliases)

    def _update(self, record: Record, stem: str, entity: Entity) -> None:
        change = self.changes.setdefault(entity.id, Change("unchanged", entity.kind, entity.name, entity.id))
        row = self.user_ids.get(entity.id)
        base = row if row is not None else dict(self.bundled.get(entity.id, {"name": entity.name}))
        names = {fold(entity.name), *(fold(a) for a in entity.aliases)}
        names |= {fold(a) for a in split_list(base.get("aliases"))}
        new_aliases = []
        for alias in (record.name, *record.aliases):
            if fold(alias) not in names and self._takes(alias, entity.id):
                names.add(fold(alias))
                new_aliases.append(alias)
        filled = [c for c, v in record.cells.items() if v and not base.get(c) and c != "kind"]
        if not new_aliases and not filled:
            return
        if row is None:
            self.files[stem][2].append(base)
            self.user_ids[entity.id] = base
        base["aliases"] = "|".join([*split_list(base.get("aliases")), *new_aliases])
        for column in filled:
            base[column] = record.cells[column]
        self.touched.add(stem)
        entity.aliases = (*entity.aliases, *new_aliases)
        self.kb.add(entity)
        if change.action != "added":
            change.action = "updated"
        change.aliases.extend(new_aliases)
        change.filled.extend(c for c in filled if c not in change.filled)

    def _add_roles(self, record: Record) -> None:
        for role in record.roles:
            person = self._find(Record("person", role["person"])) if record.kind == "person" else None
            person_name = person.name if person else role["person"]
            org_id = self.kb.team_id(role["organisation"])
            org_name = self.kb.entities[org_id].name if org_id else role["organisation"]
            key = self._role_key(person_name, role["role"], org_name, role["start"])
            if key in self.role_keys:
                continue
            self.role_keys.add(key)
            self.files["roles"][2].append({**role, "person": person_name, "organisation": org_name})
            self.touched.add("roles")
            id_ = entity_id("person", person_name)
            change = self.changes.setdefault(id_, Change("unchanged", "person", person_name, id_))
            change.roles += 1
            if change.action == "unchanged":
                change.action = "updated"

    def render(self, stem: str) -> str:
        comments, header, rows = self.files[stem]
        columns = COLUMNS[stem] + [h for h in header if h and h not in COLUMNS[stem]]
        out = io.StringIO()
        for line in comments:
            out.write(line + "\n")
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
        return out.getvalue()


def _write_atomically(files: dict[Path, str]) -> None:
    """Every file to a temporary file first, then each renamed into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except OSError as e:
        for tmp, _path in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise ImportProblem(
            f"cannot write the knowledge base in {next(iter(files)).parent}: {e.strerror or e}"
        ) from None


def merge_records(
    records: Iterable[Record], directory: Path | None = None, dry_run: bool = False
) -> ImportResult:
    """Merge records into the user knowledge-base files of `directory` (default: `user_dir()`)."""
    directory = directory or user_dir()
    if directory.exists() and not directory.is_dir():
        raise ImportProblem(f"{directory}: the knowledge-base directory is a file")
    merger = _Merger(directory)
    for record in records:
        merger.add(record)
    written = [directory / f"{stem}.csv" for stem in sorted(merger.touched)]
    if not dry_run and written:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ImportProblem(f"cannot create {directory}: {e.strerror or e}") from None
        _write_atomically({path: merger.render(path.stem) for path in written})
        from dugout.kb.index import load_kb

        load_kb.cache_clear()  # this process sees the new entries from now on
    return ImportResult(list(merger.changes.values()), directory, written, merger.skipped)


def import_file(
    path: Path,
    kind: str | None = None,
    fmt: str | None = None,
    directory: Path | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Read one file and merge it into the user knowledge base."""
    return merge_records(read_records(Path(path), kind, fmt), directory, dry_run)


__all__ = [
    "Change",
    "ImportProblem",
    "ImportResult",
    "Record",
    "import_file",
    "merge_records",
    "read_football_json",
    "read_football_txt",
    "read_plain_csv",
    "read_records",
]
