# Spectral norm of the infinite matrix A(i, j) = 1 / ((i + j)(i + j + 1) / 2 + i + 1), truncated to n x n.
import math


def a(i, j):
    return 1 / ((i + j) * (i + j + 1) / 2 + i + 1)


def times(v, n):
    out = []
    for i in range(n):
        s = 0
        for j in range(n):
            s = s + a(i, j) * v[j]
        out.append(s)
    return out


def times_transposed(v, n):
    out = []
    for i in range(n):
        s = 0
        for j in range(n):
            s = s + a(j, i) * v[j]
        out.append(s)
    return out


def spectral(n):
    u = [1] * n
    v = []
    for k in range(10):
        v = times_transposed(times(u, n), n)
        u = times_transposed(times(v, n), n)
    vbv = 0
    vv = 0
    for i in range(n):
        vbv = vbv + u[i] * v[i]
        vv = vv + v[i] * v[i]
    return math.sqrt(vbv / vv)


result = spectral(100)
