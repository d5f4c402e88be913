"""Story verbs: `story`, `timeline`, `brief` and `outlets`, over the claims in the store.

Thin: parse arguments, call `dugout.story`, print. The story logic lives in
the library so the HTTP API and the web page show exactly the same thing.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from dugout.output import Format, check_date, fail, output_options, print_rows
from dugout.story.phrases import counted

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database: a SQLite file path or postgresql://... [default: $DUGOUT_DB or ./dugout.db]"
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Tell the story as it stood on this date (YYYY-MM-DD) [default: newest report]."
    ),
]
NameArg = Annotated[str, typer.Argument(help='A person or a club: "Carlo Ancelotti", "Real Madrid".')]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead.")]


def _open(db: str | None):
    from dugout.store import Store, StoreError

    try:
        return Store.open(db)
    except StoreError as e:
        fail(str(e), 2)


def _story(db: str | None, name: str, as_of: str | None):
    from dugout.story import story_of

    with _open(db) as store:
        story = story_of(store, name, check_date(as_of))
    if story is None:
        when = f" published by {as_of}" if as_of else ""
        fail(f"no stored claims about {name!r}{when}")
    return story


def _cites(claims: list[Any]) -> str:
    """ "[ESPN, 2023-05-19; Football España, 2024-11-06]": each report once, oldest first; past
    three reports, the strongest three (one per outlet first) and "and N more"."""
    from dugout.story.brief import Sentence

    labels = Sentence("", list(claims)).citations
    return f"[{'; '.join(labels)}]" if labels else ""


def _says(c: Any) -> str:
    from dugout.story.phrases import phrase

    attr = f", per {c.claim.attribution}" if c.claim.attribution else ""
    when = f" (when: {c.claim.when})" if c.claim.when else ""
    return f"{phrase(c.claim)}{when}{attr} [{c.label()}]"


def _print_story(story: Any) -> None:
    out = Console(soft_wrap=True, highlight=False)
    p = lambda text="": out.print(text, markup=False, highlight=False)  # noqa: E731
    p(f"{story.name} ({story.kind}) as of {story.as_of or 'undated'}")

    def section(title: str, rows: list[str], numbered: bool = False) -> None:
        if rows:
            p()
            p(title)
            for i, row in enumerate(rows, 1):
                p(f"  {i}. {row}" if numbered else f"  - {row}")

    roles = []
    for ln in story.roles:
        note = f" ({ln.note})" if ln.note else ""
        roles.append(f"{ln.text}{note} {_cites(ln.claims)}")
    for ln in story.contracts:
        flag = f" — STALE as of {story.as_of}, not current" if ln.note.startswith("stale") else ""
        roles.append(f"{ln.text}{flag} {_cites(ln.claims)}")
    section("Now" if story.kind == "person" else "Staff", roles)
    for job in story.jobs:
        p()
        p(f"Job status: {job.person} at {job.club}: {job.status}, confidence {job.confidence:.2f}")
        for c in job.support:
            p(f"  for:     {_says(c)}")
        for c in job.against:
            p(f"  against: {_says(c)}")
    section("Meetings", [f"{_says(ln.claims[0])}" for ln in story.meetings])
    section("Linked elsewhere", [f"{_says(ln.claims[0])}" for ln in story.linked_elsewhere])
    cands = []
    for cand in story.candidates:
        dates = ", ".join(
            f"{c.voice or c.outlet} {c.published or 'undated'} ({c.claim.value}, {c.claim.modality})"
            for c in cand.claims
        )
        ruled = f"; ruled out by {_cites(cand.ruled_out)}" if cand.ruled_out else ""
        stand_in = " — stand-in only if needed" if cand.conditional_only else ""
        cands.append(
            f"{cand.name}: {cand.stage}, {counted(len(cand.outlets), 'outlet')}, latest {cand.latest}"
            f"{stand_in}{ruled} — {dates}"
        )
    title = f"Candidates for the {story.candidates[0].job} job (ranked)" if story.candidates else ""
    section(title, cands, numbered=True)
    title_in = "Transfers in" if story.kind == "club" else "Transfers"
    section(title_in, [f"{ln.text} {_cites(ln.claims)}" for ln in story.transfers_in])
    section("Transfers out", [f"{ln.text} {_cites(ln.claims)}" for ln in story.transfers_out])
    section("Squad needs", [f"{ln.text} ({ln.note}) {_cites(ln.claims)}" for ln in story.needs])
    section("Results", [f"{ln.note}: {ln.text} {_cites(ln.claims)}" for ln in story.results])
    contra = []
    for con in story.contradictions:
        contra.append(f"{con.reason}:\n      {_says(con.a)}\n   vs {_says(con.b)}")
    section("Contradictions", contra)
    changes = []
    for ch in story.changes:
        before = "; ".join(_says(c) for c in ch.before)
        after = "; ".join(_says(c) for c in ch.after)
        changes.append(f"{ch.question}: {ch.note}\n      before: {before}\n      after:  {after}")
    section("Changes", changes)
    section("Stale", [f"{s.reason} [{s.claim.label()}]" for s in story.stale])
    section(
        "Reports",
        [
            f"{r['outlet'] or '?'}, {r['published'] or 'undated'}: {r['title'] or r['doc']}"
            for r in story.reports
        ],
    )


def register(app: typer.Typer) -> None:
    """Add the story verbs to the CLI."""

    @app.command()
    def story(name: NameArg, as_of: AsOfOpt = None, db: DbOpt = None, json_: JsonOpt = False) -> None:
        """Where the story of a person or club stands, and who says so, every line with its sources.

        Roles and contract, job status with a confidence and the reports for and against it,
        candidates for the job ranked by independent outlets, transfers, needs, results,
        contradictions side by side, what changed between reports, and stale facts.

        Example:

            dugout story "Carlo Ancelotti"

            dugout story "Real Madrid" --as-of 2023-12-31 --json
        """
        found = _story(db, name, as_of)
        if json_:
            sys.stdout.write(json.dumps(found.to_dict(), ensure_ascii=False, indent=1) + "\n")
            return
        _print_story(found)

    @app.command()
    @output_options
    def timeline(name: NameArg, as_of: AsOfOpt = None, db: DbOpt = None, fmt: Format = Format.table) -> None:
        """Dated events about a person or club in order, each with its source and evidence.

        A claim without its own date is placed at its report's date and marked "report date".

        Example:

            dugout timeline "Carlo Ancelotti"

            dugout timeline "Real Madrid" --json
        """
        from dugout.story import story_input
        from dugout.story import timeline as build_timeline

        with _open(db) as store:
            inp = story_input(store, name, check_date(as_of), track={})
        if inp is None:
            fail(f"no stored claims about {name!r}")
        rows = []
        for e in build_timeline(inp.claims):
            row = e.to_dict()
            row["date"] = e.date if e.dated else f"{e.date or 'undated'} (report date)"
            rows.append(row)
        print_rows(
            rows,
            ["date", "text", "outlet", "evidence"]
            if fmt is Format.table
            else ["date", "dated", "text", "outlet"],
            fmt,
            title=f"{inp.name}: {len(rows)} events",
        )

    @app.command()
    def brief(name: NameArg, as_of: AsOfOpt = None, db: DbOpt = None, json_: JsonOpt = False) -> None:
        """A short briefing in plain English, every sentence with its citations [Outlet, YYYY-MM-DD].

        Built from the stored claims with fixed templates (no language model); --json gives each
        sentence with the ids of the claims it rests on.

        Example:

            dugout brief "Carlo Ancelotti"

            dugout brief "Carlo Ancelotti" --as-of 2023-06-01
        """
        from dugout.story import brief as build_brief

        found = _story(db, name, as_of)
        sentences = build_brief(found)
        if json_:
            payload = {
                "name": found.name,
                "as_of": found.as_of,
                "sentences": [s.to_dict() for s in sentences],
            }
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
            return
        out = Console(soft_wrap=True, highlight=False)
        out.print(f"{found.name}, as of {found.as_of or 'undated'}", markup=False)
        out.print()
        for s in sentences:
            out.print(s.render(), markup=False)

    @app.command()
    @output_options
    def outlets(
        as_of: AsOfOpt = None,
        db: DbOpt = None,
        outcomes: Annotated[
            bool, typer.Option("--outcomes", help="List the settled claims behind the ranking instead.")
        ] = False,
        fmt: Format = Format.table,
    ) -> None:
        """Rank outlets by how often their claims that later reports settled were borne out.

        A rumour becomes a signing or the player goes elsewhere; "expected to stay" is followed by
        still in charge or by a sacking. The score is Laplace-smoothed: (borne out + 1) / (settled + 2).

        Example:

            dugout outlets

            dugout outlets --outcomes --json
        """
        from dugout.story import track_record

        with _open(db) as store:
            records, settled = track_record(store, check_date(as_of))
        if outcomes:
            rows = []
            for o in settled:
                c, by = o.claim, o.settled_by
                rows.append(
                    {
                        "outlet": o.outlet,
                        "outcome": o.outcome,
                        "claim": _says(c),
                        "settled_by": _says(by),
                        "reason": o.reason,
                    }
                )
            print_rows(rows, ["outlet", "outcome", "claim", "settled_by", "reason"], fmt)
            return
        if fmt is not Format.table:
            print_rows([r.to_dict() for r in records], ["outlet", "settled", "borne_out", "rate"], fmt)
            return
        if not records:
            Console().print("no settled claims yet: outcomes need a later report about the same question")
            return
        table = Table(title="Outlets by track record")
        for col in ("outlet", "settled", "borne out", "not borne out", "rate", "score"):
            table.add_column(col)
        for r in records:
            table.add_row(
                r.outlet,
                str(r.settled),
                str(r.borne_out),
                str(r.not_borne_out),
                f"{r.rate:.2f}",
                f"{r.score:.2f}",
            )
        Console().print(table)
