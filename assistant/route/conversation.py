"""A conversation read the way it arrived: which earlier turns routed, and what the new message is.

``read_conversation(router, turns, message)`` routes each earlier user turn with the turns before it
that had not routed; a turn that routes takes those turns with it (the caller never uses them as
context again, and keeps the notice); the new message is read with the turns still open. Any object
with ``route(message, history)`` will do; ``Router`` remembers single messages by a hash, so a
conversation costs time linear in its length.

What this module does not do: bound the conversation (the caller passes the turns it will read).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from assistant.route.router import CONVERSATION_TURNS, RouteDecision


@dataclass(frozen=True)
class Conversation:
    """A new message read with the conversation before it (see ``read_conversation``)."""

    decision: RouteDecision
    routed: tuple[bool, ...]  # per earlier turn: it routed, or was read together with a turn that routed

    @property
    def routed_before(self) -> bool:
        return any(self.routed)


def read_conversation(router, turns: Sequence[str], message: str) -> Conversation:
    """Route ``message`` after the earlier user ``turns`` (see the module docstring)."""
    routed = [False] * len(turns)
    open_turns: list[int] = []
    for i, turn in enumerate(turns):
        if router.route(turn, [turns[j] for j in open_turns[-CONVERSATION_TURNS:]]).is_disclosure:
            routed[i] = True
            for j in open_turns:
                routed[j] = True
            open_turns = []
        else:
            open_turns.append(i)
    decision = router.route(message, [turns[j] for j in open_turns[-CONVERSATION_TURNS:]])
    return Conversation(decision, tuple(routed))
