"""The chat app as gradio builds and serves it: the app object, then the real app on 127.0.0.1 driven
by gradio_client (the pure renderers and handlers are tests/test_ui.py).

Served tests use the real pipeline over the real policy with the keyword embedder and the fake router
(a message containing "canary" or "hits me" is a disclosure); one test marked `model` runs
`policy-assistant serve` itself, with the real model and router, end to end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import library as L
from assistant import quiz as Q
from assistant.ui import app as A
from assistant.ui import render as R
from assistant.feedback import feedback_path, read_feedback
from assistant.settings import Settings

from conftest import (POLICY_PDF, POLICY_TXT, SHIPPED_CONTACTS, ZP6_TEXT, FakeRouter, KeywordEmbedder, SpyRetriever,
                      free_port, serving, spied)


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
        settings, fake_embedder, fake_router, monkeypatch, capsys):
    import assistant.cli
    import assistant.pipeline

    calls = {}
    real_open = assistant.pipeline.open_assistant

    def opened(s, **kw):  # the real composition root, with the fake collaborators
        calls["opened"] = True
        return real_open(s, **kw, embedder=fake_embedder, router=fake_router)

    monkeypatch.setattr(assistant.pipeline, "open_assistant", opened)
    monkeypatch.setattr(A, "start", lambda app, s, **kw: calls.update(start=kw) or "")
    monkeypatch.setenv("CI", "true")
    code = assistant.cli.cmd_serve(settings, argparse.Namespace(host=None, port=7999, no_browser=False))
    assert code == 0
    err = capsys.readouterr().err
    assert calls["opened"] and "ingesting the policy folder first" in err and "Indexed 67 clauses" in err
    assert calls["start"]["port"] == 7999 and calls["start"]["host"] == "127.0.0.1"
    assert calls["start"]["inbrowser"] is False
    assert "missing contact details" in err


# --- the real app on 127.0.0.1 -----------------------------------------------------------------------


class Served:
    """The real app on loopback over the real policy, with the keyword embedder and the fake router."""

    def __init__(self, root: Path, admin_password: str = "", contacts=SHIPPED_CONTACTS, router=FakeRouter,
                 extra_files: dict[str, str] | None = None, **settings) -> None:
        from assistant.pipeline import open_assistant

        policy_dir = root / "policy_docs"
        policy_dir.mkdir(parents=True)
        shutil.copy(POLICY_PDF, policy_dir / POLICY_PDF.name)
        for name, text in (extra_files or {}).items():
            (policy_dir / name).write_text(text, encoding="utf-8")
        self.settings = replace(Settings(), policy_dir=policy_dir, data_dir=root / "data", admin_password=admin_password,
                                contacts=contacts, **settings)
        self.embedder = KeywordEmbedder()
        self.spies: list[SpyRetriever] = []

        def opener(reingest=False, policy_dir=None):
            settings = replace(self.settings, policy_dir=policy_dir) if policy_dir else self.settings
            assistant = spied(open_assistant(settings, reingest=reingest, embedder=self.embedder, router=router()))
            self.spies.append(assistant.retriever)
            return assistant

        self.demo = A.create_app(opener(), self.settings, opener=opener)
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
    for turn in ("0", "1"):
        status = str(client.predict(f"up {turn} question", api_name="/feedback"))
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
    _ask(client, "Can I record a Zoom session?")
    chat, status = client.predict("down 0", api_name="/feedback")  # the first answer, question not included
    assert "Thank you" in status and "marked not helpful" in _text(chat[1]) and "pa-fb-btn" in _text(chat[3])
    other = served.client()  # a new conversation: no earlier question to read this one with
    _, _ = _ask(other, "What is the capital of France?")
    other.predict("wrong_clause 0 question", api_name="/feedback")  # the box ticked
    entries = read_feedback(served.settings.data_dir)
    mine = [e for e in entries if e.rating in ("down", "wrong_clause")]
    assert [(e.rating, e.route, e.question) for e in mine] == [
        ("down", "answer", ""), ("wrong_clause", "not_covered", "What is the capital of France?")]
    assert mine[0].cited and mine[0].cited[0].startswith("ESV-")
    assert "Can I email a child" not in feedback_path(served.settings.data_dir).read_text()

    locked = client.predict("wrong password", api_name="/admin_unlock")
    assert "not right" in str(locked)
    with pytest.raises(Exception):
        client.predict(api_name="/admin_reingest")  # a locked session cannot re-ingest
    unlocker = served.client()  # another address would be kept waiting no longer than this one
    time.sleep(1.1)  # the wrong guess above delays this client's next try by a second
    unlocked = unlocker.predict("test-admin-pw", api_name="/admin_unlock")
    flat = json.dumps(unlocked)
    assert "What is the capital of France?" in flat and "online-safety-policy.pdf" in flat


def test_served_policy_page_has_every_clause_and_the_highlight(served, no_network):
    page = urllib.request.urlopen(served.url.rstrip("/") + "/policy", timeout=10).read().decode()
    assert 'id="clause-ZP-6"' in page and ZP6_TEXT in page and ".clause:target" in page


def test_served_quiz_marks_answers_and_offers_a_download(served, no_network, policy_clauses):
    quiz = Q.build_quiz(policy_clauses)
    answers = [str(q.answer) for q in quiz] + [None] * (Q.QUIZ_MAX_QUESTIONS - len(quiz))
    answers[0] = str((quiz[0].answer + 1) % Q.QUIZ_OPTIONS)  # one wrong
    html, download, *_ = served.client().predict(*answers, api_name="/quiz_submit")
    assert f"You answered {len(quiz) - 1} of {len(quiz)} correctly" in html
    assert R.esc(quiz[0].clause.text) in html  # the feedback quotes the answer's clause
    if isinstance(download, dict):  # an update of the download button: its value is the file
        assert download.get("visible") is True
        download = download.get("value") or download.get("path")
    record = Path(download).read_text(encoding="utf-8")
    assert "Volunteer&rsquo;s name" in record and f"{len(quiz) - 1} of {len(quiz)}" in record
    blank, nothing, *_ = served.client().predict(*([None] * Q.QUIZ_MAX_QUESTIONS), api_name="/quiz_submit")
    assert "Choose an answer" in blank and (nothing is None or not (nothing.get("value") if isinstance(nothing, dict) else nothing))


def test_served_index_unavailable_says_so_instead_of_an_error_badge(served, no_network):
    from ingest.store import StoreUnavailableError

    retriever = served.demo.policy_library.assistant.retriever
    real = retriever.search

    def down(question, k=8):
        raise StoreUnavailableError("The policy index is unavailable (Chroma server at http://127.0.0.1:1 not "
                                    "answering); disclosures are still recognised")

    retriever.search = down
    try:
        chat, notice = _ask(served.client(), "Can I record a Zoom session?")
    finally:
        retriever.search = real
    assert "The policy index is unavailable" in _text(chat[-1]) and "pa-error" in _text(chat[-1]) and notice == ""


def _post_file(url: str, name: str, data: bytes) -> int:
    """POST one file to Gradio's upload endpoint as a browser would; the HTTP status."""
    import urllib.error

    boundary = "pa-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url.rstrip("/") + A.UPLOAD_PATH, data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_no_upload_endpoint_without_an_admin_area_and_nothing_left_in_gradios_cache(tmp_path, monkeypatch, no_network):
    gradio_tmp = tmp_path / "gradio-tmp"
    gradio_tmp.mkdir()
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(gradio_tmp))  # read when the Blocks are built
    public = Served(tmp_path / "public")
    try:
        assert _post_file(public.url, "note.txt", b"x" * 10_000) == 403  # refused before anything is read
        quiz = Q.build_quiz(public.demo.policy_library.clauses)
        public.client().predict(*([str(q.answer) for q in quiz] + [None] * (Q.QUIZ_MAX_QUESTIONS - len(quiz))),
                                api_name="/quiz_submit")
    finally:
        public.close()
    with_admin = Served(tmp_path / "admin", admin_password="pw")
    try:
        assert _post_file(with_admin.url, "policy.txt", b"Our Zoom Policy\nWe do not record.\n") == 200
        assert [p for p in gradio_tmp.rglob("*") if p.is_file()]  # Gradio kept the upload while it ran
    finally:
        with_admin.close()
    assert [p for p in gradio_tmp.rglob("*") if p.is_file()] == []  # its cache is emptied when the app stops


def test_guessing_the_admin_password_cannot_hold_the_workers_that_answer(fake_assistant, settings):
    """Unlocking runs in a queue group of its own, one at a time, and never sleeps (tests/test_handlers.py):
    a guessing loop waits behind itself, not in front of anyone's question."""
    demo = A.create_app(fake_assistant, replace(settings, admin_password="s3cret"))
    fns = {fn.api_name: fn for fn in demo.fns.values() if fn.api_name}
    unlock, ask = fns["admin_unlock"], fns["ask"]
    assert unlock.concurrency_id != ask.concurrency_id and unlock.concurrency_limit == 1
    assert ask.concurrency_limit in (A.DEFAULT_CONCURRENCY_LIMIT, "default")


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
        report, _setup, docs, changes, *_ = client.predict(handle_file(str(new_version)), "online-safety-policy.pdf",
                                                   api_name="/admin_upload")
        assert "online-safety-policy-v2.txt" in report and "replacing online-safety-policy.pdf" in report
        assert "ZP-6" in changes and "We never allow any recording" in changes
        assert sorted(p.name for p in server.settings.policy_dir.iterdir()) == ["online-safety-policy-v2.txt"]
        assert list((server.settings.data_dir / L.ARCHIVE_DIR).rglob("online-safety-policy.pdf"))
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
