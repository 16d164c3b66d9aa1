import Foundation
import Notebook
import XCTest

final class NotebookWriterTests: XCTestCase {
    func testEveryCourseNotebookParsesBackFromWhatTheWriterWrites() throws {
        let files = try CourseNotebookTests.notebookFiles()
        XCTAssertGreaterThanOrEqual(files.count, 4)
        for file in files {
            let source = try String(contentsOfFile: CourseNotebookTests.folder + "/" + file, encoding: .utf8)
            let notebook = try NotebookParser.notebook(from: source, path: file)
            let back = try NotebookParser.notebook(from: NotebookWriter.write(notebook), path: file)
            XCTAssertEqual(back, notebook, file)
        }
    }

    func testUnusualFencesAndOptionsComeBackAsTheSameNotebook() throws {
        let sources = IpynbTests.unusualLayouts + [
            "---\ntitle: Plain title\nparams:\n  lr: 1e-4\n  names: [\"a\", 'b', 3]\n  on: true\n---\n# Title\n\n```ainb\nx = lr\n```\n",
            "  ```ainb error=true echo=false\n  x = 1\n   y = 2\n  ```\n",
        ]
        for source in sources {
            let notebook = try NotebookParser.notebook(from: source, path: "n.ainb")
            let written = NotebookWriter.write(notebook)
            XCTAssertEqual(try NotebookParser.notebook(from: written, path: "n.ainb"), notebook, written)
        }
    }

    func testCellsGetTheUsualFenceWithOnlyTheirNonDefaultOptions() throws {
        let notebook = try NotebookParser.notebook(from: "~~~ainb  eval=false echo=false\nx\n~~~~\n", path: "n.ainb")
        XCTAssertEqual(NotebookWriter.write(notebook), "```ainb echo=false eval=false\nx\n```\n")
    }
}
