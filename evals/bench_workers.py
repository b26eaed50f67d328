"""The benchmark's child processes: how ``evals.bench`` starts and times them, and what they measure.

``python -m evals.bench_workers ingest|serve --out FILE`` runs one measuring child: it runs in a fresh
process (so every process starts cold and its RSS high-water mark is its own), measures one thing, and
writes its figures as JSON to ``--out``; an error becomes ``{"error": "..."}``, which the parent
reports as "not available". ``run_child``, ``run_worker`` and ``time_server_start`` are the parent's
side. Nothing here prints a question's text.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.settings import apply_offline_switches, load_settings

apply_offline_switches()  # before anything heavy is imported

from evals.metrics import percentile  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SERVER_START_TIMEOUT_S = 180.0
CHILD_TIMEOUT_S = 1800.0
DATA = Path(__file__).parent / "data"
WARM_SET_SIZE = 100
WARM_UP_QUESTIONS = 10
WARM_UP_ROUTES = 20


class WorkerFailed(Exception):
    """A measuring child process exited without its figures; the message says why, in one line."""


@dataclass(frozen=True)
class ChildResult:
    returncode: int
    seconds: float  # wall time from spawn to exit
    peak_mb: float  # the child's own RSS high-water mark
    stderr_tail: str


def run_child(cmd: list[str], env: dict[str, str], timeout: float = CHILD_TIMEOUT_S) -> ChildResult:
    """Run a command to completion, timing it and reading its own peak RSS (not its siblings')."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            # os.wait4, not Popen.wait: it also returns this child's resource usage.
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()
    return ChildResult(process.returncode, seconds, usage.ru_maxrss / 1024, tail[-1] if tail else "")


def child_env(data_dir: Path, policy_dir: Path, **settings: str) -> dict[str, str]:
    env = dict(os.environ)
    for name, value in settings.items():
        env[f"POLICY_ASSISTANT_{name.upper()}"] = value
    env["POLICY_ASSISTANT_DATA_DIR"] = str(data_dir)
    env["POLICY_ASSISTANT_POLICY_DIR"] = str(policy_dir)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def run_worker(name: str, env: dict[str, str], out: Path, *args: str) -> tuple[dict, ChildResult]:
    result = run_child([sys.executable, "-m", "evals.bench_workers", name, "--out", str(out), *args], env)
    try:
        payload = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        payload = {"error": result.stderr_tail or f"exit status {result.returncode}"}
    if "error" in payload:
        raise WorkerFailed(payload["error"])
    return payload, result


def cli_command() -> list[str]:
    script = Path(sys.executable).parent / "policy-assistant"
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_server_start(env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawning ``serve`` until its port answers HTTP, and the server's peak RSS (MB)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(cli_command() + ["serve", "--no-browser", "--port", str(port)], env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        seconds = None
        try:
            while time.perf_counter() - started < SERVER_START_TIMEOUT_S:
                if process.poll() is not None:
                    err.seek(0)
                    tail = err.read().decode("utf-8", "replace").strip().splitlines()
                    raise WorkerFailed(tail[-1] if tail else f"serve exited with status {process.returncode}")
                try:
                    urllib.request.urlopen(url, timeout=2).read()
                    seconds = time.perf_counter() - started
                except urllib.error.HTTPError:  # an HTTP error status is still an answer
                    seconds = time.perf_counter() - started
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                    time.sleep(0.1)
                    continue
                break
            if seconds is None:
                raise WorkerFailed(f"the port did not answer within {SERVER_START_TIMEOUT_S:.0f} s")
            peak = vm_hwm_mb(process.pid)
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    return seconds, peak or 0.0


def vm_hwm_mb(pid: int | str = "self") -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class TimedEmbedder:
    """Wraps an embedder to add up the time spent embedding, so ingest time can be split by stage."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.seconds = 0.0

    def embed_documents(self, texts):
        started = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - started

    def embed_query(self, text):
        return self.embed_documents([text])[0]


def worker_ingest(args: argparse.Namespace) -> dict:
    """Load the model, then time ``ingest`` of the policy folder into fresh data dirs, ``runs`` times."""
    from unittest import mock

    import ingest.index as index_module
    from assistant.embedding import document_embedder

    settings = load_settings()
    started = time.perf_counter()
    embedder = TimedEmbedder(document_embedder(settings))
    embedder.embed_documents(["warm-up"])  # loads sentence-transformers and the model
    # Imported now so that neither counts as ingest time (chromadb ~1 s; pypdf for the PDF path).
    import chromadb  # noqa: F401
    import pypdf  # noqa: F401

    load_seconds = time.perf_counter() - started
    parse = {"seconds": 0.0}
    collect_clauses = index_module.collect_clauses

    def timed_collect_clauses(policy_dir):
        # The parsing stage, timed where ingest calls it, so the split adds up to its total.
        t = time.perf_counter()
        try:
            return collect_clauses(policy_dir)
        finally:
            parse["seconds"] += time.perf_counter() - t

    runs = []
    with mock.patch.object(index_module, "collect_clauses", timed_collect_clauses):
        for run in range(args.runs):
            data_dir = Path(args.data_root) / f"run-{run + 1}"
            shutil.rmtree(data_dir, ignore_errors=True)
            parse["seconds"] = embedder.seconds = 0.0
            run_settings = replace(settings, data_dir=data_dir)
            report = index_module.ingest(run_settings.policy_dir, run_settings.store, embedder,
                                         max_facets=run_settings.max_facet_texts)
            runs.append({
                "seconds": report.seconds,
                "clauses": report.clauses,
                "texts_embedded": report.texts_embedded,
                "documents": len(report.documents),
                "skipped": len(report.skipped),
                "parse_seconds": parse["seconds"],
                "embed_seconds": embedder.seconds,
                "store_seconds": report.seconds - parse["seconds"] - embedder.seconds,
            })
    return {"model_load_seconds": load_seconds, "runs": runs, "peak_mb": vm_hwm_mb()}


def warm_questions() -> list[dict]:
    """100 questions spread evenly over the file: every style, answerable and out of scope."""
    questions = [json.loads(line) for line in (DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    if len(questions) <= WARM_SET_SIZE:
        return questions
    return [questions[i * len(questions) // WARM_SET_SIZE] for i in range(WARM_SET_SIZE)]


def worker_serve(args: argparse.Namespace) -> dict:
    """Build the assistant, answer the warm set ``runs`` times, then time the router alone."""
    from assistant.pipeline import open_assistant

    settings = load_settings()
    started = time.perf_counter()
    assistant = open_assistant(settings)
    build_seconds = time.perf_counter() - started
    questions = warm_questions()
    for q in questions[:WARM_UP_QUESTIONS]:
        assistant.ask(q["question"], role=q.get("role", "staff"))
    passes, routes = [], {}
    for _ in range(args.runs):
        times = []
        for q in questions:
            t = time.perf_counter()
            answer = assistant.ask(q["question"], role=q.get("role", "staff"))
            times.append((time.perf_counter() - t) * 1000)
            routes[answer.route] = routes.get(answer.route, 0) + 1
        passes.append({"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "max_ms": max(times)})
    serving_peak = vm_hwm_mb()  # read before the router pass, which is not serving

    # A copy that remembers nothing: the live router remembers messages by hash (for conversations),
    # so timing the same texts again would time a lookup, not a reading.
    live = assistant.router
    router = type(live)(live.lexicon, live.scorer, languages=live.languages, reader=live.reader,
                        identifier=live.identifier, max_chars=live.max_chars, cache_size=0)
    texts = [json.loads(line)["text"] for line in (DATA / "router.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    for text in texts[:WARM_UP_ROUTES]:
        router.route(text, ())
    router_passes = []
    for _ in range(args.runs):
        times = []
        for text in texts:
            t = time.perf_counter()
            router.route(text, ())
            times.append((time.perf_counter() - t) * 1000)
        router_passes.append({"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "max_ms": max(times)})
    return {
        "build_seconds": build_seconds,
        "questions": len(questions),
        "answerable": sum(1 for q in questions if q.get("answerable")),
        "routes": routes,
        "passes": passes,
        "router_texts": len(texts),
        "router_passes": router_passes,
        "serving_peak_mb": serving_peak,
    }


WORKERS = {"ingest": worker_ingest, "serve": worker_serve}


def worker_main(args: argparse.Namespace) -> int:
    out = Path(args.out)
    try:
        payload = WORKERS[args.worker](args)
    except Exception as exc:  # reported by the parent as "not available (reason)"
        payload = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0][:300]}
    out.write_text(json.dumps(payload), encoding="utf-8")
    return 0 if "error" not in payload else 1




def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench_workers")
    parser.add_argument("worker", choices=sorted(WORKERS))
    parser.add_argument("--out", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--data-root")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 1
    return worker_main(args)


if __name__ == "__main__":
    sys.exit(main())
