#!/usr/bin/env python3
"""PyTorch reference for `ainb bench`: prints the same cases and JSON contract.

Usage: python3 bench/torch_reference.py [--only gemm|conv|train-keypoints|train-emotions] [--json] [--threads N]

Runs on the CPU with torch.set_num_threads(2) (--threads changes it). Each number is the median of 9
timed samples (each at least 20 ms of repeated calls) after a warm-up, as in
`ainb bench`. It prints the instruction set PyTorch's kernels use; to compare
with an AVX2 build of ainb (AINB_MARCH=x86-64-v3) on an AVX-512 machine, hold
PyTorch to AVX2 too:

    ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 python3 bench/torch_reference.py
"""
import argparse
import json
import statistics
import time

import torch

GEMM_CASES = [
    (2304, 49, 64), (529, 64, 64), (121, 576, 64), (121, 64, 256),
    (25, 1152, 128), (32, 2048, 4096), (512, 512, 512), (1024, 1024, 1024),
]
# (cin, cout, kernel, stride, padding, size) at batch 32, as in the keypoint model.
CONV_CASES = [
    (1, 64, 7, 2, 0, 102), (64, 64, 3, 1, 1, 11), (64, 256, 1, 1, 0, 23), (128, 128, 3, 1, 1, 5),
]
CONV_BATCH = 32


def median_seconds(body):
    """Seconds per call of body: median of 9 samples of >= 20 ms after >= 50 ms of warm-up."""
    start = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - start < 0.05:
        body()
        calls += 1
    per = (time.perf_counter() - start) / calls
    batch = max(1, int(0.02 / per))
    samples = []
    for _ in range(9):
        t0 = time.perf_counter()
        for _ in range(batch):
            body()
        samples.append((time.perf_counter() - t0) / batch)
    return statistics.median(samples)


def bench_gemm(as_json):
    rows = []
    if not as_json:
        print(f"GEMM torch {torch.__version__} ({torch.get_num_threads()} threads)")
        print("     M      K      N   GFLOPS   time")
    g = torch.Generator().manual_seed(1)
    for m, k, n in GEMM_CASES:
        a = torch.rand(m, k, generator=g) - 0.5
        b = torch.rand(k, n, generator=g) - 0.5
        c = torch.empty(m, n)
        secs = median_seconds(lambda: torch.mm(a, b, out=c))
        gflops = 2 * m * n * k / secs / 1e9
        if as_json:
            rows.append({"op": "gemm", "m": m, "k": k, "n": n, "gflops": round(gflops, 1)})
        else:
            print(f"{m:6d} {k:6d} {n:6d} {gflops:8.1f} {secs * 1e6:6.0f} µs")
    return rows


def bench_conv(as_json):
    rows = []
    if not as_json:
        print(f"conv2d forward + backward torch, batch {CONV_BATCH} ({torch.get_num_threads()} threads)")
        print("  cin  cout  kernel  stride  size   GFLOPS   time")
    g = torch.Generator().manual_seed(1)
    for cin, cout, kernel, stride, padding, size in CONV_CASES:
        x = torch.randn(CONV_BATCH, cin, size, size, generator=g, requires_grad=True)
        w = torch.randn(cout, cin, kernel, kernel, generator=g, requires_grad=True)
        out = (size + 2 * padding - kernel) // stride + 1
        seed = torch.randn(CONV_BATCH, cout, out, out, generator=g)

        def step():
            y = torch.nn.functional.conv2d(x, w, stride=stride, padding=padding)
            torch.autograd.grad(y, [x, w], seed)

        secs = median_seconds(step)
        flops = 3 * 2 * CONV_BATCH * cout * cin * kernel * kernel * out * out
        gflops = flops / secs / 1e9
        if as_json:
            rows.append({"op": "conv", "batch": CONV_BATCH, "cin": cin, "cout": cout, "kernel": kernel,
                         "stride": stride, "size": size, "gflops": round(gflops, 1)})
        else:
            print(f"{cin:5d} {cout:5d} {kernel:5d}x{kernel:<2d} {stride:6d} {size:5d} {gflops:8.1f} {secs * 1e3:7.2f} ms")
    return rows


def bench_train_keypoints(as_json):
    raise SystemExit("train-keypoints: not in this script yet")


def bench_train_emotions(as_json):
    raise SystemExit("train-emotions: not in this script yet")


GROUPS = {
    "gemm": bench_gemm,
    "conv": bench_conv,
    "train-keypoints": bench_train_keypoints,
    "train-emotions": bench_train_emotions,
}
DEFAULT_GROUPS = ["gemm", "conv"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=list(GROUPS), help="run one group of cases")
    parser.add_argument("--json", action="store_true", help='print {"cases": [...]} instead of a table')
    parser.add_argument("--threads", type=int, default=2, help="PyTorch's threads (as AINB_THREADS for ainb)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    groups = [args.only] if args.only else DEFAULT_GROUPS
    if not args.json:
        print(f"kernels: {torch.backends.cpu.get_cpu_capability()} ({torch.get_num_threads()} threads)")
    rows = []
    for name in groups:
        rows += GROUPS[name](args.json) or []
    if args.json:
        print(json.dumps({"cases": rows, "isa": torch.backends.cpu.get_cpu_capability()}))


if __name__ == "__main__":
    main()
