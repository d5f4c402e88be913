"""The story layer: where a story stands across reports, and who says so.

Only `load.py` reads the store; everything else is pure functions over
`StoryClaim` lists, shared by the CLI, the HTTP API and the web page:

    with Store.open(db) as store:
        story = story_of(store, "Carlo Ancelotti", as_of="2024-11-30")
    story.to_dict(); brief(story); timeline(story_claims)

Modules: `load` (claims about a name up to a date), `dedup` (independent
voices: outlet citations and near-duplicate reports), `confidence` (the
formula), `state` (the current state), `conflicts` (contradictions, changes,
stale facts), `timeline`, `brief`, `track` (outlets' track record).
"""

from __future__ import annotations

from typing import Any

from .brief import Sentence, brief, render
from .load import StoryClaim, StoryInput, load_all, load_story
from .state import Story, build_story, kind_of
from .timeline import Event, timeline
from .track import Outcome, OutletRecord, outlet_records, settle

__all__ = [
    "Event",
    "Outcome",
    "OutletRecord",
    "Sentence",
    "Story",
    "StoryClaim",
    "StoryInput",
    "brief",
    "build_story",
    "complete_story",
    "kind_of",
    "load_all",
    "load_story",
    "outlet_records",
    "render",
    "settle",
    "related_job_claims",
    "story_input",
    "story_of",
    "timeline",
    "track_record",
]


def story_of(
    store: Any, name: str, as_of: str | None = None, track: dict[str, Any] | None = None
) -> Story | None:
    """The story of a person or club in `store` as of a date, or None when no claim names it.

    `track` is the outlets' track record by outlet, when the caller already has it (the web server
    keeps one per state of the store); without it, it is computed from every stored claim.
    """
    inp = story_input(store, name, as_of, track)
    return complete_story(store, inp) if inp is not None else None


def complete_story(store: Any, inp: StoryInput) -> Story:
    """The story of a loaded input: with the claims about the person's club job now, and what
    the store knows of the people named for a job (so players and owners are not listed)."""
    from .load import people_kinds

    related = related_job_claims(store, inp)
    named = {c.claim.subject for c in inp.claims + related if c.claim.type == "candidate_for"}
    inp.people = people_kinds(store, named)
    return build_story(inp, related)


def story_input(store: Any, name: str, as_of: str | None = None, track: dict[str, Any] | None = None):
    """The claims about a name up to a date, with the track record; None when nothing names it.

    A name stored under no claim but known to the knowledge base as another form of one
    entity's name ("Robert Page" for Rob Page, "Gio van Bronckhorst") reads that entity's
    story: claims carry canonical names, and a reader types the form he knows."""
    inp = load_story(store, name, as_of, with_track=track is None)
    if not inp.claims:
        known = known_as(name)
        if known is None:
            return None
        inp = load_story(store, known, as_of, with_track=track is None)
        if not inp.claims:
            return None
    if track is not None:
        inp.track = track
    return inp


def known_as(name: str) -> str | None:
    """The canonical name of the one entity the knowledge base knows by `name`, when it is
    another name than the one asked (None when it knows none, or several)."""
    from dugout.kb.index import load_kb
    from dugout.kb.names import fold

    found = {e.name for e in load_kb().lookup(name)}
    if len(found) != 1:
        return None
    canonical = found.pop()
    return canonical if fold(canonical) != fold(name) else None


def related_job_claims(store: Any, inp: Any) -> list[StoryClaim]:
    """For a coach, the claims about his club's job now, which name the club, not him: who else is
    said to coach it (a club has one head coach) and the candidates for it."""
    from .dedup import assign_voices
    from .load import load_claims
    from .posts import person_standing

    related: list[StoryClaim] = []
    if kind_of(inp.name, inp.claims) != "person":
        return related
    now = person_standing(inp.claims, inp.name, inp.as_of).now
    for club in [now.name] if now is not None else []:
        more, clusters = load_claims(store, club, inp.as_of)
        more = [c for c in more if c.claim.type in ("candidate_for", "coach_of", "job_status")]
        assign_voices(more, {}, {**inp.clusters, **clusters})
        related += more
    return related


def track_record(store: Any, as_of: str | None = None) -> tuple[list[OutletRecord], list[Outcome]]:
    """Every outlet's record of settled claims in the store, ranked, with the outcomes behind it."""
    from .track import stored_outcomes, stored_records

    return stored_records(store, as_of), stored_outcomes(store, as_of)
