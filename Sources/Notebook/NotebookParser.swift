/// Parses `.ainb` text into a `Notebook`.
///
/// Fences follow CommonMark: an opening fence is 3 or more backticks or tildes indented by
/// at most 3 spaces (a backtick fence's info string has no backticks); it closes at a line
/// of the same character, at least as long, with nothing but spaces after it; an unclosed
/// prose fence runs to the end of the file. A fence whose info string's first word is
/// `ainb` is a cell; every other fence, and everything outside fences, is prose. As in
/// CommonMark, a fence inside an HTML comment (`<!-- … -->`) is not a fence.
public enum NotebookParser {
    /// Parses `source` read from `path`; returns the notebook and every error found.
    public static func parse(_ source: String, path: String) -> (notebook: Notebook, errors: [NotebookError]) {
        var parser = Parser(source: source, path: path)
        let notebook = parser.run()
        return (notebook, parser.errors)
    }

    /// Parses `source`, throwing all its errors at once if there are any.
    public static func notebook(from source: String, path: String) throws -> Notebook {
        let (notebook, errors) = parse(source, path: path)
        if !errors.isEmpty { throw NotebookErrors(errors: errors) }
        return notebook
    }
}

/// Several errors found in one notebook, printed one after another.
public struct NotebookErrors: Error, Equatable, Sendable, CustomStringConvertible {
    /// The errors, in file order.
    public var errors: [NotebookError]
    /// Creates the list.
    public init(errors: [NotebookError]) { self.errors = errors }
    /// Every error's description, separated by newlines.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// A fence line: its indentation, character and length, and the info string.
struct Fence {
    var indent: Int
    var character: Character
    var length: Int
    var info: String
    /// The column (1-based) where the info string starts.
    var infoColumn: Int

    /// The opening fence on `line`, if it is one.
    static func opening(_ line: Substring) -> Fence? {
        var indent = 0
        var index = line.startIndex
        while index < line.endIndex && line[index] == " " && indent < 4 { indent += 1; index = line.index(after: index) }
        guard indent <= 3, index < line.endIndex else { return nil }
        let ch = line[index]
        guard ch == "`" || ch == "~" else { return nil }
        var length = 0
        while index < line.endIndex && line[index] == ch { length += 1; index = line.index(after: index) }
        guard length >= 3 else { return nil }
        let rest = line[index...]
        if ch == "`" && rest.contains("`") { return nil }
        let leading = rest.prefix(while: { $0 == " " || $0 == "\t" }).count
        var info = String(rest.dropFirst(leading))
        while info.hasSuffix(" ") || info.hasSuffix("\t") { info.removeLast() }
        return Fence(indent: indent, character: ch, length: length, info: info, infoColumn: indent + length + leading + 1)
    }

    /// Whether `line` closes this fence.
    func isClosed(by line: Substring) -> Bool {
        var indent = 0
        var index = line.startIndex
        while index < line.endIndex && line[index] == " " { indent += 1; index = line.index(after: index) }
        guard indent <= 3 else { return false }
        var length = 0
        while index < line.endIndex && line[index] == character { length += 1; index = line.index(after: index) }
        guard length >= self.length else { return false }
        return line[index...].allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// The backtick fence for `text`: three backticks, or more than the longest run that
    /// starts a line of it (after up to 3 spaces), the only runs that could close a fence.
    /// Every fence ainb writes (cells, report outputs, the Jupyter import) takes its
    /// length from here.
    static func backticks(holding text: String) -> String {
        var longest = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let body = line.drop(while: { $0 == " " })
            guard line.count - body.count <= 3 else { continue }
            longest = max(longest, body.prefix(while: { $0 == "`" }).count)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// Whether the info string's first word is `ainb`.
    var isCell: Bool {
        let word = info.prefix(while: { $0 != " " && $0 != "\t" })
        return word == "ainb"
    }
}

private struct Parser {
    let path: String
    /// Raw lines, each with its line ending.
    var rawLines: [Substring] = []
    /// Lines without their line endings.
    var lines: [Substring] = []
    var errors: [NotebookError] = []

    init(source: String, path: String) {
        self.path = path
        var start = source.startIndex
        var index = source.startIndex
        while index < source.endIndex {
            let next = source.index(after: index)
            if source[index] == "\n" || source[index] == "\r\n" {
                rawLines.append(source[start..<next])
                start = next
            }
            index = next
        }
        if start < source.endIndex { rawLines.append(source[start...]) }
        lines = rawLines.map { raw in
            var line = raw
            while let last = line.last, last == "\n" || last == "\r\n" || last == "\r" { line = line.dropLast() }
            return line
        }
    }

    mutating func run() -> Notebook {
        var notebook = Notebook(path: path, name: Notebook.name(ofPath: path))
        var index = 0
        if let first = lines.first, trimmedRight(first) == "---" {
            var close: Int?
            for i in 1..<max(lines.count, 1) where trimmedRight(lines[i]) == "---" || trimmedRight(lines[i]) == "..." {
                close = i
                break
            }
            if let close {
                let frontMatter = FrontMatterParser(file: path, lines: Array(lines[1..<close]), firstLine: 2)
                let (result, frontMatterErrors) = frontMatter.parse()
                notebook.title = result.title
                notebook.cache = result.cache
                notebook.params = result.params
                errors += frontMatterErrors
                index = close + 1
            } else {
                errors.append(NotebookError(file: path, line: 1, column: 1,
                                            message: "front matter opened with '---' is never closed (expected a line '---')",
                                            sourceLine: String(lines[0])))
                index = lines.count
            }
        }

        var prose = ""
        var proseLine = index + 1
        func flushProse(into blocks: inout [Block], next: Int) {
            if !prose.isEmpty { blocks.append(.prose(text: prose, line: proseLine)) }
            prose = ""
            proseLine = next
        }
        var cellCount = 0
        while index < lines.count {
            // An HTML comment is an HTML block in CommonMark: fences inside it are not fences.
            let body = lines[index].drop(while: { $0 == " " })
            if lines[index].count - body.count <= 3, body.hasPrefix("<!--") {
                var end = index
                var text = body.dropFirst(4)
                while !text.contains("-->") && end + 1 < lines.count {
                    end += 1
                    text = lines[end]
                }
                for i in index...end { prose += rawLines[i] }
                index = end + 1
                continue
            }
            guard let fence = Fence.opening(lines[index]) else {
                prose += rawLines[index]
                index += 1
                continue
            }
            var close = index + 1
            while close < lines.count && !fence.isClosed(by: lines[close]) { close += 1 }
            if !fence.isCell {
                for i in index..<min(close + 1, lines.count) { prose += rawLines[i] }
                index = close + 1
                continue
            }
            cellCount += 1
            let fenceLine = index + 1
            let options = parseOptions(fence, line: index)
            if close >= lines.count {
                errors.append(NotebookError(file: path, line: fenceLine, column: fence.indent + 1,
                                            message: "cell \(cellCount) is never closed (expected a line of \(fence.length) or more '\(fence.character)')",
                                            sourceLine: String(lines[index])))
            }
            var code = ""
            for i in (index + 1)..<min(close, lines.count) {
                var line = lines[i]
                var stripped = 0
                while stripped < fence.indent, line.first == " " { line = line.dropFirst(); stripped += 1 }
                code += line + "\n"
            }
            flushProse(into: &notebook.blocks, next: close + 2)
            notebook.blocks.append(.cell(Cell(index: cellCount, options: options, code: code,
                                              fenceLine: fenceLine, codeLine: fenceLine + 1)))
            index = close + 1
        }
        flushProse(into: &notebook.blocks, next: index + 1)
        return notebook
    }

    /// Reads `key=value` options after `ainb`; records an error for each bad one.
    mutating func parseOptions(_ fence: Fence, line index: Int) -> CellOptions {
        var options = CellOptions()
        let info = Array(fence.info)
        var i = 4 // past "ainb"
        var seen: Set<String> = []
        while i < info.count {
            while i < info.count && (info[i] == " " || info[i] == "\t") { i += 1 }
            guard i < info.count else { break }
            let start = i
            while i < info.count && info[i] != " " && info[i] != "\t" { i += 1 }
            let token = String(info[start..<i])
            let column = fence.infoColumn + start
            guard let eq = token.firstIndex(of: "=") else {
                fail(index, column, "expected an option 'name=value' (\(CellOptions.names.map { "\($0)=" }.joined(separator: ", "))), found '\(token)'")
                continue
            }
            let name = String(token[..<eq])
            let value = String(token[token.index(after: eq)...])
            guard CellOptions.names.contains(name) else {
                fail(index, column, "unknown cell option '\(name)' (expected \(CellOptions.names.joined(separator: ", ")))")
                continue
            }
            guard value == "true" || value == "false" else {
                fail(index, column + name.count + 1, "option '\(name)' takes true or false, not '\(value)'")
                continue
            }
            if seen.contains(name) {
                fail(index, column, "option '\(name)' is given twice")
                continue
            }
            seen.insert(name)
            let flag = value == "true"
            switch name {
            case "echo": options.echo = flag
            case "output": options.output = flag
            case "eval": options.eval = flag
            case "cache": options.cache = flag
            default: options.error = flag
            }
        }
        return options
    }

    mutating func fail(_ index: Int, _ column: Int, _ message: String) {
        errors.append(NotebookError(file: path, line: index + 1, column: column, message: message, sourceLine: String(lines[index])))
    }

    func trimmedRight(_ line: Substring) -> Substring {
        var line = line
        while line.last == " " || line.last == "\t" { line = line.dropLast() }
        return line
    }
}
