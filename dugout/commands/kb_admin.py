"""Knowledge-base administration and entities: `dugout kb import FILE` and `dugout entity NAME`.

`kb import` adds a newsroom's own club lists (openfootball football.txt / football.json)
and CSV files to the user knowledge base; `entity` shows one person or club as the
knowledge base and the stored reports know it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from dugout.output import CLAIM_TABLE_COLUMNS, Format, fail, print_rows

err = Console(stderr=True)

KIND_HELP = "What the file holds when it does not say: person, club, national_team, competition, outlet."
ROLE_TYPES = ("coach_of", "holds_role")


def kb_import(
    file: Annotated[Path, typer.Argument(help="A football.txt club list, a football.json file, or a CSV.")],
    kind: Annotated[str | None, typer.Option("--kind", help=KIND_HELP)] = None,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format", help="txt (football.txt), json (football.json) or csv [default: from the suffix]."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print the changes as JSON lines.")] = False,
) -> None:
    """Import clubs, people and other entities into your own knowledge base.

    Writes CSV files (the format of dugout/kb/FORMAT.md) into $DUGOUT_KB_DIR, else
    ~/.local/share/dugout/kb, which are read after the bundled files: names already known get
    the new aliases, new names are added. Nothing is written if the file has an error.

    Example:

        dugout kb import europe/es-espana/clubs.txt

        dugout kb import 2020-21/es.1.clubs.json

        dugout kb import staff.csv --kind person
    """
    from dugout.kb.importers import import_file
    from dugout.kb.loader import KBError

    try:
        result = import_file(file, kind=kind, fmt=format_, dry_run=dry_run)
    except KBError as e:
        fail(str(e))
    changed = [c for c in result.changes if c.action != "unchanged"]
    if json_:
        for change in changed:
            sys.stdout.write(json.dumps(change.to_dict(), ensure_ascii=False) + "\n")
    elif changed:
        print_rows(
            [c.to_dict() for c in changed],
            ["action", "kind", "name", "id", "aliases", "roles", "filled"],
            Format.table,
        )
    for alias, why in result.skipped_aliases:
        err.print(f"dugout: alias {alias!r} not added: {why}", markup=False, highlight=False, soft_wrap=True)
    where = "would write" if dry_run else "wrote"
    files = ", ".join(p.name for p in result.written) or "nothing"
    err.print(
        f"{result.count('added')} added, {result.count('updated')} updated, "
        f"{result.count('unchanged')} already known; {where} {files} in {result.directory}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _kb_roles(entity_id: str, kb: Any) -> list[dict[str, Any]]:
    def name(id_: str) -> str:
        entity = kb.entities.get(id_)
        return entity.name if entity else id_

    if entity_id.startswith("person:"):
        roles = [(name(r.organisation), r) for r in kb.roles_of.get(entity_id, [])]
    else:
        roles = [(name(r.person), r) for r in kb.roles_at.get(entity_id, [])]
    return [
        {
            "role": r.role,
            "with": other,
            "from": r.start,
            "to": r.end,
            "source": "knowledge base",
        }
        for other, r in sorted(roles, key=lambda x: (x[1].start or "", x[1].end or "9999"))
    ]


def _party_roles(
    entity_id: str, stored: list[Any], subject_ids: dict[int, str | None]
) -> list[dict[str, Any]]:
    """coach_of / holds_role claims as roles: the other party, the date, the outlet and report."""
    rows = []
    for s in stored:
        c = s.claim
        if c.type not in ROLE_TYPES:
            continue
        other = c.object if subject_ids.get(s.id) == entity_id else c.subject
        rows.append(
            {
                "role": f"{c.type}:{c.value}" if c.value else c.type,
                "with": other,
                "from": c.when or s.published,
                "to": None,
                "source": f"{c.outlet or '?'}, {c.doc}" + (f", {c.modality}" if c.modality != "fact" else ""),
            }
        )
    return rows


def entity(
    name: Annotated[
        str, typer.Argument(help='A name, a short form or an id: "Ancelotti", "club:real-madrid".')
    ],
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database: a SQLite file path or postgresql://... [default: $DUGOUT_DB or ./dugout.db]",
        ),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Show one person or club: id, kind, aliases, roles over time, and the reports and claims naming it.

    People and clubs the knowledge base does not know are kept as new entities, merged across
    reports by name. A name that fits several entities lists them.

    Example:

        dugout entity "Carlo Ancelotti"

        dugout entity Bernabeu --json
    """
    from dugout.kb.index import load_kb
    from dugout.kb.loader import KBError
    from dugout.kb.names import fold_words
    from dugout.store import Store, StoreError

    try:
        kb = load_kb()
    except KBError as e:
        fail(str(e), 2)
    try:
        with Store.open(db) as store:
            found = store.find_entities(name)
            if not found:
                kb_found = ([kb.entities[name]] if name in kb.entities else kb.lookup(name)) or kb.by_surname(
                    fold_words(name)[-1:]
                )
                found = [(store.find_entities(e.id) or [_kb_only(e)])[0] for e in kb_found]
            if len(found) == 1:
                info = found[0]
                stored = store.entity_claims(info["id"])
                subject_ids = _subject_ids(store, [s.id for s in stored])
    except StoreError as e:
        fail(str(e), 2)
    if not found:
        fail(f"no entity named {name!r} in the knowledge base or the stored reports")
    if len(found) > 1:
        rows = [
            {
                "id": e["id"],
                "name": e["name"],
                "kind": e["kind"],
                "known": "known" if e["known"] or e["id"] in kb.entities else "new",
                "reports": len(e["reports"]),
                "claims": e["claims"],
            }
            for e in found
        ]
        print_rows(
            rows, ["id", "name", "kind", "known", "reports", "claims"], Format.json if json_ else Format.table
        )
        if not json_:
            err.print(f"{len(found)} entities match {name!r}; give one of the ids.", highlight=False)
        return
    _show(info, stored, subject_ids, kb, json_)


def _kb_only(e: Any) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "kind": e.kind,
        "known": True,
        "first_seen": None,
        "last_seen": None,
        "surface_forms": [],
        "reports": [],
        "claims": 0,
    }


def _subject_ids(store: Any, claim_ids: list[int | None]) -> dict[int, str | None]:
    from sqlalchemy import select

    from dugout.store.schema import claims

    ids = [i for i in claim_ids if i is not None]
    if not ids:
        return {}
    with store.engine.connect() as conn:
        return dict(conn.execute(select(claims.c.id, claims.c.subject_id).where(claims.c.id.in_(ids))).all())


def _show(
    info: dict[str, Any], stored: list[Any], subject_ids: dict[int, str | None], kb: Any, json_: bool
) -> None:
    known_entity = kb.entities.get(info["id"])
    kb_aliases = list(known_entity.aliases) if known_entity else []
    seen = [s for s in info["surface_forms"] if s != info["name"]]
    roles = _kb_roles(info["id"], kb) + _party_roles(info["id"], stored, subject_ids)
    claim_rows = []
    for s in stored:
        row = s.claim.to_dict()
        row["published"] = s.published
        claim_rows.append(row)
    result = {
        "id": info["id"],
        "name": info["name"],
        "kind": info["kind"],
        "subkind": known_entity.subkind if known_entity else None,
        "known": bool(info["known"] or known_entity is not None),
        "country": known_entity.country if known_entity else None,
        "first_seen": info["first_seen"],
        "last_seen": info["last_seen"],
        "aliases": kb_aliases,
        "seen_as": seen,
        "roles": roles,
        "reports": info["reports"],
        "claims": claim_rows,
    }
    if json_:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return
    out = Console(soft_wrap=True)

    def line(text: str) -> None:
        out.print(text, markup=False, highlight=False)

    kind = result["kind"] + (
        f" ({result['subkind']})" if result["subkind"] not in (None, result["kind"]) else ""
    )
    line(f"{result['name']}  [{result['id']}]")
    status = (
        "known (knowledge base)" if result["known"] else "new (met in reports, not in the knowledge base)"
    )
    line(f"kind: {kind}; {status}" + (f"; {result['country']}" if result["country"] else ""))
    if result["first_seen"]:
        line(f"seen: {result['first_seen']} to {result['last_seen']} in {len(result['reports'])} reports")
    line("aliases: " + (" | ".join(kb_aliases) if kb_aliases else "(none in the knowledge base)"))
    if seen:
        line("written in reports as: " + " | ".join(seen))
    if roles:
        print_rows(roles, ["role", "with", "from", "to", "source"], Format.table, title="roles")
    if result["reports"]:
        print_rows(
            result["reports"],
            ["published", "outlet", "doc", "title"],
            Format.table,
            title=f"{len(result['reports'])} reports",
        )
    else:
        line("no stored report names it")
    if claim_rows:
        print_rows(claim_rows, CLAIM_TABLE_COLUMNS, Format.table, title=f"{len(claim_rows)} claims")


def register(app: typer.Typer) -> None:
    """Add `kb import` to the `kb` group and `entity` to the top level."""
    app.command("entity")(entity)
    for group in app.registered_groups:
        if group.name == "kb" and group.typer_instance is not None:
            group.typer_instance.command("import")(kb_import)
            break
    else:  # no kb group (a trimmed CLI): give the verb its own name
        app.command("kb-import")(kb_import)


__all__ = ["entity", "kb_import", "register"]
