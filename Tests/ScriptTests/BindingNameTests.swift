import Foundation
import Script
import XCTest

/// Builtins fetch their arguments by declared name (`a.int("epochs")`); these tests read each
/// binding's source from where it was registered and fail on a name its declaration lacks,
/// so a misspelt name fails here rather than when a program first reaches that line.
final class BindingNameTests: XCTestCase {
    /// One registered binding: its name, declared parameter names and registration site.
    struct Binding {
        let name: String
        let parameters: [String]
        let file: String
        let line: Int
    }

    /// `name: reads 'x'` for every argument read whose name the binding does not declare.
    ///
    /// A binding's source runs from its registration line to the next registration in the
    /// same file; reads are `a.kind("name")` and helper calls `helper(a, "name")`.
    static func undeclaredReads(_ bindings: [Binding], read: (String) throws -> String) throws -> [String] {
        let register = try NSRegularExpression(pattern: #"^\s*(r\.)?add\("#)
        let fetch = try NSRegularExpression(pattern: #"\ba\.\w+\("(\w+)"\)|\w+\(a, "(\w+)"\)"#)
        var sources: [String: [String]] = [:]
        var problems: [String] = []
        for b in bindings {
            if sources[b.file] == nil { sources[b.file] = try read(b.file).components(separatedBy: "\n") }
            let lines = sources[b.file] ?? []
            var end = b.line
            while end < lines.count {
                let line = lines[end]
                if register.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil { break }
                end += 1
            }
            let text = lines[max(0, b.line - 1)..<min(end, lines.count)].joined(separator: "\n")
            for m in fetch.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let group = m.range(at: 1).location != NSNotFound ? 1 : 2
                guard let r = Range(m.range(at: group), in: text) else { continue }
                let name = String(text[r])
                if !b.parameters.contains(name) { problems.append("\(b.name): reads '\(name)'") }
            }
        }
        return problems
    }

    func testEveryBindingReadsOnlyDeclaredParameters() throws {
        let bindings = Registry.shared.docs.map { Binding(name: $0.name, parameters: $0.parameters.map(\.name), file: $0.file, line: $0.line) }
        XCTAssertGreaterThan(Set(bindings.map(\.file)).count, 8, "bindings come from every Builtins file")
        let problems = try Self.undeclaredReads(bindings) { try String(contentsOfFile: $0, encoding: .utf8) }
        XCTAssertEqual(problems, [])
    }

    func testAMisspeltNameIsCaught() throws {
        let source = """
        r.add("fit", "neural", [.required("model", "model"), .optional("epochs", "number", .number(1))], returns: "history",
              summary: "Trains.") { a in
            let m = try model(a, "model")
            return try fitting(m, epochs: a.int("epohcs"))
        }
        r.add("adam", "neural", [.optional("lr", "number", .number(1e-3))], returns: "optimizer", summary: "Adam.") { a in
            .number(try a.number("lr"))
        }
        """
        let bindings = [Binding(name: "fit", parameters: ["model", "epochs"], file: "f", line: 1),
                        Binding(name: "adam", parameters: ["lr"], file: "f", line: 6)]
        XCTAssertEqual(try Self.undeclaredReads(bindings) { _ in source }, ["fit: reads 'epohcs'"])
    }
}
