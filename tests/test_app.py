"""The chat app: pure helpers (no server), then the real app on 127.0.0.1 driven by gradio_client.

Served tests use the real pipeline over the real policy with the keyword embedder and the fake router
(a message containing "canary" or "hits me" is a disclosure); one test marked `model` runs
`policy-assistant serve` itself, with the real model and router, end to end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import threading
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import app as A
from assistant.answer import Answer, Citation
from assistant.feedback import FeedbackRefused, feedback_path, read_feedback, record_feedback
from assistant.notice import build_notice
from assistant.settings import Contacts, Settings
from ingest.clauses import build_clauses
from ingest.load import load_document

from conftest import POLICY_PDF, POLICY_TXT, FakeRouter, KeywordEmbedder, SpyRetriever, free_port, serving

# Gradio's queue uses pandas options that pandas 3 deprecates; not ours to fix.
pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

ZP6_TEXT = ("We do not allow any recording of our Zoom sessions, unless by the host and only with permission "
            "from all participants")


@pytest.fixture(scope="module")
def policy_clauses():
    return build_clauses(load_document(POLICY_PDF))


def _citation(clause_id="ZP-6", text=ZP6_TEXT, page="2", section="Our Zoom Policy"):
    return Citation(clause_id, "online-safety-policy.pdf", section, page, text, 2)


def _answer(*citations, notice=None):
    citations = citations or (_citation(),)
    lines = ["The policy says:"]
    for c in citations:
        quoted = c.text.replace("\n", "\n  - ")
        lines.append(f"\u201c{quoted}\u201d ({c.reference()})")
    lines.append("If you are unsure, ask Sarah Rands (Designated Safeguarding Lead).")
    return Answer("answer", "\n".join(lines), tuple(citations), notice, "test")


NOT_COVERED = Answer("not_covered", "The policy does not cover this.\nIf you are unsure, ask Sarah Rands "
                     "(Designated Safeguarding Lead).", (), None, "coverage:below_threshold")


# --- pure helpers ------------------------------------------------------------------------------------


def test_card_shows_id_section_document_page_and_verbatim_text_and_links_to_the_clause():
    html = A.card_html(_citation())
    assert "ZP-6" in html and "Our Zoom Policy" in html
    assert "online-safety-policy.pdf, page 2" in html
    assert ZP6_TEXT in html
    assert 'href="policy#clause-ZP-6"' in html
    assert 'target="_blank"' in html  # the conversation (and any notice) stays in its tab


def test_card_escapes_clause_text_and_renders_options_as_a_list():
    html = A.card_html(_citation("UMP-4", "If a child contacts us <by phone> we will:\nend the conversation\nrefer it"))
    assert "&lt;by phone&gt;" in html and "<by phone>" not in html
    assert "<li>end the conversation</li>" in html and "<li>refer it</li>" in html


def test_answer_bubble_has_cards_and_quotes_each_clause_once():
    second = _citation("ZP-7", "Any recorded footage provided by staff should not be shared with anyone outside of the session.")
    html = A.answer_html(_answer(_citation(), second))
    assert html.count('class="pa-card"') == 2
    assert html.count(ZP6_TEXT) == 1  # in its card, not repeated in the text around the cards
    assert "The policy says:" in html and "If you are unsure, ask Sarah Rands" in html
    assert html.index("The policy says:") < html.index("pa-cards") < html.index("If you are unsure")
    assert "\n" not in html  # one line: Markdown must not end the HTML block


def test_answer_bubble_links_to_document_prefixed_anchor_when_ids_collide():
    anchors = {("online-safety-policy.pdf", "ZP-6"): "clause-online-safety-policy--ZP-6"}
    assert 'href="policy#clause-online-safety-policy--ZP-6"' in A.answer_html(_answer(), anchors)


def test_not_covered_renders_without_cards_and_says_who_to_ask():
    html = A.answer_html(NOT_COVERED)
    assert "pa-not-covered" in html and "pa-card" not in html and "clause-" not in html
    assert "The policy does not cover this." in html and "Sarah Rands" in html


def test_notice_panel_is_an_alert_with_999_and_the_dsl():
    contacts = Contacts(dsl_phone="01234 567890", dsl_email="dsl@example.org")
    html = A.notice_html(build_notice(contacts, role="volunteer"))
    assert 'role="alert"' in html
    assert "999" in html and 'href="tel:999"' in html
    assert "Sarah Rands" in html and 'href="tel:01234567890"' in html and "mailto:dsl@example.org" in html
    assert "Professionals Online Safety Helpline" in html  # the staff/volunteer variant


def test_notice_panel_uses_the_plain_words_variant_for_a_young_person():
    html = A.notice_html(build_notice(Contacts(), audience="child", role="participant"))
    assert "Thank you for telling us" in html and "Childline" in html and "999" in html


def test_user_text_with_script_is_escaped():
    question = 'What about <script>alert("x")</script> and <img src=x onerror=alert(1)> *stars*?'
    messages = A.chat_messages(question, NOT_COVERED)
    user = messages[0]["content"]
    assert messages[0]["role"] == "user" and messages[1]["role"] == "assistant"
    assert re.search(r"(?<!\\)[<>*]", user) is None  # every markup character is escaped
    assert "\\<script\\>" in user and "\\*stars\\*" in user


def test_disclosure_bubble_points_to_the_notice_and_never_repeats_the_message():
    notice = build_notice(Contacts(), role="staff")
    answer = Answer("disclosure", notice.to_text(), (), notice, "fake")
    bubble = A.chat_messages("canary: my coach hits me", answer)[1]["content"]
    assert "canary" not in bubble and "hits me" not in bubble
    assert "notice at the top of this page" in bubble


def test_answer_in_a_routed_conversation_reminds_of_the_notice():
    answer = _answer(notice=build_notice(Contacts(), role="staff"))
    assert "safeguarding notice stays at the top" in A.answer_html(answer)


def test_policy_page_has_every_clause_as_an_element_with_its_id(policy_clauses):
    page = A.policy_page_html(policy_clauses)
    for clause in policy_clauses:
        assert f'id="{A.anchor_for(clause.clause_id)}"' in page, clause.clause_id
    assert page.count('id="clause-') == len(policy_clauses)
    assert "<h2" in page and "Our Zoom Policy</h2>" in page
    assert ".clause:target" in page  # the linked clause is highlighted
    # options are a sub-list inside their parent
    parent = page.index('id="clause-UMP-4"')
    assert parent < page.index('id="clause-UMP-4.a"') < page.index('id="clause-UMP-5"')
    assert page.index('<ul class="options">', parent) < page.index('id="clause-UMP-4.a"')


def test_quiz_is_deterministic_and_every_option_is_a_clause_verbatim(policy_clauses):
    quiz = A.build_quiz(policy_clauses)
    assert quiz == A.build_quiz(list(reversed(policy_clauses)))
    assert 2 <= len(quiz) <= A.QUIZ_MAX_QUESTIONS
    texts = {c.full_text for c in policy_clauses}
    for q in quiz:
        assert q.answer in q.options and len(q.options) == A.QUIZ_OPTIONS
        assert all(label in texts for label, _ in q.choices())
        assert [o.section_label for o in q.options].count(q.answer.section_label) == 1
        assert q.answer.section_label in q.prompt or "opening" in q.prompt


def test_quiz_feedback_quotes_the_answer_clause_verbatim(policy_clauses):
    quiz = A.build_quiz(policy_clauses)
    chosen = [q.answer.clause_id for q in quiz[:-1]] + [None]
    result = A.grade_quiz(quiz, chosen)
    assert (result.score, result.total) == (len(quiz) - 1, len(quiz))
    html = A.quiz_feedback_html(result)
    for q in quiz:
        assert A.esc(q.answer.text) in html and q.answer.clause_id in html
    assert "Not answered." in html
    record = A.quiz_record_html(result, ["online-safety-policy.pdf"])
    assert record.startswith("<!doctype html>") and "Volunteer&rsquo;s name" in record


def test_diff_clauses_reports_added_removed_and_changed(policy_clauses):
    after = [replace(c, text="We never record sessions.") if c.clause_id == "ZP-6" else c
             for c in policy_clauses if c.clause_id != "ZP-12"]
    after.append(replace(policy_clauses[0], clause_id="ZP-13", section="Our Zoom Policy", text="New rule."))
    diff = A.diff_clauses(policy_clauses, after)
    assert [c.clause_id for c in diff.changed] == ["ZP-6"]
    assert [c.clause_id for c in diff.removed] == ["ZP-12"]
    assert [c.clause_id for c in diff.added] == ["ZP-13"]
    assert diff.changed[0].before == ZP6_TEXT and diff.changed[0].after == "We never record sessions."
    assert "ZP-6" in A.diff_html(diff) and "We never record sessions." in A.diff_html(diff)
    renamed = [replace(c, document="policy-v2.pdf") for c in policy_clauses]
    assert A.diff_clauses(policy_clauses, renamed, {"online-safety-policy.pdf": "policy-v2.pdf"}).empty


def test_upload_checks_type_size_and_content(tmp_path):
    good = tmp_path / "policy v2.txt"
    good.write_text("Our Zoom Policy\nWe do not record.\n", encoding="utf-8")
    assert A.validate_upload(good) == "policy-v2.txt"
    for name, data in (("policy.exe", b"MZ"), ("policy.pdf", b"not a pdf"), ("policy.docx", b"%PDF-1.7"),
                       ("policy.txt", b"\xff\xfe\x00bad"), ("empty.md", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(A.UploadRejected):
            A.validate_upload(path)
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(A.MAX_UPLOAD_BYTES + 1)
    with pytest.raises(A.UploadRejected, match="20 MB"):
        A.validate_upload(big)


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


# --- the app object ----------------------------------------------------------------------------------


def _api_names(demo) -> set[str]:
    return {fn.api_name for fn in demo.fns.values() if fn.api_name}


def _labels(demo) -> set[str]:
    return {str(getattr(block, "label", "")) for block in demo.blocks.values()}


def test_admin_area_does_not_exist_without_a_password(fake_assistant, settings):
    demo = A.create_app(fake_assistant, replace(settings, admin_password=""))
    assert not any(name.startswith("admin") for name in _api_names(demo))
    assert "Admin" not in _labels(demo) and "Admin password" not in _labels(demo)
    with_password = A.create_app(fake_assistant, replace(settings, admin_password="s3cret"))
    assert "admin_unlock" in _api_names(with_password) and "Admin password" in _labels(with_password)


def test_no_flagging_and_a_bounded_queue(fake_assistant, settings):
    demo = A.create_app(fake_assistant, settings)
    assert demo._queue.default_concurrency_limit == A.DEFAULT_CONCURRENCY_LIMIT
    assert not any("flag" in name for name in _api_names(demo))


def test_serve_ingests_when_stale_warns_about_contacts_and_does_not_open_a_browser_in_ci(
        settings, fake_assistant, monkeypatch, capsys):
    import assistant.cli
    import assistant.pipeline
    import ingest.index

    calls = {}
    monkeypatch.setattr(ingest.index, "index_is_current", lambda s, model: calls.setdefault("model", model) and False)
    monkeypatch.setattr(assistant.cli, "cmd_ingest", lambda s, a: calls.setdefault("ingested", True) and 0)
    monkeypatch.setattr(assistant.pipeline, "build_assistant", lambda s: fake_assistant)
    monkeypatch.setattr(A, "start", lambda app, s, **kw: calls.update(start=kw) or "")
    monkeypatch.setenv("CI", "true")
    code = A.serve(settings, argparse.Namespace(host=None, port=7999, no_browser=False))
    assert code == 0
    assert calls["model"] == settings.model_name and calls["ingested"]
    assert calls["start"]["port"] == 7999 and calls["start"]["host"] == "127.0.0.1"
    assert calls["start"]["inbrowser"] is False
    assert "missing contact details" in capsys.readouterr().err


# --- the real app on 127.0.0.1 -----------------------------------------------------------------------


class Served:
    """The real app on loopback over the real policy, with the keyword embedder and the fake router."""

    def __init__(self, root: Path, admin_password: str = "") -> None:
        from assistant.pipeline import Assistant
        from assistant.retrieve import Retriever
        from ingest.index import ingest, open_live_index

        policy_dir = root / "policy_docs"
        policy_dir.mkdir(parents=True)
        shutil.copy(POLICY_PDF, policy_dir / POLICY_PDF.name)
        self.settings = replace(Settings(), policy_dir=policy_dir, data_dir=root / "data", admin_password=admin_password)
        self.embedder = KeywordEmbedder()
        ingest(self.settings, self.embedder)
        self.spies: list[SpyRetriever] = []

        def make_assistant():
            collection, live = open_live_index(self.settings)
            spy = SpyRetriever(Retriever(collection, live.clauses, self.embedder))
            self.spies.append(spy)
            return Assistant(self.settings, FakeRouter(), spy)

        self.demo = A.create_app(make_assistant(), self.settings, embedder_factory=lambda: self.embedder,
                                 assistant_factory=make_assistant)
        self.url = A.start(self.demo, self.settings, port=free_port(), block=False, quiet=True)

    def client(self):
        from gradio_client import Client

        return Client(self.url, verbose=False)

    def close(self) -> None:
        self.demo.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("served"), admin_password="test-admin-pw")
    yield server
    server.close()


def _ask(client, question, role="staff"):
    chat, notice, box = client.predict(question, role, api_name="/ask")
    assert box == ""  # the input is cleared for the next question
    return chat, notice


def _text(message) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def test_served_answer_has_clause_cards(served, no_network):
    chat, notice = _ask(served.client(), "Can I record a Zoom session?")
    assert [m["role"] for m in chat] == ["user", "assistant"]
    reply = _text(chat[1])
    assert 'class="pa-card"' in reply and 'href="policy#clause-ZP-6"' in reply and ZP6_TEXT in reply
    assert notice == ""


def test_served_not_covered_has_no_cards(served, no_network):
    chat, notice = _ask(served.client(), "What is the capital of France?", role="parent")
    reply = _text(chat[-1])
    assert "pa-not-covered" in reply and "pa-card" not in reply and "does not cover" in reply
    assert notice == ""


def test_served_disclosure_shows_the_notice_and_keeps_it_on_later_turns(served, no_network, capfd):
    client = served.client()
    chat, notice = _ask(client, "canary: my coach hits me", role="volunteer")
    assert 'role="alert"' in notice and "999" in notice and "Sarah Rands" in notice
    assert "Professionals Online Safety Helpline" in notice  # the volunteer's variant
    assert "canary" not in _text(chat[-1])
    chat, notice_later = _ask(client, "Can I record a Zoom session?", role="volunteer")
    assert len(chat) == 4 and 'role="alert"' in notice_later and "999" in notice_later
    assert "safeguarding notice stays at the top" in _text(chat[-1])
    # no feedback can be given in this conversation, and the disclosure was written nowhere
    status = str(client.predict(api_name="/feedback_up"))
    assert "no answer to give feedback on" in status or "not recorded" in status
    assert not feedback_path(served.settings.data_dir).exists() or "canary" not in feedback_path(
        served.settings.data_dir).read_text()
    for path in served.settings.data_dir.rglob("*"):
        if path.is_file():
            assert b"canary" not in path.read_bytes(), path
    out, err = capfd.readouterr()
    assert "canary" not in out and "canary" not in err


def test_served_follow_up_reads_the_question_before_it(served, no_network):
    client = served.client()
    _ask(client, "Can I record a Zoom session?")
    spy = served.spies[-1]
    before = len(spy.queries)
    chat, _ = _ask(client, "and what about photos?")
    assert len(chat) == 4 and 'class="pa-card"' in _text(chat[-1])
    assert "Zoom" in spy.queries[before]  # the follow-up was read with the question before it


def test_served_feedback_is_recorded_and_shown_to_the_admin(served, no_network):
    client = served.client()
    _ask(client, "Can I email a child about their homework?")
    client.predict(api_name="/feedback_down")
    other = served.client()  # a new conversation: no earlier question to read this one with
    _, _ = _ask(other, "What is the capital of France?")
    other.predict(api_name="/feedback_wrong_clause")
    entries = read_feedback(served.settings.data_dir)
    mine = [e for e in entries if e.question in ("Can I email a child about their homework?", "What is the capital of France?")]
    assert [(e.rating, e.route) for e in mine] == [("down", "answer"), ("wrong_clause", "not_covered")]
    assert mine[0].cited and mine[0].cited[0].startswith("ESV-")

    locked = client.predict("wrong password", api_name="/admin_unlock")
    assert "not right" in str(locked)
    with pytest.raises(Exception):
        client.predict(api_name="/admin_reingest")  # a locked session cannot re-ingest
    unlocked = client.predict("test-admin-pw", api_name="/admin_unlock")
    flat = json.dumps(unlocked)
    assert "What is the capital of France?" in flat and "online-safety-policy.pdf" in flat


def test_served_policy_page_has_every_clause_and_the_highlight(served, no_network):
    page = urllib.request.urlopen(served.url.rstrip("/") + "/policy", timeout=10).read().decode()
    assert 'id="clause-ZP-6"' in page and ZP6_TEXT in page and ".clause:target" in page


def test_served_quiz_marks_answers_and_offers_a_download(served, no_network, policy_clauses):
    quiz = A.build_quiz(policy_clauses)
    answers = [q.answer.clause_id for q in quiz] + [None] * (A.QUIZ_MAX_QUESTIONS - len(quiz))
    answers[0] = next(o.clause_id for o in quiz[0].options if o != quiz[0].answer)  # one wrong
    html, download = served.client().predict(*answers, api_name="/quiz_submit")
    assert f"You answered {len(quiz) - 1} of {len(quiz)} correctly" in html
    assert A.esc(quiz[0].answer.text) in html  # the feedback quotes the answer's clause
    if isinstance(download, dict):  # an update of the download button: its value is the file
        assert download.get("visible") is True
        download = download.get("value") or download.get("path")
    record = Path(download).read_text(encoding="utf-8")
    assert "Volunteer&rsquo;s name" in record and f"{len(quiz) - 1} of {len(quiz)}" in record


def test_admin_upload_of_a_new_version_reports_changed_clauses(tmp_path, no_network):
    server = Served(tmp_path, admin_password="pw")
    try:
        from gradio_client import handle_file

        new_version = tmp_path / "online-safety-policy-v2.txt"
        new_version.write_text(POLICY_TXT.read_text(encoding="utf-8").replace(
            "We do not allow any recording of our Zoom sessions", "We never allow any recording of our Zoom sessions"),
            encoding="utf-8")
        client = server.client()
        client.predict("pw", api_name="/admin_unlock")
        report, docs, changes, *_ = client.predict(handle_file(str(new_version)), "online-safety-policy.pdf",
                                                   api_name="/admin_upload")
        assert "online-safety-policy-v2.txt" in report and "replacing online-safety-policy.pdf" in report
        assert "ZP-6" in changes and "We never allow any recording" in changes
        assert sorted(p.name for p in server.settings.policy_dir.iterdir()) == ["online-safety-policy-v2.txt"]
        assert list((server.settings.data_dir / A.ARCHIVE_DIR).rglob("online-safety-policy.pdf"))
        chat, _ = _ask(client, "Can I record a Zoom session?")
        assert "We never allow any recording" in _text(chat[-1])  # the new version answers

        bad = tmp_path / "policy.exe"
        bad.write_bytes(b"MZ")
        with pytest.raises(Exception, match="file type"):  # Gradio checks the type before our own check
            client.predict(handle_file(str(bad)), "", api_name="/admin_upload")
        assert sorted(p.name for p in server.settings.policy_dir.iterdir()) == ["online-safety-policy-v2.txt"]
    finally:
        server.close()


# --- end to end with the real model ------------------------------------------------------------------


@pytest.mark.model
def test_policy_assistant_serve_end_to_end(tmp_path):
    """`policy-assistant serve` ingests with the real model, starts, answers, and routes a disclosure."""
    from gradio_client import Client

    policy_dir = tmp_path / "policy_docs"
    policy_dir.mkdir()
    shutil.copy(POLICY_PDF, policy_dir / POLICY_PDF.name)
    env = {**os.environ, "POLICY_ASSISTANT_DATA_DIR": str(tmp_path / "data"),
           "POLICY_ASSISTANT_POLICY_DIR": str(policy_dir), "CI": "true", "PYTHONUNBUFFERED": "1"}
    env.pop("POLICY_ASSISTANT_CONFIG", None)
    with serving(tmp_path, env, startup_timeout=240) as (url, log):
        client = Client(url, verbose=False)
        chat, notice, _ = client.predict("Can I record a Zoom session?", "staff", api_name="/ask")
        assert 'href="policy#clause-ZP-6"' in _text(chat[-1]) and notice == ""
        chat, notice, _ = client.predict("My stepdad hits me when he is drunk", "participant", api_name="/ask")
        assert 'role="alert"' in notice and "999" in notice
    text = log.read_text()
    assert "missing contact details" in text and "ingesting" in text
    assert "stepdad" not in text and "Zoom session" not in text  # no question reaches a log
