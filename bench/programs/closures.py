# Closures and higher-order functions: map, filter and reduce with function values, and counters.
from functools import reduce


def adder(k):
    return lambda x: x + k


def compose(f, g):
    return lambda x: f(g(x))


def make_counter():
    count = 0

    def tick(by):
        nonlocal count
        count = count + by
        return count
    return tick


xs = list(range(80000))
total = 0
for round in range(5):
    add = adder(round)
    twice = compose(add, lambda x: x * 2)
    ys = list(map(twice, xs))
    odd = list(filter(lambda y: y % 3 == 1, ys))
    total = total + reduce(lambda acc, y: acc + y, odd, 0)
tick = make_counter()
for i in range(20000):
    tick(i % 5)
result = total + tick(0)
