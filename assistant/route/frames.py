"""Frames: whether a question, a story or a hypothetical clears a lexicon match, and which cue a
routed match carries (the writer, a report, someone of the writer's own, a time).

A match inside a frame is cleared only when nothing specific overrides it: the writer harmed, a person
of the writer's own, a time, a report, or the writer saying it is theirs (``owned_reading`` then also reads
a question about "you" as about the writer). What this module does not do: find matches or frames
(``assistant.route.lexicon``) or decide a route (``assistant.route.router``).
"""

from __future__ import annotations

import re
from typing import Sequence

from assistant.route.lexicon import Analysis, Lexicon, Match, first_word_is_question

# Families whose matches a benign secret (a surprise party) can clear.
_BENIGN_CLEARS = frozenset({"grooming"})


def framed(a: Analysis, h: Match) -> bool:
    """A frame applies to this match: the message is procedural/fiction/general, or the match sits in
    a hypothetical or permission scope of a question, or it is a secret in a benign setting."""
    return (
        a.framed
        or ((h.hypothetical or h.permission) and a.question)
        or (a.benign and h.family in _BENIGN_CLEARS)
    )


def cleared(a: Analysis, h: Match) -> bool:
    """A frame clears a match only when nothing specific overrides it (negation never clears)."""
    if not framed(a, h):
        return a.joking and not h.strong  # "shes dead when i get home lol"
    if a.owned and h.strong:
        return False  # the writer says it is theirs: "is it ok for a grown up to slap you ... because my nan does it"
    if not h.strong:
        # a weak signal inside a question about procedure, a story or a hypothetical; not one done to
        # the writer's own person at a time or again ("my ex hit our youngest again, who do I ring")
        return not (h.possessive and not (h.hypothetical or h.permission) and (a.recurrence or a.event))
    own_person = h.possessive and not (h.hypothetical or h.permission)
    if a.confidence and a.question and h.family in _BENIGN_CLEARS and not (own_person or a.event or a.recurrence):
        return True  # the writer asked to keep a child's confidence: "can i promise a kid i'll keep it between us?"
    if h.first_person and h.hypothetical and a.habitual and not h.permission:
        return False  # "if they hit me every day": what happens to the writer again and again is no hypothesis
    if h.first_person and not h.permission and not h.about_others:
        return False  # the writer is the one harmed: "what should i do, he hits me" (not "if a child tells me")
    if h.direct and not h.quoted:
        return a.fiction or (h.about_others and a.question)
    if a.benign and h.family in _BENIGN_CLEARS:
        return True
    if a.fiction:
        return not own_person  # a story, a course or the news yields only to the writer's own people
    return not (a.report or a.event or own_person or (a.recurrence and (h.possessive or h.first_person)))


def kept_confidence(a: Analysis) -> bool:
    """Every match is secrecy cleared because the writer asks whether to keep a child's confidence ("if a
    kid tells me something and asks me not to tell anyone, can i promise?"): the scorer, reading the same
    words, has nothing more to go on."""
    return a.confidence and a.question and bool(a.hits) and all(h.family in _BENIGN_CLEARS and cleared(a, h) for h in a.hits)


# "you" as the writer: the subject after "if", "when" or a question's verb, or opening a clause, is "i";
# elsewhere "you" is "me", "yourself" "myself", "your" "my".
_GENERIC_YOU = (
    (re.compile(r"\b(if|when|whenever|do|did|can|could|should|would|will|have|are|were) you\b"), r"\1 i"),
    (re.compile(r"(^|\| )you\b"), r"\1i"),
    (re.compile(r"\byourself\b"), "myself"),
    (re.compile(r"\byour\b"), "my"),
    (re.compile(r"\byou\b"), "me"),
)


def owned_reading(lexicon: Lexicon, norm: str) -> str | None:
    """A question about "you" read as the writer's own, when the writer says it is ("is it bad if you cut
    yourself a tiny bit | because i did"); None when the message says no such thing."""
    if lexicon.owned is None or " you" not in f" {norm}" or not lexicon.owned.search(norm):
        return None
    for pattern, replacement in _GENERIC_YOU:
        norm = pattern.sub(replacement, norm)
    return norm


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


def one_question(norm: str) -> bool:
    """The whole message is one question opening with its question word ("are boys and girls kept in separate
    rooms for sleeping"): nothing told beside it ("do not ..." opens a statement)."""
    text = norm.strip(" |")
    return " | " not in text and first_word_is_question(text) and text.split()[1:2] != ["not"]
