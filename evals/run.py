"""`policy-assistant eval`: the whole evaluation suite in one process, a Markdown report and a chart.

Runs the project's pipeline and its peers on evals/data/questions.jsonl, the follow-up conversations
and the router's labelled set, compares every figure with evals/floors.py and exits non-zero when
one falls short. Peers, on the same questions and the same embedding model: the LangChain tutorial
recipe (1,000-character recursive chunks, 200 overlap, Chroma, top-k), BM25 alone over our clauses,
and dense-only over our clauses.

What this module does not do: define metrics (``evals.metrics``, pure functions) or floors
(``evals.floors``); it loads, runs, measures and writes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from evals import cross_policy as cross_policy_suite
from evals import floors
from evals.data_files import DATA, load_jsonl
from evals.metrics import (
    citation_is_exact,
    hit_at_k,
    mean,
    percentile,
    rate,
    resolve_gold,
)
from evals.peers import peers, score_ranking
from evals.report import render_markdown, write_chart
from evals.router_suite import blind_floor_checks, evaluate_blind, evaluate_router


@dataclass
class Report:
    figures: dict = field(default_factory=dict)
    systems: list = field(default_factory=list)
    misses: list = field(default_factory=list)
    router_misses: list = field(default_factory=list)
    blind_wrong: list = field(default_factory=list)
    label_problems: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    cross_policy: list = field(default_factory=list)  # evals.cross_policy.FolderResult per organisation


def _source_text(clauses, policy_dir: Path) -> dict[str, str]:
    """Each document's text as pypdf extracts it, normalised (bullet glyphs out, spaces collapsed).

    Read independently of the clause parser, so a parser that altered words would fail here.
    """
    from ingest.load import load_document

    out = {}
    for document in sorted({c.document for c in clauses}):
        path = Path(policy_dir) / document
        if not path.exists():
            continue
        if path.suffix.lower() == ".pdf":
            import pypdf

            raw = " ".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)
            out[document] = " ".join(raw.replace("\uf0b7", " ").split())
        else:
            out[document] = " ".join(" ".join(b.text.split()) for b in load_document(path).blocks)
    return out


def run(settings, with_peers: bool = True, progress=None, cross_policy: Path | None = None) -> Report:
    """The whole suite. ``cross_policy``: the folder of other organisations' policies (default
    ../shared/policies-dev when it is there; a missing folder skips that suite and says so)."""
    from assistant.pipeline import open_assistant

    report = Report()
    # open_assistant re-ingests first when the policy folder changed since the index was built, so
    # the figures are always for the policy as it is now.
    assistant = open_assistant(settings, progress=progress)
    retriever = assistant.retriever
    clauses = retriever.clauses
    clause_text = {c.clause_id: c.full_text for c in clauses}
    questions = load_jsonl(DATA / "questions.jsonl")
    answerable = [q for q in questions if q["answerable"]]
    out_of_scope = [q for q in questions if not q["answerable"]]
    for q in answerable:
        _, problems = resolve_gold(q["gold"], q["gold_text"], clause_text)
        report.label_problems.extend(f"{q['id']}: {p}" for p in problems)

    # The project's pipeline, end to end through Assistant.ask (router first, as users get it).
    route_times: dict[str, list[float]] = {"answer": [], "not_covered": [], "disclosure": []}
    answers = {}
    for q in questions:
        started = time.perf_counter()
        answer = assistant.ask(q["question"], role=q["role"])
        route_times[answer.route].append((time.perf_counter() - started) * 1000)
        answers[q["id"]] = answer
    sources = _source_text(clauses, settings.policy_dir)
    exact = [citation_is_exact(c.text, sources.get(c.document, "")) for a in answers.values() for c in a.citations]

    ours, misses = score_ranking(
        "this project (hybrid, clause-level)",
        answerable,
        lambda text: [h.clause.clause_id for h in retriever.search(text, settings.top_k).hits],
        lambda ranked: 0.0,
        clause_text,
    )
    cited = [sum(len(c.text) for c in answers[q["id"]].citations) for q in answerable if answers[q["id"]].route == "answer"]
    ours.cited_chars = mean(cited)
    report.systems.append(ours)
    report.misses = misses
    report.figures.update(
        hit_at_1=ours.hit1, hit_at_3=ours.hit3, mrr=ours.mrr,
        citation_exactness=rate(exact) if exact else 1.0,
        abstain_out_of_scope=rate(answers[q["id"]].route == "not_covered" for q in out_of_scope),
        abstain_answerable=rate(answers[q["id"]].route == "not_covered" for q in answerable),
        routed_policy_questions=rate(answers[q["id"]].route == "disclosure" for q in questions),
    )
    # Out-of-scope questions written blind (never used to choose a setting): how abstention holds
    # beyond the set it was calibrated on, overall and per kind.
    blind = load_jsonl(DATA / "out_of_scope_blind.jsonl")
    blind_abstained = {q["id"]: assistant.ask(q["question"]).route == "not_covered" for q in blind}
    report.figures["abstain_blind_out_of_scope"] = rate(blind_abstained.values())
    for kind in dict.fromkeys(q["kind"] for q in blind):
        report.figures[f"abstain_blind_{kind.replace('-', '_')}"] = rate(blind_abstained[q["id"]] for q in blind if q["kind"] == kind)
    for route, times in route_times.items():
        report.figures[f"latency_{route}_p50_ms"] = percentile(times, 50)
        report.figures[f"latency_{route}_p95_ms"] = percentile(times, 95)

    # Follow-up conversations: the last turn's top clause, in context.
    conversations = load_jsonl(DATA / "conversations.jsonl")
    follow_hits = []
    for conv in conversations:
        history: list[dict] = []
        for turn in conv["turns"]:
            answer = assistant.ask(turn["question"], role=conv["role"], history=history)
            if history and turn["answerable"]:
                gold, _ = resolve_gold(turn["gold"], turn["gold_text"], clause_text)
                top = [c.clause_id for c in answer.citations]
                follow_hits.append(hit_at_k(top, gold, 3))
            history += [{"role": "user", "content": turn["question"]}, {"role": "assistant", "content": answer.answer}]
    report.figures["follow_up_hit_at_3"] = rate(follow_hits)

    # The router on its labelled set (every item; the test split is reported separately).
    figures, report.router_misses = evaluate_router(assistant.router)
    report.figures.update(figures)
    blind, report.blind_wrong = evaluate_blind(assistant.router)
    report.figures.update(blind)

    if with_peers:
        report.systems.extend(peers(settings, answerable, clauses, clause_text, retriever))
    report.figures.update(_without_examples(settings, answerable, progress))
    root = cross_policy or cross_policy_suite.SHARED_SUITE
    if root.is_dir():
        report.cross_policy = cross_policy_suite.run_suite(settings, root, with_recipe=with_peers, progress=progress)
        report.figures.update(cross_policy_suite.figures(report.cross_policy))
    report.failures = check_floors(report.figures)
    return report


def _without_examples(settings, answerable: list[dict], progress=None) -> dict:
    """The shipped policy as a new organisation would have it: its documents alone, no example questions
    (a temporary index), on the same answerable questions: what retrieval does without them."""
    import shutil
    import tempfile
    from dataclasses import replace

    from assistant.pipeline import open_assistant
    from ingest.load import find_documents

    with tempfile.TemporaryDirectory(prefix="no-examples-") as tmp:
        folder = Path(tmp) / "policy_docs"
        folder.mkdir()
        for path in find_documents(settings.policy_dir):
            shutil.copy(path, folder / path.name)
        plain = open_assistant(replace(settings, policy_dir=folder, data_dir=Path(tmp) / "data", chroma_url="",
                                       collection="no-examples"), progress=progress)
        clause_text = {c.clause_id: c.full_text for c in plain.clauses}
        hits1, hits3 = [], []
        for q in answerable:
            gold, _ = resolve_gold(q["gold"], q["gold_text"], clause_text)
            cited = [c.clause_id for c in plain.ask(q["question"], role=q["role"]).citations]
            hits1.append(hit_at_k(cited, gold, 1))
            hits3.append(hit_at_k(cited, gold, 3))
    return {"no_examples_hit_at_1": rate(hits1), "no_examples_hit_at_3": rate(hits3)}


def check_floors(figures: dict) -> list[str]:
    checks = [
        ("hit_at_1", ">=", floors.HIT_AT_1_MIN), ("hit_at_3", ">=", floors.HIT_AT_3_MIN), ("mrr", ">=", floors.MRR_MIN),
        ("citation_exactness", ">=", floors.CITATION_EXACTNESS_MIN),
        ("abstain_out_of_scope", ">=", floors.ABSTAIN_OUT_OF_SCOPE_MIN),
        ("abstain_answerable", "<=", floors.ABSTAIN_ANSWERABLE_MAX),
        ("abstain_blind_out_of_scope", ">=", floors.ABSTAIN_BLIND_OUT_OF_SCOPE_MIN),
        ("router_recall_core", ">=", floors.ROUTER_CORE_RECALL_MIN), ("router_recall", ">=", floors.ROUTER_RECALL_MIN),
        ("router_min_slice_recall", ">=", floors.ROUTER_SLICE_RECALL_MIN),
        ("router_fpr_policy", "<=", floors.ROUTER_FPR_POLICY_MAX),
        ("router_fpr_hard_negative", "<=", floors.ROUTER_FPR_HARD_NEGATIVE_MAX),
        *blind_floor_checks(),
        ("no_examples_hit_at_1", ">=", floors.NO_EXAMPLES_HIT_AT_1_MIN),
        ("cross_hit_at_1", ">=", floors.CROSS_HIT_AT_1_MIN), ("cross_hit_at_3", ">=", floors.CROSS_HIT_AT_3_MIN),
        ("cross_abstain_out_of_scope", ">=", floors.CROSS_ABSTAIN_OUT_OF_SCOPE_MIN),
        ("cross_abstain_answerable", "<=", floors.CROSS_ABSTAIN_ANSWERABLE_MAX),
        ("cross_routed", "<=", floors.CROSS_ROUTED_MAX),
        ("cross_not_verbatim", "<=", 0.0),
    ]
    failures = []
    for name, op, bound in checks:
        if name not in figures and name.startswith(("router_blind_", "cross_", "no_examples_")):
            continue  # a partial figure set (a unit test), or no ../shared/policies-dev beside the project
        value = figures[name]
        ok = value >= bound - 1e-9 if op == ">=" else value <= bound + 1e-9
        if not ok:
            failures.append(f"{name} = {value:.3f}, floor {op} {bound:.3f}")
    return failures


def main(settings, args: argparse.Namespace, progress=None) -> int:
    out = Path(args.out) if getattr(args, "out", None) else settings.data_dir / "reports"
    out.mkdir(parents=True, exist_ok=True)
    cross = Path(args.cross_policy) if getattr(args, "cross_policy", None) else None
    report = run(settings, with_peers=not getattr(args, "no_peers", False), progress=progress, cross_policy=cross)
    (out / "eval-report.md").write_text(render_markdown(report), encoding="utf-8")
    write_chart(report, out / "eval-chart.png")
    figures = {k: v for k, v in report.figures.items() if isinstance(v, float)}
    (out / "eval-figures.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"Report: {out / 'eval-report.md'}  Chart: {out / 'eval-chart.png'}")
    for key in ("hit_at_1", "hit_at_3", "mrr", "abstain_out_of_scope", "abstain_answerable", "no_examples_hit_at_1",
                "cross_hit_at_1", "cross_hit_at_3", "cross_abstain_out_of_scope", "cross_abstain_answerable",
                "router_recall", "router_fpr_hard_negative"):
        if key in figures:
            print(f"  {key}: {figures[key]:.3f}")
    for failure in report.failures:
        print(f"BELOW FLOOR: {failure}", file=sys.stderr)
    return 1 if report.failures else 0
