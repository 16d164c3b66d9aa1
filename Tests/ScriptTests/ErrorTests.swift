import Script
import XCTest

/// Every kind of error: the exact message, where it points, and the stack.
final class ErrorTests: XCTestCase {
    func testParseErrorHasPositionSourceLineAndCaret() {
        guard let e = failure("x = 1\ny = (2 +\n", file: "nb.ainb") else { return }
        XCTAssertEqual(e.message, "expected an expression, got end of input")
        // End of input is reported just after the last code, not on the empty line after it.
        XCTAssertEqual(e.location, SourceLocation(file: "nb.ainb", line: 2, column: 9))
        XCTAssertEqual(e.description, "nb.ainb:2:9: error: expected an expression, got end of input\n  y = (2 +\n          ^")
        guard let e2 = failure("x = 1\ny = 2 $ 3", file: "nb.ainb") else { return }
        XCTAssertEqual(e2.description, "nb.ainb:2:7: error: unexpected character '$'\n  y = 2 $ 3\n        ^")
    }

    func testInvisibleCharactersAreNamedAndNeverReachTheTerminal() {
        // A NUL byte and an escape sequence pasted into a line.
        guard let e = failure("x = 1\u{0}", file: "nb.ainb") else { return }
        XCTAssertEqual(e.description, "nb.ainb:1:6: error: unexpected character U+0000\n  x = 1?\n       ^")
        guard let e2 = failure("y = \u{1B}[31m2", file: "nb.ainb") else { return }
        XCTAssertEqual(e2.message, "unexpected character U+001B")
        XCTAssertFalse(e2.description.contains("\u{1B}"))
    }

    func testCheckReportsEveryErrorInOnePass() {
        let source = """
        for i in 0..3 {
          print(i
        }
        x = = 2
        fn f(a, a) = 1
        y = [1, 2
        z = 3
        """
        let errors = Session().check(source, file: "nb.ainb", line: 10)
        XCTAssertEqual(errors.map(\.message), [
            "expected ',' or ')' to close the arguments opened at 11:8, got '}'",
            "expected an expression, got '='",
            "parameter 'a' appears twice",
            "expected ',' or ']' to close the list opened at 15:5, got 'z'",
        ])
        XCTAssertEqual(errors.map { $0.location!.line }, [12, 13, 14, 16])
        XCTAssertEqual(errors.map { $0.location!.column }, [1, 5, 9, 1])
        XCTAssertEqual(errors[1].sourceLine, "x = = 2")
    }

    func testCheckAcceptsAValidProgram() {
        XCTAssertEqual(Session().check("fn f(x) = x\nf(2)", file: "ok.ainb").count, 0)
    }

    func testControlFlowOutsideItsPlace() {
        let errors = Session().check("break\nfn f() { continue }\nreturn 1", file: "a.ainb")
        XCTAssertEqual(errors.map(\.message), ["'break' outside a loop", "'continue' outside a loop", "'return' outside a function"])
    }

    func testUnterminatedString() {
        assertError("x = \"abc", "unterminated string", line: 1, column: 5)
    }

    func testUnknownNameSuggestsTheClosest() {
        assertError("learning_rate = 0.1\nprint(learning_rat)", "unknown name 'learning_rat'; did you mean 'learning_rate'?", line: 2, column: 7)
        assertError("zeroes([2])", "unknown name 'zeroes'; did you mean 'zeros'?", line: 1, column: 1)
        assertError("qqqqqq", "unknown name 'qqqqqq'", line: 1, column: 1)
    }

    func testWrongArgumentNamesTheParameterAndType() {
        assertError("zeros(\"big\")", "argument 'shape' of zeros must be a shape (a list of whole numbers), got a string", line: 1, column: 1)
        assertError("x = 1\ny = descend(fn(v) v, from: 1, lr: \"fast\")", "argument 'lr' of descend must be a number, got a string", line: 2, column: 5)
        assertError("ensemble([mlp([1, 8, 8], 5), mlp([1, 4, 4], 5)])", "model 1 of ensemble takes inputs [1, 4, 4], model 0 takes [1, 8, 8]", line: 1, column: 1)
        assertError("ensemble([mlp([1, 8, 8], 5)], average: \"mean\")", "argument 'average' of ensemble must be \"outputs\" or \"probabilities\", got \"mean\"", line: 1, column: 1)
        assertError("ensemble([])", "argument 'models' of ensemble must be a non-empty list of models", line: 1, column: 1)
        assertError("cross_entropy(tensor([[2, 0.5]]), [0], label_smoothing: 1.5)", "argument 'label_smoothing' of cross_entropy must be a number from 0 to 1, got 1.5", line: 1, column: 1)
        assertError("mean([1], axs: 0)", "mean() has no parameter 'axs'; did you mean 'axis'?", line: 1, column: 1)
        assertError("eye()", "eye() is missing the argument 'n'", line: 1, column: 1)
        assertError("eye(1, 2)", "eye() takes at most 1 argument (2 given)", line: 1, column: 1)
        assertError("fn f(a) = a\nf(1, 2)", "f() takes 1 argument but 2 were given", line: 2, column: 1)
        assertError("fn f(a, b) = a\nf(1)", "f() is missing the argument 'b'", line: 2, column: 1)
    }

    func testShapeMismatchNamesBothShapes() {
        assertError("a = ones([2, 3])\nb = ones([4])\nc = a + b", "+: shapes [2, 3] and [4] do not match", line: 3, column: 7)
        assertError("ones([2, 3]) @ ones([2, 3])", "matmul: shapes [2, 3] and [2, 3] do not match", line: 1, column: 14)
    }

    func testIndexOutOfRange() {
        assertError("xs = [1, 2, 3]\nxs[3]", "index 3 is out of range for length 3", line: 2, column: 3)
        assertError("t = zeros([2, 3])\nt[0, -4]", "index -4 is out of range for axis 1 of size 3", line: 2, column: 2)
        assertError("t = zeros([2])\nt[0, 0]", "too many indices: 2 for a tensor of rank 1 (shape [2])", line: 2, column: 2)
    }

    func testRuntimeErrorShowsTheUserFunctionStack() {
        let source = "fn inner(x) = x + ones([3])\nfn outer(y) = inner(y)\nz = outer(ones([2]))"
        guard let e = failure(source, file: "s.ainb") else { return }
        XCTAssertEqual(e.message, "+: shapes [2] and [3] do not match")
        XCTAssertEqual(e.stack, ["in inner(), called at s.ainb:2:15", "in outer(), called at s.ainb:3:5"])
        XCTAssertEqual(e.description, """
        s.ainb:1:17: error: +: shapes [2] and [3] do not match
          fn inner(x) = x + ones([3])
                          ^
          in inner(), called at s.ainb:2:15
          in outer(), called at s.ainb:3:5
        """)
    }

    func testRecursionTooDeepIsAnError() {
        guard let e = failure("fn r(n) = r(n + 1)\nr(0)", file: "r.ainb") else { return }
        XCTAssertEqual(e.message, "recursion too deep: more than 5000 nested calls (in r)")
        XCTAssertEqual(e.stack, ["in r(), called at r.ainb:1:11 (5000 times)", "in r(), called at r.ainb:2:1"])
    }

    func testTooBigTensorIsAnErrorBeforeAllocating() {
        assertError("zeros([100000, 100000])", "a tensor of shape [100000, 100000] is too big for memory (the limit is 1073741824 elements)", line: 1, column: 1)
        assertError("a = ones([100000, 1])\nb = ones([1, 100000])\na * b", "a tensor of shape [100000, 100000] is too big for memory (the limit is 1073741824 elements)", line: 3, column: 3)
        assertError("randn([100000, 100000, 100000, 100000], seed: 1)", "a tensor of shape [100000, 100000, 100000, 100000] is too big for memory (the limit is 1073741824 elements)", line: 1, column: 1)
    }

    func testOtherRuntimeErrors() {
        assertError("x = 3\nx()", "a number cannot be called", line: 2, column: 1)
        assertError("\"a\" + 1", "cannot add a string and a number; to put a value in a string, write \"...{x}...\"", line: 1, column: 5)
        assertError("a, b = [1, 2, 3]", "cannot unpack 3 values into 2 names", line: 1, column: 1)
        assertError("r = {lr: 1}\nr.lrr", "the record has no field 'lrr'; did you mean 'lr'?", line: 2, column: 2)
        assertError("fn f() {\n  if false { y = 1 }\n  y\n}\nf()", "'y' is used before it is given a value", line: 3, column: 3)
        assertError("if ones([2]) { 1 }", "a tensor of shape [2] is ambiguous as a condition; use any() or all()", line: 1, column: 4)
        assertError("x = ones([2]) and 1", "a tensor of shape [2] is ambiguous as a condition; use any() or all()", line: 1, column: 5)
        assertError("assert(1 > 2, \"one is not more than two\")", "one is not more than two", line: 1, column: 1)
    }

    func testErrorsInANotebookCellNameTheNotebookLine() {
        let session = Session()
        session.output = { _ in }
        XCTAssertThrowsError(try session.run("x = 1\ny = x + nope", file: "04.ainb", line: 40)) { error in
            let e = error as? ScriptError
            XCTAssertEqual(e?.location, SourceLocation(file: "04.ainb", line: 41, column: 9))
            XCTAssertEqual(e?.sourceLine, "y = x + nope")
        }
    }

    func testSessionSurvivesAnError() throws {
        let session = Session()
        session.output = { _ in }
        _ = try session.run("fn f(n) = f(n + 1)\nkeep = 5", file: "a")
        XCTAssertThrowsError(try session.run("f(0)", file: "a"))
        XCTAssertEqual(try session.run("keep + 1", file: "a"), [.text("6")])
    }
}
