import Foundation
import Script
import XCTest

/// The Session API other modules rely on.
final class SessionTests: XCTestCase {
    func testLimitsBelongToTheirSession() throws {
        let small = Session()
        small.limits = Limits(maxElements: 100, maxListItems: 10)
        let ordinary = Session()
        XCTAssertThrowsError(try small.run("zeros([20, 20])", file: "s")) { error in
            XCTAssertTrue("\(error)".contains("the limit is 100 elements"), "\(error)")
        }
        XCTAssertThrowsError(try small.run("[1, 2, 3] * 4", file: "s")) { error in
            XCTAssertTrue("\(error)".contains("the limit is 10 items"), "\(error)")
        }
        XCTAssertEqual(try runLines("len(zeros([20, 20]))", session: ordinary), ["20"])
        XCTAssertEqual(try runLines("len([1, 2, 3] * 4)", session: ordinary), ["12"])
        XCTAssertEqual(ordinary.limits, Limits())
    }

    func testTablesRenderAsAlignedColumnsUnderARule() {
        let text = TableText.render(headers: ["epoch", "loss"], rows: [["1", "0.5000"], ["10", ""], ["2"]])
        XCTAssertEqual(text, "epoch  loss\n─────  ──────\n1      0.5000\n10\n2\n")
        XCTAssertEqual(TableText.render(headers: [], rows: [["x", "tensor"], ["long_name", "nil"]]), "x          tensor\nlong_name  nil\n")
        XCTAssertEqual(TableText.render(headers: [], rows: []), "")
    }

    func testRunReturnsTheLastExpressionAndPrintGoesToOutput() throws {
        let session = Session()
        var printed: [DisplayItem] = []
        session.output = { printed.append($0) }
        let shown = try session.run("print(\"a\", 1, sep: \"-\")\nx = 2\nx * 3", file: "c.ainb")
        XCTAssertEqual(printed, [.text("a-1")])
        XCTAssertEqual(shown, [.text("6")])
        XCTAssertEqual(try session.run("y = x", file: "c.ainb"), [])
    }

    func testStatePersistsBetweenRuns() throws {
        let session = Session()
        _ = try session.run("fn double(v) = v * 2\nbase = 21", file: "a")
        XCTAssertEqual(try session.run("double(base)", file: "b"), [.text("42")])
    }

    func testMetricsKeepFirstPositionAndLastValue() throws {
        let session = Session()
        _ = try session.run("metric(\"loss\", 0.5)\nmetric(\"acc\", tensor(0.75))\nmetric(\"loss\", 0.25)", file: "m")
        XCTAssertEqual(session.metrics.map(\.name), ["loss", "acc"])
        XCTAssertEqual(session.metrics.map(\.value), [0.25, 0.75])
    }

    func testDefineParsesLiterals() throws {
        let session = Session()
        try session.define("lr", literal: "0.01")
        try session.define("flag", literal: "true")
        try session.define("path", literal: "~/kaggle/training.csv")
        try session.define("quoted", literal: "\"hi there\"")
        try session.define("sizes", literal: "[1, 2, 3]")
        XCTAssertEqual(try session.run("[lr * 100, flag, path, quoted, sizes]", file: "d"),
                       [.text("[1, true, \"~/kaggle/training.csv\", \"hi there\", [1, 2, 3]]")])
        XCTAssertThrowsError(try session.define("1x", literal: "2"))
    }

    func testIncompleteInputIsRecognised() {
        let session = Session()
        XCTAssertTrue(session.isIncomplete("fn f(x) {"))
        XCTAssertTrue(session.isIncomplete("x = [1, 2,"))
        XCTAssertTrue(session.isIncomplete("s = \"open"))
        XCTAssertTrue(session.isIncomplete("y = 1 +"))
        XCTAssertTrue(session.isIncomplete("if x > 1 {\n  print(x)"))
        XCTAssertFalse(session.isIncomplete("x = 1"))
        XCTAssertFalse(session.isIncomplete("x = )"))       // wrong, not incomplete
        XCTAssertFalse(session.isIncomplete("fn f(x) { x }"))
    }

    func testCompletions() throws {
        let session = Session()
        _ = try session.run("learning = 1\nr = {alpha: 1, beta: 2}\nt = zeros([2])", file: "c")
        XCTAssertEqual(session.completions(for: "lea"), ["learning"])
        XCTAssertTrue(session.completions(for: "desc").contains("descend("), "a function completes with its parenthesis")
        XCTAssertEqual(session.completions(for: "lea"), ["learning"], "a variable completes with nothing after it")
        XCTAssertEqual(session.completions(for: "print(r.a"), ["print(r.alpha"])
        XCTAssertTrue(session.completions(for: "t.sh").contains("t.shape"))
        XCTAssertTrue(session.completions(for: "whi").contains("while"))
    }

    func testVariablesListsOnlyUserValues() throws {
        let session = Session()
        _ = try session.run("a = 1\nt = zeros([2, 3])\nfn f(x) = x", file: "v")
        let vars = Dictionary(uniqueKeysWithValues: session.variables.map { ($0.name, $0.summary) })
        XCTAssertEqual(vars, ["a": "1", "t": "tensor [2, 3], 24 B", "f": "function f"])
    }

    /// A loop long enough that a cancel always lands inside it, yet bounded: if a cancel were
    /// ever lost the run ends by itself and the test fails instead of hanging.
    static let longLoop = "i = 0\nwhile i < 300000000 { i = i + 1 }"

    func testCancelStopsALongLoopFromAnotherThread() throws {
        let session = Session()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { session.cancel() }
        let start = Date()
        XCTAssertThrowsError(try session.run(Self.longLoop, file: "loop.ainb")) { error in
            XCTAssertEqual((error as? ScriptError)?.message, "cancelled")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertTrue(session.cancellationRequested)
        XCTAssertEqual(try session.run("1 + 1", file: "after"), [.text("2")])
        XCTAssertFalse(session.cancellationRequested)
    }

    func testCancelBeforeRunStopsTheNextRun() throws {
        let session = Session()
        session.cancel()
        XCTAssertTrue(session.cancellationRequested)
        XCTAssertThrowsError(try session.run("1 + 1", file: "early")) { error in
            XCTAssertEqual((error as? ScriptError)?.message, "cancelled")
        }
        XCTAssertEqual(try session.run("1 + 1", file: "after"), [.text("2")])
        XCTAssertFalse(session.cancellationRequested)
    }

    func testCancelFromAnotherThreadIsNeverLost() throws {
        let session = Session()
        for round in 0..<100 {
            let sent = DispatchSemaphore(value: 0)
            // Some cancels land before the run starts, most while the loop spins.
            let delay = Double(round % 10) * 0.0005
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { session.cancel(); sent.signal() }
            XCTAssertThrowsError(try session.run(Self.longLoop, file: "race.ainb"), "round \(round)") { error in
                XCTAssertEqual((error as? ScriptError)?.message, "cancelled", "round \(round)")
            }
            XCTAssertEqual(sent.wait(timeout: .now() + 10), .success)
        }
        XCTAssertEqual(try session.run("1 + 1", file: "after"), [.text("2")])
    }

    func testStepLimitCountsExactly() throws {
        let session = Session()
        session.stepLimit = 3000
        // 3000 loop steps fit; one more does not.
        XCTAssertEqual(try session.run("n = 0\nfor k in 0..3000 { n = n + 1 }\nn", file: "s"), [.text("3000")])
        XCTAssertThrowsError(try session.run("n = 0\nfor k in 0..3001 { n = n + 1 }", file: "s")) { error in
            XCTAssertEqual((error as? ScriptError)?.message, "step budget of 3000 steps exhausted")
        }
    }

    func testStepLimitStopsRunawayPrograms() {
        let session = Session()
        session.stepLimit = 1000
        XCTAssertThrowsError(try session.run("while true { }", file: "s")) { error in
            XCTAssertEqual((error as? ScriptError)?.message, "step budget of 1000 steps exhausted")
        }
    }

    func testResetForgetsEverything() throws {
        let session = Session()
        _ = try session.run("x = 1\nmetric(\"m\", 1)", file: "r")
        session.reset()
        XCTAssertTrue(session.variables.isEmpty)
        XCTAssertTrue(session.metrics.isEmpty)
        XCTAssertThrowsError(try session.run("x", file: "r"))
        XCTAssertEqual(try session.run("zeros([1]).shape", file: "r"), [.text("[1]")])
    }

    func testHelpComesFromTheRegistry() throws {
        let overview = try XCTUnwrap(Session.help(nil))
        XCTAssertTrue(overview.contains("descend"))
        let descend = try XCTUnwrap(Session.help("descend"))
        XCTAssertTrue(descend.hasPrefix("descend(f, from, lr: 0.1, steps: 100) -> list\n  Gradient descent"))
        XCTAssertTrue(descend.contains("Example:"))
        XCTAssertNil(Session.help("no_such_builtin"))
        XCTAssertNotNil(Session.help("language"))
        XCTAssertEqual(try runLines("help(\"eye\")"), [Session.help("eye")!])
    }

    func testOutputDirectoryIsStored() {
        let session = Session()
        session.outputDirectory = "/tmp/out"
        XCTAssertEqual(session.outputDirectory, "/tmp/out")
    }

    func testConstants() throws {
        XCTAssertEqual(try value("[pi > 3.14, e > 2.71, inf > 1e308, nan == nan]"), "[true, true, true, false]")
    }
}
