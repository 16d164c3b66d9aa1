# Records as dictionaries: count words by key, then update per-key statistics records.
words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
counts = {}
for i in range(150000):
    w = words[(i * 7) % 10]
    if w in counts:
        counts[w] = counts[w] + 1
    else:
        counts[w] = 1
stats = {"n": 0, "total": 0, "largest": 0}
for w in counts.keys():
    c = counts[w]
    stats["n"] = stats["n"] + 1
    stats["total"] = stats["total"] + c
    if c > stats["largest"]:
        stats["largest"] = c
people = []
for i in range(20000):
    people.append({"name": f"p{i}", "age": i % 90, "score": (i * 37) % 101})
older = 0
for p in people:
    if p["age"] > 40:
        older = older + p["score"]
result = stats["total"] * 1000000 + stats["n"] * 1000 + older
