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

    /// Each keyword is shown as code in the section that teaches it (not merely present as an
    /// English word somewhere), and appears in the grammar.
    func testLanguageDocShowsEveryKeywordInItsOwnSection() throws {
        let text = try String(contentsOf: root.appendingPathComponent("docs/language.md"), encoding: .utf8)
        let sections = Self.sections(of: text)
        let teaches: [String: [String]] = [
            "Values": ["true", "false", "nil"],
            "Functions": ["fn", "return"],
            "Control flow": ["if", "else", "for", "in", "while", "break", "continue"],
            "Operators": ["and", "or", "not"],
            "Gradients": ["grad"],
        ]
        for (title, words) in teaches {
            guard let body = sections[title] else { XCTFail("docs/language.md has no section '\(title)'"); continue }
            let code = Self.code(in: body)
            for word in words {
                XCTAssertTrue(Self.containsWord(word, in: code), "the section '\(title)' shows no code with '\(word)'")
            }
        }
        let grammar = try XCTUnwrap(sections["Grammar"])
        for word in ["fn", "if", "else", "for", "in", "while", "break", "continue", "return", "and", "or", "not", "true", "false", "nil"] {
            XCTAssertTrue(grammar.contains("\"\(word)\""), "the grammar has no \"\(word)\"")
        }
        XCTAssertTrue(Self.code(in: try XCTUnwrap(sections["Strings"])).contains("{"), "the section 'Strings' shows no interpolation")
    }

    /// Numbers follow IEEE 754 on division by zero (Python raises instead): the language
    /// reference says so and why, and the values are what it says.
    func testDivisionByZeroIsDocumentedAndBehavesAsDocumented() throws {
        let text = try String(contentsOf: root.appendingPathComponent("docs/language.md"), encoding: .utf8)
        let section = try XCTUnwrap(Self.sections(of: text)["Division by zero"], "docs/language.md has no 'Division by zero' section")
        XCTAssertTrue(section.contains("IEEE 754") && section.contains("Python"), section)
        let session = Session()
        XCTAssertEqual(try session.run("[1 / 0, -1 / 0, 0 / 0, 5 % 0]", file: "t").first, .text("[inf, -inf, nan, nan]"))
    }

    /// The text under each `##`/`###` heading, by heading title.
    static func sections(of markdown: String) -> [String: String] {
        var result: [String: String] = [:]
        var title = "", body = ""
        for line in markdown.components(separatedBy: "\n") {
            if line.hasPrefix("## ") || line.hasPrefix("### ") {
                result[title] = body
                title = String(line.drop(while: { $0 == "#" }).dropFirst())
                body = ""
            } else {
                body += line + "\n"
            }
        }
        result[title] = body
        return result
    }

    /// The code in a markdown text: fenced blocks and inline `spans`.
    static func code(in markdown: String) -> String {
        var code = ""
        var inFence = false
        for line in markdown.components(separatedBy: "\n") {
            if line.hasPrefix("```") { inFence.toggle(); continue }
            if inFence { code += line + "\n"; continue }
            let spans = line.split(separator: "`", omittingEmptySubsequences: false)
            for (i, span) in spans.enumerated() where i % 2 == 1 { code += span + "\n" }
        }
        return code
    }

    static func containsWord(_ word: String, in text: String) -> Bool {
        text.range(of: "(^|[^A-Za-z0-9_])\(word)($|[^A-Za-z0-9_])", options: .regularExpression) != nil
    }
}
