import Script

/// Renders the markdown of reports as HTML: the subset notebooks and `ReportExporter` use.
///
/// Blocks: ATX headings (with ids for a table of contents), paragraphs, fenced code
/// (```` ```ainb ```` highlighted, ```` ```error ```` marked as an error, other fences
/// plain), pipe tables with their alignment, `-`/`*`/`1.` lists, `>` quotes, `---` rules;
/// HTML comments are dropped. Inline: `` `code` ``, `**strong**`, `*emphasis*`,
/// `[links](url)` and `![images](src)`, whose `src` `image` may replace (with a data URI).
struct HTMLMarkdown {
    /// A heading seen while rendering, for the table of contents.
    struct Heading: Equatable {
        var level: Int
        var id: String
        var text: String
    }

    /// Maps an image's `src` as written to the one to use (a data URI), if any.
    var image: (String) -> String?
    /// The headings rendered so far, in order.
    private(set) var headings: [Heading] = []
    private var usedIDs: [String: Int] = [:]

    init(image: @escaping (String) -> String? = { _ in nil }) {
        self.image = image
    }

    /// The HTML of `markdown`.
    mutating func render(_ markdown: String) -> String {
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.last == "\r" ? line.dropLast() : line
        }
        if lines.last == "" { lines.removeLast() }
        var out = ""
        var i = 0
        var paragraph: [Substring] = []
        func flushParagraph() {
            if !paragraph.isEmpty {
                out += "<p>" + inline(paragraph.map { $0.trimmingSpaces }.joined(separator: "\n")) + "</p>\n"
            }
            paragraph = []
        }
        while i < lines.count {
            let line = lines[i]
            let body = line.drop { $0 == " " }
            let indent = line.count - body.count
            if body.isEmpty {
                flushParagraph()
                i += 1
                continue
            }
            if indent <= 3, body.hasPrefix("<!--") {
                flushParagraph()
                var end = i
                while !lines[end].contains("-->") && end + 1 < lines.count { end += 1 }
                i = end + 1
                continue
            }
            if let fence = Fence.opening(line) {
                flushParagraph()
                var close = i + 1
                var code: [Substring] = []
                while close < lines.count && !fence.isClosed(by: lines[close]) {
                    var codeLine = lines[close]
                    var stripped = 0
                    while stripped < fence.indent, codeLine.first == " " { codeLine = codeLine.dropFirst(); stripped += 1 }
                    code.append(codeLine)
                    close += 1
                }
                out += codeBlock(code.joined(separator: "\n"), info: fence.info)
                i = close + 1
                continue
            }
            if indent <= 3, let level = headingLevel(body) {
                flushParagraph()
                var text = body.dropFirst(level).trimmingSpaces
                while text.hasSuffix("#") { text.removeLast() }
                text = Substring(text).trimmingSpaces
                let id = uniqueID(slug(text))
                headings.append(Heading(level: level, id: id, text: plainText(text)))
                out += "<h\(level) id=\"\(id)\">\(inline(text))</h\(level)>\n"
                i += 1
                continue
            }
            if indent <= 3, isRule(body) {
                flushParagraph()
                out += "<hr>\n"
                i += 1
                continue
            }
            if indent <= 3, body.hasPrefix("|"), i + 1 < lines.count, isTableSeparator(lines[i + 1]) {
                flushParagraph()
                var rows: [Substring] = [line]
                var end = i + 2
                while end < lines.count, lines[end].drop(while: { $0 == " " }).hasPrefix("|") { rows.append(lines[end]); end += 1 }
                out += table(header: line, separator: lines[i + 1], rows: Array(rows.dropFirst()))
                i = end
                continue
            }
            if indent <= 3, body.hasPrefix(">") {
                flushParagraph()
                var quoted: [String] = []
                while i < lines.count, lines[i].drop(while: { $0 == " " }).hasPrefix(">") {
                    var text = lines[i].drop(while: { $0 == " " }).dropFirst()
                    if text.first == " " { text = text.dropFirst() }
                    quoted.append(String(text))
                    i += 1
                }
                var inner = HTMLMarkdown(image: image)
                inner.usedIDs = usedIDs
                out += "<blockquote>\n" + inner.render(quoted.joined(separator: "\n")) + "</blockquote>\n"
                continue
            }
            if indent <= 3, let marker = listMarker(body) {
                flushParagraph()
                let ordered = marker.ordered
                out += ordered ? "<ol>\n" : "<ul>\n"
                var item = String(body.dropFirst(marker.width))
                i += 1
                func flushItem() { out += "<li>" + inline(item) + "</li>\n" }
                while i < lines.count {
                    let next = lines[i]
                    let nextBody = next.drop { $0 == " " }
                    if nextBody.isEmpty { break }
                    if next.count - nextBody.count <= 3, let m = listMarker(nextBody), m.ordered == ordered {
                        flushItem()
                        item = String(nextBody.dropFirst(m.width))
                    } else if next.count - nextBody.count >= 2 || !startsBlock(nextBody) {
                        item += "\n" + nextBody.trimmingSpaces
                    } else {
                        break
                    }
                    i += 1
                }
                flushItem()
                out += ordered ? "</ol>\n" : "</ul>\n"
                continue
            }
            if indent >= 4 && paragraph.isEmpty {
                var code: [Substring] = []
                while i < lines.count, lines[i].prefix(4).allSatisfy({ $0 == " " }) || lines[i].allSatisfy({ $0 == " " }) {
                    code.append(lines[i].dropFirst(min(4, lines[i].count)))
                    i += 1
                }
                while code.last?.isEmpty == true { code.removeLast() }
                out += codeBlock(code.joined(separator: "\n"), info: "")
                continue
            }
            paragraph.append(line)
            i += 1
        }
        flushParagraph()
        return out
    }

    // MARK: Blocks

    private func headingLevel(_ body: Substring) -> Int? {
        let hashes = body.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = body.dropFirst(hashes)
        return rest.isEmpty || rest.first == " " || rest.first == "\t" ? hashes : nil
    }

    private func isRule(_ body: Substring) -> Bool {
        let chars = body.filter { $0 != " " }
        guard chars.count >= 3, let first = chars.first, "-*_".contains(first) else { return false }
        return chars.allSatisfy { $0 == first }
    }

    private func startsBlock(_ body: Substring) -> Bool {
        headingLevel(body) != nil || body.hasPrefix(">") || body.hasPrefix("|") || Fence.opening(body) != nil || isRule(body)
    }

    private func listMarker(_ body: Substring) -> (ordered: Bool, width: Int)? {
        if let first = body.first, first == "-" || first == "*" || first == "+", body.dropFirst().first == " " {
            return (false, 2)
        }
        let digits = body.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9 {
            let rest = body.dropFirst(digits.count)
            if let dot = rest.first, dot == "." || dot == ")", rest.dropFirst().first == " " { return (true, digits.count + 2) }
        }
        return nil
    }

    private func isTableSeparator(_ line: Substring) -> Bool {
        let body = line.trimmingSpaces
        guard body.hasPrefix("|"), body.contains("-") else { return false }
        return body.allSatisfy { "|-: ".contains($0) }
    }

    /// The cells of a table row, with `\|` kept as a bar inside a cell.
    private func tableCells(_ line: Substring) -> [String] {
        var body = Substring(line.trimmingSpaces)
        if body.hasPrefix("|") { body = body.dropFirst() }
        if body.hasSuffix("|") && !body.hasSuffix("\\|") { body = body.dropLast() }
        var cells: [String] = []
        var current = ""
        var escaped = false
        for ch in body {
            if escaped {
                current += ch == "|" ? "|" : "\\" + String(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "|" {
                cells.append(current.trimmingSpaces)
                current = ""
            } else {
                current.append(ch)
            }
        }
        if escaped { current += "\\" }
        cells.append(current.trimmingSpaces)
        return cells
    }

    private func table(header: Substring, separator: Substring, rows: [Substring]) -> String {
        let aligns = tableCells(separator).map { cell -> String in
            let left = cell.hasPrefix(":"), right = cell.hasSuffix(":")
            return right && left ? " class=\"center\"" : right ? " class=\"num\"" : ""
        }
        func row(_ cells: [String], tag: String) -> String {
            var text = "<tr>"
            for (i, cell) in cells.enumerated() {
                text += "<\(tag)\(i < aligns.count ? aligns[i] : "")>\(inline(cell))</\(tag)>"
            }
            return text + "</tr>\n"
        }
        var out = "<div class=\"table\"><table>\n<thead>\n" + row(tableCells(header), tag: "th") + "</thead>\n<tbody>\n"
        for r in rows { out += row(tableCells(r), tag: "td") }
        return out + "</tbody>\n</table></div>\n"
    }

    private func codeBlock(_ code: String, info: String) -> String {
        let language = String(info.prefix { $0 != " " && $0 != "\t" })
        switch language {
        case "ainb":
            return "<pre class=\"code\"><code>" + HTMLMarkdown.highlight(code) + "</code></pre>\n"
        case "error":
            return "<pre class=\"error\"><code>" + htmlEscape(code) + "</code></pre>\n"
        case "":
            return "<pre class=\"output\"><code>" + htmlEscape(code) + "</code></pre>\n"
        default:
            return "<pre class=\"code\"><code class=\"language-\(htmlEscape(language))\">" + htmlEscape(code) + "</code></pre>\n"
        }
    }

    // MARK: Inline

    /// Inline markdown as HTML; everything else escaped.
    func inline(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        var strongOpen = false
        var emphasisOpen: Character?
        while i < chars.count {
            let ch = chars[i]
            if ch == "\\", i + 1 < chars.count, "\\`*_[]()#+-.!|{}<>".contains(chars[i + 1]) {
                out += htmlEscape(String(chars[i + 1]))
                i += 2
                continue
            }
            if ch == "`" {
                let run = chars[i...].prefix { $0 == "`" }.count
                if let end = findRun(chars, from: i + run, length: run) {
                    var code = String(chars[(i + run)..<end]).replacingAll("\n", with: " ")
                    if code.hasPrefix(" ") && code.hasSuffix(" ") && code.count > 2 { code = String(code.dropFirst().dropLast()) }
                    out += "<code>" + htmlEscape(code) + "</code>"
                    i = end + run
                } else {
                    out += String(repeating: "`", count: run)
                    i += run
                }
                continue
            }
            if ch == "!" || ch == "[", let link = parseLink(chars, at: ch == "!" ? i + 1 : i), ch == "[" || chars[i + 1] == "[" {
                if ch == "!" {
                    let src = image(link.target) ?? link.target
                    out += "<img src=\"\(htmlEscape(src))\" alt=\"\(htmlEscape(unescapeMarkdown(link.text)))\">"
                } else {
                    out += "<a href=\"\(htmlEscape(link.target))\">" + inline(link.text) + "</a>"
                }
                i = link.end
                continue
            }
            if ch == "*" || ch == "_" {
                let run = chars[i...].prefix { $0 == ch }.count
                let before = i > 0 ? chars[i - 1] : " "
                let after = i + run < chars.count ? chars[i + run] : " "
                // `_` inside a word (snake_case) is a letter, not emphasis.
                let intraword = ch == "_" && (before.isLetter || before.isNumber) && (after.isLetter || after.isNumber)
                if !intraword && run >= 2 && (strongOpen ? !before.isWhitespace : !after.isWhitespace && hasCloser(chars, from: i + 2, run: String(repeating: ch, count: 2))) {
                    out += strongOpen ? "</strong>" : "<strong>"
                    strongOpen.toggle()
                    i += 2
                    continue
                }
                if !intraword && run == 1 {
                    if emphasisOpen == ch && !before.isWhitespace {
                        out += "</em>"
                        emphasisOpen = nil
                        i += 1
                        continue
                    }
                    if emphasisOpen == nil && !after.isWhitespace && hasCloser(chars, from: i + 1, run: String(ch)) {
                        out += "<em>"
                        emphasisOpen = ch
                        i += 1
                        continue
                    }
                }
                out += String(repeating: ch, count: run)
                i += run
                continue
            }
            if ch == "\n" {
                out += "\n"
                i += 1
                continue
            }
            out += htmlEscape(String(ch))
            i += 1
        }
        if emphasisOpen != nil { out += "</em>" }
        if strongOpen { out += "</strong>" }
        return out
    }

    private func hasCloser(_ chars: [Character], from start: Int, run: String) -> Bool {
        let target = Array(run)
        var j = start
        while j + target.count <= chars.count {
            if chars[j] == "`" { return Array(chars[j..<min(j + target.count, chars.count)]) == target ? true : false }
            if Array(chars[j..<(j + target.count)]) == target && j > start && !chars[j - 1].isWhitespace { return true }
            j += 1
        }
        return false
    }

    private func findRun(_ chars: [Character], from start: Int, length: Int) -> Int? {
        var j = start
        while j < chars.count {
            if chars[j] == "`" {
                let run = chars[j...].prefix { $0 == "`" }.count
                if run == length { return j }
                j += run
            } else {
                j += 1
            }
        }
        return nil
    }

    /// `[text](target)` starting at `start` (the `[`): its text, target and end index.
    private func parseLink(_ chars: [Character], at start: Int) -> (text: String, target: String, end: Int)? {
        guard start < chars.count, chars[start] == "[" else { return nil }
        var depth = 0
        var j = start
        while j < chars.count {
            if chars[j] == "\\" { j += 2; continue }
            if chars[j] == "[" { depth += 1 }
            if chars[j] == "]" { depth -= 1; if depth == 0 { break } }
            j += 1
        }
        guard j + 1 < chars.count, chars[j + 1] == "(" else { return nil }
        guard let close = chars[(j + 2)...].firstIndex(of: ")") else { return nil }
        let text = String(chars[(start + 1)..<j])
        let target = String(chars[(j + 2)..<close]).trimmingSpaces
        return (text, target, close + 1)
    }

    private func unescapeMarkdown(_ text: String) -> String {
        var out = ""
        var escaped = false
        for ch in text {
            if escaped { out.append(ch); escaped = false } else if ch == "\\" { escaped = true } else { out.append(ch) }
        }
        return out
    }

    /// The text of inline markdown without its markup (for the table of contents).
    private func plainText(_ text: String) -> String {
        unescapeMarkdown(text.filter { $0 != "`" && $0 != "*" })
    }

    /// A heading's id: lowercase letters, digits and dashes.
    private func slug(_ text: String) -> String {
        var out = ""
        for ch in plainText(text).lowercased() {
            if ch.isLetter || ch.isNumber { out.append(ch) } else if !out.isEmpty && !out.hasSuffix("-") { out += "-" }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "section" : out
    }

    private mutating func uniqueID(_ base: String) -> String {
        let count = usedIDs[base, default: 0] + 1
        usedIDs[base] = count
        return count == 1 ? base : "\(base)-\(count)"
    }

    // MARK: Highlighting

    static let keywords: Set<String> = ["fn", "if", "else", "for", "in", "while", "break", "continue", "return",
                                        "and", "or", "not", "true", "false", "nil"]

    /// `ainb` code as HTML with spans for comments, strings, numbers, keywords and
    /// builtins (`Registry` names).
    static func highlight(_ code: String) -> String {
        let builtins = Set(Registry.shared.names)
        let chars = Array(code)
        var out = ""
        var i = 0
        func span(_ kind: String, _ text: String) { out += "<span class=\"\(kind)\">\(htmlEscape(text))</span>" }
        while i < chars.count {
            let ch = chars[i]
            if ch == "#" {
                var j = i
                while j < chars.count && chars[j] != "\n" { j += 1 }
                span("c", String(chars[i..<j]))
                i = j
            } else if ch == "\"" || ch == "'" {
                var j = i + 1
                while j < chars.count && chars[j] != ch && chars[j] != "\n" {
                    j += chars[j] == "\\" ? 2 : 1
                }
                j = min(j + 1, chars.count)
                span("s", String(chars[i..<j]))
                i = j
            } else if ch.isASCII && ch.isNumber || (ch == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber && (i == 0 || !chars[i - 1].isLetter)) {
                var j = i
                while j < chars.count && (chars[j].isASCII && (chars[j].isNumber || chars[j] == "_" || chars[j] == "e" || chars[j] == "E")
                                          || (chars[j] == "." && j + 1 < chars.count && chars[j + 1].isNumber)
                                          || ((chars[j] == "-" || chars[j] == "+") && (chars[j - 1] == "e" || chars[j - 1] == "E"))) { j += 1 }
                span("n", String(chars[i..<j]))
                i = j
            } else if ch.isLetter || ch == "_" {
                var j = i
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                let word = String(chars[i..<j])
                if keywords.contains(word) { span("k", word) } else if builtins.contains(word) { span("b", word) } else { out += htmlEscape(word) }
                i = j
            } else {
                out += htmlEscape(String(ch))
                i += 1
            }
        }
        return out
    }
}

/// `text` with `&`, `<`, `>` and `"` escaped for HTML.
func htmlEscape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for ch in text {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(ch)
        }
    }
    return out
}

extension Substring {
    /// The text without leading and trailing spaces.
    var trimmingSpaces: String { String(self).trimmingSpaces }
}
