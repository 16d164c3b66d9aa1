import Notebook
import Script

/// A stand-in for the language, with one statement per line:
/// `print TEXT`, `NAME = VALUE`, `show NAME`, `table H1,H2;a,b;c,d`, `image CAPTION`,
/// `metric NAME VALUE`, `fail MESSAGE`. Lines starting with `bad` are syntax errors.
final class FakeEvaluator: CellEvaluator {
    var output: (DisplayItem) -> Void = { _ in }
    var recordedMetrics: [(name: String, value: Double)] = []
    var variables: [(String, String)] = []
    var outputDirectory: String?
    var ranSources: [String] = []

    func evaluate(_ source: String, file: String, line: Int) throws -> [DisplayItem] {
        ranSources.append(source)
        var shown: [DisplayItem] = []
        for (offset, text) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = text.split(separator: " ", maxSplits: 1).map(String.init)
            guard let head = words.first else { continue }
            let rest = words.count > 1 ? words[1] : ""
            switch head {
            case "print": output(.text(rest))
            case "show":
                guard let value = variables.last(where: { $0.0 == rest })?.1 else {
                    throw failure("undefined variable '\(rest)'", file, line + offset, 6)
                }
                shown = [.text(value)]
            case "table":
                let rows = rest.split(separator: ";").map { $0.split(separator: ",").map(String.init) }
                shown = [.table(headers: rows.first ?? [], rows: Array(rows.dropFirst()))]
            case "image": shown.append(.image(png: Array("PNG:\(rest)".utf8), caption: rest))
            case "metric":
                let parts = rest.split(separator: " ")
                recordedMetrics.append((String(parts[0]), Double(parts[1]) ?? .nan))
            case "fail": throw failure(rest, file, line + offset, 1)
            default:
                if words.count > 1, rest.hasPrefix("= ") {
                    variables.append((head, String(rest.dropFirst(2))))
                } else if head.hasPrefix("bad") {
                    throw failure("syntax error", file, line + offset, 1)
                }
            }
        }
        return shown
    }

    func failure(_ message: String, _ file: String, _ line: Int, _ column: Int) -> CellFailure {
        CellFailure(message: message, line: line, column: column, description: "\(file):\(line):\(column): error: \(message)")
    }

    func diagnose(_ source: String, file: String, line: Int) -> [CellFailure] {
        source.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { offset, text in
            text.hasPrefix("bad") ? failure("syntax error", file, line + offset, 1) : nil
        }
    }

    func isIncomplete(_ source: String) -> Bool {
        source.filter { $0 == "{" }.count > source.filter { $0 == "}" }.count
    }

    func completions(for prefix: String) -> [String] {
        let word = prefix.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let head = String(prefix.dropLast(word.count))
        return (["print", "show", "table"] + variables.map(\.0)).filter { $0.hasPrefix(word) }.map { head + $0 }
    }

    func define(_ name: String, literal: String) throws {
        variables.append((name, literal))
    }

    var variableSummaries: [(name: String, summary: String)] { variables.map { ($0.0, $0.1) } }
    func cancel() {}
    func reset() { variables = []; recordedMetrics = [] }
    func help(_ name: String?) -> String? { name == nil ? "help index" : nil }
}
