"""What clears a harm word as an ordinary message, and what a clearing must never take with it: a
machine that locks the writer out, a scene of a play, a practice asked about at length, a parent asking
what a child may do alone, a lift home, being dropped from a team, a check not back yet, an account
locked, a website taking a payment, laps run in training, whether the organisation's adults may do a
thing (unless one does it every session), what the organisation will do; beside each, the disclosure in the same words that still
routes."""

from __future__ import annotations

import pytest

from assistant.route import Router


@pytest.mark.parametrize("message", [
    "the booking site has locked me out again, can someone reset my login?",
    "my daughter hates the scene where the giant locks the children in the tower, can she sit that one out?",
    "is sexual contact with a learner ever acceptable if they say yes?",
    "our 12 yr old has asked to get the train on his own to the away match, what do you need from us?",
    "a mum asked me to drop her daughter home after training, is that allowed?",
    "has anyone ever been kicked off the squad for swearing?",
    "my disclosure still hasn't come back, can I help at the holiday club anyway?",
    "I've been locked out of my email account since Tuesday, can you send the rota to my phone instead?",
    "the website took the money twice and my place still isn't booked",
    "coach made us run laps until we nearly dropped lol, is there a rule about warm ups?",
    "are coaches actually allowed to touch us to fix our stance?",
    # What the organisation will do is its practice, which the policy sets; a sensei is one of its adults.
    "will the club post pics of my kid on instagram without asking me first?",
    "will sensei post videos of my son on facebook?",
    "can sensei touch the kids to fix their stance?",
])
def test_a_figure_a_story_or_a_rule_question_is_answered(router: Router, message: str) -> None:
    assert router.route(message).route == "question"


@pytest.mark.parametrize("message", [
    "is him touching me like that ever acceptable?",
    "my mum locked me out of the house again last night",
    "my 7 year old has to stay home alone all weekend, what do i do?",
    "the older lads made me drop a parcel off at a flat last night",
    "the coach hit me and then i got kicked off the team",
    "my son hasnt come back home since friday",
    "my stepdad took all my money again",
    "the older boys made me run a bag to a house in town",
    "will the club tell my dad that he hits me?",
    "does the club know my coach touched me?",
    "can my sensei hit me if i get it wrong?",
    "can the coaches touch us like that? one of them does it every practice",
])
def test_the_same_words_told_of_a_person_still_route(router: Router, message: str) -> None:
    assert router.route(message).is_disclosure


def test_harm_named_only_as_the_thing_done_again_routes(router: Router) -> None:
    # The commonest euphemism of the blind authors, in every kind of harm; "that thing again where ..." is a habit.
    assert router.route("he did the thing again when mum was at work").is_disclosure
    assert router.route("she did that thing again where she forgot her boots lol").route == "question"


def test_a_confidence_asked_about_is_answered_and_the_writers_own_secret_still_routes(router: Router) -> None:
    # A frame that clears the rule's match also leaves the scorer its stricter bar: the writer named in
    # "begs me not to tell" is the one asked to keep the confidence, not the one harmed.
    assert router.route("If a junior tells me something upsetting and begs me not to tell anyone, "
                        "can I promise to keep it between us?").route == "question"
    assert router.route("my coach told me not to tell anyone, can i promise him that?").is_disclosure
    # Nor does the scorer route the same words once the rules have read them as a confidence asked about; harm
    # told beside it still routes.
    assert router.route("if a kid tells me something at break and asks me not to tell anyone can i promise to keep it "
                        "between us").route == "question"
    assert router.route("if a girl in my group asks me not to tell anyone that her stepdad hits her, can i promise "
                        "to keep it?").is_disclosure
