"""Nothing of a disclosure sent through the running app is kept: no file, no log record, no output.

A canary disclosure goes through the real app on 127.0.0.1 (gradio_client, the real router and the
real pipeline over the real policy, its data directory under tmp_path), then a policy question in
the same conversation, then every feedback button. The app runs in this process, so every logger is
turned up to DEBUG (caplog, non-propagating ones included, rescanned after the server has started)
and stdout and stderr are captured at the file-descriptor level (capfd); Gradio's cache and Python's
temp directory are pointed under tmp_path too. After the server is closed every byte under tmp_path
(the Chroma sqlite files and feedback.jsonl among them), every log record and all output are searched
for the canary, binary-safe, in UTF-8 and UTF-16, in any case.

Feedback for the disclosure is refused twice: through the app's feedback endpoint (every rating, on
both answers, with the box to include the question ticked) and through ``assistant.feedback``
directly. A control conversation in another session gives feedback with its question included, which
is recorded, so the search is shown to see what the app writes.

What it does not cover: the browser's own storage (run history is off; see tests/test_browser.py).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import replace

import pytest

from assistant.ui import app as A
from assistant.feedback import RATINGS, FeedbackRefused, feedback_path, read_feedback, record_feedback
from assistant.settings import Settings

from conftest import POLICY_PDF, files_containing, free_port

pytestmark = pytest.mark.server

CANARY = "CANARY-5d1e"
DISCLOSURE = f"{CANARY} my stepdad hits me every night"
NEEDLES = (CANARY.lower().encode(), b"stepdad hits me")  # searched in lower-cased bytes
CONTROL_QUESTION = "What is the capital of France?"
REQUEST_TIMEOUT_S = 30


def _leaks(data: bytes) -> list[bytes]:
    """Which needles appear in these bytes (as UTF-8 or UTF-16, any case)?"""
    lowered = data.lower()
    return [n for n in NEEDLES if n in lowered or n.decode().encode("utf-16-le") in lowered]


def _files_holding_the_canary(root) -> dict[str, list[bytes]]:
    return files_containing([root], _leaks)


def _records_holding_the_canary(records) -> list[str]:
    hits = []
    for record in records:
        text = " ".join([record.getMessage(), repr(record.args), str(record.exc_text), repr(vars(record))])
        if _leaks(text.encode("utf-8", "replace")):
            hits.append(f"{record.name}: {record.getMessage()[:200]}")
    return hits


def _every_logger_at_debug(caplog, attached: list[logging.Logger]) -> None:
    """DEBUG on the root and on every logger that exists now; non-propagating ones get caplog's handler.
    Called again after the server starts, for the loggers it created (uvicorn's do not propagate)."""
    caplog.set_level(logging.DEBUG)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
            if not logger.propagate and logger not in attached:
                logger.addHandler(caplog.handler)
                attached.append(logger)


def _text(message) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def test_a_canary_disclosure_through_the_running_app_is_written_and_logged_nowhere(
        tmp_path, monkeypatch, caplog, capfd, no_network):
    from gradio_client import Client

    from assistant.pipeline import open_assistant

    policy_dir, data_dir = tmp_path / "policy_docs", tmp_path / "data"
    gradio_tmp, python_tmp = tmp_path / "gradio-tmp", tmp_path / "tmp"
    for folder in (policy_dir, gradio_tmp, python_tmp):
        folder.mkdir()
    shutil.copy(POLICY_PDF, policy_dir / POLICY_PDF.name)
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(gradio_tmp))  # read when the Blocks are built
    monkeypatch.setattr(tempfile, "tempdir", str(python_tmp))
    settings = replace(Settings(), policy_dir=policy_dir, data_dir=data_dir, fast_ingest_embedding=True)

    attached: list[logging.Logger] = []
    _every_logger_at_debug(caplog, attached)
    demo = None
    try:
        assistant = open_assistant(settings)  # ingests; the real router and query embedder
        demo = A.create_app(assistant, settings)
        url = A.start(demo, settings, port=free_port(), block=False, quiet=False)
        assert url.startswith("http://127.0.0.1:"), url
        _every_logger_at_debug(caplog, attached)

        client = Client(url, verbose=False, httpx_kwargs={"timeout": REQUEST_TIMEOUT_S})
        try:
            chat, notice, _ = client.submit(DISCLOSURE, "participant", api_name="/ask").result(timeout=REQUEST_TIMEOUT_S)
            assert 'role="alert"' in notice and "999" in notice  # it routed
            assert "pa-disclosure-pointer" in _text(chat[-1]) and not _leaks(_text(chat[-1]).encode())
            assert not _leaks(notice.encode())
            chat, notice, _ = client.submit("Can I record a Zoom session?", "participant",
                                            api_name="/ask").result(timeout=REQUEST_TIMEOUT_S)
            assert 'role="alert"' in notice and "safeguarding notice stays at the top" in _text(chat[-1])
            assert not _leaks(_text(chat[-1]).encode())  # the disclosure was no context for the answer
            for rating in RATINGS:  # every feedback button, on both answers, question included
                for turn in (0, 1):
                    status = str(client.submit(f"{rating} {turn} question", api_name="/feedback").result(
                        timeout=REQUEST_TIMEOUT_S))
                    assert "no answer to give feedback on" in status or "not recorded" in status, status
        finally:
            client.close()
        assert not feedback_path(data_dir).exists()

        # The feedback module refuses it on its own, whatever the caller: the disclosure and the routed follow-up.
        disclosure = assistant.ask(DISCLOSURE, role="participant")
        follow_up = assistant.ask("Can I record a Zoom session?", role="participant",
                                  history=[{"role": "user", "content": DISCLOSURE}])
        assert disclosure.route == "disclosure" and follow_up.notice is not None
        for answer in (disclosure, follow_up):
            for rating in RATINGS:
                with pytest.raises(FeedbackRefused) as refused:
                    record_feedback(data_dir, question=DISCLOSURE, answer=answer, role="participant", rating=rating)
                assert not _leaks(str(refused.value).encode())
        assert not feedback_path(data_dir).exists()

        # Control: another session's feedback is recorded, so the search below would see a written question.
        other = Client(url, verbose=False, httpx_kwargs={"timeout": REQUEST_TIMEOUT_S})
        try:
            other.submit(CONTROL_QUESTION, "parent", api_name="/ask").result(timeout=REQUEST_TIMEOUT_S)
            status = str(other.submit("wrong_clause 0 question", api_name="/feedback").result(timeout=REQUEST_TIMEOUT_S))
            assert "Thank you" in status, status  # the box ticked: the question is kept
        finally:
            other.close()
    finally:
        if demo is not None:
            demo.close()
        for logger in attached:
            logger.removeHandler(caplog.handler)

    assert [e.question for e in read_feedback(data_dir)] == [CONTROL_QUESTION]
    assert list(data_dir.rglob("*.sqlite3")), "no Chroma sqlite file to search"
    assert _files_holding_the_canary(tmp_path) == {}
    assert caplog.records, "no log record was captured at all: the capture is not working"
    assert _records_holding_the_canary(caplog.records) == []
    out, err = capfd.readouterr()
    assert "127.0.0.1" in out + err  # the server's own startup line was captured (quiet=False)
    assert _leaks((out + err).encode("utf-8", "replace")) == []


def test_the_search_finds_a_planted_canary(tmp_path):
    """Control: the byte search above is not blind (UTF-16, upper case, inside a binary file)."""
    (tmp_path / "a.sqlite3").write_bytes(b"SQLite format 3\x00" + DISCLOSURE.upper().encode("utf-16-le"))
    (tmp_path / "feedback.jsonl").write_text('{"question": "%s"}\n' % DISCLOSURE, encoding="utf-8")
    assert sorted(_files_holding_the_canary(tmp_path)) == sorted(
        str(tmp_path / name) for name in ("a.sqlite3", "feedback.jsonl"))
    record = logging.LogRecord("x", logging.DEBUG, __file__, 1, "got %s", (DISCLOSURE,), None)
    assert _records_holding_the_canary([record])
