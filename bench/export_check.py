#!/usr/bin/env python3
"""Checks `ainb export` against the runtimes it hands models to (dev-time; tests never need Python).

    python3 bench/export_check.py MODEL.safetensors [--onnx] [--pytorch] [--ddp]

The reference outputs are ainb's own: seeded 96x96 faces are written as PNG files and run
through `ainb predict --json` (no resizing happens at 96x96, so both sides see the same pixels).

--onnx     `ainb export MODEL --to onnx`: onnx.checker accepts the file, and onnxruntime's
           outputs match ainb's within 1e-4 (keypoints; probabilities, or softmax of the logits).
--pytorch  `ainb export MODEL --to pytorch DIR`: DIR/model.py loads DIR/model.safetensors and
           matches ainb within 1e-5.
--ddp      `torchrun --nproc_per_node 2` (CPU, gloo) runs DIR/train_ddp.py for a few steps on
           `ainb data synth` output, and ainb loads the checkpoint it writes.
Prints one JSON object.
"""
import argparse
import importlib.util
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def png_gray(path, pixels):
    h, w = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].astype(np.uint8).tobytes() for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def ainb(args, binary):
    return subprocess.run([binary] + args, capture_output=True, text=True, check=True, timeout=1800).stdout


def reference(model, binary, work, n, seed):
    """Faces [n, 1, 96, 96] (0-1) and ainb's answers for them."""
    rng = np.random.default_rng(seed)
    faces = rng.integers(0, 256, size=(n, 96, 96))
    # Smooth them a little so they look less like noise to the network (still seeded).
    faces = ((faces + np.roll(faces, 1, 1) + np.roll(faces, 1, 2) + np.roll(faces, (1, 1), (1, 2))) // 4)
    folder = os.path.join(work, "faces")
    os.makedirs(folder, exist_ok=True)
    for i in range(n):
        png_gray(os.path.join(folder, f"face_{i:03d}.png"), faces[i])
    lines = ainb(["predict", model, folder, "--json", "-o", os.path.join(work, "annotated")], binary).strip().splitlines()
    answers = [json.loads(l) for l in lines]
    return (faces[:, None, :, :].astype(np.float32) / 255.0), answers


def stack(answers, key):
    rows = [a.get(key) for a in answers]
    return np.array(rows, dtype=np.float64) if rows and rows[0] else None


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def compare(got, answers):
    """Max abs differences for keypoints and probabilities; `got` maps names to arrays."""
    out = {}
    kp, pr = stack(answers, "keypoints"), stack(answers, "probabilities")
    if kp is not None:
        out["keypoints_max_abs_diff"] = float(np.abs(got["keypoints"] - kp).max())
        out["keypoints_max_abs"] = float(np.abs(kp).max())
    if pr is not None:
        out["probabilities_max_abs_diff"] = float(np.abs(got["probabilities"] - pr).max())
    return out


def named_outputs(kind_outputs, answers):
    """Maps a single model's 'output' to keypoints or probabilities by what ainb answered."""
    if "keypoints" in kind_outputs or "probabilities" in kind_outputs:
        return kind_outputs
    out = kind_outputs["output"]
    return {"keypoints": out} if answers[0].get("keypoints") else {"probabilities": softmax(out)}


def check_onnx(model, binary, work, x, answers):
    import onnx
    import onnxruntime as ort
    path = os.path.join(work, "model.onnx")
    ainb(["export", model, "--to", "onnx", path], binary)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    values = session.run(None, {"image": x})
    result = compare(named_outputs(dict(zip(names, (v.astype(np.float64) for v in values))), answers), answers)
    result["opset"] = onnx.load(path).opset_import[0].version
    result["ok_1e-4"] = all(v <= 1e-4 for k, v in result.items() if k.endswith("_diff"))
    return result


def check_pytorch(model, binary, work, x, answers):
    import torch
    torch.set_num_threads(2)
    folder = os.path.join(work, "pytorch")
    ainb(["export", model, "--to", "pytorch", folder], binary)
    spec = importlib.util.spec_from_file_location("exported_model", os.path.join(folder, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    net = module.build_model()
    module.load_weights(net, os.path.join(folder, "model.safetensors"))
    net.eval()
    with torch.no_grad():
        out = net(torch.from_numpy(x))
    if isinstance(out, tuple):
        got = {"keypoints": out[0].double().numpy(), "probabilities": torch.softmax(out[1].double(), 1).numpy()}
    else:
        got = named_outputs({"output": out.double().numpy()}, answers)
    result = compare(got, answers)
    result["state_dict_names_match"] = sorted(k for k in net.state_dict() if not k.endswith("num_batches_tracked")) == \
        sorted(module.read_safetensors(os.path.join(folder, "model.safetensors")))
    result["ok_1e-5"] = all(v <= 1e-5 for k, v in result.items() if k.endswith("_diff"))
    return result, folder


def check_ddp(model, binary, work, folder, x):
    kinds = []
    header = json.loads(open(model, "rb").read()[8:8 + struct.unpack("<Q", open(model, "rb").read(8))[0]])
    names = [k for k in header if k != "__metadata__"]
    fused = any(k.startswith("keypoints.") for k in names)
    emotions_alone = not fused and header["out.weight"]["shape"][0] != 30 and not any(k.startswith("fc1.") for k in names)
    parts = ["keypoints", "emotions"] if fused else (["emotions"] if emotions_alone else ["keypoints"])
    results = {}
    for part in parts:
        csv = os.path.join(work, f"{part}.csv")
        synth = ["data", "synth", part, "--n", "48", "--seed", "3", "-o", csv]
        if part == "emotions":
            synth[3:3] = ["--classes", "5"]
        ainb(synth, binary)
        out = os.path.join(work, f"trained-{part}.safetensors")
        cmd = ["torchrun", "--nproc_per_node", "2", "--master_port", str(29500 + random.randrange(400)),
               os.path.join(folder, "train_ddp.py"), "--data", csv, "--epochs", "2", "--batch", "8",
               "--max-steps", "3", "--out", out]
        if fused:
            cmd += ["--part", part]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, env=dict(os.environ, OMP_NUM_THREADS="1"))
        lines = [l for l in run.stdout.splitlines() if l.startswith("epoch") or l.startswith("wrote")]
        reloaded = False
        if run.returncode == 0:
            back = subprocess.run([binary, "predict", out, os.path.join(work, "faces", "face_000.png"), "--json", "-o",
                                   os.path.join(work, "annotated-trained")], capture_output=True, text=True, timeout=600)
            reloaded = back.returncode == 0
        results[part] = {"returncode": run.returncode, "log": lines, "ainb_loads_result": reloaded,
                         "stderr_tail": run.stderr.strip().splitlines()[-3:] if run.returncode else []}
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--ainb", default=os.path.join(ROOT, ".build", "release", "ainb"))
    ap.add_argument("--onnx", action="store_true")
    ap.add_argument("--pytorch", action="store_true")
    ap.add_argument("--ddp", action="store_true")
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="ainb-export-check-")
    x, answers = reference(args.model, args.ainb, work, args.n, args.seed)
    report = {"model": args.model, "faces": args.n}
    if args.onnx:
        report["onnx"] = check_onnx(args.model, args.ainb, work, x, answers)
    if args.pytorch or args.ddp:
        report["pytorch"], folder = check_pytorch(args.model, args.ainb, work, x, answers)
        if args.ddp:
            report["ddp"] = check_ddp(args.model, args.ainb, work, folder, x)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
