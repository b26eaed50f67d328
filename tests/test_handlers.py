"""What the app does when a person acts, called directly (no server): the notice follows the person,
Get help now, a clean new conversation, feedback on every answer, the bound on questions a minute, an
index that is unavailable, the quiz's record, and the admin gate."""

from __future__ import annotations

import gc
import json
import time
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.feedback import feedback_path, read_feedback
from assistant.library import Library
from assistant.notice import CHILDLINE
from assistant.quiz import QUIZ_OPTIONS
from assistant.ui.admin import AdminHandlers
from assistant.ui.handlers import Conversation, Handlers
from ingest.store import IndexStoreError, StoreUnavailableError

from conftest import FakeDecision, FakeRouter

UNAVAILABLE = ("The policy index is unavailable (Chroma server at http://127.0.0.1:1 not answering); "
               "disclosures are still recognised")


class ChildRouter(FakeRouter):
    """The fake router, reading "child-canary" as a young person's disclosure."""

    def route(self, message, history=()):
        if "child-canary" in message.lower():
            self.seen += 1
            return FakeDecision("disclosure", "fake:child", audience="child")
        return super().route(message, history)


def _handlers(assistant, settings) -> Handlers:
    return Handlers(Library(settings, assistant, lambda reingest=False: assistant), settings)


@pytest.fixture
def handlers(fake_assistant, settings):
    return _handlers(fake_assistant, settings)


def _last(conversation: Conversation) -> str:
    return conversation.transcript[-1]["content"]


# --- the notice ---------------------------------------------------------------------------------------


def test_the_notice_follows_a_young_person_through_the_conversation(fake_assistant, settings):
    fake_assistant.router = ChildRouter()
    h = _handlers(fake_assistant, settings)
    c = h.respond("child-canary my stepdad hits me", "participant", None)
    assert "Childline" in c.notice_html and CHILDLINE in c.notice_html
    c = h.respond("Can I record a Zoom session?", "participant", c)  # the pipeline's later notice is the adult's
    assert "Childline" in c.notice_html and "Thank you for telling us" in c.notice_html
    _, c = h.change_role("staff", c)  # another role chosen: still the young person's words
    assert "Childline" in c.notice_html
    c = h.respond("Can I email a child about their homework?", "staff", c)
    assert "Childline" in c.notice_html


def test_a_young_persons_disclosure_shows_their_notice_whatever_role_is_chosen(fake_assistant, settings):
    fake_assistant.router = ChildRouter()
    c = _handlers(fake_assistant, settings).respond("child-canary someone at school hurts me", "staff", None)
    assert "Childline" in c.notice_html and 'role="alert"' in c.notice_html


def test_get_help_now_opens_the_notice_whatever_the_router_decided(handlers):
    c = handlers.respond("Can I record a Zoom session?", "staff", None)
    assert c.notice_html == "" and "pa-feedback" in _last(c)
    c = handlers.get_help("staff", c)
    assert 'role="alert"' in c.notice_html and "999" in c.notice_html and "Get help now" in c.notice_html
    assert "pa-fb-btn" not in _last(c)  # no more feedback once the notice is open
    young = handlers.get_help("participant", None)
    assert CHILDLINE in young.notice_html


def test_a_new_conversation_starts_clean_notice_included(handlers):
    c = handlers.respond("canary: my coach hits me", "volunteer", None)
    assert c.notice_html and c.turns
    fresh = handlers.new_conversation(c)
    assert fresh == Conversation()
    c = handlers.respond("Can I record a Zoom session?", "volunteer", fresh)
    assert c.notice_html == "" and "pa-fb-btn" in _last(c)  # the last conversation's notice is gone


# --- feedback -----------------------------------------------------------------------------------------


def test_feedback_on_any_answer_keeps_the_question_only_when_ticked(handlers, settings):
    c = handlers.respond("Can I record a Zoom session?", "staff", None)
    c = handlers.respond("Can I email a child about their homework?", "staff", c)
    assert "pa-fb-turn-0" in c.transcript[1]["content"] and "pa-fb-turn-1" in c.transcript[3]["content"]
    status, c = handlers.give_feedback("down 0", c)  # the first answer, box not ticked
    assert "Thank you" in status and "marked not helpful" in c.transcript[1]["content"]
    shown = c.transcript[1]["content"]
    assert shown.count("<div") == shown.count("</div>") and "pa-fb-btn" not in shown and "pa-card" in shown
    status, c = handlers.give_feedback("up 1 question", c)  # the second, question included
    entries = read_feedback(settings.data_dir)
    assert [(e.rating, e.question) for e in entries] == [
        ("down", ""), ("up", "Can I email a child about their homework?")]
    assert entries[0].cited and entries[1].cited and entries[0].cited != entries[1].cited
    again, c = handlers.give_feedback("up 1", c)  # once an answer
    assert "no answer" in again and len(read_feedback(settings.data_dir)) == 2
    assert "Can I record" not in feedback_path(settings.data_dir).read_text()


def test_no_feedback_is_offered_or_kept_in_a_conversation_that_showed_the_notice(handlers, settings):
    c = handlers.respond("Can I record a Zoom session?", "staff", None)
    c = handlers.respond("canary: my coach hits me", "staff", c)
    c = handlers.respond("Can I email a child about their homework?", "staff", c)
    assert "pa-fb-btn" not in _last(c) and "pa-fb-btn" not in c.transcript[3]["content"]
    for request in ("up 0 question", "up 1 question", "up 2 question"):
        handlers.give_feedback(request, c)
    assert not feedback_path(settings.data_dir).exists() or "canary" not in feedback_path(settings.data_dir).read_text()
    assert all(e.question != "canary: my coach hits me" for e in read_feedback(settings.data_dir))


# --- bounds and errors ----------------------------------------------------------------------------------


def test_questions_a_minute_are_bounded_per_client_and_a_disclosure_still_routes(fake_assistant, settings):
    h = _handlers(fake_assistant, replace(settings, max_questions_per_minute=3))
    c = None
    for _ in range(3):
        c = h.respond("Can I record a Zoom session?", "staff", c, client="10.0.0.1")
    searched = len(fake_assistant.retriever.queries)
    c = h.respond("Can I record a Zoom session?", "staff", c, client="10.0.0.1")
    assert "pa-error" in _last(c) and "wait a minute" in _last(c)
    assert len(fake_assistant.retriever.queries) == searched  # no retrieval past the bound
    c = h.respond("canary: my coach hits me", "staff", c, client="10.0.0.1")
    assert 'role="alert"' in c.notice_html  # still recognised
    other = h.respond("Can I record a Zoom session?", "staff", None, client="10.0.0.2")
    assert "pa-card" in _last(other)  # another client is not held back


def test_an_unavailable_index_gives_a_message_a_person_can_act_on(fake_assistant, settings):
    def unavailable(question, k=8):
        raise StoreUnavailableError(UNAVAILABLE)

    fake_assistant.retriever.search = unavailable
    h = _handlers(fake_assistant, settings)
    c = h.respond("Can I record a Zoom session?", "staff", None)
    assert "pa-error" in _last(c) and "The policy index is unavailable" in _last(c)
    assert "Get help now" in _last(c) and "999" in _last(c)
    c = h.respond("canary: my coach hits me", "staff", c)  # the router needs no index
    assert 'role="alert"' in c.notice_html

    def not_built(question, k=8):
        raise IndexStoreError("There is no index yet: run `policy-assistant ingest`.")

    fake_assistant.retriever.search = not_built
    c = h.respond("Can I record a Zoom session?", "staff", None)
    assert "run `policy-assistant ingest`" in _last(c)


# --- the quiz -------------------------------------------------------------------------------------------


def test_no_record_for_an_unanswered_quiz_and_one_folder_for_every_record(fake_assistant, settings):
    handlers = _handlers(fake_assistant, settings)
    quiz = handlers.quiz()
    html, record = handlers.quiz_submit(quiz, [None] * len(quiz))
    assert record is None and "Choose an answer" in html
    html, record = handlers.quiz_submit(quiz, [str(quiz[0].answer)] + [None] * (len(quiz) - 1))
    assert record is None and "not answered yet" in html and "pa-quiz-result" in html
    answers = [str((q.answer + 1) % QUIZ_OPTIONS) for q in quiz]
    records = {handlers.quiz_submit(quiz, answers)[1] for _ in range(3)}
    assert len(records) == 3 and {handlers.records} == {Path(r).parent for r in records}
    folder = handlers.records
    del handlers
    gc.collect()
    assert not folder.exists()  # removed with the app, not left behind per quiz


# --- admin ----------------------------------------------------------------------------------------------


def test_a_wrong_admin_password_is_answered_at_once(fake_assistant, settings):
    admin = AdminHandlers(Library(settings, fake_assistant, lambda reingest=False: fake_assistant),
                          replace(settings, admin_password="pw"))
    started = time.perf_counter()
    results = [admin.unlock("guess", "10.0.0.9") for _ in range(20)]
    assert time.perf_counter() - started < 0.5  # no sleeping in a worker
    assert not any(ok for ok, _ in results)
    assert "wait" in results[1][1]  # the next try is not even checked yet
    assert admin.unlock("pw", "10.0.0.10") == (True, "Admin area unlocked.")


def test_admin_view_lists_documents_as_text_and_says_what_the_contacts_lack(fake_assistant, settings, tmp_path):
    library = Library(settings, fake_assistant, lambda reingest=False: fake_assistant)
    view = AdminHandlers(library, replace(settings, admin_password="pw")).view()
    assert "<li>online-safety-policy.pdf</li>" in view.documents_html
    assert "policy-assistant init" in view.setup_html and "dsl phone" in view.setup_html
    json.dumps([view.documents_html, view.feedback_html, view.uncovered_html])  # plain strings for the page


def test_admin_view_says_when_the_larger_model_would_answer_this_policy_better(fake_assistant, settings):
    # The policy folder has no example questions and the default model is configured: the administrator
    # is told which setting answers such policies better; once a model is chosen, nothing more is said.
    library = Library(settings, fake_assistant, lambda reingest=False: fake_assistant)
    assert "embedding_model = &quot;policy-mpnet&quot;" in AdminHandlers(library, settings).view().setup_html  # escaped HTML
    chosen = replace(settings, embedding_model="policy-mpnet")
    assert "policy-mpnet" not in AdminHandlers(Library(chosen, fake_assistant, lambda reingest=False: fake_assistant),
                                               chosen).view().setup_html
