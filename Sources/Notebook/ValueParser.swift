/// A syntax error in a parameter value, at a character offset within the text parsed.
public struct ValueSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where the error is: a 0-based character offset into the value's text.
    public var offset: Int
    /// What is wrong.
    public var message: String
    /// The message.
    public var description: String { message }
}

/// Parses parameter values: numbers, booleans, quoted and plain strings, and flow
/// lists `[a, b, c]` (nested lists allowed).
struct ValueParser {
    private let chars: [Character]
    private var i = 0

    /// Parses a whole value from `text`; a `#` after a space starts a comment when
    /// `comments` is true (front matter), never in `--set` values.
    static func parse(_ text: String, comments: Bool) throws -> ParamValue {
        var parser = ValueParser(chars: Array(text), comments: comments)
        return try parser.parseAll()
    }

    private let comments: Bool

    private init(chars: [Character], comments: Bool) {
        self.chars = chars
        self.comments = comments
    }

    private mutating func parseAll() throws -> ParamValue {
        skipSpaces()
        guard i < chars.count, !atComment else { throw ValueSyntaxError(offset: i, message: "expected a value") }
        let value = try parseValue(inList: false)
        skipSpaces()
        if i < chars.count && !atComment {
            throw ValueSyntaxError(offset: i, message: "unexpected '\(chars[i])' after the value")
        }
        return value
    }

    private var atComment: Bool {
        comments && i < chars.count && chars[i] == "#" && (i == 0 || chars[i - 1] == " " || chars[i - 1] == "\t")
    }

    private mutating func skipSpaces() {
        while i < chars.count && (chars[i] == " " || chars[i] == "\t") { i += 1 }
    }

    private mutating func parseValue(inList: Bool) throws -> ParamValue {
        guard i < chars.count else { throw ValueSyntaxError(offset: i, message: "expected a value") }
        switch chars[i] {
        case "[": return try parseList()
        case "\"": return .string(try parseDoubleQuoted())
        case "'": return .string(try parseSingleQuoted())
        case "{": throw ValueSyntaxError(offset: i, message: "mappings are not supported as values; use a list or a string")
        case "]", ",":
            throw ValueSyntaxError(offset: i, message: "expected a value before '\(chars[i])'")
        default: return try parsePlain(inList: inList)
        }
    }

    private mutating func parseList() throws -> ParamValue {
        let open = i
        i += 1
        var items: [ParamValue] = []
        skipSpaces()
        if i < chars.count && chars[i] == "]" { i += 1; return .list([]) }
        while true {
            skipSpaces()
            items.append(try parseValue(inList: true))
            skipSpaces()
            guard i < chars.count else {
                throw ValueSyntaxError(offset: open, message: "unclosed '[': expected ']'")
            }
            if chars[i] == "," { i += 1; continue }
            if chars[i] == "]" { i += 1; return .list(items) }
            throw ValueSyntaxError(offset: i, message: "expected ',' or ']' in the list, found '\(chars[i])'")
        }
    }

    private mutating func parseDoubleQuoted() throws -> String {
        let open = i
        i += 1
        var out = ""
        while i < chars.count {
            let ch = chars[i]
            if ch == "\"" { i += 1; return out }
            if ch == "\\" {
                guard i + 1 < chars.count else { break }
                switch chars[i + 1] {
                case "\\": out.append("\\")
                case "\"": out.append("\"")
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                default: throw ValueSyntaxError(offset: i, message: "unknown escape '\\\(chars[i + 1])' (use \\\\, \\\", \\n, \\t or \\r)")
                }
                i += 2
                continue
            }
            out.append(ch)
            i += 1
        }
        throw ValueSyntaxError(offset: open, message: "unterminated string: expected a closing '\"'")
    }

    private mutating func parseSingleQuoted() throws -> String {
        let open = i
        i += 1
        var out = ""
        while i < chars.count {
            if chars[i] == "'" {
                if i + 1 < chars.count && chars[i + 1] == "'" { out.append("'"); i += 2; continue }
                i += 1
                return out
            }
            out.append(chars[i])
            i += 1
        }
        throw ValueSyntaxError(offset: open, message: "unterminated string: expected a closing \"'\"")
    }

    private mutating func parsePlain(inList: Bool) throws -> ParamValue {
        let start = i
        while i < chars.count {
            let ch = chars[i]
            if inList && (ch == "," || ch == "]") { break }
            if atComment { break }
            if inList && (ch == "[" || ch == "\"" || ch == "'") {
                throw ValueSyntaxError(offset: i, message: "unexpected '\(ch)' inside a plain list item; quote the item")
            }
            i += 1
        }
        var end = i
        while end > start && (chars[end - 1] == " " || chars[end - 1] == "\t") { end -= 1 }
        let text = String(chars[start..<end])
        if text.isEmpty { throw ValueSyntaxError(offset: start, message: "expected a value") }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if ParamValue.isNumber(text) { return .number(text) }
        if text.hasPrefix(":") || text.contains(": ") {
            throw ValueSyntaxError(offset: start, message: "a plain value cannot contain ': '; quote it")
        }
        return .string(text)
    }
}

extension ParamValue {
    /// Parses a value as written after `--set name=` (same syntax as front matter).
    public static func parse(_ text: String) throws -> ParamValue {
        try ValueParser.parse(text, comments: false)
    }
}
