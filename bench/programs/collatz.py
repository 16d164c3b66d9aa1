# Collatz: the longest chain below 30,000, with while loops and `%`.
def chain(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps = steps + 1
    return steps


best = 0
best_start = 0
for start in range(1, 30000):
    s = chain(start)
    if s > best:
        best = s
        best_start = start
result = best_start * 1000 + best
