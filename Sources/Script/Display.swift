/// What running code shows: the rich forms the notebook runner writes into reports
/// and the REPL prints.
public enum DisplayItem: Equatable, Sendable {
    /// Text: printed output or a value's text form, shown in a plain fence.
    case text(String)
    /// A table, shown as a markdown table in reports and aligned columns in a terminal.
    case table(headers: [String], rows: [[String]])
    /// A figure: PNG bytes and a caption.
    case image(png: [UInt8], caption: String)
    /// A live status line (a training progress bar): redrawn in place on a terminal,
    /// never kept in a report.
    case progress(String)
    /// A line followed by how long something took: a terminal shows the time, a report
    /// leaves it out so that re-runs stay byte-identical.
    case timed(String, seconds: Double)
}

/// Tables as aligned text, for terminals: columns padded to the widest cell, a rule under
/// the headers, one line per row (trailing spaces trimmed), each line ending in a newline.
public enum TableText {
    public static func render(headers: [String], rows: [[String]]) -> String {
        let width = max(headers.count, rows.map(\.count).max() ?? 0)
        guard width > 0 else { return "" }
        let all = [headers] + rows
        let widths = (0..<width).map { column in all.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            var text = (0..<width).map { column -> String in
                let cell = column < row.count ? row[column] : ""
                return cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        var text = headers.isEmpty ? "" : line(headers) + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { text += line(row) }
        return text
    }
}
