import Foundation
import Notebook
import XCTest

/// The notebook runner on the real language, in process.
final class ScriptEvaluatorTests: XCTestCase {
    func testTheRealLanguageGivesTheCommittedGoldenReport() throws {
        let text = try String(contentsOfFile: TestSupport.fixtures + "/real/descent.ainb", encoding: .utf8)
        let notebook = try NotebookParser.notebook(from: text, path: "descent.ainb")
        let outcome = try NotebookRun(notebook: notebook, evaluator: ScriptEvaluator()).runAll()
        XCTAssertTrue(outcome.succeeded)
        let folder = try TestSupport.temporaryFolder()
        try ReportWriter().write(ReportExporter.report(outcome), to: folder)
        try TestSupport.assertSameFiles(folder, TestSupport.fixtures + "/real/expected")
    }

    func testParamsOfEveryKindReachTheLanguageIntact() throws {
        let text = """
        ---
        params:
          rate: 1e-3
          name: "say {hi} \\"there\\""
          flag: true
          sizes: [8, 16]
        ---
        ```ainb
        print(rate * 1000, name, flag, sizes[1])
        ```

        """
        let notebook = try NotebookParser.notebook(from: text, path: "p.ainb")
        let evaluator = ScriptEvaluator()
        let outcome = try NotebookRun(notebook: notebook, evaluator: evaluator, overrides: [("sizes", "[1, 2, 3]")]).runAll()
        XCTAssertTrue(outcome.succeeded, "\(outcome.results.first?.failure?.description ?? "")")
        XCTAssertEqual(outcome.results.first?.outputs, [.text("1 say {hi} \"there\" true 2")])
    }

    func testErrorsCarryTheNotebooksLineAndColumn() throws {
        let notebook = try NotebookParser.notebook(from: "# x\n\n```ainb\na = 1\nb = a + c\n```\n", path: "e.ainb")
        let outcome = try NotebookRun(notebook: notebook, evaluator: ScriptEvaluator()).runAll()
        let failure = try XCTUnwrap(outcome.results.first?.failure)
        XCTAssertEqual(failure.line, 5)
        XCTAssertEqual(failure.column, 9)
        XCTAssertTrue(failure.description.hasPrefix("e.ainb:5:9: error: "), failure.description)
        XCTAssertTrue(failure.description.contains("\n  b = a + c\n          ^"), failure.description)
        let diagnostics = ScriptEvaluator().diagnose("x = 1\ny = 2 +* 3\n", file: "d.ainb", line: 10)
        XCTAssertEqual(diagnostics.map { "\($0.line ?? 0):\($0.column ?? 0)" }, ["11:8"])
    }
}
