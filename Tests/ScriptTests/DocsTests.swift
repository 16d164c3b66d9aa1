import Foundation
import Script
import XCTest

/// docs/builtins.md is generated from the registry: it must match it exactly.
final class DocsTests: XCTestCase {
    private var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func testBuiltinsMarkdownIsUpToDate() throws {
        let url = root.appendingPathComponent("docs/builtins.md")
        let onDisk = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(onDisk, Registry.shared.markdown,
                       "docs/builtins.md is stale: regenerate it with `swift run -c release ainb help --markdown > docs/builtins.md`")
    }

    func testLanguageDocExistsAndCoversEveryKeyword() throws {
        let text = try String(contentsOf: root.appendingPathComponent("docs/language.md"), encoding: .utf8)
        for word in ["fn", "if", "else", "for", "while", "break", "continue", "return", "and", "or", "not", "nil", "grad", "interpolat"] {
            XCTAssertTrue(text.contains(word), "docs/language.md does not mention \(word)")
        }
    }
}
