#!/usr/bin/env python3
"""The interpreter benchmark's programs in CPython, timed the same way as
`ainb bench interp --json` (processor time, median of 5 runs) and printed in the same JSON shape.

Each case is a twin bench/programs/NAME.py of the ainb program bench/programs/NAME.ainb and
leaves its answer in `result`. `--only NAME` runs one case; `--write-results` also records the
answers in bench/programs/results.json, which `ainb bench interp` checks its own against."""
import json
import os
import sys
import time

PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")


def program(path):
    """A twin file as a case: compiled once, run in a fresh namespace each time."""
    with open(path) as f:
        code = compile(f.read(), path, "exec")

    def run():
        namespace = {"__name__": "__bench__"}
        exec(code, namespace)
        return namespace["result"]
    return run


# The first three as before, then the rest by name (the order `ainb bench interp` uses).
FIRST = ["loop", "fib", "descent"]
NAMES = FIRST + sorted(n[:-3] for n in os.listdir(PROGRAMS) if n.endswith(".py") and n[:-3] not in FIRST)
CASES = [(name, program(os.path.join(PROGRAMS, name + ".py"))) for name in NAMES]


def main():
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    cases = []
    for name, body in CASES:
        if only is not None and name != only:
            continue
        times = []
        result = None
        for _ in range(5):
            start = time.process_time()
            result = body()
            times.append(time.process_time() - start)
        times.sort()
        if isinstance(result, float) and result.is_integer():
            result = int(result)
        cases.append({"name": name, "seconds": round(times[len(times) // 2], 6), "result": result})
    print(json.dumps({"cases": cases}))
    if "--write-results" in sys.argv:
        # The answers `ainb bench interp` checks its own against.
        path = os.path.join(PROGRAMS, "results.json")
        with open(path + ".tmp", "w") as f:
            json.dump({c["name"]: c["result"] for c in cases}, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
