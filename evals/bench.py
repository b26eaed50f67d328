"""`python -m evals.bench`: how fast the assistant starts, answers and ingests, and how much memory it needs.

Figures, each the median of several runs (3 by default; ``--quick`` runs each once, ``--runs N``):

- cold start: ``policy-assistant ask "..."`` in a fresh process, with an index already built, until
  it exits; and ``policy-assistant serve --no-browser`` until its HTTP port answers;
- warm answer latency p50/p95: ``Assistant.ask`` over 100 questions spread across
  evals/data/questions.jsonl, in one process, after a warm-up;
- router latency p50/p95: ``router.route`` over every text in evals/data/router.jsonl;
- ingest time, after the embedding model is loaded: the shipped policy_docs/, and a synthetic policy
  corpus of 1,000 pages (``evals.synthetic``), with clauses per second, where the time goes (parsing,
  embedding, the rest: Chroma writes) and the ingest process's peak memory;
- peak memory while serving: the RSS high-water mark of a process that built the assistant and
  answered the warm set, and of the server process.

Anything heavy runs in a child process (``evals.bench_workers``), so every process
starts cold and its RSS high-water mark (``os.wait4``'s ru_maxrss) is its own. Every index is built
in a temporary data directory, removed at the end: the user's index is never touched. The report
(a Markdown table and the figures as JSON) goes to stdout and to <data dir>/reports/bench.md and
bench.json.

What this module does not do: fail. Figures are compared with the speed floors in evals/floors.py
and a miss is reported, but the exit status is 0 whenever the benchmark itself ran (the floors that
gate CI are the quality ones, in ``policy-assistant eval``). It never prints a question's text.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.settings import apply_offline_switches, load_settings

# Before anything heavy is imported, here or in the child processes (they inherit this environment).
apply_offline_switches()

from evals import floors  # noqa: E402  (after the switches, on purpose)
from evals.bench_workers import (  # noqa: E402
    WorkerFailed,
    child_env,
    cli_command,
    run_child,
    run_worker,
    time_server_start,
    warm_questions,
)

SYNTHETIC_PAGES = 1000
SYNTHETIC_DOCUMENTS = 20


# --- figures -----------------------------------------------------------------------------------


@dataclass
class Figure:
    key: str
    label: str
    unit: str
    runs: list[float] = field(default_factory=list)
    floor: float | None = None  # an upper bound from evals/floors.py, or None when there is none
    floor_name: str = ""
    unavailable: str = ""  # why there is no figure, when there is none

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def met(self) -> bool | None:
        if self.floor is None or self.median is None:
            return None
        return self.median <= self.floor

    def to_dict(self) -> dict:
        return {**asdict(self), "median": self.median, "met": self.met}


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("ms",):
        return f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.0f} {unit}".rstrip()


def render_table(figures: list[Figure]) -> str:
    lines = ["| Figure | Median | Floor | Met? |", "|---|---|---|---|"]
    for f in figures:
        floor = f"at most {_fmt(f.floor, f.unit)}" if f.floor is not None else "-"
        if f.unavailable:
            lines.append(f"| {f.label} | not available ({f.unavailable}) | {floor} | - |")
            continue
        met = {True: "yes", False: "**no**", None: "-"}[f.met]
        lines.append(f"| {f.label} | {_fmt(f.median, f.unit)} | {floor} | {met} |")
    return "\n".join(lines)


# --- the machine -------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# --- the benchmark -------------------------------------------------------------------------------


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench(runs: int, skip_synthetic: bool) -> dict:
    started = time.perf_counter()
    settings = load_settings()
    policy_dir = settings.policy_dir.resolve()
    info = {"machine": machine(), "runs": runs, "policy_dir": str(policy_dir)}
    say(f"Benchmark: {runs} run(s) per figure on {info['machine']['cpu']} ({info['machine']['usable_cores']} cores).")
    figures = {
        "cli": Figure("one_shot_cli_s", "Cold start: `ask` one-shot, fresh process", "s",
                      floor=floors.ONE_SHOT_CLI_S_MAX, floor_name="ONE_SHOT_CLI_S_MAX"),
        "server": Figure("server_start_s", "Cold start: `serve` until the port answers", "s"),
        "warm_p50": Figure("warm_p50_ms", "Warm answer latency p50", "ms"),
        "warm_p95": Figure("warm_p95_ms", "Warm answer latency p95", "ms",
                           floor=floors.WARM_P95_MS_MAX, floor_name="WARM_P95_MS_MAX"),
        "router_p50": Figure("router_p50_ms", "Router latency p50", "ms"),
        "router_p95": Figure("router_p95_ms", "Router latency p95", "ms",
                             floor=floors.ROUTER_P95_MS_MAX, floor_name="ROUTER_P95_MS_MAX"),
        "ingest_shipped": Figure("ingest_shipped_s", "Ingest policy_docs/ (model loaded)", "s"),
        "ingest_synthetic": Figure("ingest_1000_pages_s", "Ingest 1,000 synthetic pages (default settings, model loaded)", "s",
                                   floor=floors.INGEST_1000_PAGES_S_MAX, floor_name="INGEST_1000_PAGES_S_MAX"),
        "synthetic_rate": Figure("ingest_1000_pages_clauses_per_s", "  of which clauses per second", "clauses/s"),
        "synthetic_peak": Figure("ingest_1000_pages_peak_mb", "  peak memory of the ingest process", "MB"),
        "serving_peak": Figure("serving_peak_mb", "Peak memory: built + answered warm set", "MB",
                               floor=floors.SERVING_PEAK_MB_MAX, floor_name="SERVING_PEAK_MB_MAX"),
        "server_peak": Figure("server_peak_mb", "Peak memory: `serve` process once its port answers", "MB",
                              floor=floors.SERVING_PEAK_MB_MAX, floor_name="SERVING_PEAK_MB_MAX"),
    }
    details: dict = {}
    root = Path(tempfile.mkdtemp(prefix="policy-assistant-bench-"))
    # Every run and child shares one folder of built models, as one machine does: a cold start
    # measures loading the model, never building it (the ingest worker builds it, untimed).
    models = {"models_dir": str(settings.models_dir or root / "models")}
    try:
        # 1. Ingest the shipped policy; the last run's index serves the cold-start and warm figures.
        say("Ingesting policy_docs/ ...")
        shipped_root = root / "shipped"
        index_dir = shipped_root / f"run-{runs}"
        try:
            payload, child = run_worker("ingest", child_env(shipped_root / "unused", policy_dir, **models), root / "ingest.json",
                                        "--runs", str(runs), "--data-root", str(shipped_root))
            figures["ingest_shipped"].runs = [r["seconds"] for r in payload["runs"]]
            details["ingest_shipped"] = {**payload, "process_peak_mb": child.peak_mb, "process_seconds": child.seconds}
        except WorkerFailed as exc:
            figures["ingest_shipped"].unavailable = str(exc)
        built = (index_dir / "chroma").is_dir()
        env = child_env(index_dir, policy_dir, **models)

        # 2. Cold start: one-shot CLI.
        question = next((q["question"] for q in warm_questions() if q.get("answerable")), "what is this policy for?")
        if not built:
            figures["cli"].unavailable = "no index was built"
        for run in range(runs if built else 0):
            child = run_child(cli_command() + ["ask", "--role", "staff", question], env, timeout=300)
            if child.returncode != 0:
                figures["cli"].unavailable = child.stderr_tail or f"exit status {child.returncode}"
                figures["cli"].runs = []
                break
            figures["cli"].runs.append(child.seconds)
            details.setdefault("cli_peak_mb", []).append(child.peak_mb)
            say(f"  ask one-shot run {run + 1}: {child.seconds:.2f} s")

        # 3. Cold start: the server, once the app exists.
        if importlib.util.find_spec("assistant.ui.app") is None:
            for key in ("server", "server_peak"):
                figures[key].unavailable = "assistant/ui/app.py does not exist yet"
        elif not built:
            for key in ("server", "server_peak"):
                figures[key].unavailable = "no index was built"
        else:
            for run in range(runs):
                try:
                    seconds, peak = time_server_start(env)
                except WorkerFailed as exc:
                    for key in ("server", "server_peak"):
                        figures[key].unavailable = str(exc)
                        figures[key].runs = []
                    break
                figures["server"].runs.append(seconds)
                figures["server_peak"].runs.append(peak)
                say(f"  serve run {run + 1}: port answered after {seconds:.2f} s")

        # 4. Warm latency, router latency and serving memory, in one process.
        say("Warm answers and router ...")
        try:
            if not built:
                raise WorkerFailed("no index was built")
            payload, child = run_worker("serve", env, root / "serve.json", "--runs", str(runs))
            figures["warm_p50"].runs = [p["p50_ms"] for p in payload["passes"]]
            figures["warm_p95"].runs = [p["p95_ms"] for p in payload["passes"]]
            figures["router_p50"].runs = [p["p50_ms"] for p in payload["router_passes"]]
            figures["router_p95"].runs = [p["p95_ms"] for p in payload["router_passes"]]
            figures["serving_peak"].runs = [payload["serving_peak_mb"]]
            details["serve"] = {**payload, "process_peak_mb": child.peak_mb}
        except WorkerFailed as exc:
            for key in ("warm_p50", "warm_p95", "router_p50", "router_p95", "serving_peak"):
                figures[key].unavailable = str(exc)

        # 5. The synthetic 1,000-page corpus: one fresh process per run, for its own peak memory.
        if skip_synthetic:
            for key in ("ingest_synthetic", "synthetic_rate", "synthetic_peak"):
                figures[key].unavailable = "skipped (--skip-synthetic)"
        else:
            from evals.synthetic import write_corpus

            corpus = root / "synthetic-docs"
            t = time.perf_counter()
            stats = write_corpus(corpus, pages=SYNTHETIC_PAGES, documents=SYNTHETIC_DOCUMENTS)
            details["synthetic_corpus"] = {**asdict(stats), "generate_seconds": time.perf_counter() - t}
            details["synthetic_runs"] = []
            for run in range(runs):
                say(f"Ingesting {SYNTHETIC_PAGES:,} synthetic pages, run {run + 1} of {runs} ...")
                data_root = root / f"synthetic-{run + 1}"
                try:
                    # Default settings: the floor is for what an organisation gets without tuning
                    # (`quantized_ingest = true` is about twice as fast; README).
                    env = child_env(data_root, corpus, **models)
                    payload, child = run_worker("ingest", env, root / f"synthetic-{run + 1}.json",
                                                "--runs", "1", "--data-root", str(data_root))
                except WorkerFailed as exc:
                    for key in ("ingest_synthetic", "synthetic_rate", "synthetic_peak"):
                        figures[key].unavailable = str(exc)
                        figures[key].runs = []
                    break
                finally:
                    shutil.rmtree(data_root, ignore_errors=True)
                result = payload["runs"][0]
                figures["ingest_synthetic"].runs.append(result["seconds"])
                figures["synthetic_rate"].runs.append(result["clauses"] / result["seconds"])
                figures["synthetic_peak"].runs.append(child.peak_mb)
                details["synthetic_runs"].append({**result, "model_load_seconds": payload["model_load_seconds"],
                                                  "peak_mb": child.peak_mb})
                say(f"  {result['clauses']:,} clauses in {result['seconds']:.1f} s (embedding {result['embed_seconds']:.1f} s, "
                    f"parsing {result['parse_seconds']:.1f} s, Chroma and the rest {result['store_seconds']:.1f} s)")
    finally:
        shutil.rmtree(root, ignore_errors=True)

    info["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    info["total_seconds"] = time.perf_counter() - started
    return {"info": info, "figures": [f.to_dict() for f in figures.values()], "details": details,
            "_figures": list(figures.values())}


def render_report(result: dict) -> str:
    info, details = result["info"], result["details"]
    m = info["machine"]
    lines = [
        "# Benchmark",
        "",
        f"Machine: {m['cpu']}, {m['usable_cores']} usable cores of {m['cores']}, {m['memory_gib']} GiB, "
        f"Python {m['python']}. Load average {m['load_average_at_start'][0]} at start, "
        f"{m['load_average_at_end'][0]} at end (other work on the machine slows every figure).",
        f"Median of {info['runs']} run(s) per figure; the whole benchmark took {info['total_seconds']:.0f} s.",
        "",
        render_table(result["_figures"]),
    ]
    stages = details.get("synthetic_runs") or []
    if stages:
        mid = sorted(stages, key=lambda r: r["seconds"])[len(stages) // 2]
        corpus = details["synthetic_corpus"]
        lines += [
            "",
            f"Synthetic corpus: {corpus['documents']} Markdown documents, {corpus['pages']:,} pages, "
            f"{corpus['characters']:,} characters, {mid['clauses']:,} clauses, of which {mid.get('texts_embedded', 0):,} distinct "
            f"texts needed an embedding (a line repeated word for word across documents is embedded once).",
            f"Where the median ingest run's {mid['seconds']:.1f} s went: embedding {mid['embed_seconds']:.1f} s "
            f"({mid['embed_seconds'] / mid['seconds']:.0%}), parsing {mid['parse_seconds']:.1f} s, "
            f"Chroma writes and the rest {mid['store_seconds']:.1f} s. Model load before it: {mid['model_load_seconds']:.1f} s.",
        ]
    shipped = details.get("ingest_shipped")
    if shipped:
        first = shipped["runs"][0]
        mid = sorted(shipped["runs"], key=lambda r: r["seconds"])[len(shipped["runs"]) // 2]
        lines.append(f"Shipped policy: {first['clauses']} clauses from {first['documents']} document(s); median run "
                     f"{mid['seconds']:.2f} s = embedding {mid['embed_seconds']:.2f} s, parsing {mid['parse_seconds']:.2f} s, "
                     f"Chroma and the rest {mid['store_seconds']:.2f} s; model load {shipped['model_load_seconds']:.1f} s before it.")
    serve = details.get("serve")
    if serve:
        p95s = ", ".join(f"{p['p95_ms']:.1f}" for p in serve["passes"])
        lines.append(f"Warm set: {serve['questions']} questions ({serve['answerable']} answerable), routes {serve['routes']} "
                     f"over all passes; p95 per pass {p95s} ms; assistant built in {serve['build_seconds']:.2f} s. "
                     f"Router set: {serve['router_texts']} texts.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run of each figure")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is reported (default 3)")
    parser.add_argument("--skip-synthetic", action="store_true", help="skip the 1,000-page synthetic ingest")
    args = parser.parse_args(argv)

    runs = 1 if args.quick else max(1, args.runs)
    result = bench(runs, args.skip_synthetic)
    report = render_report(result)
    print(report)
    out = load_settings().data_dir / "reports"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.md").write_text(report, encoding="utf-8")
    payload = {k: v for k, v in result.items() if not k.startswith("_")}
    (out / "bench.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    say(f"Written to {out / 'bench.md'} and {out / 'bench.json'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
