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


def test_before_the_question_only_a_statement_the_scorer_is_sure_of_counts():
    # "A young person messaged my phone. What should I do?" asks about an event: the lexicon's rules on
    # that sentence alone do not count; a statement the scorer is sure of does.
    router = ScriptedRouter({"He hits me.": DISCLOSES})
    assert not router.route("He hits me. What should I do?").is_disclosure
    sure = RouteDecision("disclosure", "scorer:0.90", "scorer", (), 0.9)
    router = ScriptedRouter({"Our caretaker keeps inviting a boy into his flat.": sure})
    assert router.route("Our caretaker keeps inviting a boy into his flat. Who do I tell?").is_disclosure


def test_a_sentence_the_scorer_routes_counts_only_when_it_is_sure_and_not_a_question():
    # Read alone, a short sentence often scores over the scorer's ordinary bars for nothing.
    unsure = RouteDecision("disclosure", "scorer:0.80", "scorer", (), 0.8)
    sure = RouteDecision("disclosure", "scorer:0.90", "scorer", (), 0.9)
    router = ScriptedRouter({"It was a bad day.": unsure, "He shouts that I am worthless.": sure,
                             "Is he allowed to shout?": sure})
    assert not router.route("Is training on today? It was a bad day.").is_disclosure
    assert router.route("Is training on today? He shouts that I am worthless.").is_disclosure
    assert not router.route("Is training on today? Is he allowed to shout?").is_disclosure


class SteadyScorer:
    """Scores every text the same: between the ordinary bar and the stricter one for clean questions."""

    threshold, framed_threshold = 0.45, 0.68

    def probability(self, norm, analysis) -> float:
        return 0.6


def test_a_question_that_names_someone_of_the_writers_own_meets_the_ordinary_bar():
    # "What is the rule ...?" is a question about procedure; one that goes on about "my daughter" is
    # about someone real, so the scorer's ordinary bar applies (the stricter one let such messages by).
    router = Router(Lexicon.load(), SteadyScorer(), cache_size=0)
    assert not router.route("What is the rule about photos at the show?").is_disclosure
    named = router.route("What is the rule about lifts after rehearsal? My son gets in the van with the sound man.")
    assert named.is_disclosure and named.layer == "scorer"


def test_a_statement_the_scorer_is_sure_of_after_a_question_routes(router) -> None:
    # No lexicon rule reads the second sentence as harm, and the question in front lowers the whole
    # message's score; read alone, the scorer is sure of it.
    message = ("is it abuse if a coach shouts a lot? one of the dads screams at his little boy after every "
               "match that he is worthless and should never have been born")
    assert router.route(message).is_disclosure
