"""Load: fifty people asking at once, through the real app on 127.0.0.1, the real router and retrieval.

``policy-assistant serve`` runs in its own process over the real policy with the real pipeline
(``open_assistant``: the real router, the bundled model's ONNX query embedder; ingested with
``fast_ingest_embedding`` so the index builds in seconds). Fifty ``gradio_client.Client`` instances,
one per thread, each built inside its thread (building one fetches the app's config), wait at a
barrier and then ask four questions in their own session: policy questions, out-of-scope questions
and disclosures, in an order that differs per client. Every request is bounded in time, and the
whole run by ``OVERALL_TIMEOUT_S``.

What it asserts: no request fails; every disclosure fills the notice panel and is answered only with
the pointer to it; no policy or out-of-scope question is routed; no question reaches the server's
output. What it only reports: latency per request (p50, p95, max; queue wait included, measured at
the client, so the fifty clients' own CPU is in it) beside a one-client baseline, printed
(``pytest -s``) and written as JSON under the test's tmp dir. It deliberately asserts no time: a
loaded CI machine must not fail it.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait

import pytest

from assistant.ui import app as A
from assistant.ui.handlers import EXAMPLES

from conftest import POLICY_PDF, serving

pytestmark = pytest.mark.server

CLIENTS = 50
QUESTIONS_PER_CLIENT = 4
REQUEST_TIMEOUT_S = 30  # one request, queue wait included
SETUP_TIMEOUT_S = 60  # every client built and at the barrier
OVERALL_TIMEOUT_S = 120
BASELINE_REQUESTS = 5  # one client, one after another, before the burst
STARTUP_TIMEOUT_S = 90  # ingest (~3 s) and import gradio (~4 s), on a slow machine

# (kind, role, question): "policy" questions the policy answers, "out_of_scope" ones it does not
# cover; both must come back answered or not covered, never routed. A "disclosure" must route.
QUESTIONS = (
    ("policy", "staff", "Can I record a Zoom session?"),
    ("policy", "volunteer", "Do I need a DBS check to help with online sessions?"),
    ("policy", "staff", "Can I email a child about their homework?"),
    ("policy", "parent", "Who can book a session for my child?"),
    ("policy", "participant", "Do I have to turn my camera on?"),
    ("out_of_scope", "parent", "What is the capital of France?"),
    ("out_of_scope", "staff", "What's the best pizza topping?"),
    ("disclosure", "participant", "my stepdad hits me when he's drunk"),
    ("disclosure", "volunteer",
     "a child in my zoom group told me her uncle sends her pictures and said it's their secret"),
)




def questions_for(n: int) -> list[tuple[str, str, str]]:
    """Client n's four questions: a window over QUESTIONS that starts somewhere different for each
    client, so orders (and a disclosure before or after a policy question) vary across sessions."""
    start = (n * 2) % len(QUESTIONS)
    return [QUESTIONS[(start + i) % len(QUESTIONS)] for i in range(QUESTIONS_PER_CLIENT)]


def _text(message) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def route_shown(chat, notice) -> str:
    """What the page shows for the last turn: "disclosure", "answer" or "not_covered" (or "unknown")."""
    reply = _text(chat[-1]) if chat else ""
    if "pa-disclosure-pointer" in reply:
        return "disclosure" if 'role="alert"' in notice else "disclosure_without_notice"
    if "pa-answer" in reply:
        return "answer"
    if "pa-not-covered" in reply:
        return "not_covered"
    return "unknown"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


class Server:
    """The running app: its URL, its captured stdout and stderr, and bounded clients for it."""

    def __init__(self, url: str, log) -> None:
        self.url, self.log = url, log

    def client(self):
        from gradio_client import Client

        return Client(self.url, verbose=False, httpx_kwargs={"timeout": REQUEST_TIMEOUT_S})

    def ask(self, client, question: str, role: str):
        """One bounded /ask: (chat, notice, cleared input box)."""
        return client.submit(question, role, api_name="/ask").result(timeout=REQUEST_TIMEOUT_S)


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    """`policy-assistant serve` in its own process (its own interpreter, so fifty clients in this one do
    not share a GIL with it) on 127.0.0.1, over the real policy; stopped at teardown."""
    root = tmp_path_factory.mktemp("load")
    policy_dir = root / "policy_docs"
    policy_dir.mkdir()
    shutil.copy(POLICY_PDF, policy_dir / POLICY_PDF.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_ASSISTANT_")}
    env.update(POLICY_ASSISTANT_DATA_DIR=str(root / "data"), POLICY_ASSISTANT_POLICY_DIR=str(policy_dir),
               POLICY_ASSISTANT_FAST_INGEST_EMBEDDING="true",  # ingest in ~3 s with the ONNX twin
               CI="true", PYTHONUNBUFFERED="1")
    with serving(root, env, STARTUP_TIMEOUT_S) as (url, log):
        yield Server(url, log)


def test_fifty_concurrent_sessions_route_every_disclosure_and_answer_the_rest(real_app, no_network, tmp_path):
    client = real_app.client()
    try:
        baseline_ms = []
        for kind, role, question in [q for q in QUESTIONS if q[0] != "disclosure"][:BASELINE_REQUESTS]:
            t0 = time.perf_counter()
            real_app.ask(client, question, role)
            baseline_ms.append((time.perf_counter() - t0) * 1000)
    finally:
        client.close()

    barrier = threading.Barrier(CLIENTS, timeout=SETUP_TIMEOUT_S)
    deadline = time.monotonic() + OVERALL_TIMEOUT_S
    lock = threading.Lock()
    latencies_ms: list[float] = []
    setup_ms: list[float] = []
    errors: list[str] = []
    wrong: list[str] = []

    def session(n: int) -> int:
        asked = 0
        client = None
        try:
            t0 = time.perf_counter()
            client = real_app.client()
            with lock:
                setup_ms.append((time.perf_counter() - t0) * 1000)
            barrier.wait()
            for kind, role, question in questions_for(n):
                if time.monotonic() > deadline:
                    raise TimeoutError("overall deadline passed")
                t0 = time.perf_counter()
                chat, notice, box = real_app.ask(client, question, role)
                elapsed = (time.perf_counter() - t0) * 1000
                asked += 1
                shown = route_shown(chat, notice)
                ok = (shown == "disclosure") if kind == "disclosure" else shown in ("answer", "not_covered")
                if kind == "disclosure":  # the reply points to the notice and never repeats the message
                    ok = ok and question not in _text(chat[-1])
                ok = ok and box == ""
                with lock:
                    latencies_ms.append(elapsed)
                    if not ok:
                        wrong.append(f"client {n}: {kind} {question!r} shown as {shown}")
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported, none is lost
            if not isinstance(exc, threading.BrokenBarrierError):
                barrier.abort()  # the others stop waiting for a client that will never arrive
            with lock:
                errors.append(f"client {n}: {type(exc).__name__}: {str(exc)[:200]}")
        finally:
            if client is not None:
                client.close()
        return asked

    started = time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=CLIENTS, thread_name_prefix="load-client")
    futures = [pool.submit(session, n) for n in range(CLIENTS)]
    done, not_done = wait(futures, timeout=OVERALL_TIMEOUT_S + REQUEST_TIMEOUT_S)
    pool.shutdown(wait=not not_done, cancel_futures=True)
    total_s = time.perf_counter() - started
    requests = sum(f.result() for f in done)

    figures = {
        "clients": CLIENTS,
        "requests": requests,
        "errors": len(errors),
        "misrouted": len(wrong),
        "p50_ms": round(percentile(latencies_ms, 50), 1) if latencies_ms else None,
        "p95_ms": round(percentile(latencies_ms, 95), 1) if latencies_ms else None,
        "max_ms": round(max(latencies_ms), 1) if latencies_ms else None,
        "mean_ms": round(statistics.fmean(latencies_ms), 1) if latencies_ms else None,
        "baseline_p50_ms": round(percentile(baseline_ms, 50), 1),
        "client_setup_p50_ms": round(percentile(setup_ms, 50), 1) if setup_ms else None,
        "total_s": round(total_s, 2),
        "concurrency_limit": A.DEFAULT_CONCURRENCY_LIMIT,
    }
    report = tmp_path / "load-figures.json"
    report.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    print(f"\nload: {json.dumps(figures)}\nload figures written to {report}")

    assert not not_done, f"{len(not_done)} clients still running after {OVERALL_TIMEOUT_S + REQUEST_TIMEOUT_S} s"
    assert errors == [], errors[:10]
    assert wrong == [], wrong[:10]
    assert requests == CLIENTS * QUESTIONS_PER_CLIENT
    output = real_app.log.read_text(encoding="utf-8", errors="replace")
    assert not [q for _, _, q in QUESTIONS if q in output], "a question reached the server's output"


@pytest.mark.parametrize("role, question", [
    pytest.param(role, q, id=f"{role}-{i}")
    for role, examples in EXAMPLES.items() for i, q in enumerate(examples)
])
def test_the_apps_own_example_questions_are_answered_not_routed(real_app, no_network, role, question):
    client = real_app.client()  # a new session each: no earlier turn to lean on
    try:
        chat, notice, _ = real_app.ask(client, question, role)
    finally:
        client.close()
    assert route_shown(chat, notice) in ("answer", "not_covered") and notice == ""
