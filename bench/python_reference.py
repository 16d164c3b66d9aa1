#!/usr/bin/env python3
"""The interpreter benchmark's three programs in CPython, timed the same way as
`ainb bench interp --json` (processor time, median of 5 runs) and printed in the same JSON shape.

The derivative in `descent` is written by hand (CPython has no autodiff)."""
import json
import time


def loop():
    s = 0
    for i in range(1000000):
        s = s + i * 0.5
    return s


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def descent():
    def f(x):
        return (x - 3) ** 2

    def df(x):
        return 2 * (x - 3)

    x = 10
    for step in range(100000):
        x = x - 0.01 * df(x)
    return x


CASES = [("loop", loop), ("fib", lambda: fib(24)), ("descent", descent)]


def main():
    cases = []
    for name, body in CASES:
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


if __name__ == "__main__":
    main()
