"""Posts: where a person coaches now and which posts are past; who coaches a club now.

The answer "now" comes from `standing.weigh` (the weight of dated evidence); this
module turns it into the story's lines: the post now first, then posts other reports
gave that the evidence did not back ("outweighed"), past posts (ended by a sacking, a
resignation, "former", or recalled in a history note), incoming posts, and the other
roles people hold (president, sporting director ...).
"""

from __future__ import annotations

from collections.abc import Callable

from dugout.kb.names import fold, names_match

from .lines import Line, group_by, object_is, order_key, subject_is
from .load import StoryClaim
from .phrases import counted, phrase
from .standing import Option, Standing, options_of, weigh

COACH_WORDS = {"current": "head coach", "interim": "interim coach", "incoming": "incoming coach"}


_subject_is, _object_is, _group = subject_is, object_is, group_by


def _known_posts(person: str | None, club: str | None, as_of: str | None) -> set[tuple[str, str]]:
    """(person, club) coaching posts the knowledge base has active on `as_of` (folded names)."""
    from .dedup import _kb

    kb = _kb()
    if kb is None:
        return set()
    day = as_of[:7] if as_of else None
    if person is not None:
        roles = [r for e in kb.lookup(person) if e.kind == "person" for r in kb.roles_of.get(e.id, [])]
    else:
        team = kb.team_id(club or "")
        roles = list(kb.roles_at.get(team, [])) if team else []
    found = set()
    for r in roles:
        if r.role in ("head_coach", "interim_coach") and r.active_on(day):
            who, where = kb.get(r.person), kb.get(r.organisation)
            found.add((fold(who.name if who else r.person), fold(where.name if where else r.organisation)))
    return found


def person_standing(
    claims: list[StoryClaim], person: str, as_of: str | None, club_claims: list[StoryClaim] | None = None
) -> Standing:
    """Which club the person coaches now, from his `coach_of` and `job_status` claims (the
    knowledge base's posts on the day break ties between same-day reports).

    With `club_claims` (the claims naming his club), a club has one head coach: when the weight
    of evidence about the club gives someone else as its coach now, who arrived after him and
    whom two voices report ("Klopp's Liverpool" in a retrospective, while reports have had Slot
    in charge for a year), his post there is not now."""
    mine = [c for c in claims if _subject_is(c, person) and c.claim.type in ("coach_of", "job_status")]
    options = options_of(mine, lambda c: fold(c.claim.object), lambda c: c.claim.object or "")
    known = {club for _p, club in _known_posts(person, None, as_of)}
    standing = weigh(options.values(), as_of, lambda o: o.key in known)
    now = standing.now
    if now is None or not club_claims:
        return standing
    theirs = club_standing(club_claims + mine, now.name, as_of).now
    if (
        theirs is not None
        and not names_match(theirs.name, person)
        and len(theirs.voices) >= 2
        and theirs.first > now.first  # he came after him: a change, not an older holder's echo
    ):
        standing.taken[now.key] = theirs
        standing.now = None
    return standing


def club_standing(claims: list[StoryClaim], club: str, as_of: str | None) -> Standing:
    """Who coaches the club now, from the `coach_of` and `job_status` claims naming it; a name that
    cannot hold a coaching post (a player, a fragment: `eligible.py`) is no option."""
    from .dedup import _kb
    from .eligible import can_hold_job

    kb = _kb()
    theirs = [c for c in claims if _object_is(c, club) and c.claim.type in ("coach_of", "job_status")]
    options = options_of(theirs, lambda c: fold(c.claim.subject), lambda c: c.claim.subject)
    options = {k: o for k, o in options.items() if can_hold_job(o.name, _evidence(o), kb)}
    known = {who for who, _c in _known_posts(None, club, as_of)}
    return weigh(options.values(), as_of, lambda o: o.key in known)


def _former_line(section: str, text: str, option: Option) -> Line:
    """A past post's line: its evidence, what ended it (`Option.ended_by`, read once) and the note
    saying so."""
    end = option.ended_by()
    return Line(section, text, _evidence(option), "former", _end_note(option, end), option.name, end)


def _end_note(option: Option, end: StoryClaim | None) -> str:
    """ "dismissed (BBC Sport, 2024-10-28)", "ended (The Namibian, 2024-10-28)": what ended the post."""
    if end is None or not option.support:
        return ""  # only a "former" mention: a past post, not a spell the reports saw end
    how = end.claim.value if end.claim.type == "job_status" else "ended"
    return f"{how} ({end.outlet or 'unknown outlet'}, {end.published or 'undated'})"


def _end_key(option: Option) -> tuple:
    end = option.ended_by()
    return order_key(end) if end is not None else ("0000", 0)


def _evidence(option: Option) -> list[StoryClaim]:
    return sorted(option.support + option.ends + option.undated, key=order_key)


def _outweighed_note(option: Option, now: Option | None) -> str:
    n = len({c.doc for c in option.support})
    reports = counted(n, "report")
    if now is None:
        return f"{reports}; not borne out by other reports"
    return f"{reports}; outweighed by {counted(len(now.voices), 'outlet')} reporting {now.name}"


def coaching_posts(
    claims: list[StoryClaim], person: str, as_of: str | None, standing: Standing | None = None
) -> list[Line]:
    """The person's coaching post now first, then outweighed, past and incoming posts, then roles."""
    standing = standing or person_standing(claims, person, as_of)
    lines: list[Line] = []
    now = standing.now
    if now is not None:
        word = COACH_WORDS[standing.value]
        lines.append(
            Line(
                "role",
                f"{word} of {now.name}",
                sorted(now.support, key=order_key),
                standing.value,
                party=now.name,
            )
        )
    for key, successor in standing.taken.items():
        club = next((c.claim.object for c in successor.support if c.claim.object), key)
        since = min((c.published for c in successor.support if c.published), default=None)
        lines.append(
            Line(
                "role",
                f"formerly head coach of {club}",
                sorted(successor.support, key=order_key),
                "replaced",
                f"{club}'s head coach now: {successor.name}" + (f", reported since {since}" if since else ""),
                club,
            )
        )
    for o in standing.outweighed:
        note = _outweighed_note(o, now)
        lines.append(
            Line(
                "role",
                f"head coach of {o.name}",
                sorted(o.support, key=order_key),
                "outweighed",
                note,
                o.name,
            )
        )
    past = {o.key: o for o in sorted(standing.ended, key=_end_key, reverse=True)}
    for o in past.values():
        lines.append(_former_line("role", f"former coach of {o.name}", o))
    for o in standing.superseded:
        past[o.key] = o
        note = f"last reported {o.last.isoformat()}"
        lines.append(Line("role", f"former coach of {o.name}", _evidence(o), "former", note, o.name))
    shown = {o.key for o in ([now] if now else []) + standing.outweighed} | set(past) | set(standing.taken)
    lines += _history_posts(claims, person, shown)
    lines += _incoming(claims, person, shown)
    lines += _roles(claims, person)
    return lines


def _history_posts(claims: list[StoryClaim], person: str, shown: set[str]) -> list[Line]:
    """Past posts that only history notes (or "former") mention: "former coach of X"."""
    return _other_posts(claims, person, shown, "former", lambda c: c.history or c.claim.value == "former")


def _incoming(claims: list[StoryClaim], person: str, shown: set[str]) -> list[Line]:
    """Clubs he is set to take over, when no report has him there yet."""
    return _other_posts(claims, person, shown, "incoming", lambda c: c.claim.value == "incoming")


def _other_posts(
    claims: list[StoryClaim], person: str, shown: set[str], value: str, wanted: Callable[[StoryClaim], bool]
) -> list[Line]:
    """One line per club not shown yet whose affirmed coaching claims about him are `wanted`."""
    found = [
        c
        for c in claims
        if _subject_is(c, person)
        and c.claim.type == "coach_of"
        and c.claim.polarity == "affirmed"
        and wanted(c)
        and fold(c.claim.object) not in shown
    ]
    return [
        Line("role", f"{value} coach of {club}", sorted(group, key=order_key), value, party=club)
        for key, group in _group(found, lambda c: fold(c.claim.object)).items()
        if key and (club := group[0].claim.object)
    ]


def _roles(claims: list[StoryClaim], person: str) -> list[Line]:
    """Other posts (president, sporting director ...) as the newest dated report on each states them."""
    return _held_roles(claims, person, "role")


def _held_roles(claims: list[StoryClaim], name: str, section: str) -> list[Line]:
    """`holds_role` lines of a person ("president of Real Madrid") or of a club ("president: X"),
    each as the newest report on it states it; history notes and denials hold nothing."""
    of_person = section == "role"
    mine = [
        c
        for c in claims
        if c.claim.type == "holds_role"
        and not c.history
        and (subject_is(c, name) if of_person else object_is(c, name))
    ]
    lines = []
    for _k, group in group_by(
        mine, lambda c: (fold(c.claim.object), fold(c.claim.subject), c.claim.value)
    ).items():
        newest = max(group, key=order_key)
        if newest.claim.polarity != "affirmed":
            continue
        same = sorted((c for c in group if c.claim.polarity == "affirmed"), key=order_key)
        role = phrase(newest.claim, qualify=False).split(" is ", 1)[-1]
        if of_person:
            lines.append(Line(section, role, same, newest.claim.value, party=newest.claim.object))
        else:
            label, who = role.replace(f" of {newest.claim.object}", ""), newest.claim.subject
            lines.append(Line(section, f"{label}: {who}", same, newest.claim.value, party=who))
    return sorted(lines, key=lambda ln: ln.text)


def club_staff(
    claims: list[StoryClaim], club: str, as_of: str | None, standing: Standing | None = None
) -> list[Line]:
    """Who coaches the club now (then outweighed and former coaches), and who runs it."""
    standing = standing or club_standing(claims, club, as_of)
    lines: list[Line] = []
    now = standing.now
    if now is not None:
        word = COACH_WORDS[standing.value]
        support = sorted(now.support, key=order_key)
        lines.append(Line("staff", f"{word}: {now.name}", support, standing.value, party=now.name))
    for o in standing.outweighed:
        note = (
            f"also reported as head coach; {now.name} is better sourced" if now else _outweighed_note(o, None)
        )
        lines.append(
            Line(
                "staff", f"head coach: {o.name}", sorted(o.support, key=order_key), "outweighed", note, o.name
            )
        )
    for o in standing.ended:
        lines.append(_former_line("staff", f"former coach: {o.name}", o))
    lines += _held_roles(claims, club, "staff")
    return lines


def current_club(standing: Standing) -> str | None:
    """The club of a person's post now, if the evidence gives one."""
    return standing.now.name if standing.now is not None else None


def last_ended(standing: Standing) -> Option | None:
    """The option whose spell ended last (`Option.ended_by`): where a coach without a post now was last."""
    ended = [(o, end) for o in standing.ended if (end := o.ended_by()) is not None]
    return max(ended, key=lambda pair: order_key(pair[1]), default=(None, None))[0]
