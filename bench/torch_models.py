#!/usr/bin/env python3
"""A PyTorch copy of ainb's course ResNets (Sources/Neural/CourseModels.swift).

Tensor names and layouts match ainb's checkpoints, so a safetensors file
written by ainb loads here and the other way round. Also the reference
training benchmark:

    python3 bench/torch_models.py --bench train-keypoints   # batch 32, Adam
    python3 bench/torch_models.py --bench train-emotions    # batch 64, Adam
    python3 bench/torch_models.py --bench infer-keypoints   # batch 32, eval + inference_mode
    python3 bench/torch_models.py --check model.safetensors --model keypoints --input x.safetensors

Each training benchmark prints {"params": N, "batch": B, "images_per_s": X, "peak_rss_mb": M}
(CPU, 2 threads), like `ainb bench train-keypoints --json`; the inference one
{"batch": B, "images_per_s": X, "peak_rss_mb": M}, like `ainb bench infer-keypoints --json`.
"""
import argparse
import json
import resource
import struct
import sys
import time
from collections import OrderedDict

import numpy as np
import torch
from torch import nn


# ---------------------------------------------------------------- safetensors

def load_safetensors(path):
    """Reads an F32 safetensors file: (OrderedDict name -> tensor in file order, metadata)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"{path}: header of {n} bytes but only {len(data) - 8} follow")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    out = OrderedDict()
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {info['dtype']} is not F32")
        a, b = info["data_offsets"]
        arr = np.frombuffer(body[a:b], dtype="<f4").reshape(info["shape"]).copy()
        out[name] = torch.from_numpy(arr)
    return out, meta


def save_safetensors(tensors, path, metadata=None):
    """Writes name -> float tensor pairs (in the given order) as F32 safetensors."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs, offset = [], 0
    for name, t in tensors.items():
        arr = np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4"))
        raw = arr.tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":")).encode("utf-8")
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for raw in blobs:
            f.write(raw)


def state_dict_for_ainb(model):
    """The model's state dict without PyTorch's num_batches_tracked counters."""
    return OrderedDict((k, v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked"))


def load_ainb_checkpoint(model, path, prefix=""):
    """Loads an ainb checkpoint into `model`; only num_batches_tracked may be missing."""
    tensors, _ = load_safetensors(path)
    if prefix:
        tensors = OrderedDict((k[len(prefix):], v) for k, v in tensors.items() if k.startswith(prefix))
    result = model.load_state_dict(tensors, strict=False)
    missing = [k for k in result.missing_keys if not k.endswith("num_batches_tracked")]
    if missing or result.unexpected_keys:
        raise ValueError(f"missing {missing}, unexpected {result.unexpected_keys}")
    return model


# ---------------------------------------------------------------- the models

KERAS_BN = dict(momentum=0.01, eps=1e-3)


class ConvolutionBlock(nn.Module):
    """Main: 1x1 f1 -> maxpool 2 -> BN -> ReLU -> 3x3 f2 -> BN -> ReLU -> 1x1 f3 -> BN;
    shortcut: 1x1 f3 -> maxpool 2 -> BN; add, ReLU."""

    def __init__(self, cin, f, bn=KERAS_BN):
        super().__init__()
        f1, f2, f3 = f
        self.conv1 = nn.Conv2d(cin, f1, 1)
        self.pool = nn.MaxPool2d(2)
        self.bn1 = nn.BatchNorm2d(f1, **bn)
        self.conv2 = nn.Conv2d(f1, f2, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(f2, **bn)
        self.conv3 = nn.Conv2d(f2, f3, 1)
        self.bn3 = nn.BatchNorm2d(f3, **bn)
        self.shortcut_conv = nn.Conv2d(cin, f3, 1)
        self.shortcut_pool = nn.MaxPool2d(2)
        self.shortcut_bn = nn.BatchNorm2d(f3, **bn)

    def forward(self, x):
        h = torch.relu(self.bn1(self.pool(self.conv1(x))))
        h = torch.relu(self.bn2(self.conv2(h)))
        h = self.bn3(self.conv3(h))
        s = self.shortcut_bn(self.shortcut_pool(self.shortcut_conv(x)))
        return torch.relu(h + s)


class IdentityBlock(nn.Module):
    def __init__(self, cin, f, bn=KERAS_BN):
        super().__init__()
        f1, f2, f3 = f
        self.conv1 = nn.Conv2d(cin, f1, 1)
        self.bn1 = nn.BatchNorm2d(f1, **bn)
        self.conv2 = nn.Conv2d(f1, f2, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(f2, **bn)
        self.conv3 = nn.Conv2d(f2, f3, 1)
        self.bn3 = nn.BatchNorm2d(f3, **bn)

    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        h = torch.relu(self.bn2(self.conv2(h)))
        h = self.bn3(self.conv3(h))
        return torch.relu(h + x)


class ResBlock(nn.Module):
    def __init__(self, cin, f, bn=KERAS_BN):
        super().__init__()
        self.conv = ConvolutionBlock(cin, f, bn)
        self.id1 = IdentityBlock(f[2], f, bn)
        self.id2 = IdentityBlock(f[2], f, bn)

    def forward(self, x):
        return self.id2(self.id1(self.conv(x)))


def course_resnet(input_size=96, channels=1, stem=64, stages=((64, 64, 256), (128, 128, 512)),
                  average_pool=2, hidden=(), dropout=(), outputs=30, output_relu=False, bn=KERAS_BN):
    """The same builder as ainb's courseResNet(_:seed:), with the same names."""
    layers = OrderedDict()
    layers["pad"] = nn.ZeroPad2d(3)
    layers["conv1"] = nn.Conv2d(channels, stem, 7, stride=2)
    layers["bn1"] = nn.BatchNorm2d(stem, **bn)
    layers["relu"] = nn.ReLU()
    layers["pool"] = nn.MaxPool2d(3, stride=2)
    c = stem
    for i, f in enumerate(stages):
        layers[f"res{i + 1}"] = ResBlock(c, f, bn)
        c = f[2]
    layers["avgpool"] = nn.AvgPool2d(average_pool)
    layers["flatten"] = nn.Flatten()
    with torch.no_grad():
        width = nn.Sequential(layers)(torch.zeros(2, channels, input_size, input_size)).shape[1]
    for i, (units, rate) in enumerate(zip(hidden, dropout)):
        layers[f"fc{i + 1}"] = nn.Linear(width, units)
        layers[f"relu{i + 1}"] = nn.ReLU()
        layers[f"drop{i + 1}"] = nn.Dropout(rate)
        width = units
    layers["out"] = nn.Linear(width, outputs)
    if output_relu:
        layers["out_relu"] = nn.ReLU()
    return nn.Sequential(layers)


def keypoint_resnet(output_relu=False):
    """The course's keypoint model: 18,016,286 parameters (with BN running statistics)."""
    return course_resnet(hidden=(4096, 2048), dropout=(0.2, 0.1), outputs=30, output_relu=output_relu)


def emotion_resnet(classes=5):
    """The course's emotion model: 1,174,021 parameters; outputs logits."""
    return course_resnet(average_pool=4, outputs=classes)


def keras_parameter_count(model):
    return sum(v.numel() for v in state_dict_for_ainb(model).values())


# ---------------------------------------------------------------- benchmark

def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def bench_training(name, steps=5, warmup=1, seed=0, threads=2):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    if name == "train-keypoints":
        model, batch = keypoint_resnet(), 32
        y = torch.rand(batch, 30) * 96
        loss_fn = nn.MSELoss()
    elif name == "train-emotions":
        model, batch = emotion_resnet(5), 64
        y = torch.randint(0, 5, (batch,))
        loss_fn = nn.CrossEntropyLoss()
    else:
        raise SystemExit(f"unknown benchmark {name}")
    x = torch.rand(batch, 1, 96, 96)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    model.train()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        step()
        times.append(time.perf_counter() - t)
    median = sorted(times)[len(times) // 2]
    return {"isa": torch.backends.cpu.get_cpu_capability(), "params": keras_parameter_count(model), "batch": batch,
            "images_per_s": round(batch / median, 2), "peak_rss_mb": round(peak_rss_mb(), 1)}


def profile_layers(name, threads=2):
    """Forward and backward time of each top-level layer and res-block part, like
    `AINB_BENCH_LAYERS=1 ainb bench NAME`."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model, batch = (keypoint_resnet(), 32) if name == "train-keypoints" else (emotion_resnet(5), 64)
    model.train()
    x = torch.rand(batch, 1, 96, 96)

    def measure(label, layer, inp):
        inp = inp.detach().requires_grad_(True)
        t0 = time.perf_counter()
        y = layer(inp)
        t1 = time.perf_counter()
        y.backward(torch.ones_like(y))
        t2 = time.perf_counter()
        print(f"{label:34s} fwd {1e3 * (t1 - t0):8.1f} ms  bwd {1e3 * (t2 - t1):8.1f} ms")
        return y.detach(), t1 - t0, t2 - t1

    tf = tb = 0.0
    for lname, layer in model.named_children():
        if isinstance(layer, ResBlock):
            for sub, block in layer.named_children():
                x, f, b = measure(f"{lname}.{sub} (whole)", block, x)
                tf += f
                tb += b
        else:
            x, f, b = measure(lname, layer, x)
            tf += f
            tb += b
    print(f"{'total (top level)':34s} fwd {1e3 * tf:8.1f} ms  bwd {1e3 * tb:8.1f} ms")


def bench_inference(name, batch=32, steps=5, warmup=1, seed=0, threads=2):
    """Images/s of the evaluated model on one batch, as `ainb bench infer-keypoints` runs `predict`."""
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    if name != "infer-keypoints":
        raise SystemExit(f"unknown benchmark {name}")
    model = keypoint_resnet()
    model.eval()
    x = torch.rand(batch, 1, 96, 96)
    times = []
    with torch.inference_mode():
        for _ in range(warmup):
            model(x)
        for _ in range(steps):
            t = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - t)
    median = sorted(times)[len(times) // 2]
    return {"isa": torch.backends.cpu.get_cpu_capability(), "batch": batch,
            "images_per_s": round(batch / median, 2), "peak_rss_mb": round(peak_rss_mb(), 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", choices=["train-keypoints", "train-emotions", "infer-keypoints"])
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--layers", action="store_true", help="with --bench: per-layer forward/backward times")
    ap.add_argument("--check", help="an ainb checkpoint to load and run")
    ap.add_argument("--model", choices=["keypoints", "emotions"], default="keypoints")
    ap.add_argument("--input", help="safetensors with 'input' (and 'output' to compare against)")
    args = ap.parse_args()
    if args.bench and args.layers:
        profile_layers(args.bench, threads=args.threads)
    elif args.bench == "infer-keypoints":
        print(json.dumps(bench_inference(args.bench, steps=args.steps, threads=args.threads)))
    elif args.bench:
        print(json.dumps(bench_training(args.bench, steps=args.steps, threads=args.threads)))
    elif args.check:
        torch.set_num_threads(2)
        model = keypoint_resnet() if args.model == "keypoints" else emotion_resnet()
        load_ainb_checkpoint(model, args.check)
        model.eval()
        io, _ = load_safetensors(args.input)
        with torch.no_grad():
            out = model(io["input"])
        if "output" in io:
            diff = (out - io["output"]).abs().max().item()
            print(json.dumps({"max_abs_diff": diff, "max_abs_output": io["output"].abs().max().item()}))
        else:
            print(out)
    else:
        ap.print_help()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
