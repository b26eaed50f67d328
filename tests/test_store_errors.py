"""When the index cannot be used, a person is told what is wrong and what to do, never shown a traceback,
and a disclosure is still recognised: the router needs no index.

Through the ``policy-assistant`` command in this process (``main``) with the real router: a Chroma
server that is not running, and an embedded index whose ``chroma.sqlite3`` was damaged in the ways
that reach different places in Chroma (not a database at all, cut short, a table's rows garbled).
The same with a real server stopped mid-session is in test_chroma_server.py.
"""

from __future__ import annotations

import os
import sqlite3

import pytest

from assistant.cli import main
from assistant.pipeline import open_assistant
from ingest.index import index_is_current, ingest
from ingest.store import IndexDamagedError, StoreUnavailableError

from conftest import free_port

DISCLOSURE = "my stepdad hits me when he has been drinking"
QUESTION = "can I email a child about their homework?"


@pytest.fixture
def cli_env(monkeypatch, settings):
    monkeypatch.setenv("POLICY_ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("POLICY_ASSISTANT_POLICY_DIR", str(settings.policy_dir))
    monkeypatch.delenv("POLICY_ASSISTANT_CONFIG", raising=False)
    monkeypatch.delenv("POLICY_ASSISTANT_CHROMA_URL", raising=False)
    return settings


@pytest.fixture
def keyword_document_embedder(monkeypatch):
    import assistant.embedding

    from conftest import KeywordEmbedder

    monkeypatch.setattr(assistant.embedding, "document_embedder", lambda settings, **kw: KeywordEmbedder())
    monkeypatch.setattr(assistant.embedding, "query_embedder", lambda settings: KeywordEmbedder())


def _run(capsys, *argv) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


# --- a Chroma server that does not answer ---------------------------------------------------------


def test_with_the_server_down_ask_says_so_and_still_recognises_a_disclosure(cli_env, monkeypatch, capsys):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("POLICY_ASSISTANT_CHROMA_URL", url)
    status, out, err = _run(capsys, "ask", QUESTION)
    assert status == 1 and out == ""
    assert f"The policy index is unavailable (Chroma server at {url} not answering)" in err
    assert "disclosures are still recognised" in err
    assert "missing or out of date" not in err and "Could not connect" not in err

    status, out, err = _run(capsys, "ask", DISCLOSURE)
    assert status == 0 and "999" in out and "Designated Safeguarding Lead" in out  # the safeguarding notice, as ever
    assert "stepdad" not in err


def test_a_server_that_accepts_connections_but_never_answers_does_not_hang_ask(cli_env, monkeypatch, capsys):
    """Chroma's own client waits forever (a stopped or wedged server): ask gives up within seconds."""
    import socket
    import time

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nobody ever reads or answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        monkeypatch.setenv("POLICY_ASSISTANT_CHROMA_URL", url)
        started = time.monotonic()
        status, out, err = _run(capsys, "ask", QUESTION)
        assert time.monotonic() - started < 30
    assert status == 1 and f"The policy index is unavailable (Chroma server at {url} not answering)" in err


def test_with_the_server_down_ingest_and_serve_say_what_to_check(cli_env, monkeypatch, capsys):
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("POLICY_ASSISTANT_CHROMA_URL", url)
    for command in (["ingest"], ["serve", "--no-browser"]):
        status, out, err = _run(capsys, *command)
        assert status == 1
        (line,) = [line for line in err.splitlines() if line.startswith("error:")]
        assert line == (f"error: The policy index is unavailable (Chroma server at {url} not answering); "
                        "check that it is running and that chroma_url is right")


# --- a damaged embedded index ------------------------------------------------------------------------


def _garbage(db) -> None:
    db.write_bytes(os.urandom(db.stat().st_size))


def _cut_short(db) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _garbled_log(db) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE embeddings_queue SET vector = randomblob(7)")


def _no_segments(db) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM segments")


DAMAGE = {"garbage": _garbage, "cut-short": _cut_short, "garbled-log": _garbled_log, "no-segments": _no_segments}


def _damaged(settings, fake_embedder, how: str):
    ingest(settings.policy_dir, settings.store, fake_embedder)
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # as a new process would: read what is on disk
    DAMAGE[how](settings.index_dir / "chroma.sqlite3")


def _says_how_to_rebuild(message: str, settings) -> None:
    assert f"The policy index at {settings.index_dir} cannot be read" in message
    assert f"delete the folder {settings.index_dir}, then run `policy-assistant ingest`" in message


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_a_damaged_index_says_which_folder_to_delete_and_how_to_rebuild(cli_env, fake_embedder, capsys,
                                                                       keyword_document_embedder, how):
    _damaged(cli_env, fake_embedder, how)
    for command in (["ingest"], ["ask", QUESTION]):
        status, out, err = _run(capsys, *command)
        assert status == 1 and out == "", (command, out)
        (line,) = [line for line in err.splitlines() if line.startswith("error:")]
        _says_how_to_rebuild(line, cli_env)
        assert "RustBindingsAPI" not in err  # the stray internal error of a second open in one process
    status, out, err = _run(capsys, "ask", DISCLOSURE)
    assert status == 0 and "999" in out


@pytest.mark.parametrize("how", ["garbage", "garbled-log"])
def test_opening_a_damaged_index_raises_the_error_a_person_can_act_on(settings, fake_embedder, how):
    _damaged(settings, fake_embedder, how)
    for attempt in range(2):  # the second open in one process gives the same reason, not a stray one
        with pytest.raises(IndexDamagedError) as raised:
            open_assistant(settings, embedder=fake_embedder)
        _says_how_to_rebuild(str(raised.value), settings)
        assert "\n" not in str(raised.value)


def test_an_unreadable_store_is_never_reported_as_out_of_date(settings, fake_embedder):
    """"The policy index is missing or out of date" sent people to re-ingest when the store was down."""
    _damaged(settings, fake_embedder, "garbled-log")
    with pytest.raises(StoreUnavailableError):
        index_is_current(settings.policy_dir, settings.store, fake_embedder.model_id)
