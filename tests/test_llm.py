"""An optional chat model may word the answer, but only a faithful reply is ever shown."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.llm import PromptError, check_reply, render_prompt, reword
from assistant.pipeline import Assistant

RECORDING = "We do not allow any recording of our Zoom sessions, unless by the host and only with permission from all participants"


def _answer(fake_assistant):
    answer = fake_assistant.ask("do you allow any recording of zoom sessions?", role="parent")
    assert answer.citations[0].clause_id == "ZP-6"
    return answer


def test_a_faithful_reply_is_shown(fake_assistant):
    answer = _answer(fake_assistant)
    model = FakeListChatModel(responses=[f'No: "{RECORDING[:40]}" [ZP-6]. Only the host may record, with everyone\'s permission [ZP-6].'])
    worded = reword("is zoom recorded?", "parent", answer, model)
    assert worded.answer.startswith("No:")
    assert worded.citations == answer.citations
    assert worded.reason.endswith("llm:accepted")


@pytest.mark.parametrize(
    "reply, reason",
    [
        ("Recording is fine if you ask nicely [MOP-2].", "cites_unretrieved_clause"),
        ('The policy says "recording is always allowed" [ZP-6].', "quote_not_verbatim"),
        ("Recording is allowed. Ask Sarah on 07700 900123.", "uncited_statement"),
    ],
)
def test_an_unfaithful_reply_falls_back_to_the_extractive_answer(fake_assistant, reply, reason):
    answer = _answer(fake_assistant)
    worded = reword("is zoom recorded?", "parent", answer, FakeListChatModel(responses=[reply]))
    assert worded.answer == answer.answer
    assert worded.reason.endswith(f"llm:rejected:{reason}")


def test_a_disclosure_never_reaches_the_model(fake_assistant):
    class ExplodingModel:
        def invoke(self, messages):
            raise AssertionError("a disclosure reached the model")

    calls = []

    def rewriter(question, role, answer):
        calls.append(question)
        return reword(question, role, answer, ExplodingModel())

    assistant = Assistant(fake_assistant.settings, fake_assistant.router, fake_assistant.retriever, rewriter)
    answer = assistant.ask("canary: my coach hits me")
    assert answer.route == "disclosure" and calls == []


def test_prompts_render_strictly():
    text = render_prompt("answer", role="parent", clauses="[ZP-6] text")
    assert "[ZP-6] text" in text
    with pytest.raises(PromptError):
        render_prompt("answer", role="parent")
    with pytest.raises(PromptError):
        render_prompt("question", question="q", extra="x")


def test_citation_after_the_full_stop_counts_for_its_sentence():
    assert check_reply("Only the host records. [ZP-6]", {"ZP-6": RECORDING}) is None
