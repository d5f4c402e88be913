"""The dugout command line: thin verbs that parse arguments, call the library and print.

Every verb's help ends with an example. Bad input is one line on stderr naming
the file and the reason; the batch goes on and the exit status says it failed.
"""

import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dugout.commands import register_all
from dugout.commands.options import ClaimsOpt, annotated_claims
from dugout.ingest.readers import ReadOptions, read_inputs
from dugout.output import (
    CLAIM_TABLE_COLUMNS,
    Format,
    check_date,
    check_published,
    fail,
    output_options,
    print_rows,
)
from dugout.records import CLAIM_TYPES, MAX_OFFSET, Article, InputProblem

app = typer.Typer(
    help="dugout: football news intelligence. Reads reports, extracts who coaches where, whose job is at "
    "risk, transfers, meetings and results, with who said it, how firmly and when.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
kb_app = typer.Typer(
    help="The football knowledge base: clubs, national teams, competitions, outlets, people.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(kb_app, name="kb")
err = Console(stderr=True)

PathsArg = Annotated[
    list[str],
    typer.Argument(help="Files (.jsonl, .txt, .html, feeds), folders, or - for stdin.", show_default=False),
]
OutletOpt = Annotated[str | None, typer.Option("--outlet", help="Outlet of plain files that name none.")]
PublishedOpt = Annotated[
    str | None,
    typer.Option(
        "--published",
        help="Publication date of plain files that give none: YYYY-MM-DD (an ISO datetime or an RSS date "
        "also do).",
    ),
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database: a SQLite file path or postgresql://... [default: $DUGOUT_DB or ./dugout.db]"
    ),
]


class Problems:
    """Counts bad inputs while printing each as one line, so the batch can go on."""

    def __init__(self) -> None:
        self.count = 0

    def failed(self, article: Article, error: Exception) -> None:
        """A report the extractor could not handle: one line, and the batch goes on."""
        where = article.source or article.id
        self.report(InputProblem(where, f"extraction failed ({type(error).__name__}: {error})"))

    def report(self, problem: InputProblem) -> None:
        self.count += 1
        err.print(f"dugout: {problem}", markup=False, highlight=False, soft_wrap=True)


def _articles(items: Iterable[Article | InputProblem], problems: Problems) -> Iterator[Article]:
    for item in items:
        if isinstance(item, InputProblem):
            problems.report(item)
        else:
            yield item


def _fail(message: str, code: int = 2) -> None:
    fail(message, code)


def _open_output(path: Path):
    """Open an output file before any work is done, so a bad path fails at once, in one line."""
    try:
        return path.open("w", encoding="utf-8")
    except OSError as e:
        _fail(f"{path}: cannot write ({e.strerror})")


WorkersOpt = Annotated[
    int,
    typer.Option("--workers", min=1, help="Extract in this many processes on this machine (same output)."),
]
ClusterOpt = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        help="Extract on a Dask cluster: a scheduler address (tcp://host:8786), or local:N (N workers here).",
    ),
]


ModelOpt = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="A model folder made by `dugout train` to use instead of the shipped one.",
        show_default=False,
    ),
]


def _use_model(model: Path | None) -> None:
    """Point every extractor of this run (worker processes too) at `model`."""
    if model is None:
        return
    from dugout.extract.pipeline import MODEL_ENV

    if not (model / "meta.json").is_file():
        _fail(f"{model}: not a model folder (no meta.json; `dugout train -o {model}` makes one)")
    os.environ[MODEL_ENV] = str(model)


@contextmanager
def _extraction(
    articles: Iterable[Article],
    on_error,
    workers: int = 1,
    cluster: str | None = None,
    annotated=None,
) -> Iterator[Iterator[tuple[Article, list]]]:
    """(article, claims) in input order: hand-checked claims, or extracted in this process, in
    `workers` processes, or on a cluster."""
    if annotated is not None:
        yield annotated.run(articles, on_error)
        return
    if cluster is not None:
        from dugout.scale.cluster import ClusterError, connect
        from dugout.scale.run import extract_on_cluster

        try:
            with connect(cluster) as client:
                yield extract_on_cluster(articles, client, on_error)
        except ClusterError as e:
            _fail(str(e))
        return
    if workers > 1:
        from dugout.scale.pool import extract_parallel

        _extractor()  # a missing model is one clear line here, not one per worker
        yield extract_parallel(articles, workers, on_error)
        return
    yield _extractor().run(articles, on_error)


def _extractor():
    from dugout.extract.model import ModelError
    from dugout.extract.pipeline import Extractor
    from dugout.kb.loader import KBError
    from dugout.nlp.pipeline import ModelMissing, load_nlp

    try:
        load_nlp()
        return Extractor()
    except (ModelMissing, KBError, ModelError) as e:
        _fail(str(e))


@app.command()
def extract(
    paths: PathsArg,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write claims here (JSONL) instead of standard output."),
    ] = None,
    outlet: OutletOpt = None,
    published: PublishedOpt = None,
    workers: WorkersOpt = 1,
    cluster: ClusterOpt = None,
    model: ModelOpt = None,
) -> None:
    """Extract claims from reports and write them as JSON lines; stores nothing.

    Each line is one claim as spec/claims.md defines it (doc, type, subject, object, value, polarity,
    modality, attribution, outlet, when, evidence, ...). A file without an id takes its file name.
    One report's text may hold at most 1,000,000 characters; a longer one is refused in one line.

    Example:

        dugout extract ../shared/eval/seeds/articles.jsonl -o claims.jsonl

        dugout extract ../shared/seeds/ --outlet ESPN --published 2023-05-19

        dugout extract ../shared/corpus/football_news.jsonl --workers 4 -o claims.jsonl

        dugout extract ../shared/seeds --model my-model/
    """
    _use_model(model)
    options = ReadOptions(outlet=outlet, published=check_published(published), allow_urls=False)
    problems = Problems()
    sink = _open_output(output) if output else sys.stdout
    try:
        articles = _articles(read_inputs(paths, options), problems)
        with _extraction(articles, problems.failed, workers, cluster) as results:
            for _article, claims in results:
                for claim in claims:
                    sink.write(json.dumps(claim.to_dict(), ensure_ascii=False) + "\n")
    finally:
        if output:
            sink.close()
    if problems.count:
        raise typer.Exit(1)


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders, - for stdin, http(s) URLs of pages or RSS/Atom feeds.", show_default=False
        ),
    ],
    db: DbOpt = None,
    outlet: OutletOpt = None,
    published: PublishedOpt = None,
    allow_private: Annotated[
        bool,
        typer.Option("--allow-private", help="Allow fetching from loopback and private network addresses."),
    ] = False,
    workers: WorkersOpt = 1,
    cluster: ClusterOpt = None,
    model: ModelOpt = None,
    claims: ClaimsOpt = None,
) -> None:
    """Read reports, extract their claims and store both; the same report twice is stored once.

    One transaction per report: an interrupted run keeps every report it finished, and running it
    again stores the rest. Ends with a one-line summary. A bad record (a field of the wrong type, a
    date that is no real day) or a report over 1,000,000 characters is one line on stderr; the rest
    is stored and the exit status is 1.

    Example:

        dugout ingest ../shared/seeds --outlet ESPN

        dugout ingest https://example.com/football/rss.xml --db postgresql://localhost/dugout

        dugout ingest ../shared/corpus --cluster tcp://scheduler:8786 --db postgresql://db/dugout

        dugout ingest ../shared/eval/seeds/articles.jsonl --claims ../shared/eval/seeds/gold.jsonl
    """
    from dugout.store import Store, StoreError

    _use_model(model)
    annotated = annotated_claims(claims)
    options = ReadOptions(outlet=outlet, published=check_published(published), allow_private=allow_private)
    problems = Problems()
    try:
        store = Store.open(db)
    except StoreError as e:
        _fail(str(e))
    if workers == 1 and cluster is None and annotated is None:
        _extractor()  # a missing model is one clear line before anything is read
    stats = {"read": 0, "stored": 0, "duplicates": 0, "claims": 0}

    def fresh(articles: Iterable[Article]) -> Iterator[Article]:
        # Stored reports are skipped before any parsing, checked a batch at a time.
        for batch in _batches(articles, 500):
            stats["read"] += len(batch)
            known = store.stored_of(batch)
            for article in batch:
                if article.id in known:
                    stats["duplicates"] += 1
                else:
                    yield article

    show = err.is_terminal
    with (
        store,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=not show,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("ingesting", total=None)
        try:
            articles = fresh(_articles(read_inputs(paths, options), problems))
            with _extraction(articles, problems.failed, workers, cluster, annotated) as results:
                for article, found in results:
                    if store.add_report(article, found):
                        stats["stored"] += 1
                        stats["claims"] += len(found)
                    else:
                        stats["duplicates"] += 1
                    progress.advance(task)
        except StoreError as e:
            _fail(str(e))
    err.print(
        f"{stats['read']} reports read, {stats['stored']} stored, "
        f"{stats['duplicates']} skipped as duplicates, "
        f"{problems.count} failed; {stats['claims']} claims stored",
        highlight=False,
    )
    if problems.count:
        raise typer.Exit(1)


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


CLAIM_COLUMNS = [
    "published",
    "outlet",
    "type",
    "subject",
    "object",
    "value",
    "modality",
    "polarity",
    "attribution",
    "when",
    "evidence",
]
TABLE_COLUMNS = CLAIM_TABLE_COLUMNS


@app.command()
@output_options
def claims(
    about: Annotated[
        str | None,
        typer.Option(
            "--about", help='A person or club, as subject or object ("Ancelotti" finds "Carlo Ancelotti").'
        ),
    ] = None,
    type_: Annotated[str | None, typer.Option("--type", help=f"One of: {', '.join(CLAIM_TYPES)}.")] = None,
    outlet: Annotated[
        str | None, typer.Option("--outlet", help="Only claims published by this outlet.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only reports published on or after this date.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=MAX_OFFSET, help="At most this many claims (a page).")
    ] = 200,
    offset: Annotated[
        int, typer.Option("--offset", min=0, max=MAX_OFFSET, help="Skip this many first: the next page.")
    ] = 0,
    db: DbOpt = None,
    fmt: Format = Format.table,
) -> None:
    """Query stored claims: a readable table, or --json / --csv for tools.

    Prints at most --limit claims (200); when more match, a line on stderr says how many more
    and the --offset of the next page.

    Example:

        dugout claims --about "Carlo Ancelotti" --type job_status

        dugout claims --outlet ESPN --since 2023-01-01 --csv > espn.csv

        dugout claims --about "Real Madrid" --limit 100 --offset 100
    """
    from dugout.store import Store, StoreError

    if type_ is not None and type_ not in CLAIM_TYPES:
        raise typer.BadParameter(f"unknown type {type_!r}; one of {', '.join(CLAIM_TYPES)}")
    filters = {"about": about, "type": type_, "outlet": outlet, "since": check_date(since)}
    try:
        with Store.open(db) as store:
            found = store.claims(**filters, limit=limit + 1, offset=offset)
            total = store.count_claims(**filters) if len(found) > limit else None
    except StoreError as e:
        _fail(str(e))
    rows = []
    for stored in found[:limit]:
        row = stored.claim.to_dict()
        row["published"] = stored.published
        rows.append(row)
    print_rows(
        rows,
        TABLE_COLUMNS if fmt is Format.table else ["doc", *CLAIM_COLUMNS],
        fmt,
        title=f"{len(rows)} claims",
    )
    if total is not None:
        _more(offset, len(rows), total)


def _more(offset: int, shown: int, total: int) -> None:
    """Say on stderr that a page stopped short of every match, and how to see the rest."""
    rest = total - offset - shown
    err.print(
        f"dugout: showed claims {offset + 1:,}-{offset + shown:,} of {total:,}; {rest:,} more: "
        f"--offset {offset + shown} for the next page, or a larger --limit",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Argument(help="Gold claims (JSONL).", exists=True, dir_okay=False)],
    articles: Annotated[
        Path, typer.Argument(help="The reports (JSONL records).", exists=True, dir_okay=False)
    ],
    show_errors: Annotated[
        bool,
        typer.Option("--show-errors", help="List misses and false alarms, grouped by type and likely cause."),
    ] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
    predictions: Annotated[
        Path | None, typer.Option("--save", help="Also write the predicted claims here.")
    ] = None,
) -> None:
    """Extract the reports and score the claims against gold, with the rules of eval/score.py.

    Prints precision, recall and F1 per claim type, agreement on value, polarity and modality, and
    how many evidence strings are not copied from their report (must be 0).

    Example:

        dugout eval ../shared/eval/dev/gold.jsonl ../shared/eval/dev/articles.jsonl --show-errors
    """
    from dugout.evaluate import error_cause, score, squash

    problems = Problems()
    save_sink = _open_output(predictions) if predictions else None
    gold_rows = _load_jsonl(gold)
    records = list(_articles(read_inputs([str(articles)], ReadOptions(allow_urls=False)), problems))
    extractor = _extractor()
    predicted = [c.to_dict() for _a, cs in extractor.run(records, problems.failed) for c in cs]
    if save_sink is not None:
        with save_sink:
            save_sink.write("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in predicted))
    texts = {a.id: squash((a.title or "") + " " + a.text) for a in records}
    result = score(gold_rows, [dict(c) for c in predicted], texts)
    if json_:
        sys.stdout.write(json.dumps(result.to_dict(), indent=1) + "\n")
        return
    out = Console(soft_wrap=True)
    out.print(f"{'type':<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}", highlight=False)
    for t, r in result.per_type().items():
        out.print(
            f"{t:<18}{r['precision']:7.3f}{r['recall']:7.3f}{r['f1']:7.3f}{r['tp']:6d}{r['fp']:6d}"
            f"{r['fn']:6d}",
            highlight=False,
        )
    p, r, f = result.total()
    out.print(
        f"{'TOTAL':<18}{p:7.3f}{r:7.3f}{f:7.3f}{sum(result.tp.values()):6d}{sum(result.fp.values()):6d}"
        f"{sum(result.fn.values()):6d}",
        highlight=False,
    )
    out.print(f"evidence not found in its document: {result.bad_evidence}", highlight=False)
    for k, (agreed, total) in result.agree.items():
        shown = f"{agreed / total:.3f} ({agreed}/{total})" if total else "n/a"
        out.print(f"{k} agreement on matched claims: {shown}", highlight=False)
    if show_errors:
        by_doc: dict[str, list[dict]] = {}
        for c in predicted:
            by_doc.setdefault(str(c["doc"]), []).append(c)
        groups: dict[tuple[str, str, str], list[str]] = {}
        for kind, doc, claim, near in result.errors:
            cause = error_cause(kind, claim, near, by_doc)
            line = (
                f"  {doc}: {claim.get('subject')} | {claim.get('object')} | {claim.get('value')}"
                f"  «{squash(claim.get('evidence'))[:110]}»"  # one line, whatever the evidence spans
            )
            groups.setdefault((claim.get("type"), kind, cause), []).append(line)
        for (t, kind, cause), lines in sorted(
            groups.items(), key=lambda kv: (kv[0][0], kv[0][1], -len(kv[1]))
        ):
            label = "missed" if kind == "FN" else "false alarm"
            out.print(f"\n{t} — {label} — {cause} ({len(lines)})", highlight=False, markup=False)
            for line in lines:
                out.print(line, highlight=False, markup=False)
    out.print(f"F1 {f:.4f}", highlight=False)
    if problems.count:
        raise typer.Exit(1)


def _load_jsonl(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    _fail(f"{path}:{n}: not valid JSON ({e.msg})")
    return rows


@app.command()
def entities(
    paths: PathsArg,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write JSONL here instead of stdout.")
    ] = None,
    sentences: Annotated[
        bool,
        typer.Option("--sentences", help="Print each sentence with its mentions instead (for inspection)."),
    ] = False,
) -> None:
    """Write the entities resolved in each report: {"doc", "name", "kind", "id", "mentions"}.

    Example:

        dugout entities ../shared/eval/seeds/articles.jsonl -o entities.jsonl
    """
    from dugout.nlp.pipeline import parse_articles

    problems = Problems()
    extractor = _extractor()
    sink = _open_output(output) if output else sys.stdout
    try:
        for parsed in parse_articles(_articles(read_inputs(paths, ReadOptions(allow_urls=False)), problems)):
            resolved = extractor.resolve(parsed)
            if sentences:
                for view in resolved.sentences:
                    sink.write(f"{parsed.article.id} | {view.text}\n")
                    for m in view.mentions:
                        sink.write(f"    {m.text!r} -> {m.entity.name} [{m.kind}, {m.via}]\n")
                continue
            for entity_id, entity in resolved.entities.items():
                row = {
                    "doc": parsed.article.id,
                    "name": entity.name,
                    "kind": entity.kind,
                    "id": entity.id,
                    "known": entity.known,
                    "mentions": resolved.surface.get(entity_id, []),
                }
                sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if output:
            sink.close()
    if problems.count:
        raise typer.Exit(1)


@kb_app.command("stats")
@output_options
def kb_stats(fmt: Format = Format.table) -> None:
    """How many entities of each kind the knowledge base holds.

    Example:

        dugout kb stats
    """
    from dugout.kb.index import load_kb

    stats = load_kb().stats()
    print_rows([{"kind": k, "count": v} for k, v in sorted(stats.items())], ["kind", "count"], fmt)


@kb_app.command("show")
@output_options
def kb_show(
    name: Annotated[str, typer.Argument(help='A name or alias: "Los Blancos", "Ancelotti".')],
    fmt: Format = Format.table,
) -> None:
    """Show the knowledge-base entities a name stands for, with aliases and roles.

    Example:

        dugout kb show "Los Blancos"
    """
    from dugout.kb.index import load_kb
    from dugout.kb.names import fold_words

    kb = load_kb()
    found = kb.lookup(name) or kb.by_surname(fold_words(name)[-1:])
    if not found:
        _fail(f"no entity named {name!r} in the knowledge base", 1)
    rows = []
    for e in found:
        roles = "; ".join(
            f"{r.role} {kb.entities[r.organisation].name if r.organisation in kb.entities else r.organisation}"  # noqa: E501
            f" {r.start or '?'}–{r.end or ''}"
            for r in kb.roles_of.get(e.id, [])
        )
        rows.append(
            {
                "id": e.id,
                "name": e.name,
                "kind": e.subkind or e.kind,
                "country": e.country,
                "aliases": " | ".join(e.aliases),
                "roles": roles,
            }
        )
    print_rows(rows, ["id", "name", "kind", "country", "aliases", "roles"], fmt)


register_all(app)


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
