"""Chroma as a real server: ingest, answers and per-organisation collections over ``chromadb.HttpClient``.

A ``chroma run`` server is started on a free loopback port for this module (bounded wait for its
heartbeat, killed at teardown). Settings point at it with ``chroma_url``; each test gets its own
collection name, as each organisation does. The answer and index tests of test_answer.py and
test_index.py are collected here a second time, with ``settings`` pointing at the server.

At the end: a server stopped mid-session (a disclosure still gets its notice, a question an error
a person can act on, and the same library answers again once the server is back), and two real
``serve`` instances answering four users throughout while another process re-ingests changed
content (the probe saw every later question fail in both).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.pipeline import Assistant
from assistant.retrieve import Retriever
from assistant.settings import Settings
from ingest.index import ingest, open_live_index
from ingest.store import FACETS_SUFFIX, REGISTRY_SUFFIX, open_client

import test_answer
import test_index
from conftest import POLICY_PDF, POLICY_TXT, SHIPPED_CONTACTS, FakeRouter, free_port

pytestmark = pytest.mark.server

VENV_BIN = Path(sys.executable).parent
ORG_B_POLICY = """# Lone Working Policy

## Before a Visit

- Every home visit is booked on the shared calendar before it happens.
- A colleague is told the address and the expected finish time.

## During a Visit

- Staff carry a charged work mobile with the buddy number saved.
"""


class ChromaServer:
    """`chroma run` on loopback, storing under ``path``; ``start`` waits (bounded) for its heartbeat."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path, self.port = path, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "ChromaServer":
        log = open(self.path / "server.log", "ab")
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        self.process = subprocess.Popen([str(VENV_BIN / "chroma"), "run", "--path", str(self.path / "db"), "--host",
                                         "127.0.0.1", "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT,
                                        env=env, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, (self.path / "server.log").read_text(errors="replace")[-2000:]
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            assert time.monotonic() < deadline, "the Chroma server did not answer its heartbeat within 60 s"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    try:
        yield server.start().url
    finally:
        server.stop()


def _collection_for(request) -> str:
    return "t" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:12]


@pytest.fixture
def settings(tmp_path, policy_dir, chroma_server, request, no_network) -> Settings:
    """conftest's settings, but on the server and in a collection of this test's own."""
    return replace(Settings(), policy_dir=policy_dir, data_dir=tmp_path / "data", chroma_url=chroma_server,
                   collection=_collection_for(request), contacts=SHIPPED_CONTACTS)


# The answer and index tests again, now against the server (they take `settings` or `fake_assistant`).
for _module in (test_answer, test_index):
    for _name, _test in list(vars(_module).items()):
        if _name.startswith("test_") and callable(_test):
            parameters = inspect.signature(_test).parameters
            # Tests that count every collection in the store assume a store of their own; this server is shared.
            exclusive = "list_collections" in inspect.getsource(_test)
            if {"settings", "fake_assistant"} & set(parameters) and not exclusive:
                globals()[f"{_name}__{_module.__name__}_on_server"] = _test
del _module, _name, _test


def _names(settings: Settings) -> set[str]:
    return {c if isinstance(c, str) else c.name for c in open_client(settings.store).list_collections()}


def test_settings_really_use_the_server(settings, chroma_server, fake_embedder):
    ingest(settings.policy_dir, settings.store, fake_embedder)
    client_settings = open_client(settings.store).get_settings()
    assert "fastapi" in client_settings.chroma_api_impl.lower()  # the HTTP client, not the embedded one
    assert str(client_settings.chroma_server_http_port) == chroma_server.rsplit(":", 1)[1]
    assert not settings.index_dir.exists()  # nothing embedded on disk: the server holds the index
    assert {settings.collection + REGISTRY_SUFFIX} < _names(settings)


def test_ingest_and_answer_over_the_server(settings, fake_embedder):
    report = ingest(settings.policy_dir, settings.store, fake_embedder)
    assert report.clauses == 67 and not report.skipped
    collection, live = open_live_index(settings.store)
    assistant = Assistant(settings, FakeRouter(), Retriever(collection, live.clauses, fake_embedder))
    answer = assistant.ask("do you allow any recording of zoom sessions?")
    assert answer.route == "answer" and answer.citations[0].clause_id == "ZP-6"
    assert ingest(settings.policy_dir, settings.store, fake_embedder).up_to_date


def test_server_and_embedded_store_rank_identically(settings, fake_embedder):
    questions = ["will the zoom sessions be recorded?", "can I email a child?", "photos", "mobile phones", "passwords"]

    def ranked(s):
        ingest(s.policy_dir, s.store, fake_embedder)
        collection, live = open_live_index(s.store)
        retriever = Retriever(collection, live.clauses, fake_embedder)
        return [[(h.clause.clause_id, round(h.score, 6)) for h in retriever.search(q).hits] for q in questions]

    assert ranked(settings) == ranked(replace(settings, chroma_url=""))


def test_two_organisations_never_see_each_others_clauses(settings, tmp_path, fake_embedder):
    org_a = replace(settings, collection="org-a")
    folder_b = tmp_path / "org-b-policies"
    folder_b.mkdir()
    (folder_b / "lone-working.md").write_text(ORG_B_POLICY, encoding="utf-8")
    org_b = replace(settings, collection="org-b", policy_dir=folder_b)
    ingest(org_a.policy_dir, org_a.store, fake_embedder)
    ingest(org_b.policy_dir, org_b.store, fake_embedder)

    def live(s):
        collection, index = open_live_index(s.store)
        return collection, index, Retriever(collection, index.clauses, fake_embedder)

    _, index_a, retriever_a = live(org_a)
    _, index_b, retriever_b = live(org_b)
    assert {c.document for c in index_a.clauses} == {POLICY_PDF.name}
    assert {c.document for c in index_b.clauses} == {"lone-working.md"}
    assert all(h.clause.document == "lone-working.md" for h in retriever_b.search("will the zoom sessions be recorded?").hits)
    assert all(h.clause.document == POLICY_PDF.name for h in retriever_a.search("home visit buddy number").hits)

    # Re-indexing one organisation (and dropping its stale collections) leaves the other untouched.
    text = POLICY_TXT.read_text(encoding="utf-8").replace("set to private", "set to private and hidden")
    (org_a.policy_dir / POLICY_PDF.name).unlink()
    (org_a.policy_dir / "online-safety-policy.txt").write_text(text, encoding="utf-8")
    ingest(org_a.policy_dir, org_a.store, fake_embedder)
    assert [c.clause_id for c in live(org_b)[1].clauses] == [c.clause_id for c in index_b.clauses]
    a_now = live(org_a)[1].collection
    assert {n for n in _names(settings) if n.startswith("org-")} == {
        a_now, a_now + FACETS_SUFFIX, "org-a" + REGISTRY_SUFFIX,
        index_b.collection, index_b.collection + FACETS_SUFFIX, "org-b" + REGISTRY_SUFFIX}


@pytest.mark.parametrize("first, second", [("org", "org-a"), ("org-a", "org")])
def test_an_organisation_named_as_a_prefix_of_another_leaves_it_alone(settings, tmp_path, fake_embedder, first, second):
    """"org"'s stale collections are "org-<fingerprint>"; "org-a-<fingerprint>" and "org-a-registry" are not."""
    folder = tmp_path / "other-policies"
    folder.mkdir()
    (folder / "lone-working.md").write_text(ORG_B_POLICY, encoding="utf-8")
    a = replace(settings, collection=first)
    b = replace(settings, collection=second, policy_dir=folder)
    ingest(a.policy_dir, a.store, fake_embedder)
    before = open_live_index(a.store)[1]
    ingest(b.policy_dir, b.store, fake_embedder)
    (folder / "lone-working.md").write_text(ORG_B_POLICY + "- Visits end by 8pm.\n", encoding="utf-8")
    ingest(b.policy_dir, b.store, fake_embedder)  # a real rebuild: b drops its stale collections
    after = open_live_index(a.store)[1]
    assert after.collection == before.collection and after.clauses == before.clauses


@pytest.mark.model
def test_real_model_ingest_and_ask_through_the_cli_against_the_server(tmp_path, chroma_server):
    (tmp_path / "policy_docs").mkdir()
    shutil.copy(POLICY_PDF, tmp_path / "policy_docs" / POLICY_PDF.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_ASSISTANT_")}
    env.update(POLICY_ASSISTANT_CHROMA_URL=chroma_server, POLICY_ASSISTANT_COLLECTION="org-real",
               POLICY_ASSISTANT_DATA_DIR=str(tmp_path / "data"), POLICY_ASSISTANT_POLICY_DIR=str(tmp_path / "policy_docs"),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    command = [str(VENV_BIN / "policy-assistant")]
    built = subprocess.run(command + ["ingest"], cwd=tmp_path, env=env, capture_output=True, timeout=300)
    assert built.returncode == 0, built.stderr.decode(errors="replace")[-2000:]
    asked = subprocess.run(command + ["ask", "--json", "will the zoom sessions be recorded?"], cwd=tmp_path, env=env,
                           capture_output=True, timeout=120)
    assert asked.returncode == 0, asked.stderr.decode(errors="replace")[-2000:]
    result = json.loads(asked.stdout)
    assert result["route"] == "answer" and result["citations"][0]["clause_id"] == "ZP-6"
    assert not (tmp_path / "data" / "chroma").exists()  # the index lives on the server


# --- the server stops answering ---------------------------------------------------------------------


def test_with_the_server_stopped_a_disclosure_gets_the_notice_and_a_question_an_error_to_act_on(
        tmp_path, policy_dir, fake_embedder, no_network):
    from assistant.library import Library, opener_for
    from assistant.route import load_router
    from ingest.store import StoreUnavailableError

    server = ChromaServer(tmp_path).start()
    try:
        settings = replace(Settings(), policy_dir=policy_dir, data_dir=tmp_path / "data", chroma_url=server.url)
        opener = opener_for(settings, embedder=fake_embedder, router=load_router())  # the real router
        library = Library(settings, opener(), opener)
        assistant = library.assistant
        assert assistant.ask(QUESTION).route == "answer"
        server.stop()

        for asker in (assistant.ask, library.ask):
            answer = asker(DISCLOSURE, role="participant")
            assert answer.route == "disclosure" and "999" in answer.notice.to_text()
            with pytest.raises(StoreUnavailableError) as raised:
                asker(QUESTION)
            assert str(raised.value) == (f"The policy index is unavailable (Chroma server at {server.url} not answering); "
                                         "disclosures are still recognised")

        server.start()  # back on the same port: the same library answers again, no restart needed
        assert library.ask(QUESTION).route == "answer"
    finally:
        server.stop()


def test_a_server_that_stops_mid_session_without_closing_gives_an_error_within_the_timeout(
        tmp_path, policy_dir, fake_embedder, monkeypatch):
    """SIGSTOP: connections are accepted and never answered. Chroma's client alone would wait forever."""
    import ingest.store
    from ingest.store import StoreUnavailableError

    monkeypatch.setattr(ingest.store, "HTTP_TIMEOUT_S", 2.0)
    server = ChromaServer(tmp_path).start()
    try:
        settings = replace(Settings(), policy_dir=policy_dir, data_dir=tmp_path / "data", chroma_url=server.url)
        from assistant.pipeline import open_assistant

        assistant = open_assistant(settings, embedder=fake_embedder, router=FakeRouter())
        server.process.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            with pytest.raises(StoreUnavailableError, match="not answering"):
                assistant.ask(QUESTION)
            assert time.monotonic() - started < 15
            assert assistant.ask("canary: he hits me").route == "disclosure"
        finally:
            server.process.send_signal(signal.SIGCONT)
    finally:
        server.stop()


# --- two app instances on one server while another process re-ingests -------------------------------

QUESTION = "can I email a child about their homework?"
DISCLOSURE = "my stepdad hits me when he has been drinking"
SERVE_QUESTIONS = ("Can I record a Zoom session?", "Can I email a child about their homework?",
                   "Will you ask before posting photos of my child?", "Can I use my phone during a session?")


def _card_documents(chat) -> set[str]:
    import re

    reply = chat[-1]["content"]
    text = "".join(p.get("text", "") for p in reply if isinstance(p, dict)) if isinstance(reply, list) else str(reply)
    return {m.split(",")[0].strip() for m in re.findall(r'class="pa-card-source">([^<]+)<', text)}


@pytest.mark.model
def test_two_served_instances_answer_throughout_while_another_process_reingests(tmp_path, chroma_server):
    """The probe: one `ingest` on a shared server broke both instances ("Collection ... does not exist"),
    still failing 20 s later. Now: zero failed answers, and every answer cites one version."""
    import threading

    from gradio_client import Client

    from conftest import serving

    policy = tmp_path / "policy_docs"
    policy.mkdir()
    text = POLICY_TXT.read_text(encoding="utf-8")
    (policy / "policy-v0.txt").write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_ASSISTANT_")}
    # Users here ask as fast as they can for minutes: the per-client bound (tests/test_app_limits.py) is not this test's.
    env.update(POLICY_ASSISTANT_MAX_QUESTIONS_PER_MINUTE="100000")
    env.update(POLICY_ASSISTANT_CHROMA_URL=chroma_server, POLICY_ASSISTANT_COLLECTION="shared-instances",
               POLICY_ASSISTANT_POLICY_DIR=str(policy), CI="true", PYTHONUNBUFFERED="1")
    command = [str(VENV_BIN / "policy-assistant"), "ingest"]
    built = subprocess.run(command, env={**env, "POLICY_ASSISTANT_DATA_DIR": str(tmp_path / "ingest-data")},
                           capture_output=True, timeout=300)
    assert built.returncode == 0, built.stderr.decode(errors="replace")[-2000:]

    failures: list[str] = []
    versions: list[set[str]] = []
    stop = threading.Event()

    def user(url: str, n: int) -> None:
        client = Client(url, verbose=False)
        asked = 0
        while not stop.is_set():
            question = SERVE_QUESTIONS[(n + asked) % len(SERVE_QUESTIONS)]
            asked += 1
            try:
                chat, _, _ = client.predict(question, "staff", api_name="/ask")
            except Exception as exc:  # what the person sees as an error badge
                failures.append(f"{url}: {type(exc).__name__}: {exc}")
                continue
            found = _card_documents(chat)
            if found:
                versions.append(found)

    rounds = 3
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with serving(tmp_path / "a", {**env, "POLICY_ASSISTANT_DATA_DIR": str(tmp_path / "a-data")}, 240) as (url_a, _), \
            serving(tmp_path / "b", {**env, "POLICY_ASSISTANT_DATA_DIR": str(tmp_path / "b-data")}, 240) as (url_b, _):
        users = [threading.Thread(target=user, args=(url, n), daemon=True) for url in (url_a, url_b) for n in range(2)]
        for thread in users:
            thread.start()
        try:
            for round in range(1, rounds + 1):
                time.sleep(0.5)
                for old in policy.glob("*.txt"):
                    old.unlink()
                (policy / f"policy-v{round}.txt").write_text(text, encoding="utf-8")
                done = subprocess.run(command, env={**env, "POLICY_ASSISTANT_DATA_DIR": str(tmp_path / "ingest-data")},
                                      capture_output=True, timeout=300)
                assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
            time.sleep(2.5)  # every instance looks at the pointer once a second
            last = len(versions)
            time.sleep(2.0)
        finally:
            stop.set()
            for thread in users:
                thread.join(timeout=60)
    assert failures == [], failures[:5]
    assert len(versions) >= 40
    assert [v for v in versions if len(v) != 1] == []  # one version per answer, never a mix
    assert set().union(*versions) <= {f"policy-v{n}.txt" for n in range(rounds + 1)}
    assert len(set().union(*versions)) >= 3  # both instances moved along
    assert all(v == {f"policy-v{rounds}.txt"} for v in versions[last:])  # and ended on the newest
