import Foundation
import XCTest

/// The REPL fed through standard input (scripted), as a subprocess.
final class ReplStdinTests: XCTestCase {
    func testStatementsFromStdinPrintTheirResultsWithoutPrompts() throws {
        let input = """
        x = 2
        fn twice(v) {
          v * 2
        }
        print("hello")
        twice(x) * 10 + 2
        :vars

        """
        let result = try Ainb.run([], input: input)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").prefix(2), ["hello", "42"])
        XCTAssertTrue(result.stdout.contains("x"), result.stdout)
        XCTAssertTrue(result.stdout.contains("twice"), result.stdout)
        XCTAssertFalse(result.stdout.contains("ainb>"))
    }

    func testAnErrorIsReportedWithItsPositionAndTheSessionGoesOn() throws {
        let result = try Ainb.run(["repl"], input: "a = 1\nb = a + nope\nprint(a + 1)\n")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("<repl>:2:9: error:"), result.stderr)
        XCTAssertEqual(result.stdout, "2\n")
    }

    func testLoadSaveAndReset() throws {
        let folder = try TestSupport.temporaryFolder()
        let notebook = TestSupport.fixtures + "/real/descent.ainb"
        let saved = folder + "/saved.ainb"
        let result = try Ainb.run(["repl", "--load", notebook], input: "y = round(x, 3)\n:save \(saved)\n:reset\n:vars\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("loaded \(notebook) (3 cells)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("(no variables)"), result.stdout)
        // The saved notebook replays the session: run it and compare the value of y.
        let text = try String(contentsOfFile: saved, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("```ainb\nlr = 0.1\n```\n"), text)
        XCTAssertTrue(text.hasSuffix("```ainb\ny = round(x, 3)\n```\n"), text)
        let replay = try Ainb.run(["run", saved, "--quiet"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let check = try Ainb.run([], input: ":load \(saved)\ny\n")
        XCTAssertTrue(check.stdout.hasSuffix("\n5.294\n"), check.stdout)
    }

    func testAnUnclosedBracketIsReportedWhereItOpenedAndTheNextStatementsRun() throws {
        let result = try Ainb.run([], input: "xs = [1, 2\nprint(5)\ny = (3\nprint(6)\n")
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "5\n6\n")
        XCTAssertTrue(result.stderr.contains("<repl>:2:1: error: expected ',' or ']' to close the list opened at 1:6, got 'print'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("<repl>:4:1: error: expected ')' to close '(' at 3:5, got 'print'"), result.stderr)
    }

    func testUnderscoreIsTheLastValueShown() throws {
        let result = try Ainb.run([], input: "21 * 2\n_ + 1\nx = 5\n_\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "42\n43\n43\n", "an assignment shows nothing and leaves _ alone")
    }

    func testDocRunsTheExampleInAFreshSession() throws {
        let result = try Ainb.run([], input: "x = 1\n:doc relu\nx\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("relu(tensor([-1, 2]))"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Running the example:\ntensor [2]\n[0, 2]\n"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("\n1\n"), result.stdout)
    }

    func testTimeRunsTheStatementAndSaysHowLong() throws {
        let result = try Ainb.run([], input: ":time s = 0; for i in 0..1000 { s = s + i }\ns\n:time nope\n")
        XCTAssertEqual(result.status, 1, "the failing statement counts as an error")
        XCTAssertTrue(result.stdout.contains(" wall, "), result.stdout)
        XCTAssertTrue(result.stdout.contains("499500"), result.stdout)
        XCTAssertTrue(result.stdout.contains("failed after"), result.stdout)
    }

    func testWhoListsVariablesWithShapesAndSizes() throws {
        let result = try Ainb.run([], input: "t = zeros([2, 3])\nn = 4\n:who\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("tensor [2, 3], 24 B"), result.stdout)
        XCTAssertTrue(result.stdout.contains("n  4"), result.stdout)
    }

    func testHelpListsBuiltinsAndDescribesOne() throws {
        let result = try Ainb.run([], input: ":help\n:help round\n:help no_such_thing\n")
        XCTAssertTrue(result.stdout.contains(":load NB.ainb"), result.stdout)
        XCTAssertTrue(result.stdout.contains("round(3.14159, 2)"), result.stdout)
        XCTAssertTrue(result.stderr.contains("no help for 'no_such_thing'"), result.stderr)
    }
}

/// Step mode without a terminal: answers come from standard input.
final class StepStdinTests: XCTestCase {
    func testStepRunsSkipsAndQuitsFromStdin() throws {
        let notebook = TestSupport.fixtures + "/real/descent.ainb"
        // Run cell 1, skip cell 2, run cell 3.
        let result = try Ainb.run(["step", notebook, "--set", "steps=1"], input: "\ns\n\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("Gradient descent\n================"), result.stdout)
        XCTAssertTrue(result.stdout.contains("step 1: x = 8.6\n"), result.stdout)
        XCTAssertFalse(result.stdout.contains("step 2"), result.stdout)
        XCTAssertTrue(result.stdout.contains("(skipped)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("lr = 0.1, steps = 1"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("end of descent\n"), result.stdout)
        XCTAssertFalse(result.stdout.contains("\u{1B}["), "no ANSI without a terminal")
    }

    func testStepQuitsOnQ() throws {
        let result = try Ainb.run(["step", TestSupport.fixtures + "/real/descent.ainb"], input: "q\n")
        XCTAssertEqual(result.status, 0)
        XCTAssertFalse(result.stdout.contains("step 1"))
        XCTAssertFalse(result.stdout.contains("cell 2/3"))
    }
}

/// The REPL and step mode in a pseudo-terminal: completion, multi-line input, Ctrl-C.
final class ReplTerminalTests: XCTestCase {
    func testTabCompletesBuiltinsVariablesAndHistoryIsKept() throws {
        let home = try TestSupport.temporaryFolder()
        let terminal = try PseudoTerminal(["repl"], home: home)
        terminal.expect("ainb> ")
        terminal.send("learning_rate = 7\r")
        terminal.expect("ainb> ")
        // A name completes with nothing after it, a function with its "(".
        terminal.send("learn\t + 1\r")
        terminal.expect("learning_rate + 1")
        terminal.expect("8")
        terminal.send("roun\t2.5)\r")
        terminal.expect("round(2.5)")
        terminal.expect("3")
        terminal.send("t = tensor([[1, 2]])\r")
        terminal.expect("ainb> ")
        terminal.send("t.sha\t\r")
        terminal.expect("t.shape")
        terminal.expect("[1, 2]")
        // Ctrl-D only means end of input once readline has the terminal (its prompt is up).
        terminal.expect("ainb> ")
        terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(), 0)
        let history = try String(contentsOfFile: home + "/.ainb_history", encoding: .utf8)
        XCTAssertTrue(history.contains("learning_rate = 7"), history)
        XCTAssertTrue(history.contains("round(2.5)"), history)
    }

    func testMultiLineInputContinuesWhileAStatementIsOpen() throws {
        let terminal = try PseudoTerminal(["repl"], home: try TestSupport.temporaryFolder())
        terminal.expect("ainb> ")
        terminal.send("fn add(a, b) {\r")
        terminal.expect("...> ")
        terminal.send("a + b\r")
        terminal.expect("...> ")
        terminal.send("}\r")
        terminal.expect("ainb> ")
        terminal.send("add(40, [1,\r")
        terminal.expect("...> ")
        terminal.send("2][1])\r")
        terminal.expect("42")
        terminal.send(":quit\r")
        XCTAssertEqual(terminal.waitForExit(), 0)
    }

    func testCtrlCCancelsARunningStatementAndKeepsTheState() throws {
        let terminal = try PseudoTerminal(["repl"], home: try TestSupport.temporaryFolder())
        terminal.expect("ainb> ")
        terminal.send("kept = 41\r")
        terminal.expect("ainb> ")
        terminal.send("n = 0\r")
        terminal.expect("ainb> ")
        // Wait until the loop runs ("spin" + "ning" so the echo of the line does not match).
        terminal.send("print(\"spin\" + \"ning\"); while true { n = n + 1 }\r")
        terminal.expect("spinning")
        Thread.sleep(forTimeInterval: 0.2)
        terminal.send("\u{3}")
        terminal.expect("cancelled")
        terminal.expect("ainb> ")
        // The terminal echoes "^C" once; ainb adds no second one.
        XCTAssertTrue(terminal.transcript.contains("cancelling…"), terminal.transcript)
        XCTAssertFalse(terminal.transcript.contains("^C cancelling"), terminal.transcript)
        terminal.send("kept + 1\r")
        terminal.expect("42")
        terminal.send("n > 0\r")
        terminal.expect("true")
        terminal.expect("ainb> ")
        // Ctrl-C at the prompt clears the line: the half-typed text is not run.
        terminal.send("this is not code")
        // Readline has the line once it has echoed it.
        terminal.expect("this is not code")
        terminal.send("\u{3}")
        terminal.expect("ainb> ")
        terminal.send("kept\r")
        terminal.expect("41")
        terminal.expect("ainb> ")
        XCTAssertFalse(terminal.transcript.contains("error"), terminal.transcript)
        terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(), 0)
    }

    func testStepModeRunsCellsOnEnterAndOpensTheReplInTheNotebooksState() throws {
        let notebook = TestSupport.fixtures + "/real/descent.ainb"
        let terminal = try PseudoTerminal(["step", notebook, "--set", "steps=2"], home: try TestSupport.temporaryFolder())
        terminal.expect("Gradient descent")
        terminal.expect("cell 1/3")
        terminal.expect("fn f(x) = (x - 3)^2")
        terminal.expect("quit")
        terminal.send("\r")
        terminal.expect("step 2: x = 7.48")
        terminal.expect("cell 2/3")
        terminal.expect("quit")
        // A single key acts at once: no Enter after "r".
        terminal.send("r")
        terminal.expect("ainb (step)> ")
        terminal.send("x * 100\r")
        terminal.expect("748")
        terminal.send("x = 3\r")
        terminal.expect("ainb (step)> ")
        terminal.send(":continue\r")
        terminal.expect("cell 2/3")
        terminal.expect("quit")
        terminal.send("\r")
        terminal.expect("cell 3/3")
        terminal.expect("quit")
        terminal.send("q")
        XCTAssertEqual(terminal.waitForExit(), 0)
    }

    func testCtrlCStopsALongMatrixProductAndTheRestOfTheStatement() throws {
        let terminal = try PseudoTerminal(["repl"], home: try TestSupport.temporaryFolder())
        terminal.expect("ainb> ")
        terminal.send("a = randn([2000, 2000], seed: 1)\r")
        terminal.expect("ainb> ")
        // Seconds of matrix products, then a print that must not run once Ctrl-C stopped them.
        terminal.send("print(\"mat\" + \"mul\"); b = a @ a @ a @ a @ a @ a @ a @ a @ a @ a; print(\"af\" + \"ter\")\r")
        terminal.expect("matmul")
        Thread.sleep(forTimeInterval: 0.3)
        terminal.send("\u{3}")
        terminal.expect("cancelled")
        terminal.expect("ainb> ")
        terminal.send("b\r")
        terminal.expect("unknown name 'b'")
        terminal.expect("ainb> ")
        terminal.send("a.shape\r")
        terminal.expect("[2000, 2000]")
        terminal.expect("ainb> ")
        terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(), 0)
        XCTAssertFalse(terminal.transcript.contains("after"), terminal.transcript)
    }

    func testStepModeSkipsOnASingleKey() throws {
        let notebook = TestSupport.fixtures + "/real/descent.ainb"
        let terminal = try PseudoTerminal(["step", notebook], home: try TestSupport.temporaryFolder())
        terminal.expect("cell 1/3")
        terminal.expect("quit")
        terminal.send("s")
        terminal.expect("(skipped)")
        terminal.expect("cell 2/3")
        terminal.expect("quit")
        terminal.send("q")
        XCTAssertEqual(terminal.waitForExit(), 0)
        XCTAssertFalse(terminal.transcript.contains("step 1"), terminal.transcript)
    }

    func testAMultiLineEntryComesBackWholeFromHistoryAfterARestart() throws {
        let home = try TestSupport.temporaryFolder()
        let first = try PseudoTerminal(["repl"], home: home)
        first.expect("ainb> ")
        first.send("[10, 20,\r")
        first.expect("...> ")
        first.send("30][2] + 1\r")
        first.expect("31")
        first.expect("ainb> ")
        first.send("\u{4}")
        XCTAssertEqual(first.waitForExit(), 0)

        let second = try PseudoTerminal(["repl"], home: home)
        second.expect("ainb> ")
        second.send("\u{10}\r") // Ctrl-P: the previous entry, then Enter
        second.expect("31")
        second.expect("ainb> ")
        second.send("\u{4}")
        XCTAssertEqual(second.waitForExit(), 0)
        XCTAssertFalse(second.transcript.contains("error"), second.transcript)
    }

    static let tinyFit = "faces = keypoint_faces(n: 64, seed: 1)\nm = mlp([1, 96, 96], 30, hidden: [8])\nh = fit(m, faces, epochs: 2, batch: 8, validation: 0.25)"

    func testFitShowsALiveBarAndEachEpochWithValidationLossAndTime() throws {
        let terminal = try PseudoTerminal(["repl"], home: try TestSupport.temporaryFolder(), environment: ["TERM": "xterm"])
        terminal.expect("ainb>")
        terminal.send(Self.tinyFit.replacingOccurrences(of: "\n", with: "; ") + "\r")
        terminal.expect("Epoch 1/2")
        terminal.expect("epoch 1: loss ")
        terminal.expect("epoch 2: loss ")
        terminal.expect("ainb>")
        terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(), 0)
        let epochLine = terminal.transcript.components(separatedBy: "\n").first { $0.contains("epoch 2: loss ") } ?? ""
        XCTAssertTrue(epochLine.contains(", val_loss "), epochLine)
        XCTAssertTrue(epochLine.range(of: #"\((\d+\.\d+ m?s|\d+ µs|\d+:\d\d)\)"#, options: .regularExpression) != nil, "the epoch's time: \(epochLine)")
        XCTAssertTrue(terminal.transcript.contains("img/s"), terminal.transcript)
    }

    func testColourOnATerminalAndNoneWithNoColor() throws {
        let coloured = try PseudoTerminal(["repl"], home: try TestSupport.temporaryFolder(), environment: ["TERM": "xterm"])
        coloured.expect("ainb>")
        coloured.send("nope + 1\r")
        coloured.expect("unknown name")
        coloured.send("6 * 7\r")
        coloured.expect("42")
        coloured.expect("ainb>")
        coloured.send("\u{4}")
        XCTAssertEqual(coloured.waitForExit(), 0)
        XCTAssertTrue(coloured.transcript.contains("\u{1B}[1;32mainb>"), "a green prompt")
        XCTAssertTrue(coloured.transcript.contains("\u{1B}[31m<repl>:1:1: error"), "a red error: \(coloured.transcript)")
        XCTAssertTrue(coloured.transcript.contains("\u{1B}[36m42"), "a cyan number")

        for options in [(["repl"], ["TERM": "xterm", "NO_COLOR": "1"]), (["repl", "--no-color"], ["TERM": "xterm"])] {
            let plain = try PseudoTerminal(options.0, home: try TestSupport.temporaryFolder(), environment: options.1)
            plain.expect("ainb>")
            plain.send("nope + 1\r")
            plain.expect("unknown name")
            plain.expect("ainb>")
            plain.send("\u{4}")
            XCTAssertEqual(plain.waitForExit(), 0)
            XCTAssertFalse(plain.transcript.contains("\u{1B}[31m"), plain.transcript)
            XCTAssertFalse(plain.transcript.contains("\u{1B}[1;32m"), plain.transcript)
        }
    }
}
