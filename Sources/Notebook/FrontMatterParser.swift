/// Parses a notebook's front matter: a small, strict subset of YAML.
///
/// ```
/// ---
/// title: Gradient descent
/// params:
///   lr: 0.1            # numbers, booleans, strings
///   sizes: [8, 16]     # flow lists
///   names:             # or block lists
///     - anger
///     - happiness
/// ---
/// ```
/// Only `title`, `params` and `cache` are accepted at the top level; every error names its line
/// and column in the notebook file.
struct FrontMatterParser {
    /// The result: the title and the params in the order written.
    struct Result {
        var title: String?
        var params: [Param] = []
        var cache: Bool?
    }

    let file: String
    /// The front matter's lines (without the `---` fences).
    let lines: [Substring]
    /// The notebook line of `lines[0]`.
    let firstLine: Int

    /// The keys accepted at the top level.
    static let keys = ["title", "params", "cache"]
    /// The keys as a message lists them: "title, params or cache".
    static let keyList = keys.dropLast().joined(separator: ", ") + " or " + keys[keys.count - 1]

    /// Parses every line; an error skips to the next key or parameter, so one run reports
    /// all of them (the result holds what parsed cleanly).
    func parse() -> (result: Result, errors: [NotebookError]) {
        var result = Result()
        var errors: [NotebookError] = []
        var seen: Set<String> = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if isBlankOrComment(line) { index += 1; continue }
            do {
                let indent = try indentation(of: line, at: index)
                if indent > 0 {
                    throw error(index, indent + 1, "unexpected indentation: expected a top-level key (\(Self.keyList))")
                }
                let (key, rest, restColumn) = try splitKey(line, at: index, indent: 0)
                guard Self.keys.contains(key) else {
                    throw error(index, 1, "unknown front matter key '\(key)' (expected \(Self.keyList))")
                }
                if seen.contains(key) { throw error(index, 1, "duplicate key '\(key)'") }
                seen.insert(key)
                switch key {
                case "title":
                    guard !rest.isEmpty else { throw error(index, restColumn, "expected a title after 'title:'") }
                    let value = try parseValue(rest, at: index, column: restColumn)
                    switch value {
                    case .string(let text), .number(let text): result.title = text
                    case .bool(let flag): result.title = flag ? "true" : "false"
                    case .list: throw error(index, restColumn, "the title must be text, not a list")
                    }
                    index += 1
                case "cache":
                    guard case .bool(let flag) = try parseValue(rest, at: index, column: restColumn) else {
                        throw error(index, restColumn, "'cache:' takes true or false")
                    }
                    result.cache = flag
                    index += 1
                default: // params
                    index += 1
                    if !rest.isEmpty {
                        if rest == "{}" { continue }
                        throw error(index - 1, restColumn, "'params:' takes its parameters on the following lines, indented")
                    }
                    index = parseParams(from: index, into: &result.params, errors: &errors)
                }
            } catch {
                errors.append(error as? NotebookError ?? self.error(index, 0, "\(error)"))
                index = nextLine(after: index, indentedAtMost: 0)
            }
        }
        return (result, errors)
    }

    /// Parses the indented `name: value` lines under `params:`; returns the next index.
    /// A bad parameter is recorded and skipped.
    private func parseParams(from start: Int, into params: inout [Param], errors: inout [NotebookError]) -> Int {
        var index = start
        var paramIndent: Int?
        while index < lines.count {
            let line = lines[index]
            if isBlankOrComment(line) { index += 1; continue }
            do {
                let indent = try indentation(of: line, at: index)
                if indent == 0 { break }
                if let expected = paramIndent, indent != expected {
                    throw error(index, indent + 1, "inconsistent indentation: parameters are indented by \(expected) spaces")
                }
                paramIndent = indent
                let (name, rest, restColumn) = try splitKey(line, at: index, indent: indent)
                guard isIdentifier(name) else {
                    throw error(index, indent + 1, "parameter name '\(name)' is not an identifier (letters, digits and _, not starting with a digit)")
                }
                if params.contains(where: { $0.name == name }) {
                    throw error(index, indent + 1, "duplicate parameter '\(name)'")
                }
                let paramLine = firstLine + index
                if rest.isEmpty {
                    index += 1
                    let (items, next) = try parseBlockList(from: index, keyIndent: indent, name: name)
                    params.append(Param(name: name, value: .list(items), line: paramLine))
                    index = next
                } else {
                    params.append(Param(name: name, value: try parseValue(rest, at: index, column: restColumn), line: paramLine))
                    index += 1
                }
            } catch {
                errors.append(error as? NotebookError ?? self.error(index, 0, "\(error)"))
                index = nextLine(after: index, indentedAtMost: paramIndent ?? 0)
            }
        }
        return index
    }

    /// The index of the first line after `index` that starts a key (not blank, not a list
    /// item, indented by at most `indent` spaces): where parsing resumes after an error.
    private func nextLine(after index: Int, indentedAtMost indent: Int) -> Int {
        var next = index + 1
        while next < lines.count {
            let line = lines[next]
            let spaces = line.prefix(while: { $0 == " " }).count
            let body = line.dropFirst(spaces)
            let startsKey = !isBlankOrComment(line) && spaces <= indent && body.first != "\t"
                && body != "-" && !body.hasPrefix("- ")
            if startsKey { break }
            next += 1
        }
        return next
    }

    /// Parses `- item` lines under a parameter with no inline value.
    private func parseBlockList(from start: Int, keyIndent: Int, name: String) throws -> ([ParamValue], Int) {
        var items: [ParamValue] = []
        var index = start
        var itemIndent: Int?
        while index < lines.count {
            let line = lines[index]
            if isBlankOrComment(line) { index += 1; continue }
            let indent = try indentation(of: line, at: index)
            let body = line.dropFirst(indent)
            guard indent >= keyIndent, body == "-" || body.hasPrefix("- ") else { break }
            if let expected = itemIndent, indent != expected {
                throw error(index, indent + 1, "inconsistent indentation of list items")
            }
            itemIndent = indent
            let valueText = body.dropFirst(1).drop(while: { $0 == " " })
            let column = indent + 1 + (body.count - valueText.count) + 0
            if valueText.isEmpty { throw error(index, column, "expected a value after '-'") }
            items.append(try parseValue(String(valueText), at: index, column: column))
            index += 1
        }
        if items.isEmpty {
            let at = min(start, lines.count) - 1
            throw error(at, keyIndent + name.count + 2, "expected a value for parameter '\(name)'")
        }
        return (items, index)
    }

    // MARK: - Lines

    private func isBlankOrComment(_ line: Substring) -> Bool {
        let body = line.drop(while: { $0 == " " || $0 == "\t" })
        return body.isEmpty || body.hasPrefix("#")
    }

    private func indentation(of line: Substring, at index: Int) throws -> Int {
        var count = 0
        for ch in line {
            if ch == " " { count += 1; continue }
            if ch == "\t" { throw error(index, count + 1, "tabs are not allowed in front matter indentation; use spaces") }
            break
        }
        return count
    }

    /// Splits `key: value` into the key, the value text (trimmed, may be empty) and the
    /// value's column.
    private func splitKey(_ line: Substring, at index: Int, indent: Int) throws -> (String, String, Int) {
        let body = Array(line.dropFirst(indent))
        guard let colon = body.firstIndex(of: ":") else {
            throw error(index, indent + 1, "expected 'key: value'")
        }
        let key = String(body[..<colon])
        if key.isEmpty { throw error(index, indent + 1, "expected a key before ':'") }
        if key.contains(" ") || key.contains("\t") {
            throw error(index, indent + 1, "expected 'key: value' (keys have no spaces)")
        }
        var valueStart = colon + 1
        if valueStart < body.count && body[valueStart] != " " && body[valueStart] != "\t" {
            throw error(index, indent + valueStart + 1, "expected a space after ':'")
        }
        while valueStart < body.count && (body[valueStart] == " " || body[valueStart] == "\t") { valueStart += 1 }
        var rest = String(body[valueStart...])
        if rest.hasPrefix("#") { rest = "" }
        while rest.hasSuffix(" ") || rest.hasSuffix("\t") { rest.removeLast() }
        return (key, rest, indent + valueStart + 1)
    }

    private func parseValue(_ text: String, at index: Int, column: Int) throws -> ParamValue {
        do {
            return try ValueParser.parse(text, comments: true)
        } catch let failure as ValueSyntaxError {
            throw error(index, column + failure.offset, failure.message)
        }
    }

    private func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.properties.isAlphabetic && first.isASCII) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    private func error(_ index: Int, _ column: Int, _ message: String) -> NotebookError {
        let line = index >= 0 && index < lines.count ? String(lines[index]) : nil
        return NotebookError(file: file, line: firstLine + index, column: column, message: message, sourceLine: line)
    }
}
