import Foundation
import Script
import Tensor
import XCTest

/// The typed fast paths (Sources/Script/FastPaths.swift) must never change what a program
/// does: every program here runs with them and without them, and the two runs must print
/// the same lines, show the same value and stop with the same error.
final class FastPathTests: XCTestCase {
    /// What a run produced: its printed lines and shown value, or its error.
    static func outcome(_ source: String, fastPaths: Bool, stepLimit: Int?, limits: Limits = Limits()) -> String {
        let saved = Session.fastPaths
        Session.fastPaths = fastPaths
        defer { Session.fastPaths = saved }
        let session = Session()
        session.limits = limits
        session.stepLimit = stepLimit
        session.maxCallDepth = 200
        var lines: [String] = []
        session.output = { item in lines.append("\(item)") }
        do {
            for item in try session.run(source, file: "p.ainb") { lines.append("\(item)") }
            lines.append("result: \(session.valueText("result") ?? "-")")
        } catch {
            lines.append("error: \(error)")
        }
        return lines.joined(separator: "\n")
    }

    /// The same run both ways, under the fuzzer's limits.
    func assertSameBothWays(_ programs: [String], stepLimit: Int?, file: StaticString = #filePath, line: UInt = #line) {
        var differing = 0
        for program in programs where !program.contains("clock") {
            let fast = Self.outcome(program, fastPaths: true, stepLimit: stepLimit, limits: .fuzzing)
            let general = Self.outcome(program, fastPaths: false, stepLimit: stepLimit, limits: .fuzzing)
            if fast != general {
                differing += 1
                if differing <= 3 {
                    XCTFail("fast paths change the outcome of:\n\(program)\n--- with:\n\(fast)\n--- without:\n\(general)", file: file, line: line)
                }
            }
        }
        XCTAssertEqual(differing, 0, file: file, line: line)
    }

    func testFuzzCorpusRunsTheSameWithAndWithoutFastPaths() {
        var rng = RandomGenerator(seed: 11)
        let mutated = (0..<150).map { _ in Fuzzer.mutate(Fuzzer.corpus[rng.nextInt(below: Fuzzer.corpus.count)], &rng) }
        let programs = Fuzzer.corpus + FuzzTests.regressions + Fuzzer.generated(seed: 5, count: 300) + mutated
        assertSameBothWays(programs, stepLimit: 20_000)
    }

    /// Programs for the paths that read and change frame slots in place (locals live only
    /// inside functions): stores, sums, item and field reads, item and nested stores, with
    /// the cases they hand back to the general path (other types, bad indices, missing
    /// fields, variables without a value, numbers carrying a derivative).
    static let slotPrograms = [
        "fn f() { x = 1\n x = x + 2\n x = x + \"a\" }\nresult = f()",
        "fn f() { s = \"ab\"\n for i in 0..3 { s = s + str(i) }\n return s }\nresult = f()",
        "fn f() { xs = [1, 2]\n xs = xs + [3]\n return len(xs) }\nresult = f()",
        "fn f(x) { y = x\n y = y + x * x\n return y }\ng = grad(f)\nresult = g(3)",
        "fn f() { xs = [1, 2, 3]\n i = 1\n return xs[i] + xs[-1] + xs[0] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 3\n return xs[i] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0.5\n return xs[i] }\nresult = f()",
        "fn f() { xs = \"abc\"\n i = 1\n return xs[i] }\nresult = f()",
        "fn f() { r = {a: 1}\n k = \"a\"\n return r[k] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = nil\n return xs[i] }\nresult = f()",
        "fn f() { if false { xs = [1] }\n return xs[0] }\nresult = f()",
        "fn f() { xs = [0] * 4\n for i in 0..4 { xs[i] = i * i }\n xs[-1] = 7\n return xs }\nresult = f()",
        "fn f() { xs = [0] * 4\n xs[4] = 1\n return xs }\nresult = f()",
        "fn f() { xs = [0] * 4\n ys = xs\n xs[1] = 5\n return [xs, ys] }\nresult = f()",
        "fn f() { r = {a: 1}\n r[\"b\"] = 2\n r[\"a\"] = 3\n return r }\nresult = f()",
        "fn f() { s = 5\n s[0] = 1\n return s }\nresult = f()",
        "fn f() { if false { xs = [1] }\n xs[0] = 1 }\nresult = f()",
        "fn f() { r = {a: 1, b: {c: 2}}\n r.a = 5\n r.b.c = r.a + 1\n r.d = 4\n return r }\nresult = f()",
        "fn f() { r = {a: 1}\n q = r\n r.a = 2\n return [q.a, r.a] }\nresult = f()",
        "fn f() { bs = [{v: 1}, {v: 2}]\n for i in 0..2 { b = bs[i]\n bs[i].v = b.v * 10 }\n return bs }\nresult = f()",
        "fn f() { rows = [[1, 2], [3, 4]]\n rows[1][0] = 9\n rows[0][-1] = rows[1][0] + 1\n return rows }\nresult = f()",
        "fn f() { rows = [[1, 2], [3, 4]]\n rows[2][0] = 9 }\nresult = f()",
        "fn f() { rows = [[1, 2]]\n rows[0].x = 9 }\nresult = f()",
        "fn f() { r = {p: [{x: 1}]}\n r.p[0].x = 3\n return r }\nresult = f()",
        "fn f() { n = 3\n n.x = 1 }\nresult = f()",
        "fn f() { r = {a: 1}\n return r.b }\nresult = f()",
        "fn f() { r = 4\n return r.a }\nresult = f()",
        "fn f() { r = {a: 1}\n s = {b: 2, a: 3}\n t = 0\n for q in [r, s, r] { t = t + q.a }\n return t }\nresult = f()",
        "fn f() { xs = [1, 2]\n i = 0\n xs[i] = xs\n return xs }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n s = 0\n for i in 0..7 { s = s + xs[i % 3] + xs[(i + 1) % 3] }\n return s }\nresult = f()",
        "fn f() { r = {a: 1}\n k = \"a\"\n s = \"abc\"\n return [r[k + \"\"], s[1 + 0]] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n return xs[1 + 5] }\nresult = f()",
        "fn f() { if false { xs = [1] }\n return xs[1 + 0] }\nresult = f()",
        "fn f() { xs = []\n for i in 0..5 { xs = append(xs, i * i) }\n return xs }\nresult = f()",
        "fn f() { xs = []\n ys = xs\n xs = append(xs, 1)\n return [xs, ys] }\nresult = f()",
        "fn f() { append = fn(a, b) a + [b, b]\n xs = []\n xs = append(xs, 1)\n return xs }\nresult = f()",
        "fn f() { xs = 4\n xs = append(xs, 1) }\nresult = f()",
        "fn f() { if false { xs = [] }\n xs = append(xs, 1) }\nresult = f()",
        "fn f() { s = \"\"\n t = s\n for i in 0..4 { s = s + \"ab\" }\n xs = [1]\n xs = xs + [2, 3]\n return [s, t, xs] }\nresult = f()",
        "fn f() { s = \"a\"\n s = s + 1 }\nresult = f()",
        "fn f() { xs = [1]\n xs = xs + 2\n return xs }\nresult = f()",
        "fn f() { r = {a: 1, b: 2}\n for i in 0..3 { r.a = r.a + i\n r.b = i }\n r.c = 3\n return r }\nresult = f()",
        "fn f() { r = {a: 1}\n q = r\n r.a = 5\n return [q, r] }\nresult = f()",
        "fn f() { r = [1]\n r.a = 5 }\nresult = f()",
        "fn f() { if false { r = {} }\n r.a = 5 }\nresult = f()",
        "fn f(x) { return x * x + 3 * x - 1 }\ng = grad(f)\nresult = [f(2), g(2), f(-0.5)]",
        "fn f(x, y) { return (x + y) * (x - y) % 7 ^ 2 - -x / 2 }\nresult = [f(3, 1), f(-2, 5), f(0.5, 0)]",
        "fn f(x) { return x * x + x / 2 }\nresult = f(tensor([1, 2]))",
        "fn f(x) { return x * 2 + 1 }\nresult = f(\"a\")",
        "fn f() { if false { a = 1 }\n return a * 2 + 1 }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n ys = [[1, 2], [3, 4]]\n ys[1][0] = 7\n ys[0][5] = 1 }\nresult = f()",
        "fn f() { xs = [{a: 1}, 2]\n xs[0].a = 5\n xs[0].b = 6\n xs[1].a = 1 }\nresult = f()",
        "fn f() { xs = [{a: 1}]\n xs[3].a = 5 }\nresult = f()",
        "fn f() { if false { xs = [] }\n xs[0].a = 5 }\nresult = f()",
        "fn f() { g = [[0] * 3] * 2\n for i in 0..2 { for j in 0..3 { g[i][j] = i * 3 + j } }\n return [g, {p: \"x{g[1][2]}y\"}] }\nresult = f()",
        "fn f() { xs = [7] * 3\n ys = [1, 2] * 2\n return [xs, ys, [] * 4, -7 % 3, 7 % -3, 5.5 % 2, -4 % 2, 1 / (-4 % 2)] }\nresult = f()",
    ]

    func testSlotPathsRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.slotPrograms, stepLimit: 20_000)
    }

    /// The same paths on globals (top-level code), where an index or value that calls a
    /// function may reassign the variable being read or changed; slices; and calls entered
    /// with and without defaults, cells and captured variables.
    static let globalPrograms = [
        "xs = [1, 2, 3]\ni = 1\nresult = xs[i] + xs[-1] + xs[0] + xs[i + 1]",
        "xs = [1, 2, 3]\nresult = xs[3]",
        "r = {a: 1}\nresult = [r.a, r[\"a\"]]",
        "r = {a: 1}\nresult = r.b",
        "xs = [0] * 4\nfor i in 0..4 { xs[i] = i * i }\nys = xs\nxs[-1] = 7\nresult = [xs, ys]",
        "xs = [0] * 4\nxs[4] = 1",
        "counts = {}\nfor w in [\"a\", \"b\", \"a\"] { if contains(counts, w) { counts[w] = counts[w] + 1 } else { counts[w] = 1 } }\nresult = counts",
        "r = {a: 1, b: 2}\nq = r\nfor i in 0..3 { r.a = r.a + i }\nr.c = 3\nresult = [q, r]",
        "bs = [{v: 1}, {v: 2}]\nc = bs\nfor i in 0..2 { b = bs[i]\n bs[i].v = b.v * 10 }\nbs[0].w = 1\nresult = [bs, c]",
        "rows = [[1, 2], [3, 4]]\nold = rows\nrows[1][0] = 9\nrows[0][-1] = rows[1][0] + 1\nresult = [rows, old]",
        "rows = [[1, 2]]\nrows[0][2] = 1",
        "xs = [{a: 1}]\nxs[3].a = 5",
        "xs = [1, 2, 3]\nfn f() { xs = [7, 8, 9]\n return 0 }\nresult = [xs[f()], xs]",
        "xs = [1, 2, 3]\nfn f() { xs = [7, 8, 9]\n return 1 }\nxs[f()] = 5\nresult = xs",
        "xs = [1, 2, 3]\nfn f() { xs = [7, 8, 9]\n return 4 }\nxs[0] = f()\nresult = xs",
        "r = {a: 1}\nfn f() { r = {a: 2, b: 3}\n return 4 }\nr.a = f()\nresult = r",
        "fn g() { xs = [1, 2, 3]\n return xs[if true { xs = [4, 5, 6]\n 0 } else { 1 }] }\nresult = g()",
        "xs = [1, 2, 3]\nresult = xs[if true { xs = [4, 5, 6]\n 0 } else { 1 }]",
        "fn f(xs) { ys = xs[:]\n ys[0] = 9\n return [xs, ys, xs[1:], xs[:-1], xs[5:], xs[2:1], xs[::2], xs[::-1], xs[-2:]] }\nresult = f([1, 2, 3])",
        "xs = [1, 2, 3]\nresult = [xs[0.5:], xs[:\"a\"]]",
        "fn f(a, b = a + 1) = a * b\nfn g(n) { k = n\n h = fn() k + 1\n return h() }\nfn c(x) { c2 = fn(y) x + y\n return c2(1) }\nresult = [f(2), f(2, 5), g(3), c(4)]",
        "fn f() { b = {x: 1, y: 2}\n c = {y: 5, x: 3}\n return [b.x - c.x, b.y * c.y + 1, -b.x * 2, c.x - b.x] }\nresult = f()",
        "fn f() { b = {x: 1}\n return b.y - 1 }\nresult = f()",
        "fn f() { b = 3\n return b.x - 1 }\nresult = f()",
        "fn f() { if false { b = {x: 1} }\n return b.x - 1 }\nresult = f()",
        "fn f(x) { r = {v: x}\n return r.v * r.v - r.v }\ng = grad(f)\nresult = [f(3), g(3)]",
        "b = {x: tensor([1, 2]), y: \"a\"}\nresult = [b.x - 1, b.y + \"b\"]",
        "p = {x: 2}\nq = [p, {x: 4}]\nt = 0\nfor r in q { t = t + r.x * r.x - p.x }\nresult = t",
        "fn f() { xs = [1, 2, 3]\n ys = [4, 5]\n i = 1\n return [xs[i] + ys[i] * 2, xs[i + 1] - xs[0], xs[-1] * ys[i - 1] + 1] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 3\n return xs[i] + 1 }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0.5\n return xs[i] * 2 }\nresult = f()",
        "fn f() { xs = \"abc\"\n return xs[1] + \"d\" }\nresult = f()",
        "fn f() { xs = [1, \"a\"]\n return xs[1] + 1 }\nresult = f()",
        "fn f() { r = {a: 2}\n k = \"a\"\n return r[k] * 3 }\nresult = f()",
        "fn f(x) { xs = [x, 2 * x]\n return xs[0] * xs[1] + xs[1] }\ng = grad(f)\nresult = [f(3), g(3)]",
        "rows = [[1, 2], [3, 4]]\nc = 0\nfor i in 0..2 { row = rows[i]\n for j in 0..2 { c = c + row[j] * row[1 - j] } }\nresult = c",
        "fn f() { t = {l: nil, r: {l: nil, r: nil}}\n u = nil\n v = 3\n return [t.l == nil, t.r == nil, nil != t.r, t.l != nil, u == nil, v == nil, nil == v, u != nil] }\nresult = f()",
        "fn f() { t = {l: 1}\n return t.m == nil }\nresult = f()",
        "fn f() { t = 4\n return t.m == nil }\nresult = f()",
        "fn f() { if false { u = 1 }\n return u == nil }\nresult = f()",
        "fn f(x) { r = {v: x}\n return if r.v == nil { 0 } else { x * x } }\ng = grad(f)\nresult = [f(3), g(3)]",
        "t = {l: nil, r: tensor([1])}\nresult = [t.l == nil, t.r != nil, t == nil]",
        "fn f(a, b) = a + b\nresult = f(1)",
        "fn f(a) = a\nresult = f(1, 2)",
    ]

    /// Conditions made of `and`, `or` and `not`, comparisons of number expressions, nested
    /// item reads `rows[i][j]` and number expressions passed as values, with the cases they
    /// hand back to the general path: values that are not booleans (nil, strings, tensors
    /// ambiguous as conditions, where the error is placed), items that are not numbers or
    /// lists, bad positions at either level, indices that call functions.
    static let conditionPrograms = [
        "fn f(n) { c = 0\n for i in 0..n { if i > 2 and i < 7 or i == 9 { c = c + 1 } }\n return c }\nresult = f(12)",
        "fn f() { x = nil\n y = 3\n return [if x and y { 1 } else { 2 }, if x or y { 1 } else { 2 }, if not x { 1 } else { 2 }] }\nresult = f()",
        "fn f() { t = tensor([1, 2])\n if 1 < 2 and t { return 1 }\n return 0 }\nresult = f()",
        "fn f() { t = tensor([1, 2])\n if t and 1 < 2 { return 1 }\n return 0 }\nresult = f()",
        "fn f() { t = tensor([1, 2])\n if false or (true and t) { return 1 }\n return 0 }\nresult = f()",
        "fn f() { t = tensor([1, 2])\n if not t { return 1 }\n return 0 }\nresult = f()",
        "t = tensor([1])\nu = tensor([0])\nresult = [if t and not u { 1 } else { 2 }, if u or \"\" { 3 } else { 4 }]",
        "fn f() { i = 0\n while i < 10 and not (i * i > 20) { i = i + 1 }\n return i }\nresult = f()",
        "fn f() { g = [[1, -1, 3], [-2, 5, -6]]\n c = 0\n for x in 0..2 { for y in 0..3 { if g[x][y] < 0 and x + 1 < 2 and g[x + 1][y] > 0 { c = c + g[x][y] * 10 + g[x + 1][y] } } }\n return c }\nresult = f()",
        "fn f() { g = [[1, 2], [3]]\n return g[1][1] < 4 }\nresult = f()",
        "fn f() { g = [[1, 2], 3]\n return g[1][0] }\nresult = f()",
        "fn f() { g = [[1, 2], \"ab\"]\n return [g[1][0], g[0][-1], g[-1][1]] }\nresult = f()",
        "fn f() { g = [[1, 2]]\n return g[2][0] }\nresult = f()",
        "fn f() { g = [[1, 2]]\n i = 0.5\n return g[0][i] }\nresult = f()",
        "fn f() { g = [{a: 1}]\n k = \"a\"\n return g[0][k] + 1 }\nresult = f()",
        "fn f() { g = [[1, \"x\"], [nil, 2]]\n return [g[0][1] == \"x\", g[1][0] == nil, g[0][1] < 2] }\nresult = f()",
        "fn f() { if false { g = [[1]] }\n return g[0][0] }\nresult = f()",
        "fn f() { g = [[1]]\n if false { j = 0 }\n return g[0][j] }\nresult = f()",
        "fn f() { g = [[1]]\n if false { j = 0 }\n return g[5][j] }\nresult = f()",
        "fn f() { g = [[true, false], [false, true]]\n c = 0\n for x in 0..2 { for y in 0..2 { if not g[x][y] and (x == 0 or g[x - 1][y]) { c = c + 1 } } }\n return c }\nresult = f()",
        "g = [[1, 2], [3, 4]]\nfn k() { g = [[9, 9]]\n return 0 }\nresult = [g[k()][1], g[1][0] + g[0][1] * 2, g]",
        "g = [[1, 2], [3, 4]]\ns = 0\nfor i in 0..2 { for j in 0..2 { s = s + g[i][j] * g[j][i] } }\nresult = [s, g[1][1] > g[0][0], g[0][2]]",
        "fn f(x) { g = [[x, 2 * x]]\n return g[0][0] * g[0][1] + 1 }\nd = grad(f)\nresult = [f(3), d(3)]",
        "fn f(x) { g = [[x]]\n return if g[0][0] * 2 > 1 { x * x } else { x } }\nd = grad(f)\nresult = [f(3), d(3)]",
        "fn f() { r = {a: 2, b: \"s\"}\n xs = [1, 2]\n return [r.a * 2 > 3, r.a + 1 == 3, xs[0] + xs[1] != 3, r.b < 1] }\nresult = f()",
        "fn f() { p = {v: 1}\n q = [0, 0]\n p.v = p.v * 3 + 1\n q[1] = q[0] - p.v / 2\n x = p.v * p.v + 1\n return [p, q, x, sqrt(p.v * 4 + 0), str(q[1] * 2 + 1)] }\nresult = f()",
        "fn f() { p = {v: \"a\"}\n x = p.v + \"b\"\n y = [p.v + \"c\", 1]\n return [x, y] }\nresult = f()",
        "fn f() { p = {v: 1}\n x = p.w * 2 + 1 }\nresult = f()",
        "fn f(x) = abs(sin(x)) * exp(-x / 10) + abs(cos(3 * x)) + sqrt(x * x + 1) - floor(x / 2) + round(x * 2.5)\nd = grad(f)\nresult = [f(1.5), f(-2), d(1.5)]",
        "fn f(x) { return sqrt(x * 2 + 1) * 2 }\nresult = [f(4), f(tensor([4, 12]))]",
        "fn f(x) { return sqrt(x * 2 + 1) * 2 }\nresult = f(\"a\")",
        "fn f(x) { return log(x * 0 + 0) - sqrt(x - 5) * 1 }\nresult = f(1)",
        "fn sqrt(x) = x + 100\nfn f(x) = sqrt(x * 2) * 2\nresult = f(8)",
        "fn f(x) = abs(x * 2) + 1\na = f(-3)\nabs = fn(x) x * 10\nresult = [a, f(-3)]",
        "fn f(x) { sin = fn(y) y + 1\n return sin(x * 2) * 3 }\nresult = f(1)",
        "fn f(x) = sqrt(x, 2) * 2 + 1\nresult = f(4)",
        "fn f() { xs = [3, 1, 2]\n i = 1\n t = xs[i]\n xs[i] = xs[0]\n xs[0] = t\n k = xs[2]\n return [xs, t, k, str(xs[i]), xs[-1]] }\nresult = f()",
        "fn f() { xs = [3, 1, 2]\n i = 3\n t = xs[i] }\nresult = f()",
        "fn f() { xs = [3, 1, 2]\n t = xs[5] }\nresult = f()",
        "fn f() { xs = \"abc\"\n i = 1\n return [xs[i], xs[0]] }\nresult = f()",
        "fn f() { r = {a: 1}\n k = \"a\"\n t = r[k]\n return t }\nresult = f()",
        "fn f() { if false { xs = [1] }\n t = xs[0] }\nresult = f()",
        "fn f() { xs = [1]\n if false { i = 0 }\n t = xs[i] }\nresult = f()",
        "xs = [5, 6]\ni = 1\nt = xs[i]\nys = [xs[0], xs[i]]\nxs[0] = xs[i]\nresult = [t, ys, xs]",
        "fn f(n) { if n < 2 { return n }\n return f(n - 1) + f(n - 2) }\nfn g(a, b) { if a > b { a } else { b } }\nfn h(a) { if a { return }\n return 2 }\nresult = [f(10), g(1, 2), g(\"b\", \"a\"), h(true), h(false)]",
        "fn f(n) { if n < 2 { return m }\n return 1 }\nresult = f(1)",
        "fn f(n) { if n < 2 { m } else { return q } }\nresult = [f(5)]",
        "fn f(n) { if n < 2 { return n * 2 + 1 } else { if n > 5 { 7 } else { n } } }\nresult = [f(1), f(3), f(9)]",
        "fn f(xs) { for x in xs { if x > 2 { return x } }\n return nil }\ng = 5\nfn k() { return g }\nresult = [f([1, 3]), f([]), k()]",
        "fn f(x) { if x > 1 { return x } else { return x * x } }\nd = grad(f)\nresult = [d(3), d(0.5)]",
        "fn f() { c = {}\n for w in [\"a\", \"b\", \"a\", \"\u{e9}\", \"e\u{301}\"] { if contains(c, w) { c[w] = c[w] + 1 } else { c[w] = 1 } }\n k = \"a\"\n n = c[k]\n return [c, n, str(c[k])] }\nresult = f()",
        "fn f() { c = {a: 1}\n k = \"b\"\n n = c[k] }\nresult = f()",
        "fn f() { c = {a: 1}\n k = 0\n return c[k] }\nresult = f()",
        "fn f() { c = [1]\n k = \"a\"\n return c[k] }\nresult = f()",
        "fn f() { c = \"abc\"\n k = \"a\"\n n = c[k] }\nresult = f()",
        "fn f() { c = {a: 1}\n if false { k = \"a\" }\n return c[k] }\nresult = f()",
        "c = {a: 1, b: 2}\nk = \"b\"\nn = c[k]\nresult = [n, c[k] * 2, [c[k]]]",
        "fn f() { xs = [1, 2, 3, 4]\n i = 0\n while i < 3 { xs[i] = xs[i + 1]\n i = i + 1 }\n a = xs[i - 4]\n b = xs[-i + 1]\n return [xs, a, b, str(xs[i * 2 - 5]), xs[abs(0 - 2)]] }\nresult = f()",
        "fn f() { xs = [1, 2]\n i = 1\n a = xs[i + 1] }\nresult = f()",
        "fn f() { xs = [1, 2]\n i = 0.5\n a = xs[i * 1] }\nresult = f()",
        "fn f() { xs = \"abc\"\n i = 1\n return [xs[i + 1]] }\nresult = f()",
        "fn f() { xs = [1, 2]\n i = \"a\"\n a = xs[i + 1] }\nresult = f()",
        "fn f() { if false { i = 0 }\n xs = [1, 2]\n a = xs[i + 1] }\nresult = f()",
        "fn f(x) { xs = [x, x * x]\n i = 0\n return xs[i + 1] }\nd = grad(f)\nresult = [f(3), d(3)]",
    ]

    func testConditionAndNestedItemPathsRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.conditionPrograms, stepLimit: 20_000)
    }

    func testGlobalSlotPathsRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.globalPrograms, stepLimit: 20_000)
    }

    /// Locals kept field by field (records read from lists, SplitRecords.swift): items that
    /// are no records or lack a field, unset locals, parameters, stores of other values,
    /// fields holding tensors, lists or numbers carrying a derivative, later changes to the
    /// list, positions outside the list and indices that are not numbers.
    static let splitPrograms = [
        "fn f() { bs = [{x: 1, v: 2}, {v: 4, x: 3}]\n for k in 0..3 { for i in 0..2 { b = bs[i]\n bs[i].v = b.v + b.x\n bs[i].x = b.x * 2 + b.v } }\n return bs }\nresult = f()",
        "fn f() { bs = [{x: 1}, {y: 2}]\n t = 0\n for i in 0..2 { b = bs[i]\n t = t + b.x }\n return t }\nresult = f()",
        "fn f(bs) { t = []\n for i in 0..len(bs) { b = bs[i]\n t = append(t, b.x) }\n return t }\nresult = [f([{x: 1}]), f([[1, 2]])]",
        "fn f(bs) { b = bs[0]\n return b.x }\nresult = [f([5]), 1]",
        "fn f(bs) { b = bs[0]\n return b.x }\nresult = f([nil])",
        "fn f(bs) { b = bs[0]\n return b.x }\nresult = f([\"s\"])",
        "fn f(bs) { if false { b = bs[0] }\n return b.x }\nresult = f([{x: 1}])",
        "fn f(bs) { b = bs[0]\n c = b.x\n b = {x: 9}\n d = b.x\n b = bs[1]\n return [c, d, b.x, b.y] }\nresult = f([{x: 1, y: 2}, {y: 3, x: 4}])",
        "fn f(b, bs) { t = b.x\n b = bs[0]\n return t + b.x }\nresult = [f({x: 1}, [{x: 2}]), f(3, [{x: 2}])]",
        "fn f(bs) { i = 1\n b = bs[i + 4] }\nresult = f([{x: 1}])",
        "fn f(bs) { i = \"a\"\n b = bs[i]\n return b.x }\nresult = f([{x: 1}])",
        "fn f(bs) { b = bs[-1]\n c = bs[0.5] }\nresult = f([{x: 1}])",
        "fn f(bs) { b = bs[\"x\"]\n return b.x }\nresult = f({x: {x: 7}})",
        "fn f(x) { bs = [{v: x, w: 2}]\n b = bs[0]\n return b.v * b.v + b.w * b.v }\ng = grad(f)\nresult = [f(3), g(3)]",
        "fn f() { bs = [{v: tensor([1, 2]), s: \"a\", l: [1, 2], n: nil}]\n b = bs[0]\n bs[0].l[0] = 9\n bs[0].v = 0\n return [b.v * 2, b.s + \"b\", b.l, b.n == nil, b.l != nil, bs] }\nresult = f()",
        "fn f() { bs = [{x: 1}]\n b = bs[0]\n g = fn() b.x + 1\n return g() }\nresult = f()",
        "fn f() { bs = [{x: 1}]\n b = bs[0]\n return [b.x, b] }\nresult = f()",
        "fn f() { bs = [{x: 1, k: 0}, {x: 2, k: 1}]\n b = bs[1]\n b = bs[b.k]\n return [b.x, bs[b.k].x, if b.x > 1 { 1 } else { 2 }, str(b.x)] }\nresult = f()",
        "fn f() { bs = [{x: 1}]\n b = bs[0]\n bs = [{x: 5}]\n return b.x + bs[0].x }\nresult = f()",
        "fn f() { bs = [{x: 1}]\n b = bs[0]\n return b.y }\nresult = f()",
        "fn f() { xs = [5, 1, 4, 2, 3]\n i = 1\n while i < len(xs) { v = xs[i]\n j = i - 1\n while j >= 0 and xs[j] > v { xs[j + 1] = xs[j]\n j = j - 1 }\n xs[j + 1] = v\n i = i + 1 }\n return xs }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n j = 2\n xs[j + 1] = xs[j] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n j = 0\n xs[j - 1] = xs[j + 1] * 2 + 1\n xs[j] = xs[j - 1] - 1\n xs[j + 0.5] = 1 }\nresult = f()",
        "fn f() { xs = [{a: 1}, [2], \"s\"]\n i = 0\n xs[i + 1] = xs[i]\n xs[i] = xs[i + 2]\n return xs }\nresult = f()",
        "fn f() { r = {a: 1}\n k = \"a\"\n r[k] = r[k] + 1\n xs = [1]\n xs[k] = 2 }\nresult = f()",
        "fn f() { xs = [1, 2]\n t = tensor([1, 2])\n xs[0] = t * 2 + 1\n i = t\n xs[i] = 1 }\nresult = f()",
        "xs = [1, 2, 3]\nfn g() { xs = [7, 8, 9]\n return 5 }\ni = 0\nxs[i + 1] = g()\nys = [0, 0]\nys[i + 1] = ys[i] + 4\nresult = [xs, ys]",
        "fn f() { xs = [1, 2]\n if false { i = 0 }\n xs[i + 1] = 3 }\nresult = f()",
        "fn f() { if false { xs = [1] }\n i = 0\n xs[i + 1] = 3 }\nresult = f()",
        "fn f() { g = [[1, 2], [3, 4]]\n bs = [{v: 1}]\n i = 0\n g[i + 1][i] = g[i][i + 1] * 3 + 1\n bs[i].v = bs[i].v * 2 + 1\n g[i][i + 5] = 1 + i * 2 }\nresult = f()",
        "fn f() { bs = [{v: 1}, 2]\n i = 1\n bs[i].v = i * 2 + 1 }\nresult = f()",
        "fn f() { bs = [{v: 1}]\n i = 0\n bs[i].w = i * 2 + 1\n return bs }\nresult = f()",
        "fn f(x) { xs = [x, 0]\n i = 0\n xs[i + 1] = xs[i] * x + 1\n bs = [{v: 0}]\n bs[i].v = xs[1] * 2 + x\n return bs[0].v }\ng = grad(f)\nresult = [f(2), g(2)]",
        "fn f(x) { y = x\n n = 0\n while y < 10 { y = y * 2 + 0\n n = n + 1 }\n if y > 12 { return y * n } else { return -y }\n }\ng = grad(f)\nresult = [f(3), g(3), f(1.5), g(1.5)]",
        "fn f() { i = 0\n while i < 3 { i = i + 1\n if i == 2 { i = \"a\" } } }\nresult = f()",
        "fn f() { x = nil\n if x > 1 { return 1 }\n return 2 }\nresult = f()",
        "fn f() { x = nil\n y = nil\n if x == y { return 1 }\n while x != y { return 3 }\n return 2 }\nresult = f()",
        "fn f() { t = tensor([1, 2])\n while t < 3 { return 1 }\n return 2 }\nresult = f()",
        "fn f() { t = tensor([1])\n n = 0\n while t < 3 { t = t + 1\n n = n + 1 }\n if t + 1 > 3 { n = n + 10 }\n return n }\nresult = f()",
        "fn f() { s = \"b\"\n if s > \"a\" { return 1 }\n return 2 }\nresult = f()",
        "fn f() { xs = [3, 1]\n k = 0\n t = xs[k + 1]\n u = xs[k - 1]\n v = xs[k + 2] }\nresult = f()",
        "fn f() { xs = \"abc\"\n k = 0\n t = xs[k + 1]\n r = {a: 1}\n k = \"a\"\n u = r[k]\n return [t, u] }\nresult = f()",
        "i = 0\nn = 0\nwhile i < 5 { i = i + 1\n if i % 2 == 0 { n = n + i } }\nresult = n",
        "fn f(x) { n = 0\n s = 0\n t = \"a\"\n u = [1]\n for i in 0..4 { n = n + 1\n s = s + n\n s = s + s\n t = t + \"b\"\n u = u + [i]\n m = n - 1\n k = x + 2 }\n y = x\n y = y + 1\n y = y + x\n return [n, s, t, u, m, k, y] }\ng = grad(f)\nresult = [f(3), g(3), f(tensor([1, 2]))]",
        "fn f() { n = 0\n q = nil\n n = n + 1\n n = n + q }\nresult = f()",
        "fn f(x) { a = 0\n b = x\n c = \"s\"\n d = c\n xs = [x, \"t\", nil]\n e = xs[0]\n g = xs[1]\n h = xs[-1]\n j = 0\n xs[j] = b\n xs[j + 1] = d\n xs[j + 2] = a\n return [a, b, d, e, g, h, xs] }\ngr = grad(f)\nresult = [f(2), gr(2)]",
        "fn f() { xs = []\n k = xs[0] }\nresult = f()",
        "fn f() { xs = 5\n k = xs[0] }\nresult = f()",
        "fn f() { if false { y = 1 }\n x = y }\nresult = f()",
        "fn f() { xs = [1]\n if false { t = 1 }\n j = 0\n xs[j] = t }\nresult = f()",
        "fn f() { xs = [1]\n t = 2\n j = 1\n xs[j] = t }\nresult = f()",
        "fn f() { xs = \"ab\"\n t = 2\n j = 0\n xs[j] = t }\nresult = f()",
        "fn f() { n = \"a\"\n n = n + 1 }\nresult = f()",
        "fn f() { if false { n = 0 }\n n = n + 1 }\nresult = f()",
        "fn f() { n = 1\n if false { q = 0 }\n n = n + q }\nresult = f()",
        "fn f() { if false { q = 0 }\n n = q - 1 }\nresult = f()",
        "n = 0\ns = 0\nfor i in 0..5 { n = n + 1\n s = s + n\n m = n - 1 }\nresult = [n, s, m]",
        "fn f() { bs = [{v: 1, w: [1]}, {v: 2, w: [2]}]\n cs = bs\n d = bs[0]\n i = 0\n bs[i].v = 5\n bs[i + 1].w = 7\n g = [[1, 2], [3, 4]]\n h = g\n r = g[1]\n g[i + 1][i] = 9\n g[i][i] = \"s\"\n return [bs, cs, d, g, h, r] }\nresult = f()",
    ]

    func testSplitRecordsAndNumberStoresRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.splitPrograms, stepLimit: 20_000)
    }

    /// Swaps and copies of items within one list (ItemSwaps.swift, `xs[i] = xs[i + 1]`), number
    /// stores over items and fields of every kind, loops over ranges written in place, and
    /// split locals given records of other key orders: negative, fractional, out-of-range and
    /// non-number positions, lists other variables hold, temporaries that are globals or used
    /// as positions, strings and records instead of lists, bounds that are not numbers.
    static let movePrograms = [
        "fn f() { xs = [1, 2, 3, 4]\n i = 0\n j = 3\n while i < j { t = xs[i]\n xs[i] = xs[j]\n xs[j] = t\n i = i + 1\n j = j - 1 }\n return [xs, t] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n ys = xs\n i = -1\n j = 0\n t = xs[i]\n xs[i] = xs[j]\n xs[j] = t\n return [xs, ys, t] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0.5\n j = 0\n t = xs[i]\n xs[i] = xs[j]\n xs[j] = t }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0\n j = 3\n t = xs[i]\n xs[i] = xs[j]\n xs[j] = t }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0\n j = -4\n t = xs[i]\n xs[i] = xs[j]\n xs[j] = t }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0\n j = \"a\"\n t = xs[i]\n xs[i] = xs[j]\n xs[j] = t }\nresult = f()",
        "fn f() { xs = \"abc\"\n i = 0\n j = 1\n t = xs[i]\n xs[i] = xs[j]\n xs[j] = t }\nresult = f()",
        "fn f() { xs = {a: 1, b: 2}\n i = \"a\"\n j = \"b\"\n t = xs[i]\n xs[i] = xs[j]\n xs[j] = t\n return [xs, t] }\nresult = f()",
        "fn f() { xs = [[1], \"s\", {a: 1}, nil]\n i = 1\n t = xs[i - 1]\n xs[i - 1] = xs[i + 2]\n xs[i + 2] = t\n t = xs[0]\n xs[0] = xs[0]\n xs[0] = t\n return [xs, t] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0\n t = xs[i]\n xs[i] = xs[t]\n xs[t] = t\n return xs }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0\n j = 2\n t = xs[i]\n xs[i] = xs[j]\n xs[j] = t + 1\n return xs }\nresult = f()",
        "fn f() { if false { xs = [1] }\n i = 0\n j = 1\n t = xs[i]\n xs[i] = xs[j]\n xs[j] = t }\nresult = f()",
        "fn f() { xs = [1, 2]\n if false { i = 0 }\n j = 1\n t = xs[i]\n xs[i] = xs[j]\n xs[j] = t }\nresult = f()",
        "xs = [5, 6, 7]\nys = xs\ni = 0\nj = 2\nt = xs[i]\nxs[i] = xs[j]\nxs[j] = t\nfor k in 0..1 { t = xs[k]\n xs[k] = xs[k + 1]\n xs[k + 1] = t }\nresult = [xs, ys, t]",
        "fn f() { xs = [[1], \"s\", 3]\n t = xs\n i = 0\n j = 0\n t = xs[i]\n xs[i] = xs[j]\n xs[j] = t\n k = 2\n t = xs\n t = xs[k]\n xs[k] = xs[i]\n xs[i] = t\n return [xs, t] }\nresult = f()",
        "xs = [\"a\", [2], {b: 3}]\nt = xs\nfor k in 0..2 { t = xs[k]\n xs[k] = xs[k + 1]\n xs[k + 1] = t }\nys = xs\nt = ys[0]\nys[0] = ys[2]\nys[2] = t\nresult = [xs, ys, t]",
        "fs = [fn() 1, fn() 2]\ni = 0\nj = 1\nwhile i < 1 { t = fs[i]\n fs[i] = fs[j]\n fs[j] = t\n i = i + 1 }\nresult = [t(), fs[0](), fs[1]()]",
        "fn f() { xs = [1, 2, 3]\n ys = xs\n i = 0\n j = 2\n xs[i], xs[j] = xs[j], xs[i]\n xs[i + 1], xs[0] = xs[0], xs[i + 1]\n return [xs, ys] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0\n j = 5\n xs[i], xs[j] = xs[j], xs[i] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0\n j = 1.5\n xs[i], xs[j] = xs[j], xs[i] }\nresult = f()",
        "fn f() { xs = \"ab\"\n i = 0\n j = 1\n xs[i], xs[j] = xs[j], xs[i] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0\n j = 2\n xs[i], xs[j] = [xs[j], xs[i]]\n return xs }\nresult = f()",
        "fn f() { xs = [1, 2, 3, 4]\n ys = xs\n i = 0\n while i < 3 { xs[i] = xs[i + 1]\n i = i + 1 }\n xs[-1] = xs[-4]\n return [xs, ys] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 2\n xs[i] = xs[i + 1] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = 0.5\n xs[i] = xs[i + 1] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = -4\n xs[i + 1] = xs[i] }\nresult = f()",
        "fn f() { xs = \"abc\"\n i = 0\n xs[i] = xs[i + 1] }\nresult = f()",
        "fn f() { xs = [[1], \"s\", 3]\n i = 0\n xs[i + 2] = xs[i]\n xs[i] = xs[i + 1]\n xs[i + 1] = 4\n xs[i] = 5\n return xs }\nresult = f()",
        "fn f() { bs = [{v: [1], w: \"s\"}]\n cs = bs\n i = 0\n bs[i].v = i * 2 + 1\n bs[i].w = bs[i].v * 3 + 1\n g = [[\"a\", [1]]]\n g[i][i + 1] = i * 2 + 3\n g[i][i] = g[i][i + 1] + 1\n return [bs, cs, g] }\nresult = f()",
        "fn f(n) { s = 0\n for i in 0..n { for j in i + 1..n { s = s + i * j } }\n for k in n..0 { s = s + 100 }\n return [s, i, j] }\nresult = f(5)",
        "fn f() { s = 0\n for i in 0.5..3 { s = s + i }\n for j in true..3 { s = s + j }\n return s }\nresult = f()",
        "fn f() { for i in \"a\"..3 { } }\nresult = f()",
        "fn f() { for i in 0..nil { } }\nresult = f()",
        "fn f() { n = tensor([3])\n s = 0\n for i in 0..n { s = s + i }\n return s }\nresult = f()",
        "fn f() { for i in 0..1e9 { } }\nresult = f()",
        "fn f() { s = 0\n for i in 0..10 { if i == 3 { continue }\n if i == 6 { break }\n s = s + i }\n for i in 0..3 { if i == 1 { return s + i } } }\nresult = f()",
        "n = 4\ns = 0\nfor i in 1..n { for j in i..n { s = s + j } }\nresult = [s, i, j]",
        "fn f() { x = 0\n g = fn() x\n for x in 0..3 { }\n return g() }\nresult = f()",
        "fn f() { bs = [{x: 1, y: 2, z: 0}, {z: 5, y: 3, x: 4}, {y: 6, x: 7, z: 1}]\n s = 0\n for k in 0..2 { for i in 0..3 { b = bs[i]\n s = s + b.x * 10 + b.y\n bs[i].x = b.y + b.x } }\n return [s, bs] }\nresult = f()",
        "fn f() { bs = [{x: 1, y: 2}, {x: 4}, {x: 7, y: 1, w: 0}]\n s = 0\n for i in 0..3 { b = bs[i]\n s = s + b.x }\n b = bs[1]\n return [s, b.y] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n i = -0\n a = xs[i]\n xs[i] = 5\n j = 2\n xs[j - 3] = xs[i - 0]\n return [a, xs] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n n = 0 / 0\n return xs[n] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n n = 1e300\n xs[n] = 1 }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n n = -2 ^ 60\n t = xs[n] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n n = 2 ^ 53 + 1\n xs[n - 1] = xs[n] }\nresult = f()",
        "fn f() { xs = [1, 2, 3]\n n = 1 / 0\n i = 0\n xs[i], xs[n] = xs[n], xs[i] }\nresult = f()",
        "fn f() { bs = [{x: 1, y: 2, z: 3}, {z: 4, x: 5, y: 6}]\n cs = bs\n r = bs[1]\n for i in 0..2 { bs[i].x = bs[i].x * 2 + 1\n bs[i].y = i * 10 + 1\n bs[i].z = r.x + i * 3 }\n return [bs, cs, r] }\nresult = f()",
        "fn f() { bs = [{x: 1, z: 3}]\n i = 0\n bs[i].x = i + 7\n bs[i].y = i + 8\n bs[i].z = i + 9\n return bs }\nresult = f()",
        "fn f() { bs = [{x: 1, y: 2}, 5]\n i = 1\n bs[i].x = i + 7\n bs[i].y = i + 8 }\nresult = f()",
        "fn f() { bs = [{x: 1, y: 2}]\n i = 0\n s = \"a\"\n bs[i].x = i + 7\n bs[i].y = s + 1 }\nresult = f()",
        "fn f() { bs = [{x: 1, y: 2}]\n i = 0\n s = \"a\"\n bs[i].x = i + 7\n bs[i].y = s\n return bs }\nresult = f()",
        "fn f() { bs = [{x: 1, y: 2}]\n i = 0\n bs[i].x = i + 7\n bs[i].x = bs[i].x * 2\n bs[i - 1].y = i + 1\n bs[i - 1].x = 3\n return bs }\nresult = f()",
        "fn f() { bs = [{x: 1, y: 2}]\n i = 1\n bs[i].x = i + 7\n bs[i].y = i + 8 }\nresult = f()",
        "fn f() { bs = [{x: 1, y: 2}]\n i = 0.5\n bs[i].x = i + 7\n bs[i].y = i + 8 }\nresult = f()",
        "fn f() { bs = {a: {x: 1, y: 2}}\n i = \"a\"\n bs[i].x = 7\n bs[i].y = 8\n return bs }\nresult = f()",
        "fn f() { if false { bs = [{x: 1}] }\n i = 0\n bs[i].x = i + 7\n bs[i].y = i + 8 }\nresult = f()",
        "fn f(v) { bs = [{x: 1, y: [2]}, 4]\n i = 0\n bs[i].x = bs[i + 1] * v + 1\n bs[i].y = v * v\n return bs[0].x + bs[0].y }\ng = grad(f)\nresult = [f(3), g(3)]",
        "bs = [{x: 1, y: 2}]\ni = 0\nbs[i].x = i + 7\nbs[i].y = sqrt(bs[i].x + 9)\nsqrt = fn(x) 0\nbs[i].x = i + 7\nbs[i].y = sqrt(i)\nresult = bs",
        "fn f() { p1 = [1, 2, 3]\n p = [0, 0, 0]\n a = p\n p = p1[:]\n p[0] = 9\n b = p\n p = p1[:]\n return [p, p1, a, b] }\nresult = f()",
        "fn f() { p1 = [[1], \"s\", {a: 1}, nil, 2]\n p = [[0], 0, \"t\", {b: 2}, [5]]\n p = p1[:]\n p1[0][0] = 7\n p = p[:]\n return [p, p1] }\nresult = f()",
        "fn f() { p1 = [1, 2, 3]\n p = [0, 0]\n p = p1[:]\n q = 5\n q = p1[:]\n s = \"abc\"\n p = s[:]\n return [p, q] }\nresult = f()",
        "fn f() { p = [1]\n if false { p1 = [2] }\n p = p1[:] }\nresult = f()",
        "fn f() { p = [1]\n p1 = 5\n p = p1[:] }\nresult = f()",
        "g = [4, 5]\nfn f() { p = [0, 0]\n for i in 0..2 { p = g[:]\n p[i] = 0 }\n return [p, g] }\nresult = f()",
        "fn f() { bs = [{x: 1, y: 2}, {x: [4], y: \"s\"}]\n b = bs[0]\n c = bs[1]\n bs[1].x[0] = 9\n return [b.x + b.y, c.x, c.y, bs] }\nresult = f()",
    ]

    func testItemMovesRangesAndRecordCopiesRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.movePrograms, stepLimit: 20_000)
    }

    /// Guards and final `if`s of function bodies tested inline, `n - 1` arguments, closures
    /// entered by pointer, calls of grad functions, characters of strings read by position
    /// and comparisons that stop trying numbers.
    static let callAndStringPrograms: [String] = [
        "fn f(n) {\n if n < 2 { return n }\n return f(n - 1) + f(n - 2) }\nresult = [f(10), f(1.5), f(-3)]",
        "fn f(n) {\n if n < 2 { return n }\n return 0 }\nresult = f(\"a\")",
        "fn f(n) {\n if n < 2 { return n }\n return 0 }\nresult = [f(nil)]",
        "fn f(x) { if x > 0 { x - 1 } else { x + 1 } }\nresult = [f(3), f(-3), f(0), f(\"s\")]",
        "fn f(x) { if x == 0 { 1 } }\nresult = [f(0), f(1), f([1])]",
        "fn g(x) { if x > 0 { return x * x }\n return -x }\nd = grad(g)\nresult = [d(2), d(-2), grad(fn(x) g(x - 1))(3)]",
        "df = grad(fn(x) (x - 3)^2)\nx = 10\nfor i in 0..20 { x = x - 0.1 * df(x) }\nresult = [x, df(\"s\")]",
        "df = 5\nresult = df(2)",
        "fn f(a, b) = a - 1\nxs = [1, 2]\nresult = [f(2, 0), f(\"x\", 0)]",
        "i = 3\nfn f(a) = a\nresult = [f(i - 1), f(i + 1.5), f(i - -1)]",
        "fn make() { c = 0\n fn inc(by) { c = c + by\n fn inner() = c * 2\n return inner() }\n return inc }\nt = make()\nresult = [t(1), t(2), t(3)]",
        "fn compose(f, g) = fn(x) f(g(x))\nh = compose(compose(fn(x) x + 1, fn(x) x * x), fn(x) x + 1)\nresult = map([1, 2, 3], h)",
        "fn outer(n) { fn loop(i, acc) { if i > n { return acc }\n return loop(i + 1, acc + i) }\n return loop(1, 0) }\nresult = outer(50)",
        "s = \"plain ascii text that is longer than sixty four bytes so it is remembered\"\nresult = [s[0], s[5], s[-1], s[-len(s)], s[len(s) - 1]]",
        "s = \"héllo wörld, a longer string with accents to pass sixty-four bytes in all\"\nresult = [s[0], s[1], s[-1], s[20]]",
        "s = \"a\r\nb and some more text to make it longer than sixty four bytes in all of it\"\nresult = [len(s), s[1], s[2], s[-1]]",
        "s = \"short\"\nt = \"ab\r\ncd\"\nresult = [s[1], s[-1], t[1], t[2], s[9]]",
        "s = \"plain ascii text that is longer than sixty four bytes so it is remembered\"\nresult = s[100]",
        "s = \"abc\"\nresult = s[1.5]",
        "a = \"acgtacgtacgt\"\nb = \"cgtacgtaacgg\"\nc = 0\nfor i in 1..13 { for j in 1..13 { if a[i - 1] == b[j - 1] { c = c + 1 } } }\nresult = c",
        "xs = [1, 2, 3, \"a\", \"b\"] * 10\nc = 0\nfor i in 0..len(xs) { if xs[i] == xs[(i + 1) % 5] { c = c + 1 }\n if xs[i] != 2 { c = c + 10 } }\nresult = c",
        "xs = [\"a\"] * 20 + [1, 2, 3]\nc = 0\nfor i in 0..len(xs) - 1 { if xs[i] < xs[i + 1] { c = c + 1 } }\nresult = c",
        "xs = [\"a\"] * 20 + [1, 2, 3]\nc = 0\nfor i in 0..len(xs) - 1 { c = c + len(str(xs[i] + xs[i + 1])) }\nresult = c",
        "parts = [\"re\", \"un\"]\ns = \"\"\nfor i in 0..30 { s = s + parts[i % 2] }\nn = 0\nfor i in 0..30 { n = n + parts.count + len(parts[i % 2]) }\nresult = [s, n]",
    ]

    func testCallAndStringPathsRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.callAndStringPrograms, stepLimit: 50_000)
    }

    /// Letters of strings compared by position (`Compiler.letterComparison`): long and short,
    /// plain and not, literals on either side, every operator, positions outside the string,
    /// fractions, lists in the same places, and a site that gives up after many lists.
    static let letterPrograms: [String] = [
        "a = \"acgtacgtacgtacgtacgtacgtacgtacgtacgtacgtacgtacgtacgtacgtacgtacgtacgtacgt\"\nb = \"cgtacgtaacggcgtacgtaacggcgtacgtaacggcgtacgtaacggcgtacgtaacggcgtacgtaacgg\"\nc = 0\nfor i in 1..len(a) + 1 { for j in 1..len(b) + 1 { if a[i - 1] == b[j - 1] { c = c + 1 } } }\nresult = c",
        "fn lcs(a, b) {\n t = []\n for i in 0..len(a) + 1 { t = append(t, [0] * (len(b) + 1)) }\n for i in 1..len(a) + 1 { for j in 1..len(b) + 1 {\n if a[i - 1] == b[j - 1] { t[i][j] = t[i - 1][j - 1] + 1 } else if t[i - 1][j] >= t[i][j - 1] { t[i][j] = t[i - 1][j] } else { t[i][j] = t[i][j - 1] } } }\n return t[len(a)][len(b)] }\nresult = [lcs(\"abcbdab\", \"bdcaba\"), lcs(\"\", \"ab\")]",
        "s = \"the quick brown fox jumps over the lazy dog\"\nwords = 1\nlow = 0\nfor i in 0..len(s) { if s[i] == \" \" { words = words + 1 }\n if s[i] < \"n\" { low = low + 1 }\n if \"o\" == s[i] { low = low + 100 } }\nresult = [words, low]",
        "s = \"abcxyz\"\nt = \"bbcxzz\"\nr = []\nfor i in 0..6 { r = append(r, [s[i] < t[i], s[i] <= t[i], s[i] > t[i], s[i] >= t[i], s[i] != t[i], s[-1 - i] == t[-1 - i]]) }\nresult = r",
        "s = \"héllo wörld, a longer string with accents to pass sixty-four bytes in all\"\nt = \"hello world, a longer string with accents to pass sixty-four bytes in all\"\nr = []\nfor i in 0..6 { r = append(r, [s[i] == t[i], s[i] == \"é\", s[i] < t[i]]) }\nresult = r",
        "s = \"a\r\nb c\"\nt = \"a\nb c\"\nr = []\nfor i in 0..4 { r = append(r, [s[i] == t[i], s[i] == \"b\"]) }\nresult = r",
        "xs = [97, 98, \"a\", \"b\"]\ns = \"abab\"\nr = []\nfor i in 0..4 { r = append(r, [xs[i] == s[i], s[i] == xs[i], xs[i] != s[i]]) }\nresult = r",
        "s = \"abc\"\nt = \"abd\"\nr = 0\nfor i in 0..3 { if s[i] == t[i + 5] { r = r + 1 } }\nresult = r",
        "s = \"abc\"\nresult = s[0.5] == \"a\"",
        "s = \"abc\"\nresult = s[0] < 1",
        "rows = [[1, 2], [3, 4]] * 10\nc = 0\nfor i in 0..len(rows) - 1 { if rows[i] == rows[i + 1] { c = c + 1 } }\nw = \"mississippi river\"\nfor i in 0..len(w) - 1 { if w[i] == w[i + 1] { c = c + 100 } }\nresult = c",
        "fn f(s, k) = s[k] == s[-1 - k]\nresult = [f(\"racecar\", 0), f(\"racecar\", 2), f(\"abca\", 1), f(\"x\", 0)]",
    ]

    /// Records used as dictionaries, updated at a key in a variable (`counts[w] = counts[w] + 1`):
    /// new keys, shared records, values that are not numbers, lists at the same sites.
    static let entryPrograms: [String] = [
        "words = [\"a\", \"bb\", \"a\", \"c\", \"bb\", \"a\"]\ncounts = {}\nfor w in words { if contains(counts, w) { counts[w] = counts[w] + 1 } else { counts[w] = 1 } }\nresult = counts",
        "fn tally(words) { counts = {}\n for w in words { if contains(counts, w) { counts[w] = counts[w] * 2 + 1 } else { counts[w] = 1 } }\n return counts }\nresult = tally([\"x\", \"y\", \"x\", \"x\", \"z\", \"y\"])",
        "counts = {a: 1, b: 2}\nkept = counts\nfor w in [\"a\", \"b\", \"a\"] { counts[w] = counts[w] + 10 }\nresult = [counts, kept]",
        "fn f() { counts = {a: 1, b: 2}\n kept = counts\n for w in [\"a\", \"b\", \"a\"] { counts[w] = counts[w] + 10 }\n return [counts, kept] }\nresult = f()",
        "names = {a: \"x\", b: 2}\nfor k in [\"a\", \"b\"] { names[k] = names[k] + 1 }\nresult = names",
        "counts = {a: 1}\nfor w in [\"a\", \"zz\"] { counts[w] = counts[w] + 1 }\nresult = counts",
        "xs = [1, 2, 3]\nks = [0, 2, \"a\"]\nfor k in ks { xs[k] = xs[k] + 1 }\nresult = xs",
        "r = {a: 1}\nk = \"a\"\nfor i in 0..20 { r[k] = r[k] + i }\nxs = [5, 6]\nk = 1\nfor i in 0..3 { xs[k] = xs[k] * 2 }\nresult = [r, xs]",
        "r = {a: nil}\nk = \"a\"\nr[k] = r[k] + 1\nresult = r",
    ]

    /// `len(x)` inside number expressions and tests (`while i < len(xs)`): lists, strings plain
    /// and not, ranges, records, values without a length, `len` replaced or shadowed.
    static let lengthPrograms: [String] = [
        "fn f(xs) { i = 0\n while i < len(xs) { i = i + 1 }\n return i }\nresult = [f([1, 2, 3]), f([]), f(\"héllo\"), f(\"plain\"), f(0..7), f({a: 1, b: 2})]",
        "xs = []\nwhile len(xs) < 5 { xs = append(xs, len(xs) * 2) }\nresult = [xs, xs[len(xs) - 1], len(xs) / 2]",
        "s = \"abc\r\ndef\"\nt = \"a longer plain ascii string than sixty-four bytes, to be remembered by address\"\nresult = [len(s) - 1, len(t) + 0, len(\"x\") + 1]",
        "fn f(x) = len(x) + 1\nresult = [f([1]), f(nil)]",
        "xs = [1, 2]\nn = 0\nfor i in 0..3 { n = n + len(xs) * 2 }\nlen = fn(x) 10\nresult = [n, len(xs) + 1]",
        "fn f(len) { xs = [1, 2, 3]\n return len(xs) + 1 }\nresult = f(fn(x) 7)",
        "fn f(xs) { i = 0\n while i < len(xs) { if i == 2 { xs = append(xs, 9) }\n i = i + 1 }\n return [i, xs] }\nresult = f([1, 2, 3])",
        "r = 5\nresult = len(r) - 1",
    ]

    /// Builtins lent their variables (`contains(counts, w)`, `len(xs)`), positions computed on
    /// doubles (`words[(i * 7) % 10]`, `d[a + b]` with strings), and stores into globals (a
    /// function stored or replaced in a global that calls go through).
    static let lendingPrograms: [String] = [
        "xs = [1, 2, 3]\nresult = [contains(xs, 2), contains(xs, xs), len(xs), str(xs), xs]",
        "counts = {}\nw = \"a\"\nfor i in 0..5 { if contains(counts, w) { counts[w] = counts[w] + 1 } else { counts[w] = 1 } }\nresult = [counts, contains(counts, w), contains(w, w), w]",
        "fn f(s, t) = [contains(s, t), len(s), str(t), round(len(s) / 2), s, t]\nresult = [f(\"abc\", \"b\"), f([1, 2], 2), f({b: 1}, \"b\")]",
        "fn f(s, t) = contains(s, t)\nresult = f(5, 6)",
        "x = 5\nresult = [round(x), len(x)]",
        "xs = [1]\nfor i in 0..3 { xs = append(xs, len(xs)) }\nresult = [xs, append(xs, xs)]",
        "words = [\"a\", \"b\", \"c\"]\ns = \"hello\"\nresult = [words[(1 * 7) % 3], words[1 + 1], s[1 + 1], s[len(s) - 1], words[0 - 1]]",
        "xs = [1, 2]\nresult = xs[1 + 5]",
        "xs = [1, 2]\nresult = xs[0.5 + 0]",
        "d = {ab: 1, ba: 2}\nt = 0\nfor i in 0..20 { a = \"a\"\n b = \"b\"\n t = t + d[a + b] + d[b + a] }\nresult = t",
        "fs = [fn(x) x + 1, fn(x) x * 2]\nf = fs[0]\nr1 = f(3)\nf = fs[1]\nr2 = f(3)\nfor i in 0..4 { g = fs[i % 2]\n r2 = r2 + g(i) }\nf = 5\nresult = [r1, r2, f]",
        "fn g(x) = x + 1\nh = g\ng = 2\nresult = [h(1), g]",
        "fn g(x) = x\ng = 3\nresult = g(1)",
        "fn g(x) = x * 3\nk = 0\nfor i in 0..3 { k = g(i) + k\n g = fn(x) x + 100 }\nresult = k",
        // Items updated where they lie: shared lists, strings, bad positions, records' keys.
        "xs = [1, 2, 3]\nys = xs\nfor i in 0..3 { xs[i] = xs[i] + i\n xs[i] = xs[i] * 2 }\nresult = [xs, ys]",
        "fn f(xs, n) { for i in 0..n { xs[i - 1] = xs[i - 1] / 2\n xs[i] = xs[i] - xs[i - 1] }\n return xs }\nresult = [f([4, 8, 16], 3), f([1.5], 1)]",
        "xs = [\"a\", \"b\"]\nfor i in 0..2 { xs[i] = xs[i] + \"c\" }\nresult = xs",
        "xs = [1, 2]\nxs[5] = xs[5] + 1\nresult = xs",
        "xs = [1, 2]\nxs[0.5] = xs[0.5] - 1\nresult = xs",
        "xs = [nil, 1]\nxs[1] = xs[1] + 1\nxs[0] = xs[0] + 1\nresult = xs",
        "d = {a: 1, b: 2}\nk = \"a\"\nfor i in 0..20 { d[k] = d[k] + i\n k = if i % 2 == 0 { \"b\" } else { \"a\" } }\nxs = [1, 2]\nk = 1\nfor i in 0..20 { xs[k] = xs[k] * 1.5 }\nresult = [d, xs]",
        "rows = [[1, 2], [3, 4]]\nrow = rows[0]\nfor j in 0..2 { row[j] = row[j] + rows[1][j] * 10 }\nresult = [row, rows]",
        // Sums into globals: numbers, strings and lists growing, other values, unset.
        "t = 0\ns = \"\"\nxs = []\nfor i in 0..5 { t = t + i\n t = t + 0.5\n s = s + str(i)\n xs = xs + [i] }\nresult = [t, s, xs]",
        "t = nil\nfor i in 0..2 { t = t + i }\nresult = t",
        "t = {a: 1}\nt = t + 1\nresult = t",
        "fn f(x) = x * 2\nt = 1\nfor i in 0..3 { t = t + f(t) }\nu = [1]\nv = u\nfor i in 0..3 { u = u + [i] }\nresult = [t, u, v]",
        "result = q + 1",
        // Functions called from locals and captured variables, replaced while they are called.
        "fn f() { g = fn(x) x + 1\n return g(if true { g = fn(x) x * 100\n 5 } else { 0 }) }\nresult = f()",
        "fn make() { f = nil\n f = fn(x) { f = nil\n return x * 2 }\n return fn(y) f(y) }\nh = make()\nresult = [h(4), h(4)]",
        "fn outer() { k = fn(x) x + 1\n add = fn(y) k(y)\n r = [k(1), add(2)]\n k = fn(x) x * 3\n return r + [k(1), add(2)] }\nresult = outer()",
        "fn apply(f, x) = f(x)\nresult = [apply(abs, -3), apply(fn(x) x * x, 5), apply(str, 7), apply(5, 1)]",
        "fn twice(f) = fn(x) f(f(x))\nresult = [twice(fn(x) x + 3)(1), map([1, 2], twice(fn(x) [x])), filter([1, 2, 3], fn(x) x != 2), reduce([1, 2], fn(a, x) a * 10 + x, 0)]",
    ]

    /// Number expressions inside functions `grad` differentiates: plain numbers and numbers
    /// carrying a derivative at the same sites, operators without a rule here (`%`), infinities
    /// and NaN, derivatives of derivatives.
    static let dualPrograms: [String] = [
        "fn f(x) = (x - 3)^2\nfn g(x) = x * x / (x + 1) - 2 ^ x\nfn h(x) = (x + 1) % 3 * x\ndf = grad(f)\ndg = grad(g)\ndh = grad(h)\nresult = [df(1), df(3), dg(0.5), dg(2), dh(1.5), f(5), g(1)]",
        "fn k(x) { y = x * 2 + 1\n return y * y - x / y }\ndk = grad(k)\nt = 0\nfor i in 0..40 { t = t + dk(i / 10) + k(i / 10) }\nresult = [t, grad(dk)(1)]",
        "result = [grad(fn(x) x / 0)(1), grad(fn(x) 0 * x ^ 0.5)(0), grad(fn(x) (x - x) * x ^ 2)(2), grad(fn(x) x ^ x * 2)(2)]",
        "fn f(x, y) = x * y + y ^ 2 - x / y\nresult = [grad(f)(2, 3), grad(f, wrt: 1)(2, 3)]",
        "fn f(x) = (x - 1) * (x + \"a\")\nresult = grad(f)(2)",
    ]

    /// Calls specialized by their arguments' kinds (CallSites.swift): locals, locals plus
    /// constants, expressions and the rest in every position of one, two and three arguments,
    /// with what each hands back to the general path (a local holding something else than a
    /// number or nothing yet, an argument that fails midway, defaults, too many arguments, a
    /// global that stops holding the function, a builtin); and callees in parameters, captured
    /// variables and cells: functions, builtins, derivatives, non-functions, a function that
    /// empties its own variable while it runs.
    static let argumentKindPrograms: [String] = [
        "fn t(x, y, z) {\n if y < x { return t(t(x - 1, y, z), t(y - 1, z, x), t(z - 1, x, y)) }\n return z }\nresult = [t(8, 4, 2), t(3, 2, 1.5)]",
        "fn f(a, b, c) = [a, b, c]\nfn g(x, s, r) = [f(x, s, r), f(x + 1, s, r.k), f(s, x - 2, x), f(r, r.k, s + \"!\"), f(1, x, \"c\")]\nresult = g(2, \"s\", {k: [1]})",
        "fn f(a, b) = [a, b]\nfn g(x, s) = [f(x, s), f(s, x), f(x - 1, x + 1), f(s, s), f(x * 2, s), f(len(s), x)]\nresult = [g(3, \"ab\"), g(0.5, [1, 2])]",
        "fn f(a) = a\nfn g(s) = f(s - 1)\nresult = g(\"text\")",
        "fn f(a, b) = a\nfn g(s) = f(1, s + 1)\nresult = [g(1), g([2])]",
        "fn f(a, b, c) = c\nfn g(x) { if x > 0 { y = 1 }\n return f(x, x - 1, y) }\nresult = [g(1), g(0)]",
        "fn f(a, b, c) = a + b + c\nfn g(x) = f(x, x + 1, nope)\nresult = g(1)",
        "fn f(a, b, c) = a + b + c\nfn bad(x) = x + \"s\"\nfn g(x) = f(x, bad(x), x - 1)\nresult = [f(1, 2, 3), g(1)]",
        "fn f(a, b = 10, c = 100) = a + b + c\nfn g(x) = [f(x), f(x, x - 1), f(x, x, x + 1)]\nresult = g(1)",
        "fn f(a) = a\nfn g(x) = f(x, x - 1)\nresult = g(1)",
        "fn f(a, b) = a * b\nfn g(x) = f(x - 1, x)\nr1 = g(3)\nf = fn(a, b) a - b\nr2 = g(3)\nf = abs\nresult = [r1, r2, g(5)]",
        "fn d(n) { if n == 0 { return 0 }\n return 1 + d(n - 1) }\nresult = [d(50), d(500)]",
        "fn f(x) = x\nfn g(n) { xs = [n, n + 1]\n r = {a: n}\n return [f(xs), f(r), f(nil), f(n - -1), f(fn(y) y)(2)] }\nresult = g(4)",
        "fn f(a, b, c) = a - b * c\nn = 3\nfn g(k) = f(n, k, n - k) + f(k + 0.5, 2, n)\nt = 0\nfor i in 0..20 { t = t + g(i) + f(i, i - 1, i + 1) }\nresult = t",
        "fn ap(f, a, b) = [f(a), f(a - 1), f(b)]\nfn ap2(f, a, b) = f(a, b - 1)\nfn ap3(f, a, b) = f(a, b, a + 1)\nresult = [ap(fn(x) x * 2, 3, \"s\"), ap2(fn(x, y) [x, y], 1, 2), ap3(fn(x, y, z) x + y + z, 1, 2), ap(abs, -3, 4), ap(str, 1, [2])]",
        "fn ap(f, x) = f(x - 1)\nresult = [ap(sqrt, 10), ap(grad(fn(x) x * x), 3), ap(len, \"ab\")]",
        "fn ap(f, x) = f(x)\nresult = ap(3, 1)",
        "fn ap(f, x) = f(x, x)\nresult = ap(fn(a) a, 1)",
        "fn make(f) = fn(x) f(x - 1, x)\nfn both(a, b) = a * b\nm = make(both)\nresult = [m(3), m(0.5), make(fn(a, b) a)(\"s\")]",
        "fn outer() { g = fn(x) x + 1\n h = fn(y) g(y * 2)\n r1 = h(3)\n g = fn(x) x - 1\n r2 = h(3)\n g = 5\n return [r1, r2, h(3)] }\nresult = outer()",
        "fn outer() { f = fn(x) { f = nil\n return x + 1 }\n return [f(1), f] }\nresult = outer()",
        "fn outer(n) { fn step(i, acc) { if i > n { return acc }\n return step(i + 1, acc + i) }\n return step(1, 0) }\nfn deep(k) { fn rec(i) { if i == 0 { return 0 }\n return 1 + rec(i - 1) }\n return rec(k) }\nresult = [outer(30), deep(50), deep(500)]",
    ]

    func testCallsSpecializedByArgumentKindsRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.argumentKindPrograms, stepLimit: 50_000)
    }

    func testDerivativesOfNumberExpressionsRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.dualPrograms, stepLimit: 50_000)
    }

    func testLentArgumentsPositionsAndGlobalStoresRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.lendingPrograms, stepLimit: 50_000)
    }

    /// A builtin that fails on a lent variable leaves the variable as it was for the next cell.
    func testALentVariableKeepsItsValueWhenTheBuiltinFails() throws {
        let session = Session()
        _ = try session.run("r = 5\nxs = [1, 2]", file: "a.ainb")
        XCTAssertThrowsError(try session.run("n = len(r)", file: "b.ainb"))
        XCTAssertThrowsError(try session.run("n = contains(r, xs)", file: "c.ainb"))
        _ = try session.run("result = [r + 1, xs, contains(xs, 2)]", file: "d.ainb")
        XCTAssertEqual(session.valueText("result"), "[6, [1, 2], true]")
    }

    func testLengthsRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.lengthPrograms, stepLimit: 50_000)
    }

    func testDictionaryUpdatesRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.entryPrograms, stepLimit: 50_000)
    }

    func testLetterComparisonsRunTheSameWithAndWithoutFastPaths() {
        assertSameBothWays(Self.letterPrograms, stepLimit: 50_000)
    }

    func testBenchmarkProgramsRunTheSameWithAndWithoutFastPaths() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("bench/programs")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".ainb") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 15)
        let programs = try names.map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }
        assertSameBothWays(programs, stepLimit: nil)
    }

    /// The benchmark programs give the answers CPython gives (bench/programs/results.json,
    /// written by bench/python_reference.py --write-results).
    func testBenchmarkProgramsAgreeWithCPython() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("bench/programs")
        let data = try Data(contentsOf: dir.appendingPathComponent("results.json"))
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: NSNumber])
        XCTAssertGreaterThanOrEqual(expected.count, 15)
        for (name, answer) in expected.sorted(by: { $0.key < $1.key }) {
            let source = try String(contentsOf: dir.appendingPathComponent(name + ".ainb"), encoding: .utf8)
            let session = Session()
            session.output = { _ in }
            _ = try session.run(source, file: name + ".ainb")
            let got = try XCTUnwrap(Double(session.valueText("result") ?? ""), name)
            let want = answer.doubleValue
            XCTAssertEqual(got, want, accuracy: 1e-9 * max(1, abs(want)), name)
        }
    }
}
