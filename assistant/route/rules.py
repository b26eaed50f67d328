"""The context rules: whether a frame clears a lexicon match, and the content-free reason codes.

``cleared(analysis, match)`` is the ConText/NegEx-style decision the router applies to each match: a
hypothetical, procedural, fiction or permission frame clears it only when nothing specific (the
writer harmed, a person of theirs, a report, a time) overrides it; negation never clears.

What this module does not do: find matches (``assistant.route.lexicon``) or decide a route
(``assistant.route.router``).
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from assistant.route.lexicon import Analysis, Match

_REASON_RE = re.compile(r"^[a-z_]+(:[a-z0-9_.]+)?(\+[a-z_]+(:[a-z0-9_.]+)?)*$")

# Families whose matches a benign secret (a surprise party) can clear.
_BENIGN_CLEARS = frozenset({"grooming"})


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def framed(a: Analysis, h: Match) -> bool:
    """A frame applies to this match: the message is procedural/fiction/general, or the match sits in
    a hypothetical or permission scope of a question, or it is a secret in a benign setting."""
    return (
        a.framed
        or ((h.hypothetical or h.permission) and a.question)
        or (h.hypothetical and h.about_others)  # "hypothetically if someone told a leader ..." needs no "?"
        or (a.benign and h.family in _BENIGN_CLEARS)
    )


def cleared(a: Analysis, h: Match) -> bool:
    """A frame clears a match only when nothing specific overrides it (negation never clears)."""
    if not framed(a, h):
        # "shes dead when i get home lol", "off sick so i will not be at group": weak signals only
        return (a.joking or a.ordinary) and not h.strong
    if not h.strong:
        return True  # a weak signal inside a question about procedure, a story or a hypothetical
    if h.first_person and not (h.permission and h.conduct) and not h.about_others:
        # The writer is the one harmed: "what should i do, he hits me", "is it ok for my dad to hit me"
        # (not "if a child tells me", nor a rule of contact asked about: "can my coach follow me on insta")
        return False
    if h.direct and not h.quoted:
        # "what should we do if a child cannot live at home" clears; "is there a place kids can go if they
        # cannot live at home" (no question about procedure: a child asking for themself) does not.
        return a.fiction or (h.about_others and a.question and a.procedural)
    own_person = h.possessive and not (h.hypothetical or h.permission)
    if a.benign and h.family in _BENIGN_CLEARS:
        return True
    if a.fiction:
        return not own_person  # a story, a course or the news yields only to the writer's own people
    recurring = a.recurrence and (h.possessive or h.first_person) and not h.about_others
    return not (a.report or a.event or own_person or recurring)


def cue(a: Analysis, hits: Sequence[Match]) -> str:
    if any(h.first_person for h in hits):
        return "first_person"
    if a.report:
        return "third_party"
    if any(h.possessive for h in hits):
        return "specific_person"
    if a.event:
        return "specific_event"
    if any(framed(a, h) for h in hits):
        return "framed"
    return "unframed"


def reason_code(families: Sequence[str], cue: str) -> str:
    reason = "+".join([f"lexicon:{f}" for f in families] + [f"context:{cue}"])
    return reason if _REASON_RE.match(reason) else "lexicon:unknown"
