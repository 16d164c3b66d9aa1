import Notebook
import XCTest

final class NotebookParserTests: XCTestCase {
    func parse(_ text: String) -> (Notebook, [NotebookError]) {
        let (notebook, errors) = NotebookParser.parse(text, path: "nb.ainb")
        return (notebook, errors)
    }

    func testCellsAreAinbFencesAndEverythingElseIsProse() {
        let text = """
        # Title

        ```ainb
        x = 1
        ```

        ```python
        print("not a cell")
        ```
        Text after.

        """
        let (notebook, errors) = parse(text)
        XCTAssertEqual(errors, [])
        XCTAssertEqual(notebook.cells.count, 1)
        XCTAssertEqual(notebook.cells[0].code, "x = 1\n")
        XCTAssertEqual(notebook.cells[0].fenceLine, 3)
        XCTAssertEqual(notebook.cells[0].codeLine, 4)
        XCTAssertEqual(notebook.blocks.count, 3)
        XCTAssertEqual(notebook.blocks[0], .prose(text: "# Title\n\n", line: 1))
        XCTAssertEqual(notebook.blocks[2], .prose(text: "\n```python\nprint(\"not a cell\")\n```\nText after.\n", line: 6))
        XCTAssertEqual(notebook.name, "nb")
    }

    func testTildeFencesAndLongerFencesContainShorterOnes() {
        let text = """
        ~~~ainb
        a = 1
        ```
        ~~~
        ````markdown
        ```ainb
        not a cell
        ```
        ````
        ````ainb
        b = 2
        ```
        `````
        """
        let (notebook, errors) = parse(text)
        XCTAssertEqual(errors, [])
        XCTAssertEqual(notebook.cells.map(\.code), ["a = 1\n```\n", "b = 2\n```\n"])
        XCTAssertEqual(notebook.cells.map(\.index), [1, 2])
        XCTAssertEqual(notebook.cells[1].fenceLine, 10)
    }

    func testInfoStringMustStartWithTheWordAinb() {
        let (notebook, _) = parse("```ainbx\na\n```\n```  ainb\nb\n```\n    ```ainb\n    c\n    ```\n")
        // "ainbx" is prose; leading spaces after the fence are allowed; 4-space indent is not a fence.
        XCTAssertEqual(notebook.cells.map(\.code), ["b\n"])
    }

    func testFencesInsideHTMLCommentsAreProse() {
        let text = "<!-- hidden\n```ainb\nnot run\n```\n-->\n<!-- one line --> text\n```ainb\nrun\n```\n"
        let (notebook, errors) = parse(text)
        XCTAssertEqual(errors, [])
        XCTAssertEqual(notebook.cells.map(\.code), ["run\n"])
        XCTAssertEqual(notebook.cells.first?.fenceLine, 7)
        XCTAssertEqual(notebook.blocks.first, .prose(text: "<!-- hidden\n```ainb\nnot run\n```\n-->\n<!-- one line --> text\n", line: 1))
    }

    func testIndentedFenceStripsItsIndentFromTheCode() {
        let (notebook, errors) = parse("  ```ainb\n  x = 1\n    y = 2\n  ```\n")
        XCTAssertEqual(errors, [])
        XCTAssertEqual(notebook.cells.first?.code, "x = 1\n  y = 2\n")
    }

    func testEveryCellOption() {
        let (notebook, errors) = parse("```ainb echo=false output=false\na\n```\n```ainb eval=false error=true\nb\n```\n```ainb\nc\n```\n")
        XCTAssertEqual(errors, [])
        XCTAssertEqual(notebook.cells[0].options, CellOptions(echo: false, output: false))
        XCTAssertEqual(notebook.cells[1].options, CellOptions(eval: false, error: true))
        XCTAssertEqual(notebook.cells[2].options, CellOptions())
    }

    func testBadOptionsAreErrorsWithColumns() {
        let (_, errors) = parse("text\n```ainb echo=no colour=red\na\n```\n```ainb  flag\n```\n")
        XCTAssertEqual(errors.map { "\($0.line):\($0.column)" }, ["2:14", "2:17", "5:10"])
        XCTAssertEqual(errors[0].message, "option 'echo' takes true or false, not 'no'")
        XCTAssertTrue(errors[1].message.hasPrefix("unknown cell option 'colour'"))
        XCTAssertTrue(errors[2].message.contains("'flag'"))
        XCTAssertEqual(errors[0].description, """
        nb.ainb:2:14: error: option 'echo' takes true or false, not 'no'
          ```ainb echo=no colour=red
                       ^
        """)
    }

    func testUnclosedCellIsAnErrorButUnclosedProseFenceIsNot() {
        let (_, errors) = parse("# x\n\n```ainb\na = 1\n")
        XCTAssertEqual(errors.map { "\($0.line):\($0.column)" }, ["3:1"])
        XCTAssertTrue(errors[0].message.contains("never closed"))
        let (prose, proseErrors) = parse("```python\nx\n")
        XCTAssertEqual(proseErrors, [])
        XCTAssertEqual(prose.cells.count, 0)
    }

    func testFrontMatterTitleAndParams() {
        let text = """
        ---
        title: Gradient descent   # a comment
        params:
          lr: 0.1
          steps: 30
          name: "a \\"b\\""
          path: ~/kaggle/training.csv
          quiet: false
          sizes: [8, 16, 'x y']
          classes:
            - anger
            - 2
        ---
        # Body
        ```ainb
        x
        ```
        """
        let (notebook, errors) = parse(text)
        XCTAssertEqual(errors, [])
        XCTAssertEqual(notebook.title, "Gradient descent")
        XCTAssertEqual(notebook.params.map(\.name), ["lr", "steps", "name", "path", "quiet", "sizes", "classes"])
        XCTAssertEqual(notebook.params.map(\.value), [
            .number("0.1"), .number("30"), .string("a \"b\""), .string("~/kaggle/training.csv"), .bool(false),
            .list([.number("8"), .number("16"), .string("x y")]), .list([.string("anger"), .number("2")]),
        ])
        XCTAssertEqual(notebook.params[0].line, 4)
        XCTAssertEqual(notebook.cells.first?.codeLine, 16)
        XCTAssertEqual(notebook.blocks.first, .prose(text: "# Body\n", line: 14))
    }

    func testFrontMatterErrorsNameLineAndColumn() {
        func error(_ body: String) -> String {
            let (_, errors) = parse("---\n" + body + "\n---\n")
            guard let first = errors.first else { return "no error" }
            return "\(first.line):\(first.column) \(first.message)"
        }
        XCTAssertEqual(error("author: me"), "2:1 unknown front matter key 'author' (expected title, params or cache)")
        XCTAssertEqual(error("params:\n  lr: [1, 2"), "3:7 unclosed '[': expected ']'")
        XCTAssertEqual(error("params:\n  lr: \"abc"), "3:7 unterminated string: expected a closing '\"'")
        XCTAssertEqual(error("params:\n  2x: 1"), "3:3 parameter name '2x' is not an identifier (letters, digits and _, not starting with a digit)")
        XCTAssertEqual(error("params:\n  a: 1\n  a: 2"), "4:3 duplicate parameter 'a'")
        XCTAssertEqual(error("params:\n  a: 1\n   b: 2"), "4:4 inconsistent indentation: parameters are indented by 2 spaces")
        XCTAssertEqual(error("title:x"), "2:7 expected a space after ':'")
        XCTAssertEqual(error("params:\n\ta: 1"), "3:1 tabs are not allowed in front matter indentation; use spaces")
        XCTAssertEqual(error("params:\n  a: [1, {b}]"), "3:10 mappings are not supported as values; use a list or a string")
        XCTAssertEqual(error("params:\n  a:"), "3:5 expected a value for parameter 'a'")
        let (_, unclosed) = parse("---\ntitle: x\n")
        XCTAssertEqual(unclosed.map(\.line), [1])
    }

    func testCheckReportsEveryErrorInOneNotebook() {
        let (_, errors) = parse("```ainb echo=maybe\n```\n```ainb bogus=true\n```\n```ainb\n")
        XCTAssertEqual(errors.map(\.line), [1, 3, 5])
    }

    func testCRLFLinesAreHandled() {
        let (notebook, errors) = parse("# A\r\n```ainb\r\nx = 1\r\n```\r\nend\r\n")
        XCTAssertEqual(errors, [])
        XCTAssertEqual(notebook.cells.first?.code, "x = 1\n")
        XCTAssertEqual(notebook.blocks.last, .prose(text: "end\r\n", line: 5))
    }

    func testNotebookNameDropsFolderAndExtension() {
        XCTAssertEqual(Notebook.name(ofPath: "notebooks/04-keypoints.ainb"), "04-keypoints")
        XCTAssertEqual(Notebook.name(ofPath: "plain"), "plain")
    }
}
