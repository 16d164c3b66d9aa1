import Foundation

/// The one JSON reader (RFC 8259): notebooks (`.ipynb`), Jupyter messages and REST requests.
///
/// A REST request carries a face as thousands of numbers; a reader that made one boxed value
/// per number would spend more on that than the model spends on the face. Here a list whose
/// items are all numbers stays one packed array (`numbers`), and reading it is a single pass
/// over the bytes. Objects keep their keys in the order written.
public enum JSONReader {
    /// Reads a whole document (at most `maxDepth` lists and objects deep); trailing bytes
    /// other than white space are an error.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 512) throws -> Value {
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer, maxDepth: maxDepth)
            let value = try reader.value(depth: 0)
            reader.skipSpace()
            guard reader.at == buffer.count else { throw reader.error("unexpected text after the document") }
            return value
        }
    }

    /// Where and why a document is not JSON.
    public struct SyntaxError: Error, CustomStringConvertible {
        public let message: String
        public let line: Int
        public let column: Int
        public var description: String { "\(message) at line \(line), column \(column)" }
    }

    /// A JSON value as read.
    public enum Value {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        /// A list of numbers only (and the empty list).
        case numbers([Double])
        /// A list holding anything else.
        case list([Value])
        case object([(key: String, value: Value)])

        /// The value of `key` in an object (the last one when a key is repeated).
        public subscript(key: String) -> Value? {
            if case .object(let pairs) = self { return pairs.last { $0.key == key }?.value }
            return nil
        }

        /// The items of a list, whichever way it is stored.
        public var items: [Value]? {
            switch self {
            case .numbers(let xs): return xs.map(Value.number)
            case .list(let items): return items
            default: return nil
            }
        }

        /// What kind of value this is, for error messages.
        public var kind: String {
            switch self {
            case .null: return "null"
            case .bool: return "a boolean"
            case .number: return "a number"
            case .string: return "a string"
            case .numbers, .list: return "a list"
            case .object: return "an object"
            }
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var at = 0

        func error(_ message: String) -> SyntaxError {
            var line = 1, column = 1
            for b in bytes[..<min(at, bytes.count)] {
                if b == UInt8(ascii: "\n") { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
            }
            return SyntaxError(message: message, line: line, column: column)
        }

        var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

        mutating func skipSpace() {
            while at < bytes.count {
                switch bytes[at] {
                case 0x20, 0x0A, 0x0D, 0x09: at += 1
                default: return
                }
            }
        }

        mutating func expect(_ word: String, _ value: Value) throws -> Value {
            for b in word.utf8 {
                guard peek == b else { throw error("expected a JSON value") }
                at += 1
            }
            return value
        }

        mutating func value(depth: Int) throws -> Value {
            skipSpace()
            guard let b = peek else { throw error("unexpected end of the document") }
            switch b {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try list(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try expect("true", .bool(true))
            case UInt8(ascii: "f"): return try expect("false", .bool(false))
            case UInt8(ascii: "n"): return try expect("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("expected a JSON value")
            }
        }

        mutating func object(depth: Int) throws -> Value {
            guard depth <= maxDepth else { throw error("nested more than \(maxDepth) deep") }
            at += 1
            var pairs: [(key: String, value: Value)] = []
            skipSpace()
            if peek == UInt8(ascii: "}") { at += 1; return .object(pairs) }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw error("expected a key in quotes") }
                let key = try string()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
                at += 1
                pairs.append((key, try value(depth: depth)))
                skipSpace()
                switch peek {
                case UInt8(ascii: ","): at += 1
                case UInt8(ascii: "}"): at += 1; return .object(pairs)
                default: throw error("expected ',' or '}' in an object")
                }
            }
        }

        mutating func list(depth: Int) throws -> Value {
            guard depth <= maxDepth else { throw error("nested more than \(maxDepth) deep") }
            at += 1
            var numbers: [Double] = []
            var items: [Value]? = nil
            skipSpace()
            if peek == UInt8(ascii: "]") { at += 1; return .numbers(numbers) }
            while true {
                skipSpace()
                if items == nil, let b = peek, b == UInt8(ascii: "-") || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) {
                    numbers.append(try number())
                } else {
                    let item = try value(depth: depth)
                    if items == nil { items = numbers.map(Value.number) }
                    items?.append(item)
                }
                skipSpace()
                switch peek {
                case UInt8(ascii: ","): at += 1
                case UInt8(ascii: "]"): at += 1; return items.map(Value.list) ?? .numbers(numbers)
                default: throw error("expected ',' or ']' in a list")
                }
            }
        }

        /// A number as JSON writes it: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
        mutating func number() throws -> Double {
            let start = at
            var negative = false
            if peek == UInt8(ascii: "-") { negative = true; at += 1 }
            var whole: Int64 = 0
            var digits = 0
            guard let first = peek, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { throw error("expected a digit") }
            if first == UInt8(ascii: "0") {
                at += 1
            } else {
                while let d = peek, d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") {
                    if digits < 18 { whole = whole * 10 + Int64(d - UInt8(ascii: "0")) }
                    digits += 1
                    at += 1
                }
            }
            var plain = digits <= 15
            if peek == UInt8(ascii: ".") {
                at += 1
                plain = false
                guard try skipDigits() > 0 else { throw error("expected a digit after '.'") }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                at += 1
                plain = false
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { at += 1 }
                guard try skipDigits() > 0 else { throw error("expected a digit in the exponent") }
            }
            // Integers of up to 15 digits are exact as doubles; anything else goes through the
            // C library's correctly rounded conversion.
            if plain { return negative ? -Double(whole) : Double(whole) }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            guard let value = Double(text) else { throw error("not a number") }
            return value
        }

        mutating func skipDigits() throws -> Int {
            var n = 0
            while let d = peek, d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") { at += 1; n += 1 }
            return n
        }

        mutating func string() throws -> String {
            at += 1
            let start = at
            // The common case: no escapes, one copy of the bytes.
            while at < bytes.count {
                let b = bytes[at]
                if b == UInt8(ascii: "\"") {
                    let text = try utf8(UnsafeBufferPointer(rebasing: bytes[start..<at]))
                    at += 1
                    return text
                }
                if b == UInt8(ascii: "\\") { break }
                guard b >= 0x20 else { throw error("a control character inside a string") }
                at += 1
            }
            var out = Array(bytes[start..<at])
            while true {
                guard let b = peek else { throw error("a string without its closing quote") }
                at += 1
                switch b {
                case UInt8(ascii: "\""): return try out.withUnsafeBufferPointer { try utf8($0) }
                case UInt8(ascii: "\\"):
                    guard let e = peek else { throw error("a string without its closing quote") }
                    at += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"): out.append(contentsOf: Array(String(try escapedScalar()).utf8))
                    default: at -= 1; throw error("an unknown escape '\\\(Character(Unicode.Scalar(e)))'")
                    }
                default:
                    guard b >= 0x20 else { at -= 1; throw error("a control character inside a string") }
                    out.append(b)
                }
            }
        }

        /// The character of `\uXXXX`, or of a surrogate pair `\uD83D\uDE00`.
        mutating func escapedScalar() throws -> Unicode.Scalar {
            let high = try hex4()
            if (0xD800..<0xDC00).contains(high) {
                guard peek == UInt8(ascii: "\\") else { throw error("a lone surrogate in \\u escape") }
                at += 1
                guard peek == UInt8(ascii: "u") else { throw error("a lone surrogate in \\u escape") }
                at += 1
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low),
                      let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) else {
                    throw error("a lone surrogate in \\u escape")
                }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else { throw error("a lone surrogate in \\u escape") }
            return scalar
        }

        mutating func hex4() throws -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let h = peek, let d = Character(Unicode.Scalar(h)).hexDigitValue else { throw error("expected four hex digits after \\u") }
                v = v << 4 | UInt32(d)
                at += 1
            }
            return v
        }

        func utf8(_ raw: UnsafeBufferPointer<UInt8>) throws -> String {
            guard let text = String(validating: raw, as: UTF8.self) else { throw error("a string that is not UTF-8") }
            return text
        }
    }
}
