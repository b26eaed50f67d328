"""A question in front never hides a disclosure: a sentence after it that discloses on its own routes the message.

The rule is tested on a router whose reading of one text is scripted, so the test says what the rule
does whatever the lexicon holds: which sentences it reads alone, and which of their decisions count.
"""

from __future__ import annotations

from assistant.route import Lexicon, Router
from assistant.route.router import RouteDecision, _Turn

QUESTION = _Turn(RouteDecision("question", "none", "none"), 0.0)


class ScriptedRouter(Router):
    """Reads a whole text as a question unless the script says otherwise, and remembers what it read."""

    def __init__(self, script: dict[str, RouteDecision]) -> None:
        super().__init__(Lexicon.load(), None, cache_size=0)
        self.script = script
        self.read: list[str] = []

    def _whole(self, message: str) -> _Turn:
        self.read.append(message)
        decision = self.script.get(message)
        return _Turn(decision, 1.0) if decision else QUESTION


DISCLOSES = RouteDecision("disclosure", "lexicon:physical_abuse", "lexicon", ("physical_abuse",), 1.0)


def test_a_sentence_that_discloses_after_a_question_routes_the_whole_message():
    router = ScriptedRouter({"He hits me.": DISCLOSES})
    decision = router.route("Can I ask about the rules? He hits me.")
    assert decision.is_disclosure and decision.reason == "lexicon:physical_abuse"


def test_a_sentence_before_the_question_is_left_to_the_whole_message():
    # "A young person messaged my phone. What should I do?" asks about an event: read as a whole.
    router = ScriptedRouter({"He hits me.": DISCLOSES})
    assert not router.route("He hits me. What should I do?").is_disclosure
    assert router.read == ["He hits me. What should I do?"]


def test_a_sentence_the_scorer_alone_would_route_does_not_count():
    scored = RouteDecision("disclosure", "scorer:0.90", "scorer", (), 0.9)
    router = ScriptedRouter({"It was a bad day.": scored})
    assert not router.route("Is training on today? It was a bad day.").is_disclosure
