import Notebook
import XCTest

final class TerminalMarkdownTests: XCTestCase {
    let text = """
    # Gradient *descent*

    Some **bold**, _italic_ and `code` with a [link](http://x.y).

    - one
    - two
      1. nested

    ```python
    print(1)
    ```
    > quoted
    """

    func testPlainRenderingKeepsTheLayoutWithoutMarkup() {
        XCTAssertEqual(TerminalMarkdown(ansi: false).render(text), """
        Gradient descent
        ================

        Some bold, italic and `code` with a link (http://x.y).

          • one
          • two
            1. nested

            print(1)
        │ quoted

        """)
    }

    func testANSIRenderingStylesHeadingsEmphasisAndCode() {
        let out = TerminalMarkdown(ansi: true).render(text)
        XCTAssertTrue(out.hasPrefix("\u{1B}[1m\u{1B}[4mGradient \u{1B}[3mdescent"))
        XCTAssertTrue(out.contains("\u{1B}[1mbold\u{1B}[0m"))
        XCTAssertTrue(out.contains("\u{1B}[3mitalic\u{1B}[0m"))
        XCTAssertTrue(out.contains("\u{1B}[36mcode\u{1B}[0m"))
        XCTAssertTrue(out.contains("    \u{1B}[2mprint(1)\u{1B}[0m"))
    }

    func testHTMLCommentsAreHidden() {
        XCTAssertEqual(TerminalMarkdown(ansi: false).render("a\n<!-- note\nmore -->\nb\n<!-- x -->\n"), "a\nb\n")
    }

    func testSnakeCaseIsNotEmphasis() {
        XCTAssertEqual(TerminalMarkdown(ansi: false).render("use keypoint_faces and rmse_px"), "use keypoint_faces and rmse_px\n")
    }
}
