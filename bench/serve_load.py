#!/usr/bin/env python3
"""Load test of `ainb serve` on loopback (dev-time; the tests never need Python).

    python3 bench/serve_load.py MODEL.safetensors [--duration 10] [--port 18501]

1. ainb's own predict throughput: `ainb serve MODEL --bench-predict N --max-batch 64`
   (faces in memory, straight through the model), run before and after the server runs.
2. The server under wrk on 127.0.0.1 at 1, 8 and 64 connections, one face per request
   (a 96x96 JSON array): requests/s, p50 and p99 latency. The server's images/s at 64
   connections divided by (1) is the ratio the issue's bar asks to be at least 0.8.
3. PyTorch eval throughput of the same model (bench/torch_models.py) at the same batch, 2 threads.
4. 200 malformed requests (fuzzed JSON, wrong shapes, 100 MB bodies, truncated base64, wrong
   types): every one must get a 4xx, and the server must still answer afterwards.
5. SIGTERM while a 64-face request is in flight: the request completes, the server exits 0.

Everything is bounded: wrk runs --duration seconds per case; each socket has a timeout.
Prints one JSON object with every number.
"""
import argparse
import base64
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def png_gray(width, height, pixels):
    """A minimal gray PNG (the same format ainb's encoder writes)."""
    raw = b"".join(b"\x00" + bytes(pixels[y * width:(y + 1) * width]) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def face(seed):
    rng = random.Random(seed)
    return [[rng.randrange(256) for _ in range(96)] for _ in range(96)]


def request(port, method, path, body=None, timeout=60):
    """(status, body bytes) of one HTTP request; status 0 if the connection failed."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except Exception:
        return 0, b""


def raw_request(port, head, body_chunks, timeout=30):
    """Sends a request by hand (for 100 MB bodies); returns the status the server answered."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(head)
        try:
            for chunk in body_chunks:
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass  # the server answered early and closed: read what it said
        data = b""
        try:
            while b"\r\n" not in data:
                more = s.recv(65536)
                if not more:
                    break
                data += more
        except (ConnectionResetError, socket.timeout):
            pass
        line = data.split(b"\r\n", 1)[0].split()
        return int(line[1]) if len(line) >= 2 and line[1].isdigit() else 0
    finally:
        s.close()


def start_server(binary, model, port, name):
    proc = subprocess.Popen([binary, "serve", model, "--port", str(port), "--name", name, "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("ainb serve exited: " + proc.stdout.read())
        if request(port, "GET", f"/v1/models/{name}", timeout=2)[0] == 200:
            return proc
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("ainb serve did not start in 120 s")


def own_throughput(binary, model, faces, batch):
    out = subprocess.run([binary, "serve", model, "--bench-predict", str(faces), "--max-batch", str(batch)],
                         capture_output=True, text=True, timeout=900, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])["images_per_s"]


def run_wrk(port, name, body_file, connections, duration):
    lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lua.write(f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("{body_file}", "rb"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  io.write(string.format('RESULT {{"requests": %d, "duration_us": %d, "p50_ms": %.3f, "p99_ms": %.3f, "non2xx": %d, "socket_errors": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
""")
    lua.close()
    threads = min(2, connections)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "30s",
                          "-s", lua.name, f"http://127.0.0.1:{port}/v1/models/{name}:predict"],
                         capture_output=True, text=True, timeout=duration + 120).stdout
    os.unlink(lua.name)
    line = [l for l in out.splitlines() if l.startswith("RESULT ")][-1]
    r = json.loads(line[len("RESULT "):])
    r["requests_per_s"] = round(r["requests"] / (r["duration_us"] / 1e6), 2)
    r["connections"] = connections
    return r


def torch_eval(model, batch, repeats):
    sys.path.insert(0, HERE)
    import torch
    import torch_models as tm
    torch.set_num_threads(2)
    tensors, _ = tm.load_safetensors(model)
    names = list(tensors)
    parts = []
    if any(n.startswith("keypoints.") for n in names):
        parts = [(tm.keypoint_resnet(), "keypoints."), (tm.emotion_resnet(tensors["emotions.out.weight"].shape[0]), "emotions.")]
    else:
        return None
    for m, prefix in parts:
        tm.load_ainb_checkpoint(m, model, prefix=prefix)
        m.eval()
    x = torch.rand(batch, 1, 96, 96)
    with torch.no_grad():
        for m, _ in parts:
            m(x)
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            for m, _ in parts:
                m(x)
            times.append(time.perf_counter() - t)
    return round(batch / statistics.median(times), 2)


def malformed(port, name, seed=0):
    """200 bad requests; returns (count, statuses that were not 4xx, answering afterwards)."""
    rng = random.Random(seed)
    path = f"/v1/models/{name}:predict"
    good = json.dumps({"instances": [face(1)]}).encode()
    png = png_gray(64, 64, [rng.randrange(256) for _ in range(64 * 64)])
    b64 = base64.b64encode(png).decode()
    cases = []
    for _ in range(80):  # fuzzed JSON: truncated, or a byte that cannot appear there
        if rng.random() < 0.5:
            cases.append(("fuzzed-json", good[:rng.randrange(1, len(good) - 1)]))
        else:
            i = rng.randrange(len(good))
            cases.append(("fuzzed-json", good[:i] + rng.choice([b"@", b"#", b"\x00", b"}", b"]]", b"{", b"'"]) + good[i:]))
    shapes = [(95, 96), (96, 95), (48, 48), (97, 97), (1, 1), (0, 0), (3, 96, 96), (96, 96, 3), (9215,), (9217,)]
    for k in range(40):  # wrong shapes and values
        shape = shapes[k % len(shapes)]
        if k < 20:
            def nest(dims):
                return [nest(dims[1:]) for _ in range(dims[0])] if len(dims) > 1 else [7] * dims[0]
            body = {"instances": [nest(list(shape))]}
        elif k < 25:
            f = face(k); f[rng.randrange(96)] = f[0][:50]; body = {"instances": [f]}   # ragged
        elif k < 30:
            f = face(k); f[rng.randrange(96)][rng.randrange(96)] = rng.choice([-1, 256, 1e9, -0.5]); body = {"instances": [f]}
        elif k < 35:
            f = face(k); f[3][4] = rng.choice(["x", None, {}, [1, 2], True and "true"]); body = {"instances": [f]}
        else:
            body = {"inputs": {"image": [face(k)], "extra": [1]}} if k % 2 else {"instances": [face(k)], "inputs": [face(k)]}
        cases.append(("wrong-shape", json.dumps(body).encode()))
    for k in range(40):  # truncated or damaged base64 and pictures
        if k < 20:
            cut = b64[:rng.randrange(1, len(b64) - 4)]
        elif k < 30:
            cut = base64.b64encode(png[:rng.randrange(8, len(png) - 12)]).decode()
        else:
            cut = base64.b64encode(b"GIF89a" + bytes(rng.randrange(256) for _ in range(40))).decode()
        cases.append(("truncated-base64", json.dumps({"instances": [{"b64": cut}]}).encode()))
    misc = [b"", b"null", b"[]", b"{}", b'{"instances": 5}', b'{"instances": "x"}', b'{"instances": []}',
            b'{"instances": [1e999]}', b'{"instances": [[]]}', b'{"inputs": 3}', b'{"signature_name": "x", "instances": [[1]]}',
            b'{"instances": [{"b64": 5}]}', b'{"instances": [{"b64": ""}]}', b'{"instances": [{"image": {"b64": "!!!"}}]}',
            json.dumps({"instances": [[0] * 9216] * 300}).encode(), b"\xff\xfe\x00garbage", b'{"instances": [' * 500]
    for i in range(30):
        cases.append(("wrong-type", misc[i % len(misc)]))
    statuses = []
    bad = []
    for i, (kind, body) in enumerate(cases):
        status, _ = request(port, "POST", path, body, timeout=30)
        statuses.append(status)
        if not 400 <= status < 500:
            bad.append((kind, status, body[:80]))
        if i % 25 == 24 and request(port, "GET", f"/v1/models/{name}")[0] != 200:
            bad.append(("server stopped answering", i, b""))
    # 10 bodies of 100 MB: 5 with Content-Length, 5 chunked (no length given).
    hundred = 100 * 1024 * 1024
    chunk = b"0," * (512 * 1024)
    for k in range(10):
        n_chunks = hundred // len(chunk)
        if k < 5:
            head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {hundred + 15}\r\n\r\n").encode()
            chunks = [b'{"instances": ['] + [chunk] * n_chunks
        else:
            head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    f"Transfer-Encoding: chunked\r\n\r\n").encode()
            piece = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
            chunks = [b"f\r\n{\"instances\": [\r\n"] + [piece] * n_chunks + [b"0\r\n\r\n"]
        status = raw_request(port, head, chunks)
        statuses.append(status)
        if not 400 <= status < 500:
            bad.append(("100MB", status, b""))
    answering = request(port, "GET", f"/v1/models/{name}")[0] == 200 and \
        request(port, "POST", path, good)[0] == 200
    return len(statuses), bad, answering


def drain_on_sigterm(binary, model, port, name):
    proc = start_server(binary, model, port, name)
    body = json.dumps({"instances": [face(i) for i in range(64)]}).encode()
    result = {}
    t = threading.Thread(target=lambda: result.update(status=request(port, "POST", f"/v1/models/{name}:predict", body)[0]))
    t.start()
    time.sleep(0.3)
    start = time.time()
    proc.send_signal(signal.SIGTERM)
    t.join(timeout=120)
    code = proc.wait(timeout=120)
    return {"in_flight_status": result.get("status"), "exit_code": code, "exit_seconds": round(time.time() - start, 2),
            "last_line": proc.stdout.read().strip().splitlines()[-1:]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "ainb"), help="the ainb executable")
    ap.add_argument("--port", type=int, default=18501)
    ap.add_argument("--name", default="emotion_ai")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--faces", type=int, default=256, help="faces for ainb's own throughput")
    ap.add_argument("--skip-torch", action="store_true")
    args = ap.parse_args()

    report = {"load": os.getloadavg()}
    own = [own_throughput(args.bin, args.model, args.faces, 64)]
    body_file = tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False)
    body_file.write(json.dumps({"instances": [face(7)]}).encode())
    body_file.close()
    proc = start_server(args.bin, args.model, args.port, args.name)
    try:
        # wrk counts only requests that finish inside its window; at 64 connections a request waits
        # for a whole batch, so the window must span several batches to measure the rate.
        batch_seconds = 64 / own[0]
        report["wrk"] = [run_wrk(args.port, args.name, body_file.name, c, max(args.duration, int(4 * batch_seconds * (c / 64)) + 1))
                         for c in (1, 8, 64)]
        count, bad, answering = malformed(args.port, args.name)
        report["malformed"] = {"sent": count, "not_4xx": [(k, s, b.decode("latin-1")) for k, s, b in bad], "answering_after": answering}
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        report["server_last_line"] = proc.stdout.read().strip().splitlines()[-1:]
    os.unlink(body_file.name)
    own.append(own_throughput(args.bin, args.model, args.faces, 64))
    report["ainb_predict_images_per_s"] = own
    served = report["wrk"][-1]["requests_per_s"]
    report["served_images_per_s_at_64"] = served
    report["ratio_served_to_own"] = round(served / statistics.median(own), 3)
    if not args.skip_torch:
        report["torch_eval_images_per_s_batch64"] = torch_eval(args.model, 64, 5)
    report["sigterm"] = drain_on_sigterm(args.bin, args.model, args.port + 1, args.name)
    report["load_after"] = os.getloadavg()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
