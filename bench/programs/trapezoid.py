# Trapezoid rule for the integral of |sin(x)| * exp(-x / 10) + abs(cos(3x)) over [0, 20].
from math import sin, cos, exp


def f(x):
    return abs(sin(x)) * exp(-x / 10) + abs(cos(3 * x))


def integrate(a, b, n):
    h = (b - a) / n
    s = (f(a) + f(b)) / 2
    for i in range(1, n):
        s = s + f(a + i * h)
    return s * h


result = round(integrate(0, 20, 200000), 9)
