# String building: a report line per item, joined by `s = s + line`; the result is its length.
def line(i):
    return f"item {i}: {i / 7:.3f} units, " + str(i % 13) + "\n"


s = ""
for i in range(30000):
    s = s + line(i)
result = len(s)
