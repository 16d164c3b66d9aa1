import Foundation
import Tensor

/// Text forms of values: `str` for printing and interpolation, `repr` for display.
public enum Format {
    /// A number as users write it: whole numbers without ".0", others in their shortest exact form.
    static func number(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        if d == d.rounded() && abs(d) < 1e16 { return String(Int64(d)) }
        return "\(d)"
    }

    /// The value as `print` and "{x}" show it (strings without quotes).
    static func str(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return repr(v)
    }

    /// "a number", "a string", "an image" ... for messages.
    static func article(_ v: Value) -> String {
        let t = v.typeName
        return (["a", "e", "i", "o", "u"].contains(t.first.map(String.init) ?? "") ? "an " : "a ") + t
    }

    /// The value as source-like text (strings quoted).
    static func repr(_ v: Value) -> String {
        switch v {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return number(n)
        case .dual(let a, _): return number(a)
        case .string(let s):
            var out = "\""
            for c in s {
                switch c {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "{": out += "{{"
                case "}": out += "}}"
                default: out.append(c)
                }
            }
            return out + "\""
        case .list(let items):
            if items.count > 100 {
                return "[" + items.prefix(50).map(repr).joined(separator: ", ") + ", ... (\(items.count) items) ..., "
                    + items.suffix(3).map(repr).joined(separator: ", ") + "]"
            }
            return "[" + items.map(repr).joined(separator: ", ") + "]"
        case .record(let r):
            return "{" + zip(r.keys, r.values).map { "\($0): \(repr($1))" }.joined(separator: ", ") + "}"
        case .range(let r):
            if r.step != 1 { return "range(\(number(r.start)), \(number(r.end)), \(number(r.step)))" }
            return "\(number(r.start))..\(number(r.end))"
        case .function(let f): return "<function \(f.name)>"
        case .tensor(let t): return tensor(t.tensor)
        case .host(let h): return h.summary
        }
    }

    /// The rich display of a value (nil shows nothing).
    static func display(_ v: Value) -> [DisplayItem] {
        switch v {
        case .null: return []
        case .host(let h): return h.display()
        default: return [.text(repr(v))]
        }
    }

    // MARK: tensors

    /// How many values a tensor shows before it is summarised with "...".
    public static var tensorThreshold = 1000
    /// How many values on each side of "..." per axis.
    public static var edgeItems = 3

    /// A tensor like NumPy prints an array, after a line with its shape.
    public static func tensor(_ t: Tensor) -> String {
        let header = "tensor " + Shape.describe(t.shape)
        if t.rank == 0 { return "tensor(\(scalarText(t.scalars.first ?? 0, style: style(of: t.scalars))))" }
        if t.count == 0 { return header + "\n[]" }
        let summarise = t.count > tensorThreshold
        // Collect the values that will show, to choose one style and width.
        var shown: [Float] = []
        collect(t, axis: 0, offset: 0, summarise: summarise, into: &shown)
        let style = style(of: shown)
        let width = shown.map { scalarText($0, style: style).count }.max() ?? 1
        var out = ""
        render(t, axis: 0, offset: 0, summarise: summarise, style: style, width: width, indent: 1, into: &out)
        return header + "\n" + out
    }

    enum Style { case integer, fixed(Int), scientific }

    static func style(of values: [Float]) -> Style {
        let finite = values.filter { $0.isFinite }
        if finite.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e8 }) { return .integer }
        let big = finite.map { abs($0) }.max() ?? 0
        let small = finite.filter { $0 != 0 }.map { abs($0) }.min() ?? 1
        if big >= 1e8 || small < 1e-4 { return .scientific }
        // As few decimals as show every value exactly at float precision, at most 4.
        var decimals = 1
        for d in 1...4 {
            decimals = d
            let scale = Float(Foundation.pow(10, Double(d)))
            if finite.allSatisfy({ abs(($0 * scale).rounded() / scale - $0) <= abs($0) * 1e-6 }) { break }
        }
        return .fixed(decimals)
    }

    static func scalarText(_ x: Float, style: Style) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        switch style {
        case .integer: return String(Int64(x))
        case .fixed(let d): return String(format: "%.\(d)f", Double(x))
        case .scientific: return String(format: "%.4e", Double(x))
        }
    }

    private static func strideOf(_ t: Tensor, _ axis: Int) -> Int { t.shape[(axis + 1)...].reduce(1, *) }

    private static func indices(_ n: Int, _ summarise: Bool) -> [Int?] {
        if summarise && n > 2 * edgeItems { return Array(0..<edgeItems) + [nil] + Array((n - edgeItems)..<n) }
        return Array(0..<n)
    }

    private static func collect(_ t: Tensor, axis: Int, offset: Int, summarise: Bool, into out: inout [Float]) {
        let stride = strideOf(t, axis)
        for i in indices(t.shape[axis], summarise) {
            guard let i else { continue }
            if axis == t.rank - 1 { out.append(t.scalars[offset + i]) }
            else { collect(t, axis: axis + 1, offset: offset + i * stride, summarise: summarise, into: &out) }
        }
    }

    private static func render(_ t: Tensor, axis: Int, offset: Int, summarise: Bool, style: Style, width: Int, indent: Int, into out: inout String) {
        let stride = strideOf(t, axis)
        out += "["
        let idx = indices(t.shape[axis], summarise)
        if axis == t.rank - 1 {
            out += idx.map { i in
                guard let i else { return "..." }
                let s = scalarText(t.scalars[offset + i], style: style)
                return String(repeating: " ", count: max(0, width - s.count)) + s
            }.joined(separator: ", ")
        } else {
            let separator = ",\n" + String(repeating: "\n", count: max(0, t.rank - axis - 2)) + String(repeating: " ", count: indent)
            var first = true
            for i in idx {
                if !first { out += separator }
                first = false
                guard let i else { out += "..."; continue }
                render(t, axis: axis + 1, offset: offset + i * stride, summarise: summarise, style: style, width: width, indent: indent + 1, into: &out)
            }
        }
        out += "]"
    }

    /// A short summary for `:vars`.
    static func summary(_ v: Value) -> String {
        switch v {
        case .tensor(let t): return "tensor \(Shape.describe(t.tensor.shape))"
        case .list(let items): return items.count <= 8 ? repr(v) : "list of \(items.count) items"
        case .host(let h): return h.summary
        case .function(let f): return "function \(f.name)"
        default:
            let s = repr(v)
            return s.count > 60 ? String(s.prefix(57)) + "..." : s
        }
    }
}
