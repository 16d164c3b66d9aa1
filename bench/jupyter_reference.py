#!/usr/bin/env python3
"""Checks ainb against real Jupyter tools (dev-time only; the Swift tests need no Python).

    pip install jupyter-client nbformat nbconvert ipykernel
    swift build -c release
    python3 bench/jupyter_reference.py [--ainb .build/release/ainb]

1. `ainb convert --to ipynb` writes notebooks that `nbformat.validate` accepts (every course
   notebook, with and without `--run`), and `--to ainb` gives the same bytes back.
2. The installed kernel, started by jupyter_client, runs every cell of
   notebooks/02-gradient-descent.ainb (converted, smoke params); each cell's outputs match
   `ainb run`'s report: text equal, tables equal, figures present as PNG.
3. Errors arrive as `error` messages with ename/evalue; an interrupt (SIGINT, and
   interrupt_request on control) stops a long loop within 1 s and the session keeps its
   state; completion and inspection answer.
4. `jupyter nbconvert --to notebook --execute` with the ainb kernel runs converted course
   notebooks end to end (smoke params).

Only loopback (127.0.0.1) is used. Prints one line per check; exits 1 if any fails.
"""
import argparse
import base64
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time

import jupyter_client
import nbformat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
failures = []


def check(ok, what, detail=""):
    print(("ok    " if ok else "FAIL  ") + what + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures.append(what)


def collapse(text):
    """What a terminal shows of text with carriage returns (as the report keeps it)."""
    lines = []
    for line in text.split("\n"):
        line = line.rstrip("\r")
        lines.append(line[line.rfind("\r") + 1:] if "\r" in line else line)
    return "\n".join(lines)


def report_cells(markdown):
    """Each cell of a report: its code and outputs (text, tables, figure count)."""
    cells = []
    current = None
    lines = markdown.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip(" ")
        if stripped.startswith("```") or stripped.startswith("~~~"):
            ch = stripped[0]
            n = len(stripped) - len(stripped.lstrip(ch))
            info = stripped[n:].strip()
            body = []
            i += 1
            while i < len(lines) and not (lines[i].strip().startswith(ch * n) and lines[i].strip().strip(ch) == ""):
                body.append(lines[i])
                i += 1
            i += 1
            text = "\n".join(body) + "\n"
            if info.split(" ")[0] == "ainb":
                current = {"code": text, "text": "", "tables": [], "figures": 0, "error": None}
                cells.append(current)
            elif current is not None and info == "":
                current["text"] += text
            elif current is not None and info == "error":
                current["error"] = text
            else:
                current = None
            continue
        if current is not None and line.startswith("|"):
            table = []
            while i < len(lines) and lines[i].startswith("|"):
                table.append(lines[i])
                i += 1
            current["tables"].append("\n".join(table) + "\n")
            continue
        if current is not None and line.startswith("!["):
            current["figures"] += 1
        elif line.strip() and current is not None:
            current = None
        i += 1
    return cells


def run_cell(kc, code, timeout=300):
    """Runs code in the kernel; returns its outputs and the reply."""
    out = {"text": "", "tables": [], "figures": 0, "pngs_ok": True, "errors": []}

    def hook(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            out["text"] += content["text"]
        elif kind in ("execute_result", "display_data"):
            data = content["data"]
            if "image/png" in data:
                out["figures"] += 1
                out["pngs_ok"] &= base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
            elif "text/markdown" in data:
                out["tables"].append(data["text/markdown"])
            else:
                text = data["text/plain"]
                out["text"] += text if text.endswith("\n") else text + "\n"
        elif kind == "error":
            out["errors"].append(content)

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    out["text"] = collapse(out["text"])
    return out, reply


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ainb", default=os.path.join(ROOT, ".build/release/ainb"))
    parser.add_argument("--notebooks", default="all",
                        help="course notebooks to run with nbconvert --execute (comma-separated; 'all' for every one)")
    args = parser.parse_args()
    ainb = os.path.abspath(args.ainb)
    work = tempfile.mkdtemp(prefix="ainb-jupyter-")
    os.environ["PATH"] = os.path.dirname(ainb) + os.pathsep + os.environ["PATH"]
    # The kernel spec goes into a private prefix that only this run's Jupyter looks at.
    prefix = os.path.join(work, "prefix")
    subprocess.run([ainb, "kernel", "install", "--prefix", prefix], check=True, capture_output=True)
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    spec = jupyter_client.kernelspec.KernelSpecManager().get_kernel_spec("ainb")
    check(spec.argv == ["ainb", "kernel", "-f", "{connection_file}"] and spec.language == "ainb",
          "kernel install writes kernel.json that jupyter_client reads", str(spec.argv))

    # 1. .ipynb files that nbformat accepts, and the byte-identical round trip.
    notebooks = sorted(f for f in os.listdir(os.path.join(ROOT, "notebooks")) if f.endswith(".ainb"))
    for name in notebooks:
        src = os.path.join(ROOT, "notebooks", name)
        ipynb = os.path.join(work, name.replace(".ainb", ".ipynb"))
        back = os.path.join(work, name + ".back")
        subprocess.run([ainb, "convert", src, "--to", "ipynb", "-o", ipynb], check=True, capture_output=True)
        try:
            nbformat.validate(nbformat.read(ipynb, as_version=4))
            valid = True
        except Exception as error:  # noqa: BLE001 - report any validation failure
            valid = str(error)
        check(valid is True, f"nbformat.validate accepts {os.path.basename(ipynb)}", str(valid))
        subprocess.run([ainb, "convert", ipynb, "--to", "ainb", "-o", back], check=True, capture_output=True)
        check(open(src, "rb").read() == open(back, "rb").read(), f"{name} -> .ipynb -> .ainb is byte-identical")

    nb02 = os.path.join(ROOT, "notebooks", "02-gradient-descent.ainb")
    ran = os.path.join(work, "02-run.ipynb")
    subprocess.run([ainb, "convert", nb02, "--to", "ipynb", "--run", "--set", "smoke=true", "-o", ran],
                   check=True, capture_output=True)
    executed = nbformat.read(ran, as_version=4)
    nbformat.validate(executed)
    pngs = sum(1 for c in executed.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {}))
    check(pngs > 0, f"nbformat.validate accepts convert --run output ({pngs} figures inlined)")

    # 2. The kernel's outputs against `ainb run`'s report.
    report_dir = os.path.join(work, "report")
    subprocess.run([ainb, "run", nb02, "-o", report_dir, "--set", "smoke=true", "--quiet"], check=True)
    expected = report_cells(open(os.path.join(report_dir, "02-gradient-descent.md"), encoding="utf-8").read())
    smoke = os.path.join(work, "02-smoke.ipynb")
    subprocess.run([ainb, "convert", nb02, "--to", "ipynb", "--set", "smoke=true", "-o", smoke], check=True, capture_output=True)
    cells = [c for c in nbformat.read(smoke, as_version=4).cells if c.cell_type == "code"]

    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="ainb", startup_timeout=60, cwd=work)
    try:
        info = kc.kernel_info(reply=True)["content"]
        check(info["protocol_version"] == "5.3" and info["language_info"]["name"] == "ainb", "kernel_info_reply",
              str(info))
        params = [c for c in cells if c.metadata.get("ainb", {}).get("role") == "params"]
        for c in params:
            run_cell(kc, c.source)
        code_cells = [c for c in cells if c not in params]
        check(len(code_cells) == len(expected), f"the report and the notebook have the same cells ({len(expected)})",
              f"{len(code_cells)} vs {len(expected)}")
        matched = 0
        for number, (cell, want) in enumerate(zip(code_cells, expected), start=1):
            got, reply = run_cell(kc, cell.source)
            problems = []
            if reply["content"]["status"] != "ok":
                problems.append(f"status {reply['content']['status']}: {reply['content'].get('evalue')}")
            if got["text"] != want["text"]:
                problems.append(f"text {got['text']!r} != {want['text']!r}")
            if got["tables"] != want["tables"]:
                problems.append(f"tables {got['tables']!r} != {want['tables']!r}")
            if got["figures"] != want["figures"] or not got["pngs_ok"]:
                problems.append(f"figures {got['figures']} (PNG: {got['pngs_ok']}) != {want['figures']}")
            if problems:
                check(False, f"cell {number} matches the report", "; ".join(problems))
            else:
                matched += 1
        check(matched == len(expected), f"every cell's outputs match the report ({matched}/{len(expected)}; "
              f"{sum(w['figures'] for w in expected)} figures as PNG)")

        # 3. Errors, interrupts, completion, inspection.
        got, reply = run_cell(kc, "y = 1\ny + undefined_thing")
        error = got["errors"][0] if got["errors"] else {}
        check(reply["content"]["status"] == "error" and error.get("ename") == "Error"
              and "undefined_thing" in error.get("evalue", "") and error.get("traceback", [""])[0].startswith("In["),
              "an error arrives as an error message with ename/evalue and a positioned traceback", str(error))

        for how in ("SIGINT", "interrupt_request"):
            kc.execute("kept_value = 42")
            kc.get_shell_msg(timeout=10)
            msg_id = kc.execute("n = 0\nwhile true { n = n + 1 }")
            time.sleep(0.5)
            start = time.monotonic()
            if how == "SIGINT":
                km.interrupt_kernel()
            else:
                kc.control_channel.send(kc.session.msg("interrupt_request", {}))
            reply = None
            while reply is None:
                msg = kc.get_shell_msg(timeout=5)
                if msg["parent_header"].get("msg_id") == msg_id:
                    reply = msg
            elapsed = time.monotonic() - start
            got, after = run_cell(kc, "kept_value + 1")
            check(elapsed < 1.0 and reply["content"]["status"] == "error" and got["text"] == "43\n",
                  f"an interrupt ({how}) stops a long loop in {elapsed * 1000:.0f} ms and keeps the state",
                  f"{elapsed:.2f} s, {reply['content'].get('ename')}, then {got['text']!r}")

        completion = kc.complete("path_gr", 7, reply=True)["content"]
        check("path_grad" in completion["matches"] and completion["cursor_start"] == 0, "complete_request answers",
              str(completion))
        inspection = kc.inspect("descend(f)", 2, reply=True)["content"]
        check(inspection["found"] and inspection["data"]["text/plain"].startswith("descend("), "inspect_request answers",
              str(inspection)[:200])
        kc.is_complete("for i in 0..3 {")
        complete = kc.get_shell_msg(timeout=10)["content"]
        check(complete["status"] == "incomplete", "is_complete_request answers", str(complete))
    finally:
        km.shutdown_kernel(now=False)
        kc.stop_channels()
    check(not km.is_alive(), "shutdown_request ends the kernel")

    # 4. nbconvert --execute with the ainb kernel, in course order (later notebooks may
    #    load what earlier ones saved beside them).
    chosen = notebooks if args.notebooks == "all" else [n + ".ainb" for n in args.notebooks.split(",")]
    run_dir = os.path.join(work, "nbconvert")
    os.makedirs(run_dir)
    for name in chosen:
        ipynb = os.path.join(run_dir, name.replace(".ainb", ".ipynb"))
        subprocess.run([ainb, "convert", os.path.join(ROOT, "notebooks", name), "--to", "ipynb", "--set", "smoke=true",
                        "-o", ipynb], check=True, capture_output=True)
        start = time.monotonic()
        result = subprocess.run(["jupyter", "nbconvert", "--to", "notebook", "--execute", "--output",
                                 name.replace(".ainb", ".executed.ipynb"), ipynb], capture_output=True, text=True,
                                cwd=run_dir)
        ok = result.returncode == 0
        detail = result.stderr[-600:]
        if ok:
            done = nbformat.read(os.path.join(run_dir, name.replace(".ainb", ".executed.ipynb")), as_version=4)
            nbformat.validate(done)
            code = [c for c in done.cells if c.cell_type == "code"]
            ok = all(c.execution_count is not None for c in code)
            detail = f"{sum(c.execution_count is None for c in code)} cells not run"
        check(ok, f"jupyter nbconvert --execute runs {name} (smoke) end to end in {time.monotonic() - start:.1f} s", detail)

    shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all checks passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
