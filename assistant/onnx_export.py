"""A transformer encoder written as ONNX, so that onnxruntime embeds with it and nothing imports torch.

Both adapted models run this way: the small one, exported once by ``assistant.train_embedder`` and
shipped with int8 weights; the larger one, exported on this machine when ``assistant.large_model``
builds it. The graph returns the last hidden state; the embedder pools and normalises, as
sentence-transformers would.

``load_tokenizer`` and ``encoder_inputs`` prepare text the way both the export check and the
embedder feed it to such a graph.

What this module does not do: train, pool or embed. Exporting needs torch, imported only when called.
"""

from __future__ import annotations

import warnings
from pathlib import Path


def load_tokenizer(path: Path, max_tokens: int):
    """A model's tokenizer.json, truncating at ``max_tokens`` and padding each batch to its longest text."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_tokens)
    tokenizer.enable_padding()
    return tokenizer


def encoder_inputs(tokenizer, texts) -> dict:
    """A batch as an exported encoder takes it: ids, attention mask and zero token types (a model
    without token types is fed only the inputs its graph declares)."""
    import numpy as np

    encodings = tokenizer.encode_batch(list(texts))
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


def export_encoder(transformer, sample: dict, target: Path) -> None:
    """Write ``transformer`` (a Hugging Face model) as ONNX to ``target``. ``sample`` maps each input
    the model takes (input_ids, attention_mask and, for BERT-like models, token_type_ids) to a batch of
    tokenised text; those names become the graph's inputs, with batch and length left free."""
    import torch

    names = list(sample)

    class Encoder(torch.nn.Module):
        def __init__(self, transformer) -> None:
            super().__init__()
            self.transformer = transformer  # its name is in every node's: kept, so a re-export is byte-identical

        def forward(self, *inputs):
            return self.transformer(**dict(zip(names, inputs))).last_hidden_state

    target.parent.mkdir(parents=True, exist_ok=True)
    # The tracer warns that the attention mask's padding branch is fixed at the sample's shape; the
    # caller checks the graph on batches of other shapes (``large_model.export``), so it is not news
    # for the person running ingest.
    # In eval mode, wrapper and all: the exporter restores the wrapper's mode afterwards, and a fresh
    # module is in training mode, which would leave the caller's model with dropout switched on.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Encoder(transformer).eval(), tuple(sample[n] for n in names), str(target), input_names=names,
                          output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names + ["last_hidden_state"]})


def weight_only_int8(source: Path, target: Path, min_size: int = 4096) -> None:
    """Store each large float matrix as int8 with one float scale per output column; a Cast and a Mul
    turn it back into float when the model loads (onnxruntime folds them), so the arithmetic stays
    float: a quarter of the size, vectors within cosine 0.999 of the float model."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    initializers, nodes = [], []
    for init in graph.initializer:
        values = numpy_helper.to_array(init)
        if values.dtype != np.float32 or values.ndim != 2 or values.size < min_size:
            initializers.append(init)
            continue
        scale = np.abs(values).max(axis=0) / 127.0
        scale[scale == 0] = 1.0
        quantised = np.clip(np.round(values / scale), -127, 127).astype(np.int8)
        initializers += [numpy_helper.from_array(quantised, init.name + "_int8"),
                         numpy_helper.from_array(scale.astype(np.float32), init.name + "_scale")]
        nodes += [helper.make_node("Cast", [init.name + "_int8"], [init.name + "_float"], to=TensorProto.FLOAT),
                  helper.make_node("Mul", [init.name + "_float", init.name + "_scale"], [init.name])]
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    body = nodes + list(graph.node)
    del graph.node[:]
    graph.node.extend(body)
    target.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(target))
