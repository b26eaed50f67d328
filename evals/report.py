"""The evaluation's report: the Markdown page and the chart (PNG) from a finished ``evals.run.Report``.

What this module does not do: measure anything (``evals.run``) or decide floors (``evals.floors``).
"""

from __future__ import annotations

from pathlib import Path

from evals import cross_policy as cross_policy_suite
from evals import floors
from evals.router_suite import render_blind


def render_markdown(report) -> str:
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
    if report.cross_policy:
        lines += [""] + cross_policy_suite.render(report.cross_policy)
        lines += ["", f"Targets for these policies: {', '.join(f'{k} {v}' for k, v in floors.CROSS_TARGETS.items())}."]
    else:
        lines += ["", "Other organisations' policies: not measured (no ../shared/policies-dev beside the project)."]
    lines += ["", "## Retrieval misses at rank 1", ""]
    lines += [f"- {qid}: gold {gold}, got {got}" for qid, gold, got in report.misses] or ["- none"]
    if report.label_problems:
        lines += ["", "## Labels to fix (the policy was re-segmented)", ""] + [f"- {p}" for p in report.label_problems]
    return "\n".join(lines) + "\n"


def write_chart(report, path: Path) -> None:
    """Bars a person can read without the jargon: how often the right clause comes first, and within
    the first three, with the value on each bar and the target as a dashed line; beside it, each other
    organisation's policy against the tutorial recipe."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and CI
    import matplotlib.pyplot as plt

    panels = [("The shipped policy: this project and other ways of finding the clause",
               [s.name.replace(" (", "\n(") for s in report.systems],
               [s.hit1 for s in report.systems], [s.hit3 for s in report.systems],
               (floors.TARGETS["hit_at_1"], floors.TARGETS["hit_at_3"]))]
    if report.cross_policy:
        names, ours1, ours3 = [], [], []
        for r in report.cross_policy:
            names += [f"{r.name.split('-')[0]}\n(this project)", f"{r.name.split('-')[0]}\n(recipe)"]
            ours1 += [r.hit1, r.recipe_hit1]
            ours3 += [r.hit3, r.recipe_hit3]
        panels.append(("Other organisations' policies, no example questions", names, ours1, ours3,
                       (floors.CROSS_TARGETS["hit@1"], floors.CROSS_TARGETS["hit@3"])))
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 4.2 * len(panels)), squeeze=False)
    for ax, (title, names, first, top3, (target1, target3)) in zip(axes[:, 0], panels):
        x = range(len(names))
        bars1 = ax.bar([i - 0.2 for i in x], first, width=0.4, label="right clause first", color="#1d4ed8")
        bars3 = ax.bar([i + 0.2 for i in x], top3, width=0.4, label="right clause in the first three", color="#93c5fd")
        for bars in (bars1, bars3):
            ax.bar_label(bars, labels=[f"{v:.2f}" for v in bars.datavalues], fontsize=7, padding=2)
        ax.axhline(target1, color="#1d4ed8", linestyle="--", linewidth=1, label=f"target, first ({target1:.2f})")
        ax.axhline(target3, color="#64748b", linestyle=":", linewidth=1, label=f"target, first three ({target3:.2f})")
        ax.set_xticks(list(x), names, fontsize=7)
        ax.set_ylim(0, 1.12)
        ax.set_ylabel("share of questions")
        ax.set_title(title)
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
