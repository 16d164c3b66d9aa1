# Binary trees: build perfect trees of dicts, count their nodes, many times at several depths.
def make(depth):
    if depth == 0:
        return {"left": None, "right": None}
    return {"left": make(depth - 1), "right": make(depth - 1)}


def check(tree):
    if tree["left"] is None:
        return 1
    return 1 + check(tree["left"]) + check(tree["right"])


total = 0
for depth in [4, 6, 8, 10]:
    iterations = 2 ** (16 - depth)
    for i in range(iterations):
        total = total + check(make(depth))
long_lived = make(14)
result = total + check(long_lived)
