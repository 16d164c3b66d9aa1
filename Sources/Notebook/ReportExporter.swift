import Neural
import Script

/// A report in memory: the markdown, its figures and the metrics file.
public struct Report: Equatable, Sendable {
    /// The notebook's name; the files are `NAME.md`, `NAME-assets/` and `NAME.metrics.json`.
    public var name: String
    /// The text of `NAME.md`.
    public var markdown: String
    /// The figures: file names inside `NAME-assets/` and PNG bytes.
    public var assets: [(name: String, png: [UInt8])]
    /// The text of `NAME.metrics.json`.
    public var metricsJSON: String

    /// Creates a report.
    public init(name: String, markdown: String, assets: [(name: String, png: [UInt8])], metricsJSON: String) {
        self.name = name
        self.markdown = markdown
        self.assets = assets
        self.metricsJSON = metricsJSON
    }

    public static func == (a: Report, b: Report) -> Bool {
        a.name == b.name && a.markdown == b.markdown && a.metricsJSON == b.metricsJSON
            && a.assets.map(\.name) == b.assets.map(\.name) && a.assets.map(\.png) == b.assets.map(\.png)
    }

    /// The folder of the figures, relative to the report: `NAME-assets`.
    public var assetsFolder: String { "\(name)-assets" }
}

/// Turns a run into a markdown report: the prose as written, each cell's code in an
/// `ainb` fence (unless `echo=false`), then its outputs.
///
/// Text goes in plain fences, tables become markdown tables, figures become
/// `![caption](NAME-assets/cell-K-J.png)`, metrics a small table, errors an `error` fence.
/// Nothing depends on the time or the machine, so the same run gives the same bytes.
public enum ReportExporter {
    /// The report of `outcome`.
    public static func report(_ outcome: RunOutcome) -> Report {
        let notebook = outcome.notebook
        let name = notebook.name
        var md = NotebookWriter.frontMatter(title: notebook.title, params: outcome.params)
        var assets: [(name: String, png: [UInt8])] = []
        let results = Dictionary(outcome.results.map { ($0.cell.index, $0) }, uniquingKeysWith: { a, _ in a })
        var needsBlankLine = false
        var lastCell = 0
        blocks: for block in notebook.blocks {
            switch block {
            case .prose(let text, _):
                if let stop = outcome.stoppedAt, lastCell >= stop { break blocks }
                if needsBlankLine && !text.hasPrefix("\n") && !text.hasPrefix("\r\n") { md += "\n" }
                md += text
                needsBlankLine = false
            case .cell(let cell):
                let result = results[cell.index]
                if let stop = outcome.stoppedAt, cell.index > stop { break blocks }
                lastCell = cell.index
                if !md.isEmpty && !md.hasSuffix("\n") { md += "\n" }
                var parts: [String] = []
                if cell.options.echo { parts.append(fenced(cell.code, info: "ainb")) }
                if let result {
                    if cell.options.output {
                        parts += outputBlocks(result, name: name, assets: &assets)
                    } else if result.status == .failed, let failure = result.failure {
                        parts.append(fenced(failure.description, info: "error"))
                    }
                }
                if parts.isEmpty { continue }
                // Outputs (a table, a figure) must not run into a paragraph above them.
                if needsBlankLine || (!cell.options.echo && !md.isEmpty && !md.hasSuffix("\n\n")) { md += "\n" }
                md += parts.joined(separator: "\n")
                needsBlankLine = parts.count > 1 || !cell.options.echo
            }
        }
        if let stop = outcome.stoppedAt {
            if !md.hasSuffix("\n\n") { md += md.hasSuffix("\n") ? "\n" : "\n\n" }
            md += "*The run stopped at cell \(stop), which failed; the cells after it did not run.*\n"
        }
        return Report(name: name, markdown: md, assets: assets, metricsJSON: metricsJSON(outcome.metrics))
    }

    /// The markdown blocks of one cell's outputs (and error), each ending in a newline.
    static func outputBlocks(_ result: CellResult, name: String, assets: inout [(name: String, png: [UInt8])]) -> [String] {
        var blocks: [String] = []
        var pendingText = ""
        var imageCount = 0
        func flushText() {
            if !pendingText.isEmpty { blocks.append(fenced(collapsingCarriageReturns(pendingText), info: "")) }
            pendingText = ""
        }
        for item in result.outputs {
            switch item {
            case .text(let text):
                pendingText += text
                // A text ending in a carriage return is a progress line redrawn in place.
                if !text.hasSuffix("\n") && !text.hasSuffix("\r") { pendingText += "\n" }
            case .table(let headers, let rows):
                flushText()
                blocks.append(markdownTable(headers: headers, rows: rows))
            case .progress:
                continue
            case .timed(let text, _):
                pendingText += text + "\n"
            case .image(let png, let caption):
                flushText()
                imageCount += 1
                let file = "cell-\(result.cell.index)-\(imageCount).png"
                assets.append((file, png))
                blocks.append("![\(escapeAlt(caption))](\(percentEncoded("\(name)-assets/\(file)")))\n")
            }
        }
        if pendingText.hasSuffix("\r") { pendingText += "\n" }
        flushText()
        if !result.metrics.isEmpty {
            blocks.append(markdownTable(headers: ["metric", "value"],
                                        rows: result.metrics.map { [$0.name, formatNumber($0.value)] }))
        }
        if let failure = result.failure {
            blocks.append(fenced(failure.description, info: "error"))
        }
        return blocks
    }

    /// `text` in a fence longer than any run of backticks inside it.
    static func fenced(_ text: String, info: String) -> String {
        let fence = Fence.backticks(holding: text)
        var body = text
        if !body.isEmpty && !body.hasSuffix("\n") { body += "\n" }
        return "\(fence)\(info)\n\(body)\(fence)\n"
    }

    /// A markdown table; columns whose cells are all numbers are right-aligned.
    static func markdownTable(headers: [String], rows: [[String]]) -> String {
        let width = max(headers.count, rows.map(\.count).max() ?? 0, 1)
        func cells(_ row: [String]) -> [String] {
            (0..<width).map { $0 < row.count ? escapeCell(row[$0]) : "" }
        }
        var text = "| " + cells(headers).joined(separator: " | ") + " |\n"
        let aligns = (0..<width).map { column -> String in
            let values = rows.compactMap { column < $0.count ? $0[column] : nil }
            return !values.isEmpty && values.allSatisfy(isNumeric) ? "---:" : "---"
        }
        text += "|" + aligns.joined(separator: "|") + "|\n"
        for row in rows { text += "| " + cells(row).joined(separator: " | ") + " |\n" }
        return text
    }

    /// `{"name": value}` for every metric in recorded order; a name recorded twice keeps
    /// its first place and its last value.
    public static func metricsJSON(_ metrics: [Metric]) -> String {
        var order: [String] = []
        var values: [String: Double] = [:]
        for metric in metrics {
            if values[metric.name] == nil { order.append(metric.name) }
            values[metric.name] = metric.value
        }
        if order.isEmpty { return "{}\n" }
        let lines = order.map { "  \(JSONText.quoted($0)): \(jsonNumber(values[$0] ?? 0))" }
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }

    /// A number as the shortest text that reads back to the same Double (`0.1`, `3.0`,
    /// `1e-05`); the same on every machine.
    public static func formatNumber(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return "\(value)"
    }

    static func jsonNumber(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "null"
    }

    /// Keeps, on each line, only what follows its last carriage return (what a terminal
    /// shows after a progress bar redraws itself).
    static func collapsingCarriageReturns(_ text: String) -> String {
        guard text.contains("\r") else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            var line = line
            while line.last == "\r" { line = line.dropLast() }
            if let cr = line.lastIndex(of: "\r") { return line[line.index(after: cr)...] }
            return line
        }.joined(separator: "\n")
    }

    static func escapeCell(_ text: String) -> String {
        text.replacingAll("\\", with: "\\\\").replacingAll("|", with: "\\|").replacingAll("\n", with: " ")
    }

    static func escapeAlt(_ text: String) -> String {
        text.replacingAll("\\", with: "\\\\").replacingAll("[", with: "\\[").replacingAll("]", with: "\\]")
            .replacingAll("\n", with: " ")
    }

    static func percentEncoded(_ path: String) -> String {
        var out = ""
        for scalar in path.unicodeScalars {
            if scalar == " " || scalar == "(" || scalar == ")" || scalar == "%" || scalar == "<" || scalar == ">" {
                out += "%" + String(scalar.value, radix: 16, uppercase: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isNumeric(_ text: String) -> Bool {
        let trimmed = text.trimmingSpaces
        return ParamValue.isNumber(trimmed) || ["nan", "inf", "-inf"].contains(trimmed)
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
