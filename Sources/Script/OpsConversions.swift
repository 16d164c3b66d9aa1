import Foundation
import Tensor

/// Conversions between values: numbers, tensors from nested lists, and the items of a collection.
extension Ops {
    // MARK: conversions

    /// A float as the double users expect: its shortest decimal form (0.1f is 0.1, not 0.10000000149).
    static func double(_ f: Float) -> Double {
        if f == f.rounded() && Swift.abs(f) < 1e7 { return Double(f) }
        return Double(f.description) ?? Double(f)
    }

    /// The number inside a value (numbers and one-element tensors), or nil.
    static func number(_ v: Value) -> Double? {
        switch v {
        case .number(let n): return n
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.tensor.count == 1: return double(t.tensor.scalars[0])
        default: return nil
        }
    }

    /// An integer index from a value, or an error naming what it got.
    static func integer(_ v: Value, _ what: String) throws -> Int {
        guard let n = primal(v) else { throw ScriptError("\(what) must be a number, got \(v.typeName)") }
        guard n.rounded() == n, abs(n) < 1e15 else { throw ScriptError("\(what) must be a whole number, got \(Format.number(n))") }
        return Int(n)
    }

    /// A tensor from a number, a nested list of numbers, or a tensor.
    static func tensor(_ v: Value) throws -> Tensor {
        switch v {
        case .tensor(let t): return t.tensor
        case .number(let n): return Tensor(Float(n))
        case .bool(let b): return Tensor(b ? 1 : 0)
        case .dual(let a, let d): return try lift(a, d)
        case .list(let items):
            if items.contains(where: tracksGradient) {
                // Keep the gradient path: stack the elements instead of copying their values.
                return try Tensor.stack(try items.map { try tensor($0) })
            }
            var shape: [Int] = []
            var scalars: [Float] = []
            try flatten(items, depth: 0, shape: &shape, into: &scalars)
            try Limits.checkShape(shape)
            return try Tensor(shape: shape, scalars: scalars)
        case .range(let r):
            try Limits.checkShape([r.count])
            return Tensor((0..<r.count).map { Float(r.value(at: $0)) })
        default:
            throw ScriptError("expected a tensor, a number or a list of numbers, got \(v.typeName)")
        }
    }

    /// Whether a value holds a tensor that records gradients.
    static func tracksGradient(_ v: Value) -> Bool {
        switch v {
        case .tensor(let t): return t.tensor.requiresGrad
        case .dual(_, let d): return d != 0
        case .list(let items): return items.contains(where: tracksGradient)
        default: return false
        }
    }

    private static func flatten(_ items: [Value], depth: Int, shape: inout [Int], into out: inout [Float]) throws {
        if depth == shape.count { shape.append(items.count) }
        else if shape[depth] != items.count {
            throw ScriptError("the nested lists are ragged: a list at depth \(depth) has \(items.count) items, another \(shape[depth])")
        }
        guard depth < 32 else { throw ScriptError("lists nested too deeply for a tensor") }
        for item in items {
            switch item {
            case .list(let inner): try flatten(inner, depth: depth + 1, shape: &shape, into: &out)
            case .tensor(let t):
                let ts = t.tensor.shape
                if depth + 1 == shape.count { shape.append(contentsOf: ts) }
                guard Array(shape[(depth + 1)...]) == ts else {
                    throw ScriptError("the nested lists are ragged: a tensor of shape \(Shape.describe(ts)) does not fit")
                }
                out.append(contentsOf: t.tensor.scalars)
            default:
                guard depth + 1 == shape.count else {
                    throw ScriptError("the nested lists are ragged: a number where a list was expected")
                }
                guard let n = primal(item) else { throw ScriptError("a tensor holds numbers, not \(item.typeName)") }
                out.append(Float(n))
            }
        }
    }

    // MARK: iteration

    /// The items `for` walks over.
    static func elements(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let items): return items
        case .range(let r):
            try Limits.checkLength(r.count, "list")
            return (0..<r.count).map { .number(r.value(at: $0)) }
        case .string(let s): return s.map { .string(String($0)) }
        case .record(let r): return r.keys.map { .string($0) }
        case .tensor(let t):
            let x = t.tensor
            guard x.rank >= 1 else { throw ScriptError("cannot iterate over a tensor of rank 0") }
            if x.rank == 1 && x.node == nil { return x.scalars.map { .number(double($0)) } }
            return try (0..<x.shape[0]).map { .tensor(try x.selecting($0)) }
        case .host(let h):
            if let items = try h.elements() { return items }
        default: break
        }
        throw ScriptError("cannot iterate over a \(v.typeName)")
    }

    /// Destructuring: exactly `count` items.
    static func unpack(_ v: Value, count: Int) throws -> [Value] {
        let items: [Value]
        switch v {
        case .list, .tensor, .host, .range: items = try elements(v)
        default: throw ScriptError("cannot unpack a \(v.typeName) into \(count) names")
        }
        guard items.count == count else {
            throw ScriptError("cannot unpack \(items.count) value\(items.count == 1 ? "" : "s") into \(count) names")
        }
        return items
    }

    static func length(_ v: Value) throws -> Int {
        switch v {
        case .list(let a): return a.count
        case .string(let s): return PlainStrings.count(of: s)
        case .record(let r): return r.keys.count
        case .range(let r): return r.count
        case .tensor(let t): return t.tensor.rank == 0 ? 1 : t.tensor.shape[0]
        case .host(let h): if let items = try h.elements() { return items.count }
        default: break
        }
        throw ScriptError("a \(v.typeName) has no length")
    }
}
