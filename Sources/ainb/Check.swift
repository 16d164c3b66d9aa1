import ArgumentParser
import Foundation
import Notebook

/// `ainb check NB...`
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check notebooks without running them.",
        discussion: """
        Reports every error in the notebook format (front matter, cell fences and options) \
        and in every cell's code (except cells marked error=true, which are meant to fail), \
        each with the notebook's file:line:col. Exits non-zero if any notebook has an error.
        """)

    @Argument(help: ArgumentHelp("Notebooks to check; a folder checks its .ainb files.", valueName: "notebook"))
    var notebooks: [String]

    func run() throws {
        let paths = try NotebookFiles.expand(notebooks)
        var errorCount = 0
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                writeErr("\(path): error: cannot read the file as UTF-8 text\n")
                errorCount += 1
                continue
            }
            let (notebook, formatErrors) = NotebookParser.parse(text, path: path)
            var messages: [(line: Int, column: Int, text: String)] = formatErrors.map { ($0.line, $0.column, $0.description) }
            let evaluator = try makeEvaluator()
            // A cell marked error=true is expected to fail, possibly on purpose with a syntax error.
            for cell in notebook.cells where !cell.options.error {
                for failure in evaluator.diagnose(cell.code, file: path, line: cell.codeLine) {
                    messages.append((failure.line ?? cell.codeLine, failure.column ?? 0, failure.description))
                }
            }
            messages.sort { ($0.line, $0.column) < ($1.line, $1.column) }
            for message in messages { writeErr(message.text + "\n") }
            errorCount += messages.count
            if messages.isEmpty {
                writeOut("ok  \(path) (\(notebook.cells.count) cell\(notebook.cells.count == 1 ? "" : "s"))\n")
            }
        }
        if errorCount > 0 {
            writeErr("\(errorCount) error\(errorCount == 1 ? "" : "s")\n")
            throw ExitCode(1)
        }
    }
}
