import Neural

/// A JSON value, as `.ipynb` files and Jupyter messages carry them.
///
/// Objects keep their keys in the order given; `text()` writes them sorted, so the same
/// value always gives the same bytes.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x.sorted { $0.0 < $1.0 }, y.sorted { $0.0 < $1.0 }).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value of `key` in an object, if there is one.
    public subscript(key: String) -> JSONValue? {
        if case .object(let pairs) = self { return pairs.last { $0.0 == key }?.1 }
        return nil
    }

    /// The string, if this is one.
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The number, if this is one.
    public var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    /// The number as an integer, if it is a whole number.
    public var int: Int? { number.flatMap { $0 == $0.rounded() && abs($0) < 1e15 ? Int($0) : nil } }
    /// The bool, if this is one.
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The elements, if this is an array.
    public var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    /// A string, or an array of strings joined (how `.ipynb` stores multi-line text).
    public var joinedText: String? {
        if let string { return string }
        if let array { return array.allSatisfy { $0.string != nil } ? array.compactMap(\.string).joined() : nil }
        return nil
    }

    /// An object with `key` set to `value` (replaced if present, appended otherwise).
    public func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var pairs) = self else { return .object([(key, value)]) }
        if let index = pairs.firstIndex(where: { $0.0 == key }) { pairs[index].1 = value } else { pairs.append((key, value)) }
        return .object(pairs)
    }

    /// The JSON text: keys sorted; with `indent`, one item per line (the layout Jupyter
    /// itself writes with an indent of 1); without it, on one line.
    public func text(indent: Int? = nil) -> String {
        var out = ""
        write(into: &out, indent: indent, depth: 0)
        return out
    }

    private func write(into out: inout String, indent: Int?, depth: Int) {
        func newline(_ depth: Int) {
            if let indent { out += "\n" + String(repeating: " ", count: indent * depth) }
        }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += Self.numberText(n)
        case .string(let s): out += JSONText.quoted(s)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(depth + 1)
                item.write(into: &out, indent: indent, depth: depth + 1)
            }
            newline(depth)
            out += "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (i, pair) in pairs.sorted(by: { $0.0 < $1.0 }).enumerated() {
                if i > 0 { out += "," }
                newline(depth + 1)
                out += JSONText.quoted(pair.0) + (indent == nil ? ":" : ": ")
                pair.1.write(into: &out, indent: indent, depth: depth + 1)
            }
            newline(depth)
            out += "}"
        }
    }

    /// A number: whole numbers without a fraction (`4`, not `4.0`), others as Swift prints
    /// them; infinities and NaN (not JSON) as null.
    static func numberText(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded() && abs(n) < 1e15 { return String(Int(n)) }
        return "\(n)"
    }

    /// Parses JSON text; errors name `file`, line and column.
    public static func parse(_ text: String, file: String) throws -> JSONValue {
        do {
            return JSONValue(try JSONReader.parse(Array(text.utf8)))
        } catch let error as JSONReader.SyntaxError {
            throw JSONError(file: file, line: error.line, column: error.column, message: error.message)
        }
    }

    /// A value as the reader gives it (lists of numbers come packed).
    init(_ value: JSONReader.Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s)
        case .numbers(let xs): self = .array(xs.map(JSONValue.number))
        case .list(let items): self = .array(items.map(JSONValue.init))
        case .object(let pairs): self = .object(pairs.map { ($0.key, JSONValue($0.value)) })
        }
    }
}

/// A JSON text could not be read.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file it came from.
    public var file: String
    /// Line and column (1-based) where reading stopped.
    public var line: Int
    public var column: Int
    /// What was wrong.
    public var message: String
    /// `file:line:col: error: message`.
    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}
