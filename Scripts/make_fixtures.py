#!/usr/bin/env python3
"""Writes the golden fixtures that Tests/TensorTests check the engine against.

Run by hand (never by CI) from the repository root:

    python3 Scripts/make_fixtures.py

It needs PyTorch and NumPy. Every case stores its inputs exactly (float32 values
written with the shortest decimal that reads back as the same float32), the forward
output, a random upstream gradient g and the gradients of sum(output * g) with
respect to each differentiable input, so every output element matters. The
reference values are computed in float64 from the float32 inputs and then rounded
to float32: the fixture holds the true answer, not PyTorch's float32 rounding.

Files (Tests/TensorTests/Fixtures/*.json), one per op family:
  creation, elementwise, reduction, shape, nn, loss: {"cases": [case, ...]}
  random: the first values of the engine's PRNG, from a Python re-implementation
  formatting: the text NumPy's array2string gives (precision 4) for a few tensors
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "TensorTests", "Fixtures")
RNG = np.random.default_rng(20240601)
DT = torch.float64


# ---------------------------------------------------------------- encoding

def f32(value):
    """The shortest decimal text that reads back as the same float32."""
    v = np.float32(value)
    if np.isnan(v):
        return '"nan"'
    if np.isinf(v):
        return '"inf"' if v > 0 else '"-inf"'
    text = repr(float(v))  # a float64 repr is exact but may be long; prefer the float32 one
    short = str(v)
    if float(np.float32(float(short))) == float(v):
        text = short
    if text.endswith(".0"):
        text = text[:-2]
    return text


def tensor_json(t):
    a = np.asarray(t.detach().cpu().numpy() if torch.is_tensor(t) else t, dtype=np.float64)
    return '{"shape":%s,"data":[%s]}' % (json.dumps(list(a.shape)), ",".join(f32(x) for x in a.reshape(-1)))


def dump(family, cases):
    path = os.path.join(OUT, family + ".json")
    with open(path, "w") as f:
        f.write('{"cases":[\n')
        f.write(",\n".join(cases))
        f.write("\n]}\n")
    print(f"{path}: {len(cases)} cases, {os.path.getsize(path)} bytes")


# ---------------------------------------------------------------- inputs

def randn(*shape, scale=1.0):
    """Normal values rounded to 3 decimals: exactly the same float32 on both sides."""
    return np.float32(np.round(RNG.standard_normal(shape) * scale, 3))


def positive(*shape, low=0.5, high=2.0):
    return np.float32(np.round(RNG.uniform(low, high, shape), 3))


def away_from_zero(*shape):
    """Values with |v| in [0.5, 2], random sign: safe denominators."""
    return np.float32(positive(*shape) * RNG.choice([-1, 1], shape))


def distinct(*shape, step=0.125):
    """Distinct values, none zero, in random order: no ties for max, argmax, relu, abs."""
    n = int(np.prod(shape)) if shape else 1
    values = np.round((RNG.permutation(n) - n / 2 + 0.5 + RNG.uniform(-0.3, 0.3, n)) * step, 4)
    a = np.float32(values).reshape(shape)
    assert len(np.unique(a)) == a.size and not np.any(a == 0)
    return a


def as_torch(a, grad):
    t = torch.tensor(np.asarray(a, dtype=np.float32), dtype=DT)
    return t.requires_grad_(grad)


def case(name, op, inputs, fn, params=None, grads=None):
    """One case: `inputs` are float32 arrays, `grads[i]` says whether input i is differentiated."""
    params = params or {}
    grads = grads if grads is not None else [True] * len(inputs)
    ts = [as_torch(a, g) for a, g in zip(inputs, grads)]
    result = fn(*ts, **params) if not isinstance(params, dict) else fn(*ts, **params)
    out, extras = (result if isinstance(result, tuple) else (result, []))
    parts = ['"name":%s' % json.dumps(name), '"op":%s' % json.dumps(op), '"params":%s' % json.dumps(params)]
    parts.append('"inputs":[%s]' % ",".join(tensor_json(a) for a in inputs))
    parts.append('"requires_grad":%s' % json.dumps(grads))
    parts.append('"output":%s' % tensor_json(out))
    if any(grads) and out.requires_grad:
        g = torch.tensor(randn(*out.shape), dtype=DT)
        gs = torch.autograd.grad((out * g).sum(), [t for t in ts if t.requires_grad], allow_unused=True)
        it = iter(gs)
        grad_list = []
        for t in ts:
            if t.requires_grad:
                gi = next(it)
                grad_list.append(tensor_json(gi if gi is not None else torch.zeros_like(t)))
            else:
                grad_list.append("null")
        parts.append('"upstream":%s' % tensor_json(g))
        parts.append('"grads":[%s]' % ",".join(grad_list))
    if extras:
        parts.append('"extras":[%s]' % ",".join(tensor_json(e) for e in extras))
    return "{" + ",".join(parts) + "}"


# ---------------------------------------------------------------- creation

def creation():
    cases = []
    for start, end, step in [(0, 5, 1), (1, 2.5, 0.5), (5, 0, -1.5), (-2, 3.25, 0.75), (0.1, 0.3, 0.1), (0, 0, 1)]:
        s, e, st = (float(np.float32(v)) for v in (start, end, step))
        out = torch.arange(s, e, st, dtype=DT)
        cases.append(case(f"arange_{start}_{end}_{step}", "arange", [], lambda **kw: out,
                          params={"start": s, "end": e, "step": st}))
    for start, end, count in [(0, 1, 5), (-1, 1, 1), (2, -3, 7), (0, 1, 0), (0.5, 0.75, 3)]:
        out = torch.linspace(start, end, count, dtype=DT)
        cases.append(case(f"linspace_{start}_{end}_{count}", "linspace", [], lambda **kw: out,
                          params={"start": start, "end": end, "count": count}))
    for n in [0, 1, 3]:
        out = torch.eye(n, dtype=DT)
        cases.append(case(f"eye_{n}", "eye", [], lambda **kw: out, params={"n": n}))
    return cases


# ---------------------------------------------------------------- elementwise

BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}

BROADCAST_PAIRS = [
    ("same", [2, 3], [2, 3]),
    ("nchw_c", [2, 3, 2, 2], [1, 3, 1, 1]),
    ("c_nchw", [1, 3, 1, 1], [2, 3, 2, 2]),
    ("rank_mismatch", [2, 3, 4], [4]),
    ("rank_mismatch_col", [3, 1], [2, 3, 4]),
    ("scalar_right", [2, 3], []),
    ("scalar_left", [], [2, 3]),
    ("both_broadcast", [2, 1], [1, 3]),
]


def elementwise():
    cases = []
    for op, fn in BINARY.items():
        for label, sa, sb in BROADCAST_PAIRS:
            a = randn(*sa)
            b = away_from_zero(*sb) if op == "div" else randn(*sb)
            cases.append(case(f"{op}_{label}", op, [a, b], fn))
    for label, sa, sb in [("same", [2, 3], [2, 3]), ("bcast_exponent", [2, 3], [3]), ("bcast_base", [3, 1], [3, 2]),
                          ("scalar_exponent", [2, 3], [])]:
        a = positive(*sa)
        b = np.float32(np.round(RNG.uniform(-2, 2, sb), 3))
        cases.append(case(f"pow_{label}", "pow", [a, b], lambda a, b: a ** b))
    for e in [2.0, 3.0, 0.5, -1.0, 1.5]:
        a = positive(2, 3)
        cases.append(case(f"pow_const_{e}", "pow_const", [a], lambda a, exponent: a ** exponent, params={"exponent": e}))
    for fn_name in ["+", "-", "*", "/"]:
        for left in [False, True]:
            s = 2.5 if fn_name != "/" else -1.25
            a = away_from_zero(2, 3) if (fn_name == "/" and left) else randn(2, 3)
            f = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y, "/": lambda x, y: x / y}[fn_name]
            cases.append(case(f"scalar_{'left' if left else 'right'}_{fn_name}", "scalar_arith", [a],
                              (lambda a, fn, scalar, left, f=f: f(scalar, a) if left else f(a, scalar)),
                              params={"fn": fn_name, "scalar": s, "left": left}))
    unary = {
        "neg": (lambda x: -x, lambda: randn(3, 4)),
        "abs": (torch.abs, lambda: distinct(3, 4)),
        "exp": (torch.exp, lambda: randn(3, 4)),
        "log": (torch.log, lambda: positive(3, 4, low=0.1, high=5)),
        "sqrt": (torch.sqrt, lambda: positive(3, 4, low=0.1, high=5)),
        "tanh": (torch.tanh, lambda: randn(3, 4, scale=2)),
        "sigmoid": (torch.sigmoid, lambda: np.float32(np.concatenate([randn(10, scale=3), [20, -20]]).reshape(3, 4))),
        "relu": (torch.relu, lambda: distinct(3, 4)),
        "gelu": (F.gelu, lambda: randn(3, 4, scale=2)),
    }
    for op, (fn, make) in unary.items():
        cases.append(case(op, op, [make()], fn))
    for label, lo, hi in [("both", -0.4, 0.6), ("min_only", -0.2, None), ("max_only", None, 0.3)]:
        x = distinct(3, 4, step=0.1)
        assert not np.any(np.isin(np.float32(x), np.float32([v for v in (lo, hi) if v is not None])))
        params = {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}
        cases.append(case(f"clamp_{label}", "clamp", [x], lambda x, min=None, max=None: torch.clamp(x, min, max), params=params))
    for op, fn in [("maximum", torch.maximum), ("minimum", torch.minimum)]:
        v = distinct(9)
        cases.append(case(f"{op}_same", op, [v[:6].reshape(2, 3), v[3:9].reshape(2, 3) * 1.01], fn))
        w = distinct(9)
        cases.append(case(f"{op}_bcast", op, [w[:6].reshape(2, 3), w[6:]], fn))
    cond = np.float32([[1], [0]])
    cases.append(case("where_bcast", "where", [cond, randn(2, 3), randn(3)], lambda c, a, b: torch.where(c != 0, a, b),
                      grads=[False, True, True]))
    cond2 = np.float32([[1, 0, 1], [0, 0, 1]])
    cases.append(case("where_same", "where", [cond2, randn(2, 3), randn(2, 3)], lambda c, a, b: torch.where(c != 0, a, b),
                      grads=[False, True, True]))
    # Comparisons have no gradient; ties are on purpose here.
    a = np.float32(RNG.integers(-2, 3, (2, 3)))
    b = np.float32(RNG.integers(-2, 3, (3,)))
    for name, fn in [("<", torch.lt), ("<=", torch.le), (">", torch.gt), (">=", torch.ge), ("==", torch.eq), ("!=", torch.ne)]:
        cases.append(case(f"compare_{name}", "compare", [a, b], lambda a, b, comparison, fn=fn: fn(a, b).to(DT),
                          params={"comparison": name}, grads=[False, False]))
    return cases


# ---------------------------------------------------------------- reductions

def reduction():
    cases = []
    x = distinct(2, 3, 4)
    x4 = distinct(2, 3, 2, 2)
    axes_list = [None, [1], [0, 2], [-1], [0, 1], [0, 1, 2]]
    for op in ["sum", "mean", "max", "min", "variance"]:
        for axes in axes_list:
            for keep in [False, True]:
                params = {"axes": axes, "keepDims": keep}

                def fn(x, axes, keepDims, op=op, unbiased=False):
                    dims = list(range(x.dim())) if axes is None else axes
                    if op == "sum":
                        return x.sum(dim=dims, keepdim=keepDims)
                    if op == "mean":
                        return x.mean(dim=dims, keepdim=keepDims)
                    if op == "max":
                        return x.amax(dim=dims, keepdim=keepDims)
                    if op == "min":
                        return x.amin(dim=dims, keepdim=keepDims)
                    return x.var(dim=dims, keepdim=keepDims, correction=1 if unbiased else 0)
                cases.append(case(f"{op}_{axes}_{keep}", op, [x], fn, params=params))
        cases.append(case(f"{op}_4d_nonadjacent", op, [x4],
                          lambda x, axes, keepDims, op=op: {"sum": torch.sum, "mean": torch.mean, "max": torch.amax,
                                                            "min": torch.amin, "variance": lambda x, dim, keepdim: torch.var(x, dim=dim, keepdim=keepdim, correction=0)}[op](x, dim=axes, keepdim=keepDims),
                          params={"axes": [1, 3], "keepDims": True}))
    for axes in [None, [0, 2]]:
        cases.append(case(f"variance_unbiased_{axes}", "variance", [x],
                          lambda x, axes, keepDims, unbiased: x.var(dim=axes, keepdim=keepDims, correction=1),
                          params={"axes": axes, "keepDims": False, "unbiased": True}))
    x5 = distinct(2, 2, 3, 2, 3)
    for op, fn in [("sum", torch.sum), ("mean", torch.mean), ("max", torch.amax), ("min", torch.amin)]:
        for keep in [False, True]:
            cases.append(case(f"{op}_5d_three_runs_{keep}", op, [x5],
                              lambda x, axes, keepDims, fn=fn: fn(x, dim=axes, keepdim=keepDims),
                              params={"axes": [0, 2, 4], "keepDims": keep}))
    for axis in [None, 0, 1, -1]:
        for keep in [False, True]:
            cases.append(case(f"argmax_{axis}_{keep}", "argmax", [x],
                              lambda x, axis, keepDims: torch.argmax(x, dim=axis, keepdim=keepDims).to(DT),
                              params={"axis": axis, "keepDims": keep}, grads=[False]))
    return cases


# ---------------------------------------------------------------- shape ops

def py_slices(ranges):
    return tuple(slice(s, e, st) for s, e, st in ranges)


def shape_ops():
    cases = []
    x = randn(2, 3, 4)
    for target in [[4, 6], [-1, 2], [24], [2, 3, 4, 1]]:
        cases.append(case(f"reshape_{target}", "reshape", [x], lambda x, shape: x.reshape(shape), params={"shape": target}))
    for order in [[2, 0, 1], [1, 0, 2], [0, 1, 2]]:
        cases.append(case(f"permute_{order}", "permute", [x], lambda x, order: x.permute(order), params={"order": order}))
    for a, b in [(-2, -1), (0, 2), (1, 0)]:
        cases.append(case(f"transpose_{a}_{b}", "transpose", [x], lambda x, a, b: x.transpose(a, b), params={"a": a, "b": b}))
    for label, ranges in [
        ("step", [[None, None, 1], [None, None, 2]]),
        ("negative", [[1, None, 1], [-2, None, 1], [1, None, 2]]),
        ("negative_end", [[None, -1, 1], [-3, -1, 1], [-100, 100, 3]]),
        ("first_axis_only", [[-1, None, 1]]),
        ("empty", [[None, None, 1], [5, None, 1]]),
        ("step_past_end", [[None, None, 3], [None, None, 1], [3, 0, 1]]),
    ]:
        cases.append(case(f"slice_{label}", "slice", [x], lambda x, ranges: x[py_slices(ranges)], params={"ranges": ranges}))
    for index, axis in [(1, 0), (-1, 1), (2, -1), (0, 2)]:
        cases.append(case(f"select_{index}_{axis}", "select", [x], lambda x, index, axis: x.select(axis, index),
                          params={"index": index, "axis": axis}))
    m = randn(3, 4)
    for indices in [[2, 0, 2, 1], [-1, 0, -1], []]:
        cases.append(case(f"gather_{indices}", "gather", [m], lambda m, indices: m[torch.tensor(indices, dtype=torch.long)],
                          params={"indices": indices}))
    cases.append(case("gather_3d", "gather", [x], lambda x, indices: x[torch.tensor(indices, dtype=torch.long)],
                      params={"indices": [1, 1, 0]}))
    cases.append(case("concat_axis0", "concat", [randn(2, 3), randn(1, 3), randn(3, 3)],
                      lambda *ts, axis: torch.cat(ts, dim=axis), params={"axis": 0}))
    cases.append(case("concat_axis1", "concat", [randn(2, 1), randn(2, 3)], lambda *ts, axis: torch.cat(ts, dim=axis), params={"axis": 1}))
    cases.append(case("concat_axis_neg2", "concat", [randn(2, 2, 3), randn(2, 1, 3)],
                      lambda *ts, axis: torch.cat(ts, dim=axis), params={"axis": -2}))
    for axis in [0, 1, -1]:
        cases.append(case(f"stack_{axis}", "stack", [randn(2, 3), randn(2, 3), randn(2, 3)],
                          lambda *ts, axis: torch.stack(ts, dim=axis), params={"axis": axis}))
    for label, shape, pads in [("2d", [2, 3], [[1, 2], [0, 1]]), ("last_axis", [2, 3, 4], [[1, 1]]), ("none", [2, 3], [[0, 0], [0, 0]])]:
        flat = [v for before, after in reversed(pads) for v in (before, after)]
        cases.append(case(f"pad_{label}", "pad", [randn(*shape)], lambda x, padding, flat=flat: F.pad(x, flat), params={"padding": pads}))
    for start in [0, 1, -2, 2]:
        cases.append(case(f"flatten_{start}", "flatten", [x], lambda x, start: torch.flatten(x, start), params={"start": start}))
    for label, shape, target in [("row", [3], [2, 3]), ("middle", [2, 1, 3], [2, 4, 3]), ("scalar", [], [2, 2]),
                                 ("two_axes", [1, 3, 1], [2, 3, 4]), ("same", [2, 3], [2, 3])]:
        cases.append(case(f"broadcast_to_{label}", "broadcast_to", [randn(*shape)],
                          lambda x, shape: x.broadcast_to(shape), params={"shape": target}))
    for target in [[3, 1], [4], [1, 1, 1], [2, 1, 4], []]:
        cases.append(case(f"sum_to_{target}", "sum_to", [x], lambda x, shape: x.sum_to_size(shape) if shape else x.sum(),
                          params={"shape": target}))
    return cases


# ---------------------------------------------------------------- nn ops

def nn_ops():
    cases = []
    for label, sa, sb in [("2d", [3, 4], [4, 5]), ("batched", [2, 3, 4], [2, 4, 5]), ("batched_a", [2, 3, 4], [4, 5]),
                          ("batched_b", [3, 4], [2, 4, 5]), ("vec_mat", [4], [4, 5]), ("mat_vec", [3, 4], [4]),
                          ("vec_vec", [4], [4]), ("batched_vec", [2, 3, 4], [4]), ("vec_batched", [4], [2, 4, 5]),
                          ("4d", [2, 2, 3, 4], [2, 2, 4, 2]), ("k1", [3, 1], [1, 2])]:
        cases.append(case(f"matmul_{label}", "matmul", [randn(*sa), randn(*sb)], torch.matmul))
    # Medium shapes that are not multiples of any register tile: the kernels' edge paths.
    cases.append(case("matmul_medium", "matmul", [randn(13, 17), randn(17, 21)], torch.matmul))
    cases.append(case("matmul_batched_medium", "matmul", [randn(2, 7, 9), randn(2, 9, 11)], torch.matmul))
    cases.append(case("linear_medium", "linear", [randn(9, 20), randn(19, 20), randn(19)], F.linear))
    cases.append(case("linear_bias", "linear", [randn(3, 4), randn(5, 4), randn(5)], F.linear))
    cases.append(case("linear_no_bias", "linear", [randn(3, 4), randn(5, 4)], lambda x, w: F.linear(x, w)))
    conv_cases = [
        ("bias_stride_pad_nonsquare", [2, 3, 6, 5], [4, 3, 3, 2], True, (2, 1), (1, 0)),
        ("same_no_bias", [1, 2, 5, 5], [3, 2, 3, 3], False, (1, 1), (1, 1)),
        ("stride2_pad_w", [2, 2, 5, 6], [2, 2, 2, 3], True, (2, 2), (0, 2)),
        ("pointwise", [2, 4, 3, 3], [3, 4, 1, 1], True, (1, 1), (0, 0)),
        ("k7_s2", [1, 1, 9, 9], [2, 1, 7, 7], True, (2, 2), (3, 3)),
        ("medium_same", [2, 4, 7, 7], [6, 4, 3, 3], True, (1, 1), (1, 1)),
        ("medium_k5_s2", [1, 3, 9, 9], [5, 3, 5, 5], False, (2, 2), (2, 2)),
    ]
    for label, sx, sw, has_bias, stride, pad in conv_cases:
        inputs = [randn(*sx), randn(*sw, scale=0.5)] + ([randn(sw[0])] if has_bias else [])
        cases.append(case(f"conv2d_{label}", "conv2d", inputs,
                          lambda x, w, b=None, stride=None, padding=None: F.conv2d(x, w, b, stride=stride, padding=padding),
                          params={"stride": list(stride), "padding": list(pad)}))
    pool_cases = [
        ("k2", [2, 2, 6, 5], (2, 2), None, (0, 0)),
        ("k3x2_s2x1_p1", [2, 2, 6, 5], (3, 2), (2, 1), (1, 1)),
        ("k3_s2_p1", [1, 3, 7, 7], (3, 3), (2, 2), (1, 1)),
        ("k2_s1", [1, 2, 4, 4], (2, 2), (1, 1), (0, 0)),
    ]
    for label, sx, k, s, p in pool_cases:
        x = distinct(*sx, step=0.05)
        params = {"kernel": list(k), "stride": list(s) if s else None, "padding": list(p)}
        cases.append(case(f"max_pool2d_{label}", "max_pool2d", [x],
                          lambda x, kernel, stride, padding: F.max_pool2d(x, kernel, stride, padding), params=params))
        cases.append(case(f"avg_pool2d_{label}", "avg_pool2d", [x],
                          lambda x, kernel, stride, padding: F.avg_pool2d(x, kernel, stride, padding), params=params))

    def bn(x, scale, offset, runningMean, runningVar, training, momentum, epsilon):
        rm, rv = runningMean.detach().clone(), runningVar.detach().clone()
        out = F.batch_norm(x, rm, rv, scale, offset, training=training, momentum=momentum, eps=epsilon)
        return out, [rm, rv]
    for label, sx, training, momentum in [("train_4d", [3, 2, 2, 3], True, 0.1), ("train_2d", [5, 3], True, 0.3),
                                          ("eval_4d", [2, 3, 2, 2], False, 0.1), ("eval_2d", [4, 3], False, 0.1)]:
        c = sx[1]
        inputs = [randn(*sx, scale=2) + 0.5, positive(c), randn(c), randn(c, scale=0.3), positive(c)]
        cases.append(case(f"batch_norm_{label}", "batch_norm", inputs, bn,
                          params={"training": training, "momentum": momentum, "epsilon": 1e-5},
                          grads=[True, True, True, False, False]))
    return cases + fused_ops()


def fused_ops():
    """Batch norm + ReLU and add + ReLU, the fused passes of the residual blocks.

    Drawn from their own generator, so adding them left every older case as it was."""
    global RNG
    saved, RNG = RNG, np.random.default_rng(11)
    cases = []

    def bn_relu(x, scale, offset, runningMean, runningVar, training, momentum, epsilon):
        rm, rv = runningMean.detach().clone(), runningVar.detach().clone()
        out = F.relu(F.batch_norm(x, rm, rv, scale, offset, training=training, momentum=momentum, eps=epsilon))
        return out, [rm, rv]
    for label, sx, training in [("train_4d", [3, 4, 3, 2], True), ("eval_4d", [2, 3, 2, 2], False)]:
        c = sx[1]
        inputs = [randn(*sx, scale=2) + 0.5, away_from_zero(c), randn(c, scale=0.5), randn(c, scale=0.3), positive(c)]
        cases.append(case(f"batch_norm_relu_{label}", "batch_norm_relu", inputs, bn_relu,
                          params={"training": training, "momentum": 0.1, "epsilon": 1e-5},
                          grads=[True, True, True, False, False]))
    cases.append(case("add_relu", "add_relu", [distinct(2, 3, 4, 3), distinct(2, 3, 4, 3)], lambda a, b: F.relu(a + b)))
    RNG = saved
    return cases


# ---------------------------------------------------------------- losses

def losses():
    cases = []
    for label, shape, axis in [("last", [3, 4], -1), ("axis0", [3, 4], 0), ("3d_axis1", [2, 3, 4], 1)]:
        x = randn(*shape, scale=2)
        cases.append(case(f"softmax_{label}", "softmax", [x], lambda x, axis: torch.softmax(x, axis), params={"axis": axis}))
        cases.append(case(f"log_softmax_{label}", "log_softmax", [x], lambda x, axis: torch.log_softmax(x, axis), params={"axis": axis}))
    cases.append(case("mse_loss", "mse_loss", [randn(3, 4), randn(3, 4)], F.mse_loss))
    labels = [1, 0, 4, 4, 2]
    logits = randn(5, 5, scale=2)
    cases.append(case("cross_entropy_labels", "cross_entropy", [logits],
                      lambda x, labels: F.cross_entropy(x, torch.tensor(labels)), params={"labels": labels}))
    weights = [0.5, 2.0, 1.0, 0.25, 3.0]
    cases.append(case("cross_entropy_weights", "cross_entropy", [logits],
                      lambda x, labels, weights: F.cross_entropy(x, torch.tensor(labels), weight=torch.tensor(weights, dtype=DT)),
                      params={"labels": labels, "weights": weights}))
    targets = np.float32(np.round(torch.softmax(torch.tensor(randn(4, 3, scale=2), dtype=DT), 1).numpy(), 3))
    cases.append(case("cross_entropy_soft", "cross_entropy_soft", [randn(4, 3, scale=2), targets],
                      lambda x, t: F.cross_entropy(x, t)))
    onehot = np.float32(np.eye(3)[[2, 0, 1, 1]])
    cases.append(case("cross_entropy_onehot", "cross_entropy_soft", [randn(4, 3, scale=2), onehot],
                      lambda x, t: F.cross_entropy(x, t), grads=[True, False]))
    return cases


# ---------------------------------------------------------------- the PRNG

MASK = (1 << 64) - 1


class Xoshiro:
    """xoshiro256** seeded by SplitMix64: the engine's RandomGenerator, draw for draw."""

    def __init__(self, seed):
        x = seed & MASK
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            state.append(z ^ (z >> 31))
        self.s = state
        self.spare = None

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def next_float(self):
        return float(np.float32((self.next() >> 40) * (1.0 / 16777216.0)))

    def next_float_in(self, low, high):
        low, high = np.float32(low), np.float32(high)
        return float(np.float32(low + np.float32(np.float32(high - low) * np.float32(self.next_float()))))

    def next_int(self, n):
        """Lemire's nearly divisionless method, as Swift's next(upperBound:) draws it."""
        r = self.next()
        m = r * n
        if (m & MASK) < n:
            t = ((1 << 64) - n) % n
            while (m & MASK) < t:
                r = self.next()
                m = r * n
        return m >> 64

    def next_normal(self):
        if self.spare is not None:
            v, self.spare = self.spare, None
            return v
        u1 = float((self.next() >> 11) + 1) * (1.0 / 9007199254740992.0)
        u2 = float(self.next() >> 11) * (1.0 / 9007199254740992.0)
        r = math.sqrt(-2.0 * math.log(u1))
        theta = 2.0 * math.pi * u2
        self.spare = float(np.float32(r * math.sin(theta)))
        return float(np.float32(r * math.cos(theta)))

    def permutation(self, n):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next_int(i + 1)
            p[i], p[j] = p[j], p[i]
        return p


def random_fixture():
    seeds = [0, 1, 42, 2**64 - 1]
    entries = []
    for seed in seeds:
        g = Xoshiro(seed)
        bits = [format(g.next(), "016x") for _ in range(6)]
        g = Xoshiro(seed)
        floats = [g.next_float() for _ in range(6)]
        g = Xoshiro(seed)
        normals = [g.next_normal() for _ in range(7)]
        g = Xoshiro(seed)
        ints = [g.next_int(n) for n in [10, 1000003, 1, 7, 2**40 + 3, 3]]
        g = Xoshiro(seed)
        perm = g.permutation(10)
        entries.append('{"seed":"%d","bits":%s,"floats":[%s],"normals":[%s],"ints":%s,"permutation":%s}' % (
            seed, json.dumps(bits), ",".join(f32(v) for v in floats), ",".join(f32(v) for v in normals),
            json.dumps(ints), json.dumps(perm)))
    # Creation functions that draw from the generator, in their documented order.
    g = Xoshiro(7)
    rand = [g.next_float() for _ in range(6)]
    g = Xoshiro(7)
    randn_ = [g.next_normal() for _ in range(5)]
    g = Xoshiro(3)
    uniform = [g.next_float_in(-2, 3) for _ in range(6)]
    g = Xoshiro(5)
    bern = [1.0 if np.float32(g.next_float()) < np.float32(0.3) else 0.0 for _ in range(10)]
    g = Xoshiro(11)
    limit = float(np.float32(math.sqrt(6.0 / (4 + 3))))
    glorot = [g.next_float_in(-limit, limit) for _ in range(12)]
    g = Xoshiro(13)
    std = np.float32(math.sqrt(2.0 / 4) / 0.87962566103423978)
    he = []
    while len(he) < 12:
        z = np.float32(g.next_normal())
        if abs(z) <= 2:
            he.append(float(np.float32(z * std)))
    g = Xoshiro(17)
    rate = np.float32(0.25)
    keep = np.float32(1) / (np.float32(1) - rate)
    mask = [0.0 if np.float32(g.next_float()) < rate else float(keep) for _ in range(8)]
    creation = ('{"rand_seed7":[%s],"randn_seed7":[%s],"uniform_seed3_m2_3":[%s],"bernoulli_seed5_p03":[%s],'
                '"glorot_seed11_3x4":[%s],"he_seed13_3x4":[%s],"dropout_mask_seed17_rate025":[%s]}') % tuple(
        ",".join(f32(v) for v in vs) for vs in (rand, randn_, uniform, bern, glorot, he, mask))
    path = os.path.join(OUT, "random.json")
    with open(path, "w") as f:
        f.write('{"generators":[\n' + ",\n".join(entries) + '\n],\n"creation":' + creation + "}\n")
    print(f"{path}: {os.path.getsize(path)} bytes")


# ---------------------------------------------------------------- formatting

def format_text(a):
    """The text form ainb prints: NumPy's array2string with precision 4; integral tensors as integers."""
    a = np.asarray(a, dtype=np.float32)
    finite = a[np.isfinite(a)]
    if a.size and finite.size == a.size and np.all(finite == np.round(finite)) and np.all(np.abs(finite) < 1e16):
        return np.array2string(a.astype(np.int64), separator=", ", threshold=1000, edgeitems=3, max_line_width=75)
    return np.array2string(a, separator=", ", precision=4, threshold=1000, edgeitems=3, max_line_width=75,
                           floatmode="maxprec", suppress_small=False)


def formatting_fixture():
    samples = [
        ("ints_2x2", np.float32([[1, 2], [3, 4]])),
        ("halves", np.float32([0.5, 1.25])),
        ("scalar_int", np.float32(3)),
        ("scalar_frac", np.float32(-0.125)),
        ("randn_2x3", np.float32(RNG.standard_normal((2, 3)))),
        ("mixed_integral", np.float32([1.0, 0.5, -2.25, 10])),
        ("ints_3d", np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 5),
        ("scientific_small", np.float32([1e-5, 1.0, 0.5])),
        ("scientific_large", np.float32([1.5e9, 1.0, -3.25])),
        ("scientific_ratio", np.float32([1234.5, 0.5])),
        ("non_finite", np.float32([np.nan, 1.5, -np.inf, 0.25])),
        ("non_finite_only", np.float32([np.nan, np.inf])),
        ("empty", np.zeros((0,), np.float32)),
        ("empty_2x0", np.zeros((2, 0), np.float32)),
        ("long_ints", np.arange(2000, dtype=np.float32)),
        ("ints_20x100", np.arange(2000, dtype=np.float32).reshape(20, 100)),
        ("randn_11x10x12", np.float32(RNG.standard_normal((11, 10, 12)))),
        ("wrapped_row", np.float32(RNG.standard_normal(30))),
        ("rounding", np.float32([0.123456, 100.5, 2.00005, 0.99999])),
        ("thousand_and_one", np.arange(1001, dtype=np.float32) * 0.5),
        ("big_ints", np.float32([10000000, -2, 3])),
        ("column", np.float32(RNG.standard_normal((4, 1)))),
        ("wide_4d", np.float32(RNG.standard_normal((2, 1, 2, 3)))),
        ("zero", np.float32([0.0, 0.5])),
    ]
    entries = []
    for name, a in samples:
        entries.append('{"name":%s,"tensor":%s,"text":%s}' % (json.dumps(name), tensor_json(a), json.dumps(format_text(a))))
    path = os.path.join(OUT, "formatting.json")
    with open(path, "w") as f:
        f.write('{"cases":[\n' + ",\n".join(entries) + "\n]}\n")
    print(f"{path}: {os.path.getsize(path)} bytes")


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    dump("creation", creation())
    dump("elementwise", elementwise())
    dump("reduction", reduction())
    dump("shape", shape_ops())
    dump("nn", nn_ops())
    dump("loss", losses())
    random_fixture()
    formatting_fixture()


if __name__ == "__main__":
    main()
