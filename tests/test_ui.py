"""The app's pure parts, tested without a server: renderers (chat, cards, notice, policy page, quiz,
changes), the quiz and upload checks, and feedback storage.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import changes as C
from assistant import library as L
from assistant import quiz as Q
from assistant.ui import pages as P
from assistant.ui import render as R
from assistant.answer import Answer, Citation
from assistant.feedback import FeedbackRefused, feedback_path, not_covered_questions, read_feedback, record_feedback
from assistant.notice import build_notice
from assistant.sections import display_title, policy_sections
from assistant.settings import Contacts
from ingest.load import MAX_DOCUMENT_BYTES

from conftest import ZP6_TEXT


def _citation(clause_id="ZP-6", text=ZP6_TEXT, page="2", section="Our Zoom Policy"):
    return Citation(clause_id, "online-safety-policy.pdf", section, page, text, 2)


def _answer(*citations, notice=None):
    citations = citations or (_citation(),)
    lines = ["The policy says:", *(c.quoted() for c in citations)]
    lines.append("If you are unsure, ask Sarah Rands (Designated Safeguarding Lead).")
    return Answer("answer", "\n".join(lines), tuple(citations), notice, "test")


NOT_COVERED = Answer("not_covered", "The policy does not cover this.\nIf you are unsure, ask Sarah Rands "
                     "(Designated Safeguarding Lead).", (), None, "coverage:below_threshold")


# --- pure helpers ------------------------------------------------------------------------------------


def test_card_shows_id_section_document_page_and_verbatim_text_and_links_to_the_clause():
    html = R.card_html(_citation())
    assert "ZP-6" in html and "Our Zoom Policy" in html
    assert "online-safety-policy.pdf, page 2" in html
    assert ZP6_TEXT in html
    assert 'href="policy#clause-ZP-6"' in html
    assert 'target="_blank"' in html  # the conversation (and any notice) stays in its tab


def test_card_escapes_clause_text_and_renders_options_as_a_list():
    html = R.card_html(_citation("UMP-4", "If a child contacts us <by phone> we will:\nend the conversation\nrefer it"))
    assert "&lt;by phone&gt;" in html and "<by phone>" not in html
    assert "<li>end the conversation</li>" in html and "<li>refer it</li>" in html


def test_answer_bubble_has_cards_and_quotes_each_clause_once():
    second = _citation("ZP-7", "Any recorded footage provided by staff should not be shared with anyone outside of the session.")
    html = R.answer_html(_answer(_citation(), second))
    assert html.count('class="pa-card"') == 2
    assert html.count(ZP6_TEXT) == 1  # in its card, not repeated in the text around the cards
    assert "The policy says:" in html and "If you are unsure, ask Sarah Rands" in html
    assert html.index("The policy says:") < html.index("pa-cards") < html.index("If you are unsure")
    assert "\n" not in html  # one line: Markdown must not end the HTML block


def test_answer_bubble_links_to_document_prefixed_anchor_when_ids_collide():
    anchors = {("online-safety-policy.pdf", "ZP-6"): "clause-online-safety-policy--ZP-6"}
    assert 'href="policy#clause-online-safety-policy--ZP-6"' in R.answer_html(_answer(), anchors)


def test_not_covered_renders_without_cards_and_says_who_to_ask():
    html = R.answer_html(NOT_COVERED)
    assert "pa-not-covered" in html and "pa-card" not in html and "clause-" not in html
    assert "The policy does not cover this." in html and "Sarah Rands" in html


def test_notice_panel_is_an_alert_with_999_and_the_dsl():
    contacts = Contacts(dsl_name="Sarah Rands", dsl_phone="01234 567890", dsl_email="dsl@example.org")
    html = R.notice_html(build_notice(contacts, role="volunteer"))
    assert 'role="alert"' in html
    assert "999" in html and 'href="tel:999"' in html
    assert "Sarah Rands" in html and 'href="tel:01234567890"' in html and "mailto:dsl@example.org" in html
    assert "Professionals Online Safety Helpline" in html  # the staff/volunteer variant


def test_notice_panel_uses_the_plain_words_variant_for_a_young_person():
    html = R.notice_html(build_notice(Contacts(), audience="child", role="participant"))
    assert "Thank you for telling us" in html and "Childline" in html and "999" in html


def test_user_text_with_script_is_escaped():
    question = 'What about <script>alert("x")</script> and <img src=x onerror=alert(1)> *stars*?'
    messages = R.chat_messages(question, NOT_COVERED)
    user = messages[0]["content"]
    assert messages[0]["role"] == "user" and messages[1]["role"] == "assistant"
    assert re.search(r"(?<!\\)[<>*]", user) is None  # every markup character is escaped
    assert "\\<script\\>" in user and "\\*stars\\*" in user


def test_disclosure_bubble_points_to_the_notice_and_never_repeats_the_message():
    notice = build_notice(Contacts(), role="staff")
    answer = Answer("disclosure", notice.to_text(), (), notice, "fake")
    bubble = R.chat_messages("canary: my coach hits me", answer)[1]["content"]
    assert "canary" not in bubble and "hits me" not in bubble
    assert "notice at the top of this page" in bubble


def test_answer_in_a_routed_conversation_reminds_of_the_notice():
    answer = _answer(notice=build_notice(Contacts(), role="staff"))
    assert "safeguarding notice stays at the top" in R.answer_html(answer)


def test_policy_page_has_every_clause_as_an_element_with_its_id(policy_clauses):
    page = P.policy_page_html(policy_clauses)
    for clause in policy_clauses:
        assert f'id="{R.anchor_for(clause.clause_id)}"' in page, clause.clause_id
    assert page.count('id="clause-') == len(policy_clauses)
    assert "<h2" in page and "Our Zoom Policy</h2>" in page
    assert ".clause:target" in page  # the linked clause is highlighted
    # options are a sub-list inside their parent
    parent = page.index('id="clause-UMP-4"')
    assert parent < page.index('id="clause-UMP-4.a"') < page.index('id="clause-UMP-5"')
    assert page.index('<ul class="options">', parent) < page.index('id="clause-UMP-4.a"')


def test_quiz_result_keeps_each_part_apart_and_quotes_the_clause_verbatim(policy_clauses):
    quiz = Q.build_quiz(policy_clauses)
    chosen = [str(q.answer) for q in quiz[:-2]] + [str((quiz[-2].answer + 1) % Q.QUIZ_OPTIONS), None]
    result = Q.grade_quiz(quiz, chosen)
    assert (result.score, result.total) == (len(quiz) - 2, len(quiz))
    html = P.quiz_feedback_html(result)
    for q in quiz:
        assert R.esc(q.clause.text) in html and q.clause.clause_id in html
    assert "Not answered." in html and "Not quite." in html and "You chose:" in html
    # The verdict, the question and the answer are paragraphs of their own, never run together.
    assert re.search(r"</strong></p><p class=\"pa-quiz-prompt\">", html)
    text = re.sub(r"<[^>]+>", "", re.sub(r"</(?:p|li|blockquote|div|h\d)>", "\n", html))  # as a reader sees the blocks
    assert not re.search(r"[?.:][A-Z]", text), text
    record = P.quiz_record_html(result, ["online-safety-policy.pdf"])
    assert record.startswith("<!doctype html>") and "Volunteer&rsquo;s name" in record
    printed = P.quiz_print_html(result, ["online-safety-policy.pdf"])
    assert "pa-print-only" in printed and "Volunteer&rsquo;s name" in printed


def test_section_titles_are_what_a_person_would_write(policy_clauses):
    sections = policy_sections(policy_clauses)
    assert sections[0].title == "Introduction"  # text before the first heading
    assert all("untitled" not in s.title.lower() for s in sections)
    assert display_title("**Leeds Children\u2019s Social Care**") == "Leeds Children\u2019s Social Care"
    assert display_title("Designated Safeguarding Lead (Sarah Rands") == "Designated Safeguarding Lead Sarah Rands"
    assert display_title("2. NAMED PERSON(S) FOR SAFEGUARDING") == "2. NAMED PERSON(S) FOR SAFEGUARDING"
    unbalanced = _citation(section="Staff (Holly Davis")
    assert "Staff Holly Davis</span>" in R.card_html(unbalanced)  # the title tidied
    assert R.esc("(Holly Davis") in R.card_html(_citation(text="ask (Holly Davis", section="Staff"))  # the quote as is


def test_policy_page_is_titled_by_its_documents_and_wraps_any_line(policy_clauses):
    page = P.policy_page_html(policy_clauses, "Example Arts Club")
    assert "<title>Online safety policy: every clause with its id (Example Arts Club)</title>" in page
    assert "overflow-wrap: anywhere" in page


def test_admin_document_names_are_text_never_markup():
    name = "![x](http://127.0.0.1:9/x.png)[click](http://example.org)<img src=x>.txt"
    html = P.documents_html([name], 3)
    assert "<img" not in html and "<a " not in html and "&lt;img src=x&gt;" in html
    assert "(3 clauses)" in html


def test_diff_clauses_reports_added_removed_and_changed(policy_clauses):
    after = [replace(c, text="We never record sessions.") if c.clause_id == "ZP-6" else c
             for c in policy_clauses if c.clause_id != "ZP-12"]
    after.append(replace(policy_clauses[0], clause_id="ZP-13", section="Our Zoom Policy", text="New rule."))
    diff = C.diff_clauses(policy_clauses, after)
    assert [c.clause_id for c in diff.changed] == ["ZP-6"]
    assert [c.clause_id for c in diff.removed] == ["ZP-12"]
    assert [c.clause_id for c in diff.added] == ["ZP-13"]
    assert diff.changed[0].before == ZP6_TEXT and diff.changed[0].after == "We never record sessions."
    assert "ZP-6" in P.diff_html(diff) and "We never record sessions." in P.diff_html(diff)
    renamed = [replace(c, document="policy-v2.pdf") for c in policy_clauses]
    assert C.diff_clauses(policy_clauses, renamed, {"online-safety-policy.pdf": "policy-v2.pdf"}).empty


def test_upload_checks_type_size_and_content(tmp_path):
    good = tmp_path / "policy v2.txt"
    good.write_text("Our Zoom Policy\nWe do not record.\n", encoding="utf-8")
    assert L.validate_upload(good) == "policy-v2.txt"
    for name, data in (("policy.exe", b"MZ"), ("policy.pdf", b"not a pdf"), ("policy.docx", b"%PDF-1.7"),
                       ("policy.txt", b"\xff\xfe\x00bad"), ("empty.md", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(L.UploadRejected):
            L.validate_upload(path)
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(L.UploadRejected, match="20 MB"):
        L.validate_upload(big)


# --- feedback ----------------------------------------------------------------------------------------


def test_feedback_refuses_disclosures_and_routed_conversations(tmp_path):
    notice = build_notice(Contacts(), role="staff")
    with pytest.raises(FeedbackRefused):
        record_feedback(tmp_path, question="canary", answer=Answer("disclosure", "", (), notice, "x"),
                        role="staff", rating="up")
    with pytest.raises(FeedbackRefused):  # a later answer in a conversation that routed
        record_feedback(tmp_path, question="canary again", answer=_answer(notice=notice), role="staff", rating="down")
    with pytest.raises(FeedbackRefused):
        record_feedback(tmp_path, question="q", answer=_answer(), role="staff", rating="love")
    assert not feedback_path(tmp_path).exists()
    assert list(tmp_path.iterdir()) == []


def test_feedback_keeps_rating_and_clause_ids_and_the_question_only_when_included(tmp_path):
    record_feedback(tmp_path, answer=_answer(), role="staff", rating="up")
    record_feedback(tmp_path, answer=NOT_COVERED, role="parent", rating="wrong_clause", question=None)
    record_feedback(tmp_path, answer=NOT_COVERED, role="parent", rating="down", question="Capital of France?")
    lines = [json.loads(line) for line in feedback_path(tmp_path).read_text().splitlines()]
    assert [(e["rating"], e["cited"], e["question"]) for e in lines] == [
        ("up", ["ZP-6"], ""), ("wrong_clause", [], ""), ("down", [], "Capital of France?")]
    assert [e.question for e in not_covered_questions(read_feedback(tmp_path))] == ["Capital of France?"]


def test_feedback_writes_atomically_with_question_and_cited_ids(tmp_path, monkeypatch):
    replaced = []
    real_replace = os.replace

    def spy(src, dst):
        replaced.append((Path(src), Path(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    record_feedback(tmp_path, question="Can I record?", answer=_answer(), role="staff", rating="up")
    record_feedback(tmp_path, question="Capital of France?", answer=NOT_COVERED, role="parent", rating="wrong_clause")
    path = feedback_path(tmp_path)
    assert [dst for _, dst in replaced] == [path, path]
    assert all(src.parent == path.parent and src != path for src, _ in replaced)  # a temp file beside it
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["question"] == "Can I record?" and lines[0]["cited"] == ["ZP-6"] and lines[0]["route"] == "answer"
    assert lines[1]["route"] == "not_covered" and lines[1]["cited"] == []
    assert [p.name for p in tmp_path.iterdir()] == ["feedback.jsonl"]  # no temp file left behind


def test_feedback_keeps_every_entry_under_concurrent_writers(tmp_path):
    threads = [threading.Thread(target=record_feedback, args=(tmp_path,),
                                kwargs=dict(question=f"q{i}", answer=_answer(), role="staff", rating="up"))
               for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(e.question for e in read_feedback(tmp_path)) == sorted(f"q{i}" for i in range(16))
