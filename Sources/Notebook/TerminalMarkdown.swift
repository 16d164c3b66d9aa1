/// Renders markdown prose for a terminal: step mode shows a notebook's prose this way.
///
/// Headings are bold and underlined, `**strong**` bold, `*emphasis*` italic, `` `code` ``
/// coloured, list items get bullets, code blocks are indented, links show their address.
/// Without ANSI (not a terminal) the same layout is kept in plain text: headings are
/// underlined with `=` or `-`, and emphasis markers are dropped.
public struct TerminalMarkdown {
    /// Whether to use ANSI escape codes.
    public var ansi: Bool

    /// Creates a renderer.
    public init(ansi: Bool) { self.ansi = ansi }

    private var bold: String { ansi ? "\u{1B}[1m" : "" }
    private var italic: String { ansi ? "\u{1B}[3m" : "" }
    private var underline: String { ansi ? "\u{1B}[4m" : "" }
    private var dim: String { ansi ? "\u{1B}[2m" : "" }
    private var cyan: String { ansi ? "\u{1B}[36m" : "" }
    private var reset: String { ansi ? "\u{1B}[0m" : "" }

    /// The terminal text of `markdown`.
    public func render(_ markdown: String) -> String {
        var out: [String] = []
        var fence: Fence?
        var inComment = false
        for rawLine in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = rawLine
            if line.last == "\r" { line = line.dropLast() }
            // HTML comments are invisible in rendered markdown: hide them here too.
            if fence == nil && (inComment || line.drop(while: { $0 == " " }).hasPrefix("<!--")) {
                inComment = !line.contains("-->")
                continue
            }
            if let open = fence {
                if open.isClosed(by: line) {
                    fence = nil
                } else {
                    out.append("    " + dim + String(line) + reset)
                }
                continue
            }
            if let open = Fence.opening(line) {
                fence = open
                continue
            }
            out.append(renderLine(String(line)))
        }
        // Drop blank lines at the ends and collapse runs of them.
        var lines: [String] = []
        for line in out {
            if line.isEmpty && (lines.isEmpty || lines.last == "") { continue }
            lines.append(line)
        }
        while lines.last == "" { lines.removeLast() }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    private func renderLine(_ line: String) -> String {
        let trimmed = line.drop(while: { $0 == " " })
        let indent = line.count - trimmed.count
        // Headings.
        let hashes = trimmed.prefix(while: { $0 == "#" }).count
        if indent <= 3, (1...6).contains(hashes), trimmed.dropFirst(hashes).first == " " || trimmed.count == hashes {
            var text = String(trimmed.dropFirst(hashes).drop(while: { $0 == " " }))
            while text.hasSuffix("#") || text.hasSuffix(" ") { text.removeLast() }
            let shown = inline(text, restore: bold + underline)
            if ansi { return bold + underline + shown + reset }
            let plainWidth = shown.count
            return shown + "\n" + String(repeating: hashes == 1 ? "=" : "-", count: max(plainWidth, 3))
        }
        // Horizontal rules.
        let compact = trimmed.filter { $0 != " " }
        if indent <= 3, compact.count >= 3, let first = compact.first, "-*_".contains(first), compact.allSatisfy({ $0 == first }) {
            return dim + String(repeating: "─", count: 40) + reset
        }
        // Block quotes.
        if indent <= 3, trimmed.hasPrefix(">") {
            let body = trimmed.dropFirst().drop(while: { $0 == " " })
            return dim + "│ " + reset + italic + inline(String(body), restore: italic) + reset
        }
        // Bullet lists.
        if let marker = trimmed.first, "-*+".contains(marker), trimmed.dropFirst().first == " " {
            let body = trimmed.dropFirst(2)
            return String(repeating: " ", count: indent) + "  • " + inline(String(body), restore: "")
        }
        // Numbered lists.
        let digits = trimmed.prefix(while: { $0.isNumber })
        if !digits.isEmpty, digits.count <= 9 {
            let after = trimmed.dropFirst(digits.count)
            if let dot = after.first, dot == "." || dot == ")", after.dropFirst().first == " " {
                return String(repeating: " ", count: indent) + "  \(digits). " + inline(String(after.dropFirst(2)), restore: "")
            }
        }
        // Indented code.
        if indent >= 4 { return "    " + dim + String(trimmed) + reset }
        return inline(String(trimmed), restore: "")
    }

    /// Inline markup: code spans, strong, emphasis, links and images.
    /// `restore` is the style to return to after a span (for headings and quotes).
    func inline(_ text: String, restore: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        let after = ansi ? reset + restore : ""
        while i < chars.count {
            let ch = chars[i]
            if ch == "\\", i + 1 < chars.count, chars[i + 1].isPunctuation || chars[i + 1].isSymbol {
                out.append(chars[i + 1])
                i += 2
                continue
            }
            if ch == "`" {
                let run = countRun(chars, i, "`")
                if let close = findRun(chars, from: i + run, "`", length: run) {
                    var code = String(chars[(i + run)..<close])
                    if code.hasPrefix(" ") && code.hasSuffix(" ") && code.count > 2 { code = String(code.dropFirst().dropLast()) }
                    out += ansi ? cyan + code + after : "`" + code + "`"
                    i = close + run
                    continue
                }
                out += String(repeating: "`", count: run)
                i += run
                continue
            }
            if ch == "*" || ch == "_" {
                let run = min(countRun(chars, i, ch), 2)
                let wordInside = ch == "_" && i > 0 && chars[i - 1].isLetter
                if !wordInside, i + run < chars.count, chars[i + run] != " ",
                   let close = findRun(chars, from: i + run, ch, length: run), close > i + run {
                    let inner = inline(String(chars[(i + run)..<close]), restore: restore + (run == 2 ? bold : italic))
                    out += (run == 2 ? bold : italic) + inner + after
                    i = close + run
                    continue
                }
                out += String(repeating: String(ch), count: run)
                i += run
                continue
            }
            if ch == "[" || (ch == "!" && i + 1 < chars.count && chars[i + 1] == "[") {
                let start = ch == "!" ? i + 1 : i
                if let closeBracket = chars[start...].firstIndex(of: "]"), closeBracket + 1 < chars.count,
                   chars[closeBracket + 1] == "(", let closeParen = chars[(closeBracket + 1)...].firstIndex(of: ")") {
                    let label = inline(String(chars[(start + 1)..<closeBracket]), restore: restore)
                    let url = String(chars[(closeBracket + 2)..<closeParen])
                    let prefix = ch == "!" ? "[image: " : ""
                    let suffix = ch == "!" ? "]" : ""
                    out += prefix + underline + label + after + suffix + " " + dim + "(" + url + ")" + after
                    i = closeParen + 1
                    continue
                }
            }
            out.append(ch)
            i += 1
        }
        return out
    }

    private func countRun(_ chars: [Character], _ start: Int, _ ch: Character) -> Int {
        var n = 0
        while start + n < chars.count && chars[start + n] == ch { n += 1 }
        return n
    }

    private func findRun(_ chars: [Character], from start: Int, _ ch: Character, length: Int) -> Int? {
        var i = start
        while i < chars.count {
            if chars[i] == ch {
                let run = countRun(chars, i, ch)
                if run == length || (ch != "`" && run > length) { return i }
                i += run
            } else {
                i += 1
            }
        }
        return nil
    }
}
