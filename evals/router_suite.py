"""The router's evaluation: every labelled message routed, recall per harm slice, false alarms per
negative slice, the test split reported on its own, and latency.

What this module does not do: define the metrics (``evals.metrics``) or the floors (``evals.floors``).
It reports message ids, never message texts.
"""

from __future__ import annotations

import time

from evals.data_files import DATA, load_jsonl
from evals.metrics import percentile, router_rates


def evaluate_router(router) -> tuple[dict, list[tuple[str, str, str]]]:
    """Figures for the report, and (id, slice, "missed" | "false alarm") for every wrong decision."""
    from assistant.train_router import split_of

    records, times, misses = [], [], []
    for item in load_jsonl(DATA / "router.jsonl"):
        started = time.perf_counter()
        decision = router.route(item["text"])
        times.append((time.perf_counter() - started) * 1000)
        records.append({"label": item["label"], "slice": item["slice"], "core": item.get("core", False),
                        "routed": decision.is_disclosure, "split": split_of(item["template"]), "id": item["id"]})
        if decision.is_disclosure != bool(item["label"]):
            misses.append((item["id"], item["slice"], "missed" if item["label"] else "false alarm"))
    rates_all = router_rates(records)
    rates_test = router_rates([r for r in records if r["split"] == "test"])
    figures = dict(
        router_recall_core=rates_all["recall_core"], router_recall=rates_all["recall_all"],
        router_min_slice_recall=min(rates_all["recall"].values()),
        router_fpr_policy=rates_all["fpr_policy_question"], router_fpr_hard_negative=rates_all["fpr_hard_negative"],
        router_test_recall=rates_test["recall_all"], router_test_fpr_hard_negative=rates_test["fpr_hard_negative"],
        router_p50_ms=percentile(times, 50), router_p95_ms=percentile(times, 95),
        router_slices=rates_all,
    )
    return figures, misses
