import Foundation
import Graphics
import Tensor

/// `chart` (several labelled series on shared axes, optionally a log y axis) and `table`.
extension Registry {
    /// One series of a chart from a record {x:, y:, label:, style:}.
    static func chartSeries(_ v: Value, index: Int) throws -> Series {
        guard case .record(let r) = v else {
            throw ScriptError("each series of chart must be a record {x:, y:, label:}, got \(Format.article(v))")
        }
        for key in r.keys where !["x", "y", "label", "style"].contains(key) {
            throw ScriptError("chart: unknown series field '\(key)' (fields: x, y, label, style)")
        }
        guard let yv = r["y"] else { throw ScriptError("chart: series \(index + 1) has no 'y'") }
        let y = try numbers(yv, "the 'y' of a chart series")
        let x = try r["x"].map { try numbers($0, "the 'x' of a chart series") } ?? y.indices.map(Double.init)
        guard x.count == y.count else {
            throw ScriptError("chart: series \(index + 1) has \(x.count) x values but \(y.count) y values")
        }
        var label: String?
        if let l = r["label"], case .string(let s) = l { label = s }
        var style = "line"
        if let s = r["style"] {
            guard case .string(let name) = s, ["line", "points", "line+points"].contains(name) else {
                throw ScriptError("chart: style must be \"line\", \"points\" or \"line+points\", got \(Format.repr(s))")
            }
            style = name
        }
        switch style {
        case "points": return .scatter(x: x, y: y, label: label, color: Color.series(index), marker: .dot, size: 8)
        case "line+points": return .line(x: x, y: y, label: label, color: Color.series(index), marker: .dot)
        default: return .line(x: x, y: y, label: label, color: Color.series(index))
        }
    }

    static func registerCharts(_ r: Registry) {
        r.add("chart", "charts", [.required("series", "list of records {x:, y:, label:, style:}"), .optional("title", "string", .null),
                                  .optional("xlabel", "string", .null), .optional("ylabel", "string", .null),
                                  .optional("logy", "bool", .bool(false)), .optional("ylim", "[low, high]", .null)],
              returns: "figure", summary: "Several labelled series on shared axes, with a legend: lines, points, or both.",
              details: "Each series is a record: `y` (numbers), optionally `x` (default 0, 1, 2, ...), `label` (shown in the legend) and `style` (\"line\", \"points\" or \"line+points\"). `logy: true` draws the y axis on a log scale. Points that are NaN, infinite, or not positive on a log axis are left out (a line breaks there), so a diverging run cannot break the figure. `ylim: [low, high]` fixes the y range.",
              example: "xs = list(range(-3, 4))\nchart([{x: xs, y: map(xs, fn(v) v^2), label: \"x²\"}, {x: xs, y: xs, label: \"x\", style: \"points\"}], title: \"two series\")") { a in
            let items = try a.list("series")
            guard !items.isEmpty, items.count <= 64 else { throw ScriptError("argument 'series' of chart must hold 1 to 64 series") }
            let series = try items.enumerated().map { try chartSeries($1, index: $0) }
            var limits: ClosedRange<Double>?
            if try !a.isNil("ylim") {
                let l = try numbers(try a.value("ylim"), "argument 'ylim' of chart")
                guard l.count == 2, l[0] < l[1], l.allSatisfy(\.isFinite) else {
                    throw ScriptError("argument 'ylim' of chart must be [low, high] with low < high")
                }
                limits = l[0]...l[1]
            }
            let logy = try a.bool("logy")
            if logy, let limits, limits.lowerBound <= 0 { throw ScriptError("chart: ylim must be positive on a log axis") }
            let title = try optionalString(a, "title")
            let plot = Plot(series: series, xLabel: try optionalString(a, "xlabel"), yLabel: try optionalString(a, "ylabel"),
                            yScale: logy ? .log : .linear, yLimits: limits,
                            legend: series.contains { $0.label != nil } ? .auto : .none)
            return .host(FigureObject(Figure(plot, title: title), caption: title ?? "chart"))
        }
        r.add("table", "charts", [.required("rows", "list of records (or of lists)"), .optional("headers", "list of strings", .null)],
              returns: "table", summary: "A table: shown as a markdown table in reports and aligned columns in the REPL.",
              details: "Rows that are records give the headers from their field names (of the first row); rows that are lists need `headers`. Numbers print as `print` writes them.",
              example: "table([{step: \"loaded\", faces: 2000}, {step: \"train\", faces: 1600}])") { a in
            let rows = try a.list("rows")
            var headers = try a.isNil("headers") ? nil : try a.list("headers").map(Format.str)
            var cells: [[String]] = []
            for row in rows {
                switch row {
                case .record(let rec):
                    if headers == nil { headers = rec.keys }
                    cells.append((headers ?? []).map { rec[$0].map(Format.str) ?? "" })
                case .list(let items): cells.append(items.map(Format.str))
                default: throw ScriptError("each row of table must be a record or a list, got \(Format.article(row))")
                }
            }
            guard let headers, !headers.isEmpty else { throw ScriptError("table needs headers: give record rows or `headers:`") }
            for row in cells where row.count != headers.count {
                throw ScriptError("table: a row has \(row.count) cells but there are \(headers.count) headers")
            }
            return .host(TableObject(headers: headers, rows: cells))
        }
    }
}

/// A table of text cells: a markdown table in reports.
final class TableObject: HostObject {
    let headers: [String]
    let rows: [[String]]
    init(headers: [String], rows: [[String]]) { self.headers = headers; self.rows = rows }
    var typeName: String { "table" }
    var summary: String { "table: \(rows.count) rows × \(headers.count) columns" }
    var memberNames: [String] { ["rows", "headers"] }
    func member(_ name: String) throws -> Value? {
        switch name {
        case "headers": return .list(headers.map { .string($0) })
        case "rows": return .list(rows.map { .list($0.map { .string($0) }) })
        default: return nil
        }
    }
    func display() -> [DisplayItem] { [.table(headers: headers, rows: rows)] }
}
