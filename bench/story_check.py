"""Does the story hold on a real stream? The figures of issue 12, from stores you build yourself.

    python bench/story_check.py --db /tmp/tds.db [--corpus-db /tmp/corpus.db] [--show]
    python bench/story_check.py --db /tmp/oof.db --claims cv-claims.jsonl   # see --claims

`--db` is a store of the reports whose gold claims we hold: train, dev and seeds
(../shared/eval/{train,dev,seeds}/articles.jsonl) ingested together. When the file does
not exist yet it is built first (about a minute), so the same command re-runs the check
on a store built by another extractor: point `--db` at it. `--corpus-db` is a store of
corpus reports, for the outlet figure on a stream whose records name no outlet; when it
does not exist, it is built from `--corpus-n` reports of ../shared/corpus/football_news.jsonl
taken evenly through the file (every k-th line, so every source is in it).

Figures printed:

1. Current role. For each coach with one current club in gold, whether `dugout story`
   gives that club as his current post. A coach's gold current club is judged as of the
   report dates: take his gold `coach_of` claims with value `current` or `interim`
   (affirmed) from reports that carry a publication date; the latest such date D is when
   gold last says where he works. He counts when the claims of D name one club (two, as
   "interim of the first team and coach of the under-18s", is not one current club), and
   the story is asked as of D (`story_of(store, name, as_of=D)`), so later reports that
   the gold of D could not know (a sacking a week on) do not count against it. Coaches
   whose gold claims are all undated are left out: there is no date to judge them at. The
   story agrees when its current (or interim) coaching post names that club by the
   scorer's name rule, or by another name the knowledge base gives the same club. The
   figure depends on extraction (a coach no claim puts at his club cannot be placed), so it
   is also given over the coaches the store holds such a claim for: the story's own share.
2. Claims without an outlet among the claims of reports that carry a URL (target 0), in
   each store.
3. Candidates for a job who are players in the knowledge base (a person of people.csv with
   no role in roles.csv but captain), over the stories of every club named in a
   `candidate_for` claim and every coach in the store (target 0).
4. Contradictions whose two sides quote one sentence (target 0), and contradictions with a
   history note on one side, over the story of every subject in the store.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import and_, func, select

from dugout.kb.index import load_kb
from dugout.kb.names import fold, names_match
from dugout.store import Store
from dugout.store.schema import articles as articles_t
from dugout.store.schema import claims as claims_t
from dugout.story import story_of

SHARED = Path(__file__).resolve().parents[2] / "shared"
SETS = ("train", "dev", "seeds")


def build(db: Path, inputs: list[Path], claims: Path | None = None) -> None:
    """Ingest `inputs` into a new store with this checkout's `dugout ingest` (`--claims`: the
    claims of that file instead of the model's)."""
    print(f"building {db} from {', '.join(map(str, inputs))} ...", flush=True)
    dugout = Path(sys.executable).with_name("dugout")
    given = ["--claims", str(claims)] if claims else []
    subprocess.run([str(dugout), "ingest", *map(str, inputs), *given, "--db", str(db)], check=True)


def corpus_sample(n: int, out: Path) -> Path:
    """`n` corpus reports taken evenly through the corpus file, written to `out`."""
    lines = [x for x in (SHARED / "corpus" / "football_news.jsonl").read_text("utf-8").split("\n") if x]
    step = max(1, len(lines) // n)
    out.write_text("\n".join(lines[::step][:n]) + "\n", "utf-8")
    return out


def gold_current_clubs(sets: tuple[str, ...] = SETS) -> dict[str, tuple[str, str]]:
    """Coach -> (date D, club) for the coaches with one current club in gold as of D (see above)."""
    published: dict[str, str | None] = {}
    dated: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in sets:
        for line in (SHARED / "eval" / name / "articles.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                published[str(rec["id"])] = (rec.get("published") or "")[:10] or None
        for line in (SHARED / "eval" / name / "gold.jsonl").read_text("utf-8").splitlines():
            if not line.strip():
                continue
            c = json.loads(line)
            day = published.get(str(c["doc"]))
            if (
                c["type"] == "coach_of"
                and c.get("value") in ("current", "interim")
                and c.get("polarity", "affirmed") == "affirmed"
                and c.get("object")
                and day
            ):
                dated[c["subject"]].append((day, c["object"]))
    out: dict[str, tuple[str, str]] = {}
    for coach, rows in dated.items():
        last = max(day for day, _ in rows)
        clubs = {fold(club): club for day, club in rows if day == last}
        merged = [c for c in clubs.values() if not any(c != o and names_match(c, o) for o in clubs.values())]
        if len(clubs) == 1 or len(merged) == 1:
            out[coach] = (last, next(iter(clubs.values())))
    return out


def current_post(story) -> str | None:
    """The club of the story's current (or interim) head-coach post, if it gives one."""
    for line in story.roles if story else []:
        if line.section == "role" and line.value in ("current", "interim") and "coach" in line.text:
            return line.party
    return None


def same_club(a: str, b: str) -> bool:
    """The scorer's name rule, or one club of the knowledge base under two of its names
    ("Cologne" and "1. FC Koln")."""
    if names_match(a, b):
        return True
    kb = load_kb()
    ta, tb = kb.team_id(a), kb.team_id(b)
    return ta is not None and ta == tb


def stored_for(store: Store, coach: str, club: str, day: str) -> bool:
    """Whether the store holds any claim putting the coach in post at the club by `day` (coach_of
    current or interim, or a job status there): what the story can find if it weighs well."""
    for row in store.claims(about=coach):
        c = row.claim
        in_post = (c.type == "coach_of" and c.value in ("current", "interim")) or (
            c.type == "job_status" and c.value in ("secure", "at_risk", "extended", "appointed")
        )
        if in_post and names_match(c.subject, coach) and c.object and same_club(c.object, club):
            if (row.published or "9999")[:10] <= day:
                return True
    return False


def role_agreement(store: Store, show: bool) -> None:
    gold = gold_current_clubs()
    agree = reachable = agree_reachable = 0
    misses = []
    for coach, (day, club) in sorted(gold.items()):
        got = current_post(story_of(store, coach, as_of=day))
        ok = got is not None and same_club(got, club)
        agree += ok
        if stored_for(store, coach, club, day):
            reachable += 1
            agree_reachable += ok
        if not ok:
            misses.append(f"  {coach} as of {day}: gold {club}, story {got}")
    n = len(gold)
    print(f"current role agrees with gold: {agree}/{n} = {agree / n:.3f} (coaches with one current club)")
    print(
        f"  of which the store holds a claim putting him at that club: {reachable}; the story agrees on "
        f"{agree_reachable}/{reachable} = {agree_reachable / max(reachable, 1):.3f} of them"
    )
    if show:
        print("\n".join(misses))


def outlet_gaps(store: Store, label: str) -> None:
    c, a = claims_t.c, articles_t.c
    base = (
        select(func.count()).select_from(claims_t.join(articles_t, c.doc == a.id)).where(a.url.is_not(None))
    )
    with store.engine.connect() as conn:
        total = conn.execute(base).scalar_one()
        missing = conn.execute(base.where(c.outlet.is_(None))).scalar_one()
        reports = conn.execute(
            select(func.count()).select_from(articles_t).where(and_(a.url.is_not(None), a.outlet.is_(None)))
        ).scalar_one()
    print(
        f"{label}: claims without an outlet among claims of reports with a URL: {missing}/{total}; "
        f"reports with a URL and no outlet: {reports}"
    )


def is_kb_player(name: str) -> bool:
    """A person of the knowledge base with no role but captain: people.csv lists players so."""
    kb = load_kb()
    people = [e for e in kb.lookup(name) if e.kind == "person"]
    return bool(people) and all(all(r.role == "captain" for r in kb.roles_of.get(e.id, [])) for e in people)


def _names(store: Store, *types: str, side: str = "subject") -> list[str]:
    col = getattr(claims_t.c, side)
    with store.engine.connect() as conn:
        query = select(col).where(col.is_not(None)).distinct()
        if types:
            query = query.where(claims_t.c.type.in_(types))
        return sorted(conn.execute(query).scalars())


def player_candidates(store: Store) -> set[tuple[str, str]]:
    """(job, name) of the candidates who are knowledge-base players, over the stories of every club
    named in a `candidate_for` claim and every coach."""
    players: set[tuple[str, str]] = set()
    clubs = _names(store, "candidate_for", side="object")
    coaches = [n for n in _names(store, "coach_of") if n not in clubs]
    for name in clubs + coaches:
        story = story_of(store, name)
        players |= {(c.job, c.name) for c in (story.candidates if story else []) if is_kb_player(c.name)}
    return players


def one_sentence(con) -> bool:
    """Both sides of a contradiction quote one sentence of one report."""
    a, b = con.a.claim.evidence, con.b.claim.evidence
    return con.a.doc == con.b.doc and (a in b or b in a)


def contradiction_checks(store: Store) -> tuple[list[str], int, int]:
    """Over the story of every subject: the one-sentence contradictions, those with a history
    note on one side, and all contradictions (each pair once)."""
    same_sentence: list[str] = []
    history = 0
    seen: set[tuple] = set()
    for name in _names(store):
        story = story_of(store, name)
        for con in story.contradictions if story else []:
            if (con.a.id, con.b.id) in seen:
                continue
            seen.add((con.a.id, con.b.id))
            if one_sentence(con):
                same_sentence.append(f"  {con.reason}: {con.a.claim.evidence[:100]!r}")
            history += con.a.history or con.b.history
    return same_sentence, history, len(seen)


def story_figures(store: Store, show: bool) -> None:
    started = time.perf_counter()
    players = player_candidates(store)
    print(f"candidates who are players in the knowledge base: {len(players)}")
    if show:
        print("\n".join(f"  {job}: {who}" for job, who in sorted(players)))
    same_sentence, history, total = contradiction_checks(store)
    print(f"contradictions whose two sides quote one sentence: {len(same_sentence)} of {total}")
    print(f"contradictions with a history note on one side: {history}")
    if show:
        print("\n".join(same_sentence))
    print(f"(stories read in {time.perf_counter() - started:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True, help="store of train+dev+seeds (built if missing)")
    parser.add_argument("--corpus-db", type=Path, help="store of corpus reports (built if missing)")
    parser.add_argument("--corpus-n", type=int, default=1000, help="corpus reports for a new corpus store")
    parser.add_argument("--show", action="store_true", help="list every miss")
    parser.add_argument(
        "--claims",
        type=Path,
        help="build the train and dev part of a new --db from these claims (bench/crossval.py --claims: "
        "each report's claims from a model that never saw it); the seeds go through the shipped model",
    )
    args = parser.parse_args()
    if not args.db.exists() and args.claims:
        build(args.db, [SHARED / "eval" / s / "articles.jsonl" for s in ("train", "dev")], args.claims)
        build(args.db, [SHARED / "eval" / "seeds" / "articles.jsonl"])
    elif not args.db.exists():
        build(args.db, [SHARED / "eval" / s / "articles.jsonl" for s in SETS])
    if args.corpus_db and not args.corpus_db.exists():
        sample = corpus_sample(args.corpus_n, args.corpus_db.with_suffix(".jsonl"))
        build(args.corpus_db, [sample])
    with Store.open(str(args.db)) as store:
        role_agreement(store, args.show)
        outlet_gaps(store, "train+dev+seeds")
        story_figures(store, args.show)
    if args.corpus_db:
        with Store.open(str(args.corpus_db)) as store:
            outlet_gaps(store, f"corpus ({store.counts()['articles']} reports)")


if __name__ == "__main__":
    main()
