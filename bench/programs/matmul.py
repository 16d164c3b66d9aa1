# Matrix product of nested lists (no tensors): 100 x 100, built row by row; the result is the sum of the product.
def matrix(n, seed):
    rows = []
    for i in range(n):
        row = []
        for j in range(n):
            row.append(((i * 7 + j * 3 + seed) % 11) - 5)
        rows.append(row)
    return rows


def product(a, b):
    n = len(a)
    m = len(b[0])
    inner = len(b)
    c = []
    for i in range(n):
        ai = a[i]
        row = [0] * m
        for k in range(inner):
            aik = ai[k]
            bk = b[k]
            for j in range(m):
                row[j] = row[j] + aik * bk[j]
        c.append(row)
    return c


c = product(matrix(100, 1), matrix(100, 2))
total = 0
for row in c:
    for x in row:
        total = total + x
result = total
