import Foundation
import Notebook

/// Finding and reading notebooks named on the command line.
enum NotebookFiles {
    /// The notebook files for `arguments`: a folder stands for its `.ainb` files in name order.
    static func expand(_ arguments: [String]) throws -> [String] {
        var paths: [String] = []
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                throw CLIError("\(argument): no such file or folder")
            }
            if isDirectory.boolValue {
                let entries = try FileManager.default.contentsOfDirectory(atPath: argument)
                let notebooks = entries.filter { $0.hasSuffix(".ainb") }.sorted()
                if notebooks.isEmpty { throw CLIError("\(argument): no .ainb notebooks in this folder") }
                paths += notebooks.map { argument.appendingPathComponentSafe($0) }
            } else {
                paths.append(argument)
            }
        }
        return paths
    }

    /// The file name endings of notebooks: `.ainb`, or markdown with ```ainb cells.
    static let extensions = ["ainb", "md", "markdown"]

    /// Reads and parses a notebook; throws all its format errors at once. A file that is not
    /// a notebook (a `.py` passed by mistake) is an error; one with no code cell is a warning.
    static func read(_ path: String) throws -> Notebook {
        let ending = (path as NSString).pathExtension.lowercased()
        guard extensions.contains(ending) else {
            throw CLIError("\(path): not a notebook (expected a .ainb or .md file with ```ainb cells)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError("\(path): the file is not UTF-8 text")
        }
        let notebook = try NotebookParser.notebook(from: text, path: path)
        if notebook.cells.isEmpty {
            writeErr("warning: \(path) has no ```ainb code cell: nothing to run\n")
        }
        return notebook
    }

    /// Splits `--set name=value` options, expanding `~/` in values.
    static func overrides(_ sets: [String]) throws -> [(name: String, value: String)] {
        try sets.map { text in
            let (name, value) = try Params.splitOverride(text)
            return (name, value.expandingTilde)
        }
    }
}

/// A command line error: printed as `error: message`, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
