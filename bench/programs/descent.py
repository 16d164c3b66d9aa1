# Gradient descent on a parabola; CPython has no autodiff, so the derivative is written by hand.
def descent():
    def f(x):
        return (x - 3) ** 2

    def df(x):
        return 2 * (x - 3)

    x = 10
    for step in range(100000):
        x = x - 0.01 * df(x)
    return x


result = descent()
