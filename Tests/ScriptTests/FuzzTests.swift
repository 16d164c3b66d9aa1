import Script
import Tensor
import XCTest

/// A short fuzzing run on every test pass, and the programs fuzzing found, kept as regressions.
final class FuzzTests: XCTestCase {
    func testShortFuzzRunKeepsEveryInvariant() {
        let report = Fuzzer.run(seed: 7, seconds: 20, maxPrograms: 300)
        XCTAssertEqual(report.programs, 300)
        XCTAssertEqual(report.failures.map { $0.problem }, [])
    }

    func testGeneratedProgramsAreMostlyWellFormed() {
        var rng = RandomGenerator(seed: 3)
        let session = Session()
        var parsed = 0
        for _ in 0..<200 where session.check(Fuzzer.generate(&rng), file: "g").isEmpty { parsed += 1 }
        XCTAssertGreaterThan(parsed, 180)
    }

    /// Programs that once misbehaved: each must stop with a script error or run, never crash.
    static let regressions: [String] = [
        String(repeating: "[", count: 10_000),
        String(repeating: "-", count: 10_000) + "1",
        String(repeating: "not ", count: 5_000) + "true",
        "x = " + String(repeating: "f(", count: 3000),
        "\"{" + String(repeating: "(", count: 500) + "}\"",
        "fn r(n) = r(n + 1)\nr(0)",
        "fn a(n) = b(n)\nfn b(n) = a(n)\na(1)",
        "x = [1]\nfor i in 0..30 { x = x + x }",
        "\"ab\" * 1e300",
        "[0] * 1e300",
        "zeros([1e300])",
        "arange(0, 1e300)",
        "list(0..1e300)",
        "linspace(0, 1, 1e12)",
        "reshape(zeros([2]), [-1, -1])",
        "eye(-1)",
        "range(0, 10, 0)",
        "xs = [1]\nxs[1e300]",
        "xs = [1]\nxs[0.5]",
        "\"abc\"[nan]",
        "tensor([[1, 2], [3]])",
        "zeros([2])[::0]",
        "for x in 5 { }",
        "a, b = 5",
        "fn f() { return }\nf()",
        "grad(fn(x) x)(\"a\")",
        "grad(grad(grad(fn(x) x ^ 4)))(1)",
        "descend(fn(x) x, from: 1, steps: -1)",
        "help(1)",
        "x = {a: 1}\nx.b.c = 2",
        "f = fn(x) x\nf.name.name",
        "\"{",
        "'",
        "1..",
        "fn",
        "fn f(a, b: 1, c) = 1",
        "}}}",
        "x = 1 +\n",
        "if true { 1 } else",
        "max_pool2d(zeros([1, 1, 2, 2]), 5)",
        "conv2d(zeros([1, 1, 2, 2]), zeros([1, 2, 1, 1]))",
        "cross_entropy(zeros([2, 3]), [0, 7])",
        "sort([1, \"a\"])",
    ]

    func testRegressionsNeverCrash() {
        var report = Fuzzer.Report()
        for program in Self.regressions {
            Fuzzer.check(program, into: &report)
        }
        XCTAssertEqual(report.failures.map { $0.problem }, [])
    }
}
