"""A conversation is read as a whole, a turn that routed is never context, and history has a bound.

Through ``Assistant.ask`` (the real pipeline, the keyword embedder, a retriever that records what it is
asked) and through ``read_conversation`` with the real router. The messages are written for these
tests (never copied from an evaluation set).
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from assistant.pipeline import open_assistant
from assistant.route import Lexicon, Router, read_conversation
from assistant.route.router import CONVERSATION_TURNS
from conftest import spied


@pytest.fixture
def assistant(settings, fake_embedder, router):
    """The real pipeline with the real router; its retriever records every query."""
    return spied(open_assistant(settings, embedder=fake_embedder, router=router))


def _history(turns):
    return [{"role": "user", "content": t} for t in turns]


# --- a story told over several turns ---------------------------------------------------------------

STORY = ["its about my coach", "he keeps asking me to video call", "and he asked how old i am",
         "anyway what time is training on saturday"]


def test_a_story_whose_turns_are_harmless_alone_routes_on_the_rules(settings) -> None:
    rules = Router(Lexicon.load(), None)
    assert [rules.route(t).route for t in STORY] == ["question"] * len(STORY)
    conversation = read_conversation(rules, STORY[:-1], STORY[-1])
    assert conversation.decision.is_disclosure or conversation.routed_before


# Arabic in Latin letters: each turn alone gets the English-only notice or nothing; an older man on
# Snapchat, then gifts every day, add up to grooming.
FOREIGN_STORY = ["salam, 3andi so2al", "fi wa7ed 3al snap 3omro 30", "kol yom bib3atli robux",
                 "tayeb shukran, el session bokra emta?"]


def test_a_story_in_another_language_adds_up_like_one_in_english() -> None:
    rules = Router(Lexicon.load(), None)
    assert not any(rules.route(t).is_disclosure for t in FOREIGN_STORY)
    assert "language" in [rules.route(t).route for t in FOREIGN_STORY]
    conversation = read_conversation(rules, FOREIGN_STORY[:-1], FOREIGN_STORY[-1])
    assert conversation.routed_before or conversation.decision.is_disclosure

@pytest.mark.parametrize("story", [
    STORY,
    ["hiya", "theres a man i talk to on a game", "he says im really mature for my age", "he wants me to go on his snap",
     "is club on friday"],
    ["i dont like going home", "mums boyfriend shouts a lot", "last night he threw a plate at her",
     "whats on at club this week"],
    # A bruise told by its colour, as a child says it, between a camera question and an audio one.
    ["can i keep my camera off in the zoom", "dont want anyone looking at me",
     "my cheek went all purple after what my stepdad did", "ok can i just use audio then"],
    # Putting things in order: a role handed over, then one's own things given away.
    ["I want to hand over my role as the juniors' helper to someone else.", "I have left the register in the cupboard.",
     "I gave my climbing shoes and my headtorch to my sister on Sunday, so that is done.", "Who do I tell about the register?"],
], ids=["coach", "online", "home", "bruise", "things-in-order"])
def test_a_story_with_a_harmless_last_turn_gets_the_notice(assistant, story) -> None:
    answer = assistant.ask(story[-1], history=_history(story[:-1]))
    assert answer.route == "disclosure" or answer.notice is not None
    # None of the story is ever searched: the turns that routed, and those read with them, are not context.
    for query in assistant.retriever.queries:
        for turn in story[:-1]:
            assert turn not in query


# --- a turn that routed is never context ----------------------------------------------------------

def test_half_of_a_split_disclosure_is_never_retrieval_context(assistant) -> None:
    """Issue 16, finding 7: "my stepdad", then "hits me" (routed), then a question."""
    answer = assistant.ask("and what about photos?", history=_history(["my stepdad", "hits me"]))
    assert answer.notice is not None  # the conversation has routed: the notice stays
    assert assistant.retriever.queries, "the new question itself is still answered"
    for query in assistant.retriever.queries:
        assert "stepdad" not in query and "hits" not in query


def test_an_earlier_disclosure_is_never_context_and_keeps_the_notice(assistant) -> None:
    answer = assistant.ask("and what about zoom?", history=_history(["my mums boyfriend hit me last night"]))
    assert answer.notice is not None
    assert all("boyfriend" not in q for q in assistant.retriever.queries)


def test_harmless_earlier_turns_are_still_context_for_a_follow_up(assistant) -> None:
    answer = assistant.ask("and the passcode?", history=_history(["can I share the zoom link with a parent?"]))
    assert answer.notice is None
    assert any("zoom" in q for q in assistant.retriever.queries)


# --- bounds: a long history costs linear time -----------------------------------------------------

class CountingRouter:
    """The real router, counting the work it is asked for (how many earlier turns each call reads)."""

    def __init__(self, inner: Router):
        self.inner, self.calls, self.history_read = inner, 0, 0

    def route(self, message, history=()):
        self.calls += 1
        self.history_read += len(history)
        return self.inner.route(message, history)


def test_reading_a_conversation_is_linear_in_its_length(router) -> None:
    turns = [f"can we bring snacks to the session on day {i}?" for i in range(300)]
    counting = CountingRouter(router)
    conversation = read_conversation(counting, turns, "and drinks?")
    assert conversation.decision.route == "question" and not conversation.routed_before
    assert counting.calls == len(turns) + 1
    assert counting.history_read <= (len(turns) + 1) * CONVERSATION_TURNS


def test_a_10000_turn_history_is_read_within_its_bound_and_quickly(settings, fake_embedder, router) -> None:
    settings = replace(settings, max_history_turns=20, max_history_chars=20_000)
    assistant = spied(open_assistant(settings, embedder=fake_embedder, router=CountingRouter(router)))
    history = _history([f"can we bring snacks to the session on day {i}?" for i in range(10_000)])
    started = time.perf_counter()
    answer = assistant.ask("are the zoom sessions recorded?", history=history)
    elapsed = time.perf_counter() - started
    assert answer.route in ("answer", "not_covered")
    assert assistant.router.calls <= 21  # the last 20 earlier turns and the new message, nothing more
    assert elapsed < 10, f"{elapsed:.1f} s"


def test_a_disclosure_within_the_history_bound_keeps_the_notice(settings, fake_embedder, router) -> None:
    settings = replace(settings, max_history_turns=3)
    assistant = open_assistant(settings, embedder=fake_embedder, router=router)
    recent = _history(["can we bring snacks?", "my stepdad hits me", "ok", "and drinks?"])
    assert assistant.ask("are the zoom sessions recorded?", history=recent).notice is not None
