"""What an alert compares: the facts of a story's state, and the changes between two states.

Pure functions over the story layer's public result (`dugout.story.story_of` →
`Story`): the state is computed by the story layer, never re-derived here, so
its rules (who is head coach now, which job status wins, what contradicts what)
flow through unchanged. A fact is one question of the state with its answer:

| kind | question | answer | an alert when |
|---|---|---|---|
| `job_status` | a coach's job at a club | secure, at risk, dismissed... | new or changed |
| `role` | a person's post at a club | head coach, former coach, president | changed, or new and current |
| `candidate` | a person for a club's job | linked, shortlisted, approached, offered | new or advanced |
| `transfer` | a player to (or leaving) a club | interest, bid, ... signed, departure | new or changed |
| `contradiction` | two claims that cannot both hold | the story layer's reason | new |
| `stale` | a dated fact whose date has passed | the story layer's reason | new |

A change counts only when a claim newer than the last check is among the
claims the fact rests on: a report that merely repeats the known state changes
no answer (it adds a source to it), and a state recomputed without any new
claim never alerts. A role change that a job-status change of the same coach
and club in the same report implies (sacked → "former coach") is folded into
that alert as `also`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dugout.kb.names import fold
from dugout.story import Story, StoryClaim
from dugout.story.phrases import role_name
from dugout.story.state import STAGES

ROLE_SHOWN = {
    "current": "head coach",
    "former": "former coach",
    "incoming": "incoming coach",
    "interim": "interim coach",
    "disputed": "disputed head coach",
}
KINDS = ("job_status", "role", "candidate", "transfer", "contradiction", "stale")


def label(value: str | None) -> str:
    return (value or "").replace("_", " ")


@dataclass
class Fact:
    """One question of a story's state and its answer, with the claims the answer rests on."""

    key: str
    kind: str
    question: str
    value: str
    shown: str
    claims: list[StoryClaim]
    pair: tuple[str, str] = ("", "")
    """Folded (person, club) the fact is about, to fold a role change into a job change."""
    states: str | None = None
    """The claim value that states this answer, to pick the claim an alert cites."""


@dataclass
class Change:
    """A fact whose answer a new report changed (or brought): before → after, and the claim."""

    fact: Fact
    before: str | None
    trigger: StoryClaim
    also: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return summary_of(self.fact.kind, self.fact.question, self.before, self.fact.shown)


def summary_of(kind: str, question: str, before: str | None, after: str) -> str:
    """One line for a change: "Thomas Frank's job at Tottenham Hotspur: at risk → dismissed"."""
    if kind in ("contradiction", "stale"):
        return f"{question}: {after}"
    return f"{question}: {before} → {after}" if before is not None else f"{question}: {after} (new)"


def _pair(subject: str | None, obj: str | None) -> tuple[str, str]:
    return fold(subject), fold(obj)


def _job_facts(story: Story) -> list[Fact]:
    return [
        Fact(
            f"job_status|{fold(j.person)}|{fold(j.club)}",
            "job_status",
            f"{j.person}'s job at {j.club or 'his club'}",
            j.status,
            label(j.status),
            list(j.support),
            _pair(j.person, j.club),
            j.status,
        )
        for j in story.jobs
    ]


def _role_facts(story: Story) -> list[Fact]:
    out = []
    for line in story.roles:
        if not line.claims:
            continue
        c0 = line.claims[0].claim
        role = c0.value if c0.type == "holds_role" else ""
        value = line.value or ""
        shown = role_name(value) if c0.type == "holds_role" else ROLE_SHOWN.get(value, label(value))
        out.append(
            Fact(
                f"role|{c0.type}|{fold(c0.subject)}|{fold(c0.object)}|{role}",
                "role",
                f"{c0.subject} at {c0.object}",
                value,
                shown,
                list(line.claims),
                _pair(c0.subject, c0.object),
                value,
            )
        )
    return out


def _candidate_facts(story: Story) -> list[Fact]:
    found: dict[str, Fact] = {}
    for c in story.candidates:
        key = f"candidate|{fold(c.name)}|{fold(c.job)}"
        found[key] = Fact(
            key,
            "candidate",
            f"{c.name} for the {c.job} job",
            c.stage,
            label(c.stage),
            list(c.claims),
            states=c.stage,
        )
    for line in story.linked_elsewhere:  # the followed person named for another club's job
        cl = line.claims[0].claim
        if cl.polarity != "affirmed":
            continue
        key = f"candidate|{fold(cl.subject)}|{fold(cl.object)}"
        known = found.get(key)
        stage = cl.value or "linked"
        if known is None or STAGES.get(stage, 0) > STAGES.get(known.value, 0):
            claims = (known.claims if known else []) + list(line.claims)
            found[key] = Fact(
                key,
                "candidate",
                f"{cl.subject} for the {cl.object} job",
                stage,
                label(stage),
                claims,
                states=stage,
            )
        else:
            known.claims.extend(line.claims)
    return list(found.values())


def _transfer_facts(story: Story) -> list[Fact]:
    out = []
    for line in story.transfers_in:
        cl = line.claims[-1].claim
        key = f"transfer|{fold(cl.subject)}|{fold(cl.object)}"
        out.append(
            Fact(
                key,
                "transfer",
                f"{cl.subject} to {cl.object}",
                line.value or "",
                label(line.value),
                list(line.claims),
                states=line.value,
            )
        )
    for line in story.transfers_out:
        cl = line.claims[-1].claim
        key = f"transfer_out|{fold(cl.subject)}|{fold(story.name)}"
        shown = line.text.split(": ", 1)[-1]
        out.append(
            Fact(
                key,
                "transfer",
                f"{cl.subject} leaving {story.name}",
                line.value or "",
                shown,
                list(line.claims),
                states=line.value,
            )
        )
    return out


def _conflict_facts(story: Story) -> list[Fact]:
    out = []
    for con in story.contradictions:
        ids = sorted((con.a.id or 0, con.b.id or 0))
        newer = con.b.claim
        out.append(
            Fact(
                f"contradiction|{ids[0]}|{ids[1]}",
                "contradiction",
                f"New contradiction about {newer.subject}",
                "contradiction",
                con.reason,
                [con.a, con.b],
                _pair(newer.subject, newer.object),
            )
        )
    for st in story.stale:
        cl = st.claim.claim
        out.append(
            Fact(
                f"stale|{st.claim.id}",
                "stale",
                f"Stale: {cl.subject}'s contract with {cl.object}",
                "stale",
                st.reason,
                [st.claim, *st.later],
                _pair(cl.subject, cl.object),
            )
        )
    return out


def facts_of(story: Story | None) -> dict[str, Fact]:
    """Every fact of a story's state by key (nothing for a name no claim names yet)."""
    if story is None:
        return {}
    found = _job_facts(story) + _role_facts(story) + _candidate_facts(story)
    found += _transfer_facts(story) + _conflict_facts(story)
    return {f.key: f for f in found}


def snapshot(facts: dict[str, Fact]) -> dict[str, dict[str, str]]:
    """What is kept between checks: each fact's answer and how it reads."""
    return {k: {"value": f.value, "shown": f.shown} for k, f in sorted(facts.items())}


def _moved(fact: Fact, before: dict[str, str] | None) -> bool:
    """Whether the answer counts as news: see the table in the module docstring."""
    if before is None:
        return not (fact.kind == "role" and fact.value == "former")  # a past post is background
    if before.get("value") == fact.value or fact.kind in ("contradiction", "stale"):
        return False
    if fact.kind == "candidate":
        return STAGES.get(fact.value, 0) > STAGES.get(before.get("value") or "", 0)
    return True


def _order(c: StoryClaim) -> tuple[str, int]:
    return (c.published or c.claim.when or "", c.id or 0)


def _trigger(fact: Fact, checked_claim: int) -> StoryClaim | None:
    """The newest claim past the last check that states the new answer (else any new one)."""
    new = [c for c in fact.claims if (c.id or 0) > checked_claim]
    stating = [c for c in new if fact.states is None or c.claim.value == fact.states]
    return max(stating or new, key=_order) if new else None


def changes(before: dict[str, Any], after: dict[str, Fact], checked_claim: int) -> list[Change]:
    """The changes from the state `before` (a `snapshot`) to `after` that claims newer than
    `checked_claim` brought, one per alert, job changes first."""
    found: list[Change] = []
    for key, fact in after.items():
        old = before.get(key)
        if not _moved(fact, old):
            continue
        trigger = _trigger(fact, checked_claim)
        if trigger is not None:
            found.append(Change(fact, old.get("shown") if old else None, trigger))
    return _fold_roles(found)


def _fold_roles(found: list[Change]) -> list[Change]:
    jobs = {(ch.fact.pair, ch.trigger.doc): ch for ch in found if ch.fact.kind == "job_status"}
    kept = []
    for ch in found:
        job = jobs.get((ch.fact.pair, ch.trigger.doc)) if ch.fact.kind == "role" else None
        if job is not None:
            job.also.append(ch.summary)
        else:
            kept.append(ch)
    return sorted(kept, key=lambda ch: (KINDS.index(ch.fact.kind), ch.fact.key))
