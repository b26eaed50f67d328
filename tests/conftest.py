"""Shared fakes and fixtures. Tests are offline and deterministic; the real model runs only in tests marked `model`."""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.settings import Contacts, Settings, apply_offline_switches

apply_offline_switches()

from assistant.pipeline import open_assistant  # noqa: E402  (after the switches, on purpose)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
POLICY_PDF = ROOT / "policy_docs" / "online-safety-policy.pdf"
POLICY_DOCX = FIXTURES / "online-safety-policy.docx"
POLICY_TXT = FIXTURES / "online-safety-policy.txt"
# Clause ZP-6 of the shipped policy, verbatim: what the app's card and policy page must show.
ZP6_TEXT = ("We do not allow any recording of our Zoom sessions, unless by the host and only with permission "
            "from all participants")
# The shipped policy's own people, as policy-assistant.example.toml configures them. The product names no
# one by default (another organisation's users must never see these names), so the tests that expect
# them configure them here.
SHIPPED_CONTACTS = Contacts(organisation="Example Arts Club", dsl_name="Sarah Rands", online_name="Holly Davis")


class KeywordEmbedder:
    """A fake embedder: one dimension per keyword, so a test decides which clause must win.

    Other words of four letters or more hash into spare dimensions (weak), so every text gets a vector and
    unrelated texts stay far apart.
    """

    model_id = "fake-keywords"

    def __init__(self, keywords=("zoom", "record", "email", "phone", "photo", "password", "dbs", "bullying")):
        self.keywords = tuple(keywords)
        self.calls = 0
        self.texts_embedded = 0

    def _vector(self, text: str) -> list[float]:
        words = re.findall(r"[a-z]+", text.lower())
        vec = [0.0] * (len(self.keywords) + 256)
        for w in words:
            for i, k in enumerate(self.keywords):
                if w.startswith(k):
                    vec[i] += 1.0
            if len(w) >= 4:
                vec[len(self.keywords) + int(hashlib.md5(w.encode()).hexdigest(), 16) % 256] += 0.2
        norm = sum(v * v for v in vec) ** 0.5 or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts):
        self.calls += 1
        self.texts_embedded += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text):
        return self._vector(text)


@pytest.fixture(scope="module")
def router():
    """The shipped router (lexicon, scorer, languages, reader), one per test module: its memory of
    messages stays within the module that filled it."""
    from assistant.route import load_router

    return load_router()


@pytest.fixture(scope="module")
def rules_only():
    """The rule layers without the trained scorer, for tests about the rules themselves."""
    from assistant.route import Lexicon, Router

    return Router(Lexicon.load(), None)


@pytest.fixture(scope="session")
def policy_clauses():
    """The shipped policy's clauses, parsed once."""
    from ingest.clauses import build_clauses
    from ingest.load import load_document

    return build_clauses(load_document(POLICY_PDF))


@pytest.fixture
def fake_embedder():
    return KeywordEmbedder()


@pytest.fixture
def policy_dir(tmp_path) -> Path:
    folder = tmp_path / "policy_docs"
    folder.mkdir()
    shutil.copy(POLICY_PDF, folder / POLICY_PDF.name)
    return folder


@pytest.fixture
def settings(tmp_path, policy_dir) -> Settings:
    return replace(Settings(), policy_dir=policy_dir, data_dir=tmp_path / "data", contacts=SHIPPED_CONTACTS)


@pytest.fixture
def no_network(monkeypatch):
    """Refuse every socket connection that is not to this machine."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and (host.startswith("127.") or host in ("localhost", "::1") or sock.family == socket.AF_UNIX):
            return real_connect(sock, address)
        raise ConnectionRefusedError(f"test refused a network connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    real_create = socket.create_connection

    def guarded_create(address, *a, **kw):
        host = address[0]
        if not (str(host).startswith("127.") or host in ("localhost", "::1")):
            raise ConnectionRefusedError(f"test refused a network connection to {address!r}")
        return real_create(address, *a, **kw)

    monkeypatch.setattr(socket, "create_connection", guarded_create)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(workdir: Path, env: dict[str, str], startup_timeout: float):
    """`policy-assistant serve` in its own process on a free loopback port, its output in
    ``workdir/serve.log``. Yields (url, log) once /policy answers; stops the process afterwards."""
    port = free_port()
    log = workdir / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--no-browser", "--port", str(port)],
                                cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")[-2000:]
            try:
                urllib.request.urlopen(url + "policy", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the app did not start:\n" + log.read_text(errors="replace")[-2000:])
                time.sleep(0.3)
        yield url, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def files_containing(roots, find) -> dict[str, list]:
    """Every file under the roots (binary-safe, symlinks skipped) in whose bytes ``find`` finds something."""
    hits = {}
    for root in roots:
        for path in Path(root).rglob("*"):
            if path.is_file() and not path.is_symlink():
                found = find(path.read_bytes())
                if found:
                    hits[str(path)] = found
    return hits


class FakeDecision:
    def __init__(self, route, reason, signpost=False, audience="adult"):
        self.route, self.reason, self.signpost, self.audience = route, reason, signpost, audience
        self.layer, self.families, self.score = "fake", (), 1.0

    @property
    def is_disclosure(self):
        return self.route == "disclosure"


class FakeRouter:
    """Routes any message containing CANARY (or "hits me") as a disclosure; "discloses" asks for a signpost."""

    def __init__(self):
        self.seen = 0

    def route(self, message, history=()):
        self.seen += 1
        lowered = message.lower()
        if "canary" in lowered or "hits me" in lowered:
            return FakeDecision("disclosure", "fake:keyword")
        return FakeDecision("question", "none", signpost="discloses" in lowered)


class FakeSemanticModel:
    """Stands in for the e5 model behind the router's semantic layer: a message containing "meaning"
    embeds to a vector the layer's weights score high, anything else to one they score low; it
    records what it was asked to read."""

    def __init__(self):
        self.read = []

    def query(self, texts):
        self.read.extend(texts)
        return [[1.0, 0.0] if "meaning" in t.lower() else [0.0, 1.0] for t in texts]


def fake_semantic_layer(model=None):
    """The router's semantic layer with two weights and a fake model (see ``FakeSemanticModel``)."""
    from assistant.route.semantic import SemanticLayer, SemanticWeights

    model = model or FakeSemanticModel()
    return SemanticLayer(SemanticWeights((8.0, -8.0), 0.0, 0.9), loader=lambda: model)


class SpyRetriever:
    """Wraps a retriever and records how many times, and with what, it was searched."""

    def __init__(self, inner):
        self.inner = inner
        self.clauses = inner.clauses
        self.calibration = inner.calibration
        self.embedder = inner.embedder
        self.queries = []

    def search(self, question, k=8):
        self.queries.append(question)
        return self.inner.search(question, k)


@pytest.fixture
def fake_router():
    return FakeRouter()


@pytest.fixture
def fake_assistant(settings, fake_embedder, fake_router):
    """The real pipeline over the real policy, with the keyword embedder and the fake router."""
    return spied(open_assistant(settings, embedder=fake_embedder, router=fake_router))


def spied(assistant):
    """The assistant with its retriever wrapped in a SpyRetriever."""
    assistant.retriever = SpyRetriever(assistant.retriever)
    return assistant
