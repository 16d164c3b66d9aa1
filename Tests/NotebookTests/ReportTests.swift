import Foundation
import Notebook
import Script
import XCTest

final class ReportTests: XCTestCase {
    func demo() throws -> Notebook {
        let path = TestSupport.fixtures + "/fake/demo.ainb"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try NotebookParser.notebook(from: text, path: "demo.ainb")
    }

    func runDemo(overrides: [(name: String, value: String)] = [], keepGoing: Bool = false) throws -> RunOutcome {
        try NotebookRun(notebook: demo(), evaluator: FakeEvaluator(), overrides: overrides).runAll(keepGoing: keepGoing)
    }

    func testReportMatchesTheCommittedGoldenReport() throws {
        let outcome = try runDemo()
        XCTAssertTrue(outcome.succeeded)
        let folder = try TestSupport.temporaryFolder()
        try ReportWriter().write(ReportExporter.report(outcome), to: folder)
        try TestSupport.assertSameFiles(folder, TestSupport.fixtures + "/fake/expected")
    }

    func testRerunGivesByteIdenticalFiles() throws {
        let folder = try TestSupport.temporaryFolder()
        try ReportWriter().write(ReportExporter.report(runDemo()), to: folder)
        let first = try TestSupport.files(in: folder)
        try ReportWriter().write(ReportExporter.report(runDemo()), to: folder)
        XCTAssertEqual(try TestSupport.files(in: folder), first)
        XCTAssertEqual(first.keys.sorted(), ["demo-assets/cell-2-1.png", "demo-assets/cell-2-2.png", "demo.md", "demo.metrics.json"])
    }

    func testParamsAreDefinedBeforeTheFirstCellWithOverrides() throws {
        let evaluator = FakeEvaluator()
        let run = try NotebookRun(notebook: demo(), evaluator: evaluator, overrides: [("lr", "0.5"), ("who", "a b")])
        _ = try run.runAll()
        XCTAssertEqual(evaluator.variables.prefix(2).map(\.0), ["lr", "who"])
        XCTAssertEqual(evaluator.variables.prefix(2).map(\.1), ["0.5", "\"a b\""])
        let report = ReportExporter.report(run.outcome())
        XCTAssertTrue(report.markdown.hasPrefix("---\ntitle: \"A demo\"\nparams:\n  lr: 0.5\n  who: \"a b\"\n---\n"))
    }

    func testSetOverridesKeepTheParamsTypes() throws {
        let params = [Param(name: "lr", value: .number("0.1")), Param(name: "data", value: .string("x.csv")),
                      Param(name: "flip", value: .bool(true)), Param(name: "sizes", value: .list([.number("1")]))]
        let resolved = try Params.resolve(params, overrides: [("lr", "1e-4"), ("data", "42"), ("flip", "false"), ("sizes", "[2, 3]")])
        XCTAssertEqual(resolved.map(\.value), [.number("1e-4"), .string("42"), .bool(false), .list([.number("2"), .number("3")])])
        XCTAssertEqual(try Params.resolve(params, overrides: [("data", "\"quoted\"")])[1].value, .string("quoted"))
        XCTAssertThrowsError(try Params.resolve(params, overrides: [("steps", "3")])) { error in
            XCTAssertEqual("\(error)", "unknown parameter 'steps' in --set steps=3 (its params are lr, data, flip, sizes)")
        }
        XCTAssertThrowsError(try Params.resolve(params, overrides: [("lr", "fast")])) { error in
            XCTAssertEqual("\(error)", "--set lr=fast: parameter 'lr' is a number, not a string")
        }
        XCTAssertThrowsError(try Params.resolve(params, overrides: [("sizes", "[1,")]))
        XCTAssertThrowsError(try Params.resolve([], overrides: [("a", "1")])) { error in
            XCTAssertTrue("\(error)".contains("the notebook has no params"))
        }
        XCTAssertEqual(try Params.splitOverride("data=a=b").value, "a=b")
        XCTAssertThrowsError(try Params.splitOverride("novalue"))
    }

    func testFailingCellStopsTheRunAndTheReportShowsTheError() throws {
        let text = "# T\n\n```ainb\nprint one\n```\n\nMiddle.\n\n```ainb\nprint two\nfail boom\n```\n\nAfter.\n\n```ainb\nprint three\n```\n"
        let notebook = try NotebookParser.notebook(from: text, path: "f.ainb")
        let evaluator = FakeEvaluator()
        let outcome = try NotebookRun(notebook: notebook, evaluator: evaluator).runAll()
        XCTAssertFalse(outcome.succeeded)
        XCTAssertEqual(outcome.stoppedAt, 2)
        XCTAssertEqual(outcome.results.map(\.status), [.ran, .failed])
        XCTAssertEqual(outcome.results[1].failure?.description, "f.ainb:11:1: error: boom")
        XCTAssertEqual(evaluator.ranSources.count, 2)
        XCTAssertEqual(ReportExporter.report(outcome).markdown, """
        # T

        ```ainb
        print one
        ```

        ```
        one
        ```

        Middle.

        ```ainb
        print two
        fail boom
        ```

        ```
        two
        ```

        ```error
        f.ainb:11:1: error: boom
        ```

        *The run stopped at cell 2, which failed; the cells after it did not run.*

        """)
    }

    func testKeepGoingRunsOnAndMarksFailedCells() throws {
        let text = "```ainb\nfail first\n```\n```ainb\nprint next\n```\n```ainb\nbad\n```\n"
        let notebook = try NotebookParser.notebook(from: text, path: "k.ainb")
        let outcome = try NotebookRun(notebook: notebook, evaluator: FakeEvaluator()).runAll(keepGoing: true)
        XCTAssertEqual(outcome.results.map(\.status), [.failed, .ran, .failed])
        XCTAssertEqual(outcome.failedCells, [1, 3])
        XCTAssertNil(outcome.stoppedAt)
        XCTAssertFalse(outcome.succeeded)
        let md = ReportExporter.report(outcome).markdown
        XCTAssertTrue(md.contains("```error\nk.ainb:2:1: error: first\n```"))
        XCTAssertTrue(md.contains("```error\nk.ainb:8:1: error: syntax error\n```"))
        XCTAssertFalse(md.contains("The run stopped"))
    }

    func testACellMarkedErrorThatSucceedsFailsTheRun() throws {
        let notebook = try NotebookParser.notebook(from: "```ainb error=true\nprint fine\n```\n", path: "e.ainb")
        let outcome = try NotebookRun(notebook: notebook, evaluator: FakeEvaluator()).runAll()
        XCTAssertFalse(outcome.succeeded)
        XCTAssertEqual(outcome.results.first?.failure?.line, 1)
    }

    func testAFailedWriteLeavesThePreviousReportWhole() throws {
        let folder = try TestSupport.temporaryFolder()
        try ReportWriter().write(ReportExporter.report(runDemo()), to: folder)
        let before = try TestSupport.files(in: folder)
        // A second report, different in every file, whose write fails halfway.
        let other = Report(name: "demo", markdown: "new\n", assets: [("cell-9-1.png", [1, 2, 3])], metricsJSON: "{}\n")
        for failing in ["cell-9-1.png", "demo.metrics.json", "demo.md"] {
            let writer = ReportWriter(willWriteFile: { path in
                if path.hasSuffix(failing) { throw ReportWriteError(message: "disk full") }
            })
            XCTAssertThrowsError(try writer.write(other, to: folder))
            XCTAssertEqual(try TestSupport.files(in: folder), before, "after failing at \(failing)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["demo-assets", "demo.md", "demo.metrics.json"])
        }
    }

    func testLeftoversOfAKilledWriteAreCleanedAndStaleAssetsGoOnSuccess() throws {
        let folder = try TestSupport.temporaryFolder()
        try ReportWriter().write(ReportExporter.report(runDemo()), to: folder)
        let leftover = folder + "/" + ReportWriter.temporaryPrefix("demo") + "123-4"
        try FileManager.default.createDirectory(atPath: leftover + "/new", withIntermediateDirectories: true)
        let plain = Report(name: "demo", markdown: "plain\n", assets: [], metricsJSON: "{}\n")
        try ReportWriter().write(plain, to: folder)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["demo.md", "demo.metrics.json"])
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/demo.md"), Data("plain\n".utf8))
    }

    func testMetricsJSONKeepsRecordedOrderAndFormatsNumbersExactly() {
        let json = ReportExporter.metricsJSON([Metric(name: "b", value: 0.1), Metric(name: "a\"x", value: 3),
                                               Metric(name: "b", value: 1e-5), Metric(name: "n", value: .nan)])
        XCTAssertEqual(json, "{\n  \"b\": 1e-05,\n  \"a\\\"x\": 3.0,\n  \"n\": null\n}\n")
        XCTAssertEqual(ReportExporter.metricsJSON([]), "{}\n")
    }

    func testTextOutputsKeepOnlyTheFinalStateOfProgressBars() throws {
        let cell = Cell(index: 1, code: "x\n", fenceLine: 1, codeLine: 2)
        let notebook = Notebook(path: "p.ainb", name: "p", blocks: [.cell(cell)])
        let result = CellResult(cell: cell, status: .ran, outputs: [.text("epoch 1 [#   ]\r"), .text("epoch 1 [##  ]\repoch 1 [####]\n"), .text("```")])
        let outcome = RunOutcome(notebook: notebook, params: [], results: [result], metrics: [], stoppedAt: nil)
        XCTAssertEqual(ReportExporter.report(outcome).markdown, "```ainb\nx\n```\n\n````\nepoch 1 [####]\n```\n````\n")
    }

    func testSavedReplSessionParsesBackToTheSameCells() throws {
        let cells = ["x = 1\n", "print(x)", "s = \"\"\"\n```\n\"\"\"\n"]
        let text = NotebookWriter.notebook(cells: cells)
        let notebook = try NotebookParser.notebook(from: text, path: "s.ainb")
        XCTAssertEqual(notebook.cells.map(\.code), ["x = 1\n", "print(x)\n", "s = \"\"\"\n```\n\"\"\"\n"])
    }

    func testLanguageLiteralsEscapeInterpolationButFrontMatterDoesNot() {
        XCTAssertEqual(ParamValue.string("a {b}\n\"c\"").literal, "\"a \\{b\\}\\n\\\"c\\\"\"")
        XCTAssertEqual(ParamValue.string("a {b}").yaml, "\"a {b}\"")
        XCTAssertEqual(ParamValue.list([.number("1e-4"), .bool(true), .string("x")]).literal, "[1e-4, true, \"x\"]")
        XCTAssertTrue(ParamValue.isNumber("-2.5E+3"))
        XCTAssertFalse(ParamValue.isNumber("1e"))
        XCTAssertFalse(ParamValue.isNumber("."))
    }
}
