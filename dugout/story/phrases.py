"""Claims in plain English: one phrase per claim, shared by the story, timeline and brief.

Templates, not a language model: every phrase says exactly what the claim
says, so a reader can trace each sentence back to its claim.
"""

from __future__ import annotations

from dugout.records import Claim

from .dates import month_name

ROLE_NAMES = {
    "sporting_director": "sporting director",
    "assistant_coach": "assistant coach",
    "board_member": "board member",
}
COACH = {
    "current": "{s} is head coach of {o}",
    "former": "{s} is a former coach of {o}",
    "incoming": "{s} is set to take over at {o}",
    "interim": "{s} is interim coach of {o}",
}
JOB = {
    "secure": "{s}'s job at {o} is secure",
    "at_risk": "{s}'s job at {o} is at risk",
    "dismissed": "{o} sacked {s}",
    "resigned": "{s} resigned at {o}",
    "appointed": "{o} appointed {s}",
    "extended": "{s} extended his deal with {o}",
}
CANDIDATE = {
    "linked": "{s} is linked with the {o} job",
    "shortlisted": "{s} is on the shortlist for the {o} job",
    "approached": "{o} approached {s}",
    "offered": "{s} has been offered the {o} job",
}
TRANSFER = {
    "interest": "{o} are interested in {s}",
    "bid": "{o} made a bid for {s}",
    "negotiating": "{o} are negotiating for {s}",
    "agreed": "{o} agreed a deal for {s}",
    "signed": "{o} signed {s}",
    "loan": "{s} is on loan at {o}",
    "departure": "{s} is set to leave {o}",
}
QUALIFIER = {
    "expected": "expected",
    "possible": "possible",
    "conditional": "only if needed",
}


def role_name(value: str | None) -> str:
    return ROLE_NAMES.get(value or "", value or "role")


def phrase(c: Claim, qualify: bool = True) -> str:
    """The claim as one short English clause (no citation, no final stop)."""
    s, o, v = c.subject, c.object or "an unnamed party", c.value
    if c.type == "coach_of":
        text = COACH.get(v or "", "{s} coaches {o}").format(s=s, o=o)
    elif c.type == "holds_role":
        text = f"{s} is {role_name(v)} of {o}"
    elif c.type == "job_status":
        text = JOB.get(v or "", "{s}'s job at {o}: " + str(v)).format(s=s, o=o)
    elif c.type == "contract_until":
        text = f"{s}'s contract with {o} runs until {month_name(c.when) if c.when else 'an unstated date'}"
    elif c.type == "meeting":
        text = f"{s} met {o}" if v == "held" else f"{s} is to meet {o}"
    elif c.type == "candidate_for":
        text = CANDIDATE.get(v or "", "{s} is a candidate for the {o} job").format(s=s, o=o)
    elif c.type == "transfer":
        text = TRANSFER.get(v or "", "{s}: {o}").format(s=s, o=o)
        if c.counterpart and v != "departure":
            text += f" from {c.counterpart}"
    elif c.type == "squad_need":
        text = f"{s} need a {v or 'reinforcement'}"
    elif c.type == "match_result":
        score = f" {v} " if v else " v "
        text = f"{s}{score}{o}"
        if c.competition:
            text += f" ({c.competition})"
    else:
        text = f"{s} {c.type} {o} {v or ''}".strip()
    if c.polarity == "negated":
        if c.type == "meeting":
            text = f"no contact between {s} and {o}"
        elif c.type == "candidate_for":
            text = f"{s} is ruled out for the {o} job"
        else:
            text = f"denied: {text}"
    if qualify and c.modality in QUALIFIER:
        text += f" ({QUALIFIER[c.modality]})"
    return text


def attributed(c: Claim) -> str:
    """ ", according to Marca" / ", according to sources" / "" for the outlet's own voice."""
    if c.attribution:
        return f", according to {c.attribution}"
    return ""


def counted(n: int, noun: str) -> str:
    """ "1 outlet", "3 outlets": a count as a reader writes it, not "outlet(s)"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
