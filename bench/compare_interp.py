#!/usr/bin/env python3
"""Joins `ainb bench interp --json` and `bench/python_reference.py` output into ratios.

Usage: python3 bench/compare_interp.py AINB.json PYTHON.json
Prints, per program, CPython seconds / ainb seconds (higher is better) and the geometric mean."""
import json
import math
import sys


def main():
    ours = {c["name"]: c["seconds"] for c in json.load(open(sys.argv[1]))["cases"]}
    theirs = {c["name"]: c["seconds"] for c in json.load(open(sys.argv[2]))["cases"]}
    ratios = []
    for name, t in ours.items():
        if name not in theirs:
            continue
        r = theirs[name] / t
        ratios.append(r)
        print(f"{name:12s} ainb {t:8.4f}s  cpython {theirs[name]:8.4f}s  ratio {r:6.2f}")
    print(f"geomean {math.exp(sum(map(math.log, ratios)) / len(ratios)):.2f}")


if __name__ == "__main__":
    main()
