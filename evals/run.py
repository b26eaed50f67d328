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

from evals import floors
from evals.data_files import DATA, load_jsonl
from evals.metrics import (
    citation_is_exact,
    hit_at_k,
    mean,
    percentile,
    rate,
    reciprocal_rank,
    resolve_gold,
)
from evals.router_suite import blind_floor_checks, evaluate_blind, evaluate_router, render_blind


@dataclass
class SystemResult:
    name: str
    hit1: float = 0.0
    hit3: float = 0.0
    mrr: float = 0.0
    cited_chars: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0


@dataclass
class Report:
    figures: dict = field(default_factory=dict)
    systems: list = field(default_factory=list)
    misses: list = field(default_factory=list)
    router_misses: list = field(default_factory=list)
    blind_wrong: list = field(default_factory=list)
    label_problems: list = field(default_factory=list)
    failures: list = field(default_factory=list)


def _score_ranking(name, questions, rank_fn, cited_fn, clause_text) -> tuple[SystemResult, list]:
    result = SystemResult(name)
    hits1, hits3, rrs, chars, times, misses = [], [], [], [], [], []
    for q in questions:
        gold, _ = resolve_gold(q["gold"], q["gold_text"], clause_text)
        started = time.perf_counter()
        ranked = rank_fn(q["question"])
        times.append((time.perf_counter() - started) * 1000)
        hits1.append(hit_at_k(ranked, gold, 1))
        hits3.append(hit_at_k(ranked, gold, 3))
        rrs.append(reciprocal_rank(ranked, gold))
        chars.append(cited_fn(ranked))
        if not hits1[-1]:
            misses.append((q["id"], q["gold"], ranked[:3]))
    result.hit1, result.hit3, result.mrr = rate(hits1), rate(hits3), mean(rrs)
    result.cited_chars, result.p50_ms, result.p95_ms = mean(chars), percentile(times, 50), percentile(times, 95)
    return result, misses


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


def run(settings, with_peers: bool = True, progress=None) -> Report:
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

    ours, misses = _score_ranking(
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
        report.systems.extend(_peers(settings, answerable, clauses, clause_text, retriever))
    report.failures = check_floors(report.figures)
    return report


def _peers(settings, answerable, clauses, clause_text, retriever) -> list[SystemResult]:
    from rank_bm25 import BM25Okapi

    from assistant.retrieve import tokenize

    results = []
    corpus = [tokenize(c.full_text) for c in clauses]
    bm25 = BM25Okapi(corpus)
    ids = [c.clause_id for c in clauses]
    length = {c.clause_id: len(c.full_text) for c in clauses}

    def bm25_rank(text):
        scores = bm25.get_scores(tokenize(text))
        return [ids[i] for i in sorted(range(len(ids)), key=lambda i: -scores[i])][:8]

    results.append(_score_ranking("BM25 alone (clauses)", answerable, bm25_rank, lambda r: length.get(r[0], 0), clause_text)[0])

    def dense_rank(text):
        scores, _ = retriever._dense_scores(text)  # the clauses' own words, without example questions
        return [ids[i] for i in sorted(range(len(ids)), key=lambda i: -scores[i])][:8]

    results.append(_score_ranking("dense only (clauses)", answerable, dense_rank, lambda r: length.get(r[0], 0), clause_text)[0])
    results.append(_tutorial_recipe(settings, answerable, clauses, clause_text))
    return results


def _tutorial_recipe(settings, answerable, clauses, clause_text) -> SystemResult:
    """The LangChain tutorial: load the PDF, 1,000/200 recursive chunks, Chroma, same model, top-k."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    import pypdf

    from assistant.embedding import document_embedder, query_embedder

    class _Embeddings:  # the LangChain Embeddings shape over our model
        def __init__(self):
            self.doc, self.query = document_embedder(settings), query_embedder(settings)

        def embed_documents(self, texts):
            return self.doc.embed_documents(texts)

        def embed_query(self, text):
            return self.query.embed_query(text)

    pages = []
    for path in sorted(Path(settings.policy_dir).glob("*.pdf")):
        for i, page in enumerate(pypdf.PdfReader(str(path)).pages):
            pages.append(Document(page_content=page.extract_text(), metadata={"source": path.name, "page": i}))
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(pages)
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(collection_name="tutorial-peer", embedding_function=_Embeddings(), client=client)
    store.add_documents(chunks)

    def norm(t):
        return " ".join(t.replace("\uf0b7", " ").split())

    clause_norm = {cid: norm(text)[:60] for cid, text in clause_text.items()}

    result = SystemResult("LangChain tutorial recipe (1,000-char chunks)")
    hits1, hits3, rrs, chars, times = [], [], [], [], []
    for q in answerable:
        gold, _ = resolve_gold(q["gold"], q["gold_text"], clause_text)
        started = time.perf_counter()
        docs = store.similarity_search(q["question"], k=4)
        times.append((time.perf_counter() - started) * 1000)
        contains = [{cid for cid, start in clause_norm.items() if start in norm(d.page_content)} for d in docs]
        first = next((i for i, c in enumerate(contains) if c & set(gold)), None)
        hits1.append(first == 0)
        hits3.append(first is not None and first < 3)
        rrs.append(1.0 / (first + 1) if first is not None else 0.0)
        chars.append(len(docs[0].page_content) if docs else 0)
    result.hit1, result.hit3, result.mrr = rate(hits1), rate(hits3), mean(rrs)
    result.cited_chars, result.p50_ms, result.p95_ms = mean(chars), percentile(times, 50), percentile(times, 95)
    return result


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
    ]
    failures = []
    for name, op, bound in checks:
        if name not in figures and name.startswith("router_blind_"):
            continue  # a partial figure set (a unit test); the full evaluation always measures the blind set
        value = figures[name]
        ok = value >= bound - 1e-9 if op == ">=" else value <= bound + 1e-9
        if not ok:
            failures.append(f"{name} = {value:.3f}, floor {op} {bound:.3f}")
    return failures


def render_markdown(report: Report) -> str:
    f = report.figures
    lines = ["# Evaluation report", "", "## Figures and floors", "", "| figure | value |", "|---|---|"]
    for key, value in f.items():
        if isinstance(value, float):
            lines.append(f"| {key} | {value:.3f} |")
    lines += ["", "Floors: " + ("all met." if not report.failures else "BELOW FLOOR: " + "; ".join(report.failures)), ""]
    lines += ["Targets (the product's goals; floors above are regression guards):", ""]
    for name, target in floors.TARGETS.items():
        value = f.get(name, 0.0)
        lines.append(f"- {name}: {value:.3f} against a target of {target:.2f} ({'met' if value >= target else f'{target - value:.3f} short'})")
    lines.append("")
    lines += ["## Side by side (answerable questions)", "", "| system | hit@1 | hit@3 | MRR | cited chars | p50 ms | p95 ms |", "|---|---|---|---|---|---|---|"]
    for s in report.systems:
        lines.append(f"| {s.name} | {s.hit1:.3f} | {s.hit3:.3f} | {s.mrr:.3f} | {s.cited_chars:.0f} | {s.p50_ms:.1f} | {s.p95_ms:.1f} |")
    if len(report.systems) > 1:
        ours = report.systems[0]
        lines.append("")
        for peer in report.systems[1:]:
            lines.append(f"- Lift over {peer.name}: hit@1 {ours.hit1 - peer.hit1:+.3f}, hit@3 {ours.hit3 - peer.hit3:+.3f}, "
                         f"cited characters {ours.cited_chars:.0f} vs {peer.cited_chars:.0f}.")
    slices = f.get("router_slices", {})
    lines += ["", "## Router by slice", "", "| slice | n | recall | false-positive rate |", "|---|---|---|---|"]
    for name, n in slices.get("n", {}).items():
        rec = slices["recall"].get(name)
        fpr = slices["fpr"].get(name)
        lines.append(f"| {name} | {n} | {'' if rec is None else f'{rec:.3f}'} | {'' if fpr is None else f'{fpr:.3f}'} |")
    lines += ["", "## Router misses and false alarms (ids only: the texts are in evals/data/router.jsonl)", ""]
    lines += [f"- {i} ({s}): {kind}" for i, s, kind in report.router_misses] or ["- none"]
    lines += render_blind(f, report.blind_wrong)
    lines += ["", "## Retrieval misses at rank 1", ""]
    lines += [f"- {qid}: gold {gold}, got {got}" for qid, gold, got in report.misses] or ["- none"]
    if report.label_problems:
        lines += ["", "## Labels to fix (the policy was re-segmented)", ""] + [f"- {p}" for p in report.label_problems]
    return "\n".join(lines) + "\n"


def write_chart(report: Report, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and CI
    import matplotlib.pyplot as plt

    names = [s.name for s in report.systems]
    fig, ax = plt.subplots(figsize=(9, 4))
    x = range(len(names))
    ax.bar([i - 0.2 for i in x], [s.hit1 for s in report.systems], width=0.4, label="hit@1")
    ax.bar([i + 0.2 for i in x], [s.hit3 for s in report.systems], width=0.4, label="hit@3")
    ax.set_xticks(list(x), [n.replace(" (", "\n(") for n in names], fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_title("Right clause found: this project vs peers")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(settings, args: argparse.Namespace, progress=None) -> int:
    out = Path(args.out) if getattr(args, "out", None) else settings.data_dir / "reports"
    out.mkdir(parents=True, exist_ok=True)
    report = run(settings, with_peers=not getattr(args, "no_peers", False), progress=progress)
    (out / "eval-report.md").write_text(render_markdown(report), encoding="utf-8")
    write_chart(report, out / "eval-chart.png")
    figures = {k: v for k, v in report.figures.items() if isinstance(v, float)}
    (out / "eval-figures.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(f"Report: {out / 'eval-report.md'}  Chart: {out / 'eval-chart.png'}")
    for key in ("hit_at_1", "hit_at_3", "mrr", "abstain_out_of_scope", "abstain_answerable", "router_recall", "router_fpr_hard_negative"):
        print(f"  {key}: {figures[key]:.3f}")
    for failure in report.failures:
        print(f"BELOW FLOOR: {failure}", file=sys.stderr)
    return 1 if report.failures else 0
