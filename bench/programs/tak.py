# Takeuchi's function: deep recursion with three arguments.
def tak(x, y, z):
    if y < x:
        return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
    return z


result = tak(22, 16, 8) + tak(18, 12, 6)
