import Foundation
import XCTest

/// `ainb run` and `ainb check` end to end, on the built executable and the real language.
final class RunCommandTests: XCTestCase {
    let real = TestSupport.fixtures + "/real"

    /// A copy of a fixture notebook in a scratch folder, so paths in reports are short.
    func scratch(_ names: [String]) throws -> String {
        let folder = try TestSupport.temporaryFolder()
        for name in names {
            try FileManager.default.copyItem(atPath: real + "/" + name, toPath: folder + "/" + name)
        }
        return folder
    }

    func testRunWritesTheCommittedGoldenReport() throws {
        let folder = try scratch(["descent.ainb"])
        let result = try Ainb.run(["run", "descent.ainb", "-o", "out", "--quiet"], directory: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "")
        try TestSupport.assertSameFiles(folder + "/out", real + "/expected")
    }

    func testPrintedTextGoesToTheTerminalAsCellsRun() throws {
        let folder = try scratch(["descent.ainb"])
        let result = try Ainb.run(["run", "descent.ainb"], directory: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("step 1: x = 8.6\nstep 2: x = 7.48\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("lr = 0.1, steps = 5"))
        XCTAssertTrue(result.stderr.contains("descent: cell 2/3 (line 23)"), result.stderr)
    }

    func testRerunGivesByteIdenticalFiles() throws {
        let folder = try scratch(["descent.ainb"])
        XCTAssertEqual(try Ainb.run(["run", "descent.ainb", "-o", "out", "--quiet"], directory: folder).status, 0)
        let first = try TestSupport.files(in: folder + "/out")
        XCTAssertEqual(try Ainb.run(["run", "descent.ainb", "-o", "out", "--quiet"], directory: folder).status, 0)
        XCTAssertEqual(try TestSupport.files(in: folder + "/out"), first)
    }

    func testSetOverridesParams() throws {
        let folder = try scratch(["descent.ainb"])
        let result = try Ainb.run(["run", "descent.ainb", "-o", "out", "--set", "steps=2", "--set", "lr=0.5"], directory: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.components(separatedBy: "step ").count - 1, 2)
        XCTAssertTrue(result.stdout.contains("step 1: x = 3\n"), result.stdout)
        let md = try String(contentsOfFile: folder + "/out/descent.md", encoding: .utf8)
        XCTAssertTrue(md.hasPrefix("---\ntitle: \"Gradient descent\"\nparams:\n  lr: 0.5\n  steps: 2\n---\n"), md)
        let metrics = try String(contentsOfFile: folder + "/out/descent.metrics.json", encoding: .utf8)
        XCTAssertEqual(metrics, "{\n  \"final_x\": 3.0,\n  \"loss\": 0.0\n}\n")
    }

    func testUnknownSetKeyIsAnErrorNamingTheParams() throws {
        let folder = try scratch(["descent.ainb"])
        let result = try Ainb.run(["run", "descent.ainb", "-o", "out", "--set", "epochs=3"], directory: folder)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("unknown parameter 'epochs'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("lr, steps"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/out"))
    }

    func testAFailingCellStopsTheRunWithItsPositionAndTheReportShowsIt() throws {
        let folder = try scratch(["failing.ainb"])
        let result = try Ainb.run(["run", "failing.ainb", "-o", "out"], directory: folder)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("failing.ainb:9:9: error:"), result.stderr)
        XCTAssertTrue(result.stdout.contains("before"))
        XCTAssertFalse(result.stdout.contains("after"))
        let md = try String(contentsOfFile: folder + "/out/failing.md", encoding: .utf8)
        XCTAssertTrue(md.contains("```error\nfailing.ainb:9:9: error:"), md)
        XCTAssertTrue(md.hasSuffix("*The run stopped at cell 2, which failed; the cells after it did not run.*\n"), md)
    }

    func testKeepGoingRunsTheRestAndMarksTheFailedCell() throws {
        let folder = try scratch(["failing.ainb"])
        let result = try Ainb.run(["run", "failing.ainb", "-o", "out", "--keep-going"], directory: folder)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("after"))
        XCTAssertTrue(result.stderr.contains("failing.ainb: failed (cell 2)"), result.stderr)
        let md = try String(contentsOfFile: folder + "/out/failing.md", encoding: .utf8)
        XCTAssertTrue(md.contains("```error\nfailing.ainb:9:9"))
        XCTAssertTrue(md.contains("```\nafter\n```"))
    }

    func testAFolderRunsItsNotebooksInNameOrder() throws {
        let folder = try scratch(["descent.ainb", "failing.ainb"])
        let result = try Ainb.run(["run", ".", "-o", "out", "--keep-going"], directory: folder)
        XCTAssertEqual(result.status, 1)
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder + "/out").sorted()
        XCTAssertEqual(entries, ["descent.md", "descent.metrics.json", "failing.md", "failing.metrics.json"])
        XCTAssertLessThan(result.stderr.range(of: "descent: cell 1")?.lowerBound ?? result.stderr.endIndex,
                          result.stderr.range(of: "failing: cell 1")?.lowerBound ?? result.stderr.startIndex)
    }

    func testCtrlCStopsARunWithoutTouchingTheReport() throws {
        let folder = try scratch(["descent.ainb"])
        XCTAssertEqual(try Ainb.run(["run", "descent.ainb", "-o", "out", "--quiet"], directory: folder).status, 0)
        let before = try TestSupport.files(in: folder + "/out")
        try "```ainb\nprint(\"looping\")\nwhile true { }\n```\n".write(toFile: folder + "/descent.ainb", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Ainb.binary())
        process.arguments = ["run", "descent.ainb", "-o", "out"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while !seen.contains("looping") {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        process.interrupt()
        // A run that ignores Ctrl-C fails the test instead of hanging it.
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertEqual(try TestSupport.files(in: folder + "/out"), before)
    }

    func testAKilledRunLeavesThePreviousReportWhole() throws {
        let folder = try scratch(["descent.ainb"])
        XCTAssertEqual(try Ainb.run(["run", "descent.ainb", "-o", "out", "--quiet"], directory: folder).status, 0)
        let before = try TestSupport.files(in: folder + "/out")
        // The same notebook, now with a cell that never ends: kill the run while it is in it.
        let notebook = try String(contentsOfFile: folder + "/descent.ainb", encoding: .utf8)
        try (notebook + "\n```ainb\nprint(\"looping\")\nwhile true { x = x + 0 }\n```\n")
            .write(toFile: folder + "/descent.ainb", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Ainb.binary())
        process.arguments = ["run", "descent.ainb", "-o", "out"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while !seen.contains("looping") {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertTrue(seen.contains("looping"))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(try TestSupport.files(in: folder + "/out"), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder + "/out").sorted(),
                       ["descent.md", "descent.metrics.json"])
    }

    func testCheckReportsEveryErrorWithFileLineAndColumn() throws {
        let folder = try scratch(["broken.ainb", "descent.ainb"])
        let bad = try Ainb.run(["check", "broken.ainb"], directory: folder)
        XCTAssertEqual(bad.status, 1)
        let lines = bad.stderr.split(separator: "\n").filter { $0.hasPrefix("broken.ainb:") }
        XCTAssertEqual(lines.map { $0.split(separator: ":").prefix(3).joined(separator: ":") },
                       ["broken.ainb:4:3", "broken.ainb:6:9", "broken.ainb:7:9", "broken.ainb:11:8"], bad.stderr)
        // An error at the end of a cell points after its last code, not at the closing fence.
        XCTAssertTrue(bad.stderr.contains("broken.ainb:7:9: error: expected an expression, got end of input\n  x = (1 +\n          ^"), bad.stderr)
        let good = try Ainb.run(["check", "descent.ainb"], directory: folder)
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertEqual(good.stdout, "ok  descent.ainb (3 cells)\n")
    }

    func testAReportKeepsEachEpochsLossButNoProgressBarOrTime() throws {
        let folder = try TestSupport.temporaryFolder()
        try "```ainb\n\(ReplTerminalTests.tinyFit)\n```\n".write(toFile: folder + "/fit.ainb", atomically: true, encoding: .utf8)
        let result = try Ainb.run(["run", "fit.ainb", "-o", "out"], directory: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try String(contentsOfFile: folder + "/out/fit.md", encoding: .utf8)
        XCTAssertTrue(report.contains("epoch 1: loss "), report)
        XCTAssertTrue(report.contains(", val_loss "), report)
        XCTAssertFalse(report.contains("Epoch 1/2"), report)
        XCTAssertFalse(report.contains("img/s"), report)
        XCTAssertNil(report.range(of: #"\(\d+(\.\d+)? (m?s|µs)\)"#, options: .regularExpression), report)
    }

    func testFrontMatterReportsEveryError() throws {
        let folder = try TestSupport.temporaryFolder()
        try "---\ntitle: Two errors\nparams:\n  lr 0.1\n  steps: [1\n  ok: 2\nextra: 3\n---\n```ainb\nok\n```\n"
            .write(toFile: folder + "/fm.ainb", atomically: true, encoding: .utf8)
        let result = try Ainb.run(["check", "fm.ainb"], directory: folder)
        XCTAssertEqual(result.status, 1)
        let positions = result.stderr.split(separator: "\n").filter { $0.hasPrefix("fm.ainb:") }
            .map { $0.split(separator: ":").prefix(3).joined(separator: ":") }
        XCTAssertEqual(positions, ["fm.ainb:4:3", "fm.ainb:5:10", "fm.ainb:7:1"], result.stderr)
    }

    func testAMisspelledSetSuggestsTheParam() throws {
        let folder = try scratch(["descent.ainb"])
        let result = try Ainb.run(["run", "descent.ainb", "--set", "stpes=5"], directory: folder)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("unknown parameter 'stpes' in --set stpes=5; did you mean 'steps'? (its params are lr, steps)"), result.stderr)
    }

    func testAFileThatIsNotANotebookFailsAndOneWithoutCellsWarns() throws {
        let folder = try TestSupport.temporaryFolder()
        try "print('hello')\n".write(toFile: folder + "/script.py", atomically: true, encoding: .utf8)
        let python = try Ainb.run(["run", "script.py"], directory: folder)
        XCTAssertEqual(python.status, 1)
        XCTAssertTrue(python.stderr.contains("script.py: not a notebook (expected a .ainb or .md file"), python.stderr)

        try "# Notes\n\n```python\nprint(1)\n```\n".write(toFile: folder + "/notes.md", atomically: true, encoding: .utf8)
        let empty = try Ainb.run(["run", "notes.md"], directory: folder)
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertTrue(empty.stderr.contains("warning: notes.md has no ```ainb code cell: nothing to run"), empty.stderr)
    }
}
