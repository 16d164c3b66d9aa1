/// The value of a notebook parameter: a number, a string, a boolean or a list of these.
///
/// Values come from the front matter and from `--set name=value`; both use the same
/// syntax: `0.1`, `-3`, `1e-4`, `true`, `"quoted text"`, `'single quoted'`,
/// `plain text`, `[1, 2, "three"]`.
public indirect enum ParamValue: Equatable, Sendable, CustomStringConvertible {
    /// A number, kept as written (validated), so `1e-4` stays `1e-4`.
    case number(String)
    /// A string.
    case string(String)
    /// A boolean.
    case bool(Bool)
    /// A list.
    case list([ParamValue])

    /// The value as a literal of the notebook language, for `Session.define`: strings
    /// are double-quoted with `{` and `}` escaped (the language interpolates `{…}`).
    public var literal: String {
        switch self {
        case .number(let text): return text
        case .bool(let value): return value ? "true" : "false"
        case .string(let text): return ParamValue.quoted(text, escapingBraces: true)
        case .list(let items): return "[" + items.map(\.literal).joined(separator: ", ") + "]"
        }
    }

    /// The value as written in YAML front matter (strings always double-quoted).
    public var yaml: String {
        switch self {
        case .number(let text): return text
        case .bool(let value): return value ? "true" : "false"
        case .string(let text): return ParamValue.quoted(text)
        case .list(let items): return "[" + items.map(\.yaml).joined(separator: ", ") + "]"
        }
    }

    /// The value as written in front matter.
    public var description: String { yaml }

    /// A double-quoted string with `\\`, `\"`, `\n`, `\t` and `\r` escaped (and `{`, `}`
    /// when `escapingBraces`).
    public static func quoted(_ text: String, escapingBraces: Bool = false) -> String {
        var out = "\""
        for ch in text {
            switch ch {
            case "{" where escapingBraces: out += "\\{"
            case "}" where escapingBraces: out += "\\}"
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.append(ch)
            }
        }
        return out + "\""
    }

    /// Whether `text` is a number literal: an optional sign, digits with an optional
    /// fraction, and an optional exponent (`3`, `-0.5`, `.5`, `1e-4`, `2.5E+3`).
    public static func isNumber(_ text: String) -> Bool {
        let chars = Array(text.utf8)
        var i = 0
        if i < chars.count && (chars[i] == UInt8(ascii: "-") || chars[i] == UInt8(ascii: "+")) { i += 1 }
        var digits = 0
        while i < chars.count && chars[i] >= 48 && chars[i] <= 57 { i += 1; digits += 1 }
        if i < chars.count && chars[i] == UInt8(ascii: ".") {
            i += 1
            while i < chars.count && chars[i] >= 48 && chars[i] <= 57 { i += 1; digits += 1 }
        }
        if digits == 0 { return false }
        if i < chars.count && (chars[i] == UInt8(ascii: "e") || chars[i] == UInt8(ascii: "E")) {
            i += 1
            if i < chars.count && (chars[i] == UInt8(ascii: "-") || chars[i] == UInt8(ascii: "+")) { i += 1 }
            var expDigits = 0
            while i < chars.count && chars[i] >= 48 && chars[i] <= 57 { i += 1; expDigits += 1 }
            if expDigits == 0 { return false }
        }
        return i == chars.count
    }
}
