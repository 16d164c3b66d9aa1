import Foundation
import Notebook
import Script
import XCTest

/// `.ainb` to `.ipynb` and back: byte-identical round trips, Jupyter's view of the cells,
/// outputs, and the JSON underneath.
final class IpynbTests: XCTestCase {
    /// Converts `source` to `.ipynb` and back.
    func roundTrip(_ source: String, path: String = "nb.ainb") throws -> (ipynb: String, back: String) {
        let notebook = try NotebookParser.notebook(from: source, path: path)
        let ipynb = IpynbExporter.ipynb(source: source, notebook: notebook)
        return (ipynb, try IpynbImporter.ainb(fromIpynb: ipynb, path: "nb.ipynb"))
    }

    func testEveryCourseNotebookComesBackByteForByte() throws {
        let files = try CourseNotebookTests.notebookFiles()
        XCTAssertGreaterThanOrEqual(files.count, 4)
        for file in files {
            let source = try String(contentsOfFile: CourseNotebookTests.folder + "/" + file, encoding: .utf8)
            let (_, back) = try roundTrip(source, path: file)
            XCTAssertEqual(back, source, file)
        }
    }

    /// Notebooks laid out in every unusual way the parser accepts (also used by NotebookWriterTests).
    static let unusualLayouts = [
        "",
        "just prose, no newline at the end",
        "---\ntitle: \"T\"\nparams:\n  lr: 0.1\n---\n\n\n# Title\n\n\n```ainb\nx = lr\n```\n```ainb echo=false\ny = 2\n```\n\n\n\n",
        "~~~~ainb   output=false  eval=false\nx = 1\n~~~~~~\ntext\n",
        "````ainb\nprint(\"```\")\n````\n",
        "  ```ainb\n  x = 1\n   y = 2\n  ```\n",
        "```ainb\n```\n\n```ainb\n\n```\n\n```ainb\nx = 1\n\n```",
        "<!--\n```ainb\nnot a cell\n```\n-->\n```python\nprose fence\n```\n```ainb error=true\nundefined_name\n```\n",
        "line one\r\nline two\r\n```ainb\r\nx = 1\r\n```\r\n",
    ]

    func testUnusualLayoutsComeBackByteForByte() throws {
        for source in Self.unusualLayouts {
            let (_, back) = try roundTrip(source)
            XCTAssertEqual(back, source)
        }
    }

    func testProseBecomesMarkdownCellsAndCellsCodeCells() throws {
        let source = "# Title\n\nSome prose.\n\n```ainb\nx = 1\nx + 1\n```\n\nMore.\n"
        let (ipynb, _) = try roundTrip(source)
        let json = try JSONValue.parse(ipynb, file: "nb.ipynb")
        let cells = json["cells"]?.array ?? []
        XCTAssertEqual(cells.map { $0["cell_type"]?.string }, ["markdown", "code", "markdown"])
        XCTAssertEqual(cells[0]["source"]?.joinedText, "# Title\n\nSome prose.")
        XCTAssertEqual(cells[1]["source"]?.joinedText, "x = 1\nx + 1")
        XCTAssertEqual(cells[2]["source"]?.joinedText, "More.")
        XCTAssertEqual(json["nbformat"]?.int, 4)
        XCTAssertEqual(json["metadata"]?["kernelspec"]?["name"]?.string, "ainb")
    }

    func testParamsBecomeATaggedFirstCellThatIsDroppedOnTheWayBack() throws {
        let source = "---\ntitle: \"T\"\nparams:\n  smoke: false\n  name: \"a{b}\"\n---\ntext\n"
        let notebook = try NotebookParser.notebook(from: source, path: "nb.ainb")
        let params = try Params.resolve(notebook.params, overrides: [(name: "smoke", value: "true")])
        let ipynb = IpynbExporter.ipynb(source: source, notebook: notebook, params: params)
        let first = try JSONValue.parse(ipynb, file: "nb.ipynb")["cells"]?.array?.first
        XCTAssertEqual(first?["source"]?.joinedText, "smoke = true\nname = \"a\\{b\\}\"")
        XCTAssertEqual(first?["metadata"]?["tags"], .array([.string("parameters")]))
        XCTAssertEqual(try IpynbImporter.ainb(fromIpynb: ipynb, path: "nb.ipynb"), source)
    }

    func testCellOptionsBecomeJupyterTagsAndHiddenParts() throws {
        let source = "```ainb echo=false output=false eval=false error=true\nx\n```\n"
        let (ipynb, _) = try roundTrip(source)
        let cell = try JSONValue.parse(ipynb, file: "nb.ipynb")["cells"]?.array?.first
        XCTAssertEqual(cell?["metadata"]?["jupyter"]?["source_hidden"]?.bool, true)
        XCTAssertEqual(cell?["metadata"]?["jupyter"]?["outputs_hidden"]?.bool, true)
        XCTAssertEqual(cell?["metadata"]?["tags"], .array([.string("raises-exception"), .string("skip-execution")]))
        // The usual fence order needs no extra metadata.
        XCTAssertNil(cell?["metadata"]?["ainb"])
    }

    func testANotebookFromJupyterGetsOneBlankLineBetweenBlocksAndOptionsFromTags() throws {
        let ipynb = """
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
          {"cell_type": "markdown", "metadata": {}, "source": ["# Hi\\n", "there\\n"]},
          {"cell_type": "code", "metadata": {"tags": ["raises-exception"]}, "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}], "execution_count": 3, "source": "boom()"},
          {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null, "source": ["print(\\"```\\")"]}
        ]}
        """
        let ainb = try IpynbImporter.ainb(fromIpynb: ipynb, path: "x.ipynb")
        XCTAssertEqual(ainb, "# Hi\nthere\n\n```ainb error=true\nboom()\n```\n\n```ainb\nprint(\"```\")\n```\n")
        XCTAssertNoThrow(try NotebookParser.notebook(from: ainb, path: "x.ainb"))
    }

    func testABadNotebookFileIsAPositionedError() {
        XCTAssertThrowsError(try IpynbImporter.ainb(fromIpynb: "{\"cells\": [1,\n 2,]}", path: "bad.ipynb")) { error in
            XCTAssertEqual("\(error)", "bad.ipynb:2:4: error: expected a JSON value")
        }
        XCTAssertThrowsError(try IpynbImporter.ainb(fromIpynb: "{\"nbformat\": 3, \"cells\": []}", path: "old.ipynb")) { error in
            XCTAssertTrue("\(error)".contains("only nbformat 4"), "\(error)")
        }
    }

    func testOutputsAreStreamsMarkdownTablesPNGsAndErrors() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]
        let outputs = IpynbOutputs.outputs([.text("a"), .text("b\n"), .table(headers: ["k", "v"], rows: [["x", "1"]]),
                                            .image(png: png, caption: "loss")],
                                           metrics: [Metric(name: "m", value: 0.5)])
        XCTAssertEqual(outputs.count, 4)
        XCTAssertEqual(outputs[0], IpynbOutputs.stream("a\nb\n"))
        XCTAssertEqual(outputs[1]["data"]?["text/markdown"]?.string, "| k | v |\n|---|---:|\n| x | 1 |\n")
        XCTAssertEqual(outputs[2]["data"]?["image/png"]?.string.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) }, png)
        XCTAssertEqual(outputs[3]["data"]?["text/markdown"]?.string, "| metric | value |\n|---|---:|\n| m | 0.5 |\n")
        let error = IpynbOutputs.error(CellFailure(message: "boom", line: 2, column: 1, description: "nb.ainb:2:1: error: boom\n  boom()\n  ^"))
        XCTAssertEqual(error["ename"]?.string, "Error")
        XCTAssertEqual(error["evalue"]?.string, "boom")
        XCTAssertEqual(error["traceback"]?.array?.count, 3)
    }

    func testARunNotebookCarriesItsOutputsAndExecutionCounts() throws {
        let source = "```ainb\nprint(\"hi\")\n1 + 1\n```\n\n```ainb error=true\nnope(1)\n```\n"
        let notebook = try NotebookParser.notebook(from: source, path: "nb.ainb")
        let outcome = try NotebookRun(notebook: notebook, evaluator: ScriptEvaluator()).runAll()
        let ipynb = IpynbExporter.ipynb(source: source, notebook: notebook, outcome: outcome)
        let cells = try JSONValue.parse(ipynb, file: "nb.ipynb")["cells"]?.array ?? []
        XCTAssertEqual(cells.map { $0["execution_count"]?.int }, [1, 2])
        XCTAssertEqual(cells[0]["outputs"]?.array?.first?["text"]?.joinedText, "hi\n2\n")
        XCTAssertEqual(cells[1]["outputs"]?.array?.last?["output_type"]?.string, "error")
        XCTAssertEqual(try IpynbImporter.ainb(fromIpynb: ipynb, path: "nb.ipynb"), source)
    }

    func testJSONReadsEscapesAndWritesSortedKeys() throws {
        let value = try JSONValue.parse(#"{"b": [1, 2.5, -3e2, true, null], "a": "x\"\\\n\u00e9\ud83d\ude00"}"#, file: "j")
        XCTAssertEqual(value["a"]?.string, "x\"\\\né😀")
        XCTAssertEqual(value.text(), #"{"a":"x\"\\\né😀","b":[1,2.5,-300,true,null]}"#)
        XCTAssertEqual(try JSONValue.parse(value.text(indent: 1), file: "j"), value)
    }
}
