import Script
import XCTest

/// Each construct of the language, run end to end.
final class LanguageTests: XCTestCase {
    func testNumbersAndArithmetic() throws {
        XCTAssertEqual(try value("1 + 2 * 3"), "7")
        XCTAssertEqual(try value("2 ^ 10"), "1024")
        XCTAssertEqual(try value("-2 ^ 2"), "-4")          // power binds tighter than minus
        XCTAssertEqual(try value("2 ^ 3 ^ 2"), "512")      // and to the right
        XCTAssertEqual(try value("7 % 3"), "1")
        XCTAssertEqual(try value("-7 % 3"), "2")           // the sign of the divisor, as in Python
        XCTAssertEqual(try value("1 / 4"), "0.25")
        XCTAssertEqual(try value("1e3 + 0.5"), "1000.5")
        XCTAssertEqual(try value("(1 + 2) * 3"), "9")
    }

    /// `%` takes integer division for whole numbers: it must give what `fmod` gives (with the
    /// sign of the divisor, as in Python), the sign of a zero included, and fall back to `fmod`
    /// beyond 2^53 and for fractions.
    func testRemainderOfWholeNumbersMatchesFmod() throws {
        let lefts: [Double] = Array(-9...9).map(Double.init) + [1e15 + 3, -(1e15 + 3), 9007199254740993, 1e17, 5.5, -5.5, 0.75]
        let rights: [Double] = [-4, -3, -1, 1, 3, 4, 1e15, 2.5]
        var checks: [String] = []
        for a in lefts {
            for b in rights {
                let f = a.truncatingRemainder(dividingBy: b)
                let m = f != 0 && (f < 0) != (b < 0) ? f + b : f
                // A zero's sign shows in 1 / m (inf or -inf).
                checks.append("if not (\(a) % \(b) == \(m) and 1 / (\(a) % \(b)) == 1 / (\(m))) { bad = append(bad, \"\(a) % \(b)\") }")
            }
        }
        XCTAssertEqual(try value("bad = []\n" + checks.joined(separator: "\n") + "\nbad"), "[]")
    }

    func testWindowsLineEndingsReadAsNewlines() throws {
        let lf = "# a comment\nx = [1,\n  2]  # another\ny = x[0] + x[1]\nname_é2 = y * 2\nname_é2"
        XCTAssertEqual(try value(lf), "6")
        XCTAssertEqual(try value(lf.replacingOccurrences(of: "\n", with: "\r\n")), "6")
    }

    func testComparisonsAndLogic() throws {
        XCTAssertEqual(try value("1 < 2 and 2 <= 2"), "true")
        XCTAssertEqual(try value("not (1 == 1) or 3 != 3"), "false")
        XCTAssertEqual(try value("nil or \"default\""), "\"default\"")
        XCTAssertEqual(try value("0 and 5"), "5")          // only false and nil are false
        XCTAssertEqual(try value("\"a\" < \"b\""), "true")
        XCTAssertEqual(try value("[1, [2]] == [1, [2]]"), "true")
    }

    func testStringsAndInterpolation() throws {
        XCTAssertEqual(try value("x = 3\n\"x is {x}, twice {x * 2}\""), "\"x is 3, twice 6\"")
        XCTAssertEqual(try value("'raw {x}'"), "\"raw {{x}}\"")
        XCTAssertEqual(try runLines("print(\"braces {{ and }} and \\\"quotes\\\"\\n!\")"), ["braces { and } and \"quotes\"\n!"])
        XCTAssertEqual(try value("\"ab\" + \"cd\""), "\"abcd\"")
        XCTAssertEqual(try value("\"hello\"[1:3]"), "\"el\"")
        XCTAssertEqual(try value("\"hello\"[-1]"), "\"o\"")
    }

    func testListsIndexingAndSlicing() throws {
        XCTAssertEqual(try value("xs = [1, 2, 3, 4, 5]\n[xs[0], xs[-1], xs[1:3], xs[:2], xs[3:], xs[::2], xs[::-1]]"),
                       "[1, 5, [2, 3], [1, 2], [4, 5], [1, 3, 5], [5, 4, 3, 2, 1]]")
        XCTAssertEqual(try value("xs = [1, 2]\nxs[0] = 9\nxs + [3]"), "[9, 2, 3]")
        XCTAssertEqual(try value("[1, 2].last"), "2")
        XCTAssertEqual(try value("[0] * 3"), "[0, 0, 0]")
    }

    func testRecords() throws {
        XCTAssertEqual(try value("r = {name: \"x\", lr: 0.1}\nr.lr = r.lr * 2\nr"), "{name: \"x\", lr: 0.2}")
        XCTAssertEqual(try value("r = {a: 1}\nr.b = 2\nr[\"b\"]"), "2")
        XCTAssertEqual(try value("{\n  a: 1,\n  b: [2,\n 3]\n}"), "{a: 1, b: [2, 3]}")
    }

    /// Keys looked up by string: told apart by their first byte when both start with
    /// different ASCII characters, otherwise compared as Swift compares strings (a key
    /// written with a combining accent finds the same key written precomposed).
    func testRecordKeysLookedUpByString() throws {
        let program = """
        counts = {}
        for w in ["eta", "epsilon", "beta", "eta", "", "e\u{301}t\u{e9}", "\u{e9}t\u{e9}"] {
          if contains(counts, w) { counts[w] = counts[w] + 1 } else { counts[w] = 1 }
        }
        [counts["eta"], counts["epsilon"], counts["beta"], counts[""], counts["\u{e9}t\u{e9}"], len(keys(counts)), contains(counts, "zeta")]
        """
        XCTAssertEqual(try value(program), "[2, 1, 1, 1, 2, 5, false]")
    }

    func testRanges() throws {
        XCTAssertEqual(try value("list(0..5)"), "[0, 1, 2, 3, 4]")
        XCTAssertEqual(try value("r = 1.5..2.0\n[r.start, r.end]"), "[1.5, 2]")
        XCTAssertEqual(try value("list(range(10, 0, -3))"), "[10, 7, 4, 1]")
        XCTAssertEqual(try value("(0..10)[-1]"), "9")
    }

    func testDestructuring() throws {
        XCTAssertEqual(try value("a, b = [1, 2]\nb, a = a, b\n[a, b]"), "[2, 1]")
        XCTAssertEqual(try value("s = 0\nfor i, x in enumerate([10, 20]) { s = s + i * x }\ns"), "20")
    }

    func testFunctionsDefaultsAndNamedArguments() throws {
        XCTAssertEqual(try value("fn f(a, b: 2) = a * b\n[f(3), f(3, 4), f(3, b: 5), f(b: 1, a: 7)]"), "[6, 12, 15, 7]")
        XCTAssertEqual(try value("fn f(a, b: a + 1) = b\nf(4)"), "5")   // a default can use earlier parameters
        XCTAssertEqual(try value("fn g(x) {\n  y = x * 2\n  y + 1\n}\ng(5)"), "11")   // the last expression is the value
        XCTAssertEqual(try value("fn sign(x) = if x > 0 { 1 } else if x < 0 { -1 } else { 0 }\n[sign(3), sign(-2), sign(0)]"), "[1, -1, 0]")
        XCTAssertEqual(try value("square = fn(v) v * v\nsquare(7)"), "49")
        XCTAssertEqual(try value("fn first(xs) {\n for x in xs { if x > 2 { return x } }\n return nil\n}\nfirst([1, 5, 3])"), "5")
    }

    func testRecursion() throws {
        XCTAssertEqual(try value("fn fib(n) {\n  if n < 2 { return n }\n  return fib(n - 1) + fib(n - 2)\n}\nfib(20)"), "6765")
        XCTAssertEqual(try value("fn even(n) = if n == 0 { true } else { odd(n - 1) }\nfn odd(n) = if n == 0 { false } else { even(n - 1) }\neven(10)"), "true")
    }

    func testClosuresCaptureAndUpdate() throws {
        let source = """
        fn counter() {
          count = 0
          fn inc() {
            count = count + 1
            return count
          }
          return inc
        }
        c = counter()
        d = counter()
        c()
        c()
        [c(), d()]
        """
        XCTAssertEqual(try value(source), "[3, 1]")
        // A closure three levels deep reads and writes the outermost function's variable.
        XCTAssertEqual(try value("fn a() {\n x = 1\n fn b() {\n  fn c() { x = x + 10 }\n  c()\n }\n b()\n x\n}\na()"), "11")
    }

    func testFunctionsReadButDoNotAssignGlobals() throws {
        XCTAssertEqual(try value("x = 1\nfn f() {\n  x = 5\n  x\n}\n[f(), x]"), "[5, 1]")
        XCTAssertEqual(try value("k = 3\nfn f(v) = v * k\nf(2)"), "6")
    }

    func testLoops() throws {
        XCTAssertEqual(try value("s = 0\nfor i in 0..10 {\n  if i % 2 == 0 { continue }\n  if i > 7 { break }\n  s = s + i\n}\ns"), "16")
        XCTAssertEqual(try value("n = 0\nwhile n < 100 { n = n * 2 + 1 }\nn"), "127")
        XCTAssertEqual(try value("out = []\nfor ch in \"abc\" { out = append(out, upper(ch)) }\njoin(out)"), "\"ABC\"")
        XCTAssertEqual(try value("t = 0\nfor row in tensor([[1, 2], [3, 4]]) { t = t + sum(row) }\nitem(t)"), "10")
    }

    func testIfElseOnNextLineAndStatementValues() throws {
        XCTAssertEqual(try value("x = 5\nif x > 3 {\n  \"big\"\n}\nelse {\n  \"small\"\n}"), "\"big\"")
        XCTAssertEqual(try value("x = 1"), "")                    // an assignment shows nothing
        XCTAssertEqual(try value("nil"), "")
    }

    func testNewlinesInsideBracketsAndAfterOperators() throws {
        XCTAssertEqual(try value("x = [1,\n 2,\n 3]\ny = 1 +\n 2\nsum(x) + y"), "9")
        XCTAssertEqual(try value("max(\n  [4, 8],\n)"), "8")
        XCTAssertEqual(try value("# a comment\nx = 2 # another\nx ; x + 1"), "3")
    }

    func testTupleStatementShowsAList() throws {
        XCTAssertEqual(try value("1, \"a\", [2]"), "[1, \"a\", [2]]")
    }

    func testTensorsAreValues() throws {
        XCTAssertEqual(try value("a = tensor([1, 2])\nb = a\na = a + 1\ntolist(b)"), "[1, 2]")
    }

    func testTensorArithmeticBroadcastAndMatmul() throws {
        XCTAssertEqual(try value("x = tensor([[1, 2], [3, 4]])\ntolist(x @ x)"), "[[7, 10], [15, 22]]")
        XCTAssertEqual(try value("tolist(tensor([[1], [2]]) + tensor([10, 20]))"), "[[11, 21], [12, 22]]")
        XCTAssertEqual(try value("tolist(2 * tensor([1, 2]) ^ 2 - 1)"), "[1, 7]")
        XCTAssertEqual(try value("tolist(tensor([1, 5]) > 2)"), "[0, 1]")
        XCTAssertEqual(try value("tolist(-tensor([1, -2]))"), "[-1, 2]")
    }

    func testTensorIndexingAndSlicing() throws {
        let t = "t = reshape(arange(24), [2, 3, 4])\n"
        XCTAssertEqual(try value(t + "tolist(t[0, 1:3, :])"), "[[4, 5, 6, 7], [8, 9, 10, 11]]")
        XCTAssertEqual(try value(t + "tolist(t[-1, -1])"), "[20, 21, 22, 23]")
        XCTAssertEqual(try value(t + "tolist(t[1, 0, ::2])"), "[12, 14]")
        XCTAssertEqual(try value(t + "tolist(t[0, 0, ::-1])"), "[3, 2, 1, 0]")
        XCTAssertEqual(try value(t + "t[1, 2, 3].item"), "23")
        XCTAssertEqual(try value(t + "tolist(t[[1, 0]][:, 0, 0])"), "[12, 0]")
    }

    func testMembersOfTensors() throws {
        XCTAssertEqual(try value("x = zeros([2, 3])\n[x.shape, x.rank, x.count, x.T.shape]"), "[[2, 3], 2, 6, [3, 2]]")
        // A builtin whose first argument is the receiver works as a method.
        XCTAssertEqual(try value("x = tensor([[1, 2], [3, 4]])\ntolist(x.sum(axis: 0))"), "[4, 6]")
    }

    func testTensorDisplayLikeNumPy() throws {
        XCTAssertEqual(try value("tensor([[1, 2], [3, 4]])"), "tensor [2, 2]\n[[1, 2],\n [3, 4]]")
        XCTAssertEqual(try value("tensor([0.5, -1.25])"), "tensor [2]\n[ 0.5 , -1.25]")
        XCTAssertEqual(try value("tensor(2.5)"), "tensor(2.5)")
        XCTAssertEqual(try value("zeros([2, 1, 2])"), "tensor [2, 1, 2]\n[[[0, 0]],\n\n [[0, 0]]]")
        let long = try value("arange(2000)")
        XCTAssertEqual(long, "tensor [2000]\n[   0,    1,    2, ..., 1997, 1998, 1999]")
    }

    func testTensorsInsideListsAndRecordsStayOnOneLine() throws {
        XCTAssertEqual(try value("x = tensor([1, 2])\nfn f(a) = a * 2\nx, f(21)"), "[tensor([1, 2]), 42]")
        XCTAssertEqual(try value("{w: tensor([[1, 2], [3, 4]]), big: zeros([5, 5])}"), "{w: tensor([[1, 2], [3, 4]]), big: tensor [5, 5]}")
    }

    func testDeepExpressionNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        let e = failure(deep)
        XCTAssertEqual(e?.message, "expression nested too deeply (more than 200 levels)")
        XCTAssertEqual(e?.location?.line, 1)
    }

    func testRecursionAtTheLimitWorks() throws {
        XCTAssertEqual(try value("fn down(n) = if n == 0 { 0 } else { 1 + down(n - 1) }\ndown(4900)"), "4900")
    }

    /// Calls read simple arguments (`n`, `n - 1`, a global) and guards (`if n < 2 { return n }`)
    /// straight from the slots; every other value must still take the general path.
    func testFastCallPathsFallBackForOtherValues() throws {
        let guards = """
        fn lt(n) {
            if n < 2 { return n }
            return -1
        }
        fn le(n) {
            if n <= 2 { return "low" }
            return "high"
        }
        fn ge(n) {
            if n >= 2 { return n }
            return 0
        }
        fn eq(n) {
            if n == 2 { return n }
            return 0
        }
        fn gt(n) {
            if n > 2 { return n }
            return 0
        }
        [lt(1), lt(5), le(2), le(3), ge(2), ge(1), eq(2), eq(3), gt(3), gt(2)]
        """
        XCTAssertEqual(try value(guards), "[1, -1, \"low\", \"high\", 2, 0, 2, 0, 3, 0]")
        // A value that is not a number takes the general condition, with its errors.
        XCTAssertEqual(failure(guards + "\nlt(tensor([1, 3]))")?.message,
                       "a tensor of shape [2] is ambiguous as a condition; use any() or all()")
        // Arguments: a local plus or minus a constant, a local, a global; numbers and strings.
        XCTAssertEqual(try value("fn id(v) = v\nfn two(a, b) = [a, b]\nfn f(n) = [id(n + 1), id(n - 1), two(n, n - 0.5), id(n)]\ng = 7\n[f(1), id(g)]"),
                       "[[2, 0, [1, 0.5], 1], 7]")
        XCTAssertEqual(failure("fn id(v) = v\nfn f(n) = id(n + 1)\nf(true)")?.message, "cannot apply '+' to a bool and a number")
        XCTAssertEqual(try value("fn id(v) = v\nfn f(s) = id(s + \"!\")\nf(\"hi\")"), "\"hi!\"")
        // Through grad: the argument is a dual number, not a plain one.
        XCTAssertEqual(try value("fn sq(v) = v * v\nfn f(x) = sq(x - 1)\ndf = grad(f)\nx = 4\ndf(x)"), "6")
        // A local used before it has a value still raises the error, at the right place.
        let e = failure("fn id(v) = v\nfn f() {\n  y = id(z - 1)\n  z = 1\n  return y\n}\nf()")
        XCTAssertEqual(e?.message, "'z' is used before it is given a value")
        XCTAssertEqual(e?.location?.line, 3)
    }
}
