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
                return "[" + items.prefix(50).map(nested).joined(separator: ", ") + ", ... (\(items.count) items) ..., "
                    + items.suffix(3).map(nested).joined(separator: ", ") + "]"
            }
            return "[" + items.map(nested).joined(separator: ", ") + "]"
        case .record(let r):
            return "{" + zip(r.keys, r.values).map { "\($0): \(nested($1))" }.joined(separator: ", ") + "}"
        case .range(let r):
            if r.step != 1 { return "range(\(number(r.start)), \(number(r.end)), \(number(r.step)))" }
            return "\(number(r.start))..\(number(r.end))"
        case .function(let f): return "<function \(f.name)>"
        case .tensor(let t): return tensor(t.tensor)
        case .host(let h): return h.summary
        }
    }

    /// A value inside a list or record: on one line, so `x, f(21)` reads as one list.
    /// A small tensor shows its values (`tensor([1, 2])`), a larger one its shape.
    static func nested(_ v: Value) -> String {
        guard case .tensor(let box) = v, box.tensor.rank > 0 else { return repr(v) }
        let t = box.tensor
        guard t.count <= 16 else { return "tensor " + Shape.describe(t.shape) }
        let oneLine = t.description.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return "tensor(\(oneLine))"
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

    /// A tensor like NumPy prints an array, after a line with its shape.
    public static func tensor(_ t: Tensor) -> String {
        let header = "tensor " + Shape.describe(t.shape)
        // The engine's NumPy-style text form, after a line with the shape.
        if t.rank == 0 { return "tensor(\(t.description))" }
        return header + "\n" + t.description
    }

    /// A size in bytes as people read it: "24 B", "9.2 kB", "72.1 MB".
    static func byteCount(_ bytes: Int) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// A short summary for `:vars`.
    static func summary(_ v: Value) -> String {
        switch v {
        case .tensor(let t): return "tensor \(Shape.describe(t.tensor.shape)), \(byteCount(t.tensor.count * MemoryLayout<Float>.size))"
        case .list(let items): return items.count <= 8 ? repr(v) : "list of \(items.count) items"
        case .host(let h): return h.summary
        case .function(let f): return "function \(f.name)"
        default:
            let s = repr(v)
            return s.count > 60 ? String(s.prefix(57)) + "..." : s
        }
    }
}
