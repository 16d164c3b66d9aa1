/// The kinds of tokens the lexer produces.
enum TokenKind: Equatable {
    case number(Double)
    case string([StringPart])
    case identifier(String)
    case keyword(Keyword)
    case op(String)          // operators and punctuation: + - * / % ^ @ == != < <= > >= = . .. , : ( ) [ ] { }
    case newline
    case eof
    case error(String)
}

/// A piece of a string literal: plain text, or code to interpolate.
enum StringPart: Equatable {
    case text(String)
    case code(String, line: Int, column: Int)
}

/// Reserved words.
enum Keyword: String, CaseIterable {
    case fn, `if`, `else`, `for`, `in`, `while`, `break`, `continue`, `return`, and, or, not, `true`, `false`, `nil`
}

/// A token with its position (line and column of its first character).
struct Token {
    var kind: TokenKind
    var line: Int
    var column: Int
    /// The token's source text (for messages).
    var text: String
}

/// Turns source text into tokens. Newlines end statements except inside `(` or `[`,
/// and after a token that cannot end an expression (an operator or a comma).
struct Lexer {
    private let chars: [Character]
    /// Each character's ASCII code (a CR LF pair counts as LF), or 0xFF for any other: the
    /// tests the lexer makes on every character compare bytes, not grapheme clusters.
    private let ascii: [UInt8]
    private var i = 0
    private var line: Int
    private var column: Int
    private var brackets: [Character] = []
    /// Just after the last character that is not white space: where "end of input" is
    /// reported, so an error there points at the code's last line, not the blank after it.
    private var contentEnd: (line: Int, column: Int)
    private(set) var tokens: [Token] = []
    /// True when the input ended inside a string literal.
    private(set) var unterminatedString = false

    init(_ source: String, line: Int = 1, column: Int = 1) {
        self.chars = Array(source)
        self.ascii = chars.map { $0.asciiValue ?? 0xFF }
        self.line = line
        self.column = column
        self.contentEnd = (line, column)
    }

    /// All tokens, ending with `.eof`.
    static func tokenize(_ source: String, line: Int = 1, column: Int = 1) -> (tokens: [Token], unterminatedString: Bool, openBrackets: Int) {
        var lexer = Lexer(source, line: line, column: column)
        lexer.run()
        return (lexer.tokens, lexer.unterminatedString, lexer.brackets.count)
    }

    /// The brackets still open after `source`, read with `open` already open before it, or
    /// nil when `source` ends inside a string. Lexing text piece by piece this way gives the
    /// same answer as lexing it whole, as long as no piece starts inside a string.
    static func openBrackets(after source: String, open: [Character]) -> [Character]? {
        var lexer = Lexer(source)
        lexer.brackets = open
        lexer.run()
        return lexer.unterminatedString ? nil : lexer.brackets
    }

    private var peek: Character? { i < chars.count ? chars[i] : nil }
    private func peek(_ k: Int) -> Character? { i + k < chars.count ? chars[i + k] : nil }

    /// The two-character operator that `first` and `second` spell, if any.
    private static func pair(_ first: UInt8, _ second: UInt8) -> String? {
        switch (first, second) {
        case (0x3D, 0x3D): return "=="
        case (0x21, 0x3D): return "!="
        case (0x3C, 0x3D): return "<="
        case (0x3E, 0x3D): return ">="
        case (0x2E, 0x2E): return ".."
        default: return nil
        }
    }

    /// The ASCII code of the character at `i + k` (0xFF past the end or for any other character).
    private func code(_ k: Int = 0) -> UInt8 { i + k < ascii.count ? ascii[i + k] : 0xFF }

    private static func isDigit(_ a: UInt8) -> Bool { a >= 0x30 && a <= 0x39 }
    private static func isWordStart(_ a: UInt8) -> Bool { (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A || a == 0x5F }

    /// Whether the character at `i` may continue a name: ASCII letters, digits and `_` by
    /// their code, anything else by Unicode's letters and numbers.
    private func continuesWord() -> Bool {
        guard i < chars.count else { return false }
        let a = ascii[i]
        if a != 0xFF { return Self.isWordStart(a) || Self.isDigit(a) }
        return chars[i].isLetter || chars[i].isNumber
    }

    @discardableResult
    private mutating func advance() -> Character {
        let c = chars[i]
        let a = ascii[i]
        i += 1
        if a == 0x0A {
            line += 1
            column = 1
        } else {
            column += 1
            if a != 0x20 && a != 0x09 && a != 0x0D { contentEnd = (line, column) }
        }
        return c
    }

    private static let continuing: Set<String> = ["+", "-", "*", "/", "%", "^", "@", "==", "!=", "<", "<=", ">", ">=", "=", "..", ",", ".", ":", "(", "[", "{"]

    private var lastContinues: Bool {
        guard let last = tokens.last else { return true }
        switch last.kind {
        case .op(let o): return Self.continuing.contains(o)
        case .keyword(let k): return k == .and || k == .or || k == .not
        case .newline: return true
        default: return false
        }
    }

    private mutating func add(_ kind: TokenKind, _ line: Int, _ column: Int, _ text: String) {
        tokens.append(Token(kind: kind, line: line, column: column, text: text))
    }

    mutating func run() {
        while let c = peek {
            let (l, col) = (line, column)
            let a = ascii[i]
            if a == 0x0A {
                advance()
                if let top = brackets.last, top != "{" { continue }
                if lastContinues { continue }
                add(.newline, l, col, "newline")
                continue
            }
            if a == 0x20 || a == 0x09 || a == 0x0D { advance(); continue }
            if a == 0x23 {   // '#'
                while i < chars.count, ascii[i] != 0x0A { advance() }
                continue
            }
            if Self.isDigit(a) {
                lexNumber(l, col)
                continue
            }
            if Self.isWordStart(a) || (a == 0xFF && c.isLetter) {
                var s = ""
                while continuesWord() { s.append(advance()) }
                if let k = Keyword(rawValue: s) { add(.keyword(k), l, col, s) } else { add(.identifier(s), l, col, s) }
                continue
            }
            if a == 0x22 || a == 0x27 { lexString(quote: c, l, col); continue }
            advance()
            if let two = Lexer.pair(a, code()) {
                advance()
                add(.op(two), l, col, two)
                continue
            }
            switch a {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                brackets.append(c)
                add(.op(String(c)), l, col, String(c))
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                let open: Character = a == UInt8(ascii: ")") ? "(" : (a == UInt8(ascii: "]") ? "[" : "{")
                // A closer also closes brackets left open inside it, so one missing ')' does not swallow the rest.
                if let k = brackets.lastIndex(of: open) { brackets.removeSubrange(k...) }
                add(.op(String(c)), l, col, String(c))
            case UInt8(ascii: ";"):
                add(.newline, l, col, ";")
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "^"),
                 UInt8(ascii: "@"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "="), UInt8(ascii: "."), UInt8(ascii: ","),
                 UInt8(ascii: ":"):
                add(.op(String(c)), l, col, String(c))
            default:
                add(.error("unexpected character \(Lexer.describe(c))"), l, col, String(c))
            }
        }
        add(.eof, contentEnd.line, contentEnd.column, "end of input")
    }

    /// A character as an error names it: printable ones quoted, others (a NUL byte, a control
    /// character, text that was not UTF-8) by their code point, so the message shows them.
    static func describe(_ c: Character) -> String {
        let invisible = c.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format || $0 == "\u{FFFD}" }
        if !invisible { return "'\(c)'" }
        return c.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4) }.joined(separator: " ")
    }

    private mutating func lexNumber(_ l: Int, _ col: Int) {
        var s = ""
        while Self.isDigit(code()) || code() == 0x5F { let ch = advance(); if ch != "_" { s.append(ch) } }
        // A fraction, but not the start of a range `1..5`.
        if code() == 0x2E, peek(1) != ".", !(peek(1)?.isLetter ?? false) {
            s.append(advance())
            while Self.isDigit(code()) || code() == 0x5F { let ch = advance(); if ch != "_" { s.append(ch) } }
        }
        if let e = peek, e == "e" || e == "E",
           let n = peek(1), n.isNumber || ((n == "-" || n == "+") && (peek(2)?.isNumber ?? false)) {
            s.append(advance())
            if peek == "-" || peek == "+" { s.append(advance()) }
            while let d = peek, d.isASCII && d.isNumber { s.append(advance()) }
        }
        if let v = Double(s) { add(.number(v), l, col, s) } else { add(.error("malformed number '\(s)'"), l, col, s) }
    }

    private mutating func lexString(quote: Character, _ l: Int, _ col: Int) {
        _ = advance()
        var parts: [StringPart] = []
        var text = ""
        let interpolates = quote == "\""
        while true {
            guard let c = peek else {
                unterminatedString = true
                add(.error("unterminated string"), l, col, String(quote))
                return
            }
            if c == quote { _ = advance(); break }
            if c == "\\" {
                _ = advance()
                guard let e = peek else { continue }
                _ = advance()
                switch e {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                case "0": text.append("\0")
                default: text.append(e)   // \\ \" \' \{ \}
                }
                continue
            }
            if interpolates && c == "{" {
                if peek(1) == "{" { _ = advance(); _ = advance(); text.append("{"); continue }
                _ = advance()
                let (cl, cc) = (line, column)
                var code = ""
                var depth = 0
                var closed = false
                while let d = peek {
                    if d == "}" && depth == 0 { _ = advance(); closed = true; break }
                    if d == "{" { depth += 1 }
                    if d == "}" { depth -= 1 }
                    if d == quote { break }
                    code.append(advance())
                }
                if !closed {
                    if peek == nil { unterminatedString = true; add(.error("unterminated string"), l, col, String(quote)); return }
                    add(.error("missing '}' in string interpolation"), cl, cc - 1, "{")
                }
                if !text.isEmpty { parts.append(.text(text)); text = "" }
                parts.append(.code(code, line: cl, column: cc))
                continue
            }
            if interpolates && c == "}" && peek(1) == "}" { _ = advance(); _ = advance(); text.append("}"); continue }
            text.append(advance())
        }
        if !text.isEmpty || parts.isEmpty { parts.append(.text(text)) }
        add(.string(parts), l, col, "string")
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
