import Foundation
import Tensor

/// Thrown when a value carrying a derivative reaches an operation that only the
/// engine can differentiate; `grad` then reruns the function on tensors.
struct DualUnsupported: Error {}

/// One component of an index after evaluation.
enum IndexArg {
    case value(Value)
    case slice(Value?, Value?, Value?)
}

/// Limits that keep a program from exhausting memory.
public enum Limits {
    /// The most elements a tensor built by a program may have (4 GB of floats).
    public static var maxElements = 1 << 30

    /// The most items a list may hold, and characters a string.
    public static var maxListItems = 1 << 26

    /// Throws unless a list or string of `count` items may be built.
    static func checkLength(_ count: Int, _ what: String) throws {
        if count > maxListItems {
            throw ScriptError("a \(what) of \(count) items is too big for memory (the limit is \(maxListItems))")
        }
    }

    /// Throws unless a tensor of `shape` may be allocated.
    public static func checkShape(_ shape: [Int]) throws {
        var total = 1
        for n in shape {
            guard n >= 0 else { throw ScriptError("shape \(Shape.describe(shape)) has a negative size") }
            let (p, overflow) = total.multipliedReportingOverflow(by: n)
            if overflow || p > maxElements {
                throw ScriptError("a tensor of shape \(Shape.describe(shape)) is too big for memory (the limit is \(maxElements) elements)")
            }
            total = p
        }
    }
}

/// The operators and the generic (slow-path) semantics of values.
enum Ops {
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
        if case .dual = v { throw DualUnsupported() }
        guard let n = number(v) else { throw ScriptError("\(what) must be a number, got \(v.typeName)") }
        guard n.rounded() == n, abs(n) < 1e15 else { throw ScriptError("\(what) must be a whole number, got \(Format.number(n))") }
        return Int(n)
    }

    /// A tensor from a number, a nested list of numbers, or a tensor.
    static func tensor(_ v: Value) throws -> Tensor {
        switch v {
        case .tensor(let t): return t.tensor
        case .number(let n): return Tensor(Float(n))
        case .bool(let b): return Tensor(b ? 1 : 0)
        case .dual: throw DualUnsupported()
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
                if case .dual = item { throw DualUnsupported() }
                guard let n = number(item) else { throw ScriptError("a tensor holds numbers, not \(item.typeName)") }
                out.append(Float(n))
            }
        }
    }

    /// A number when the tensor has one element and rank 0, else the tensor.
    static func wrap(_ t: Tensor) -> Value { .tensor(t) }

    // MARK: unary

    static func negate(_ v: Value) throws -> Value {
        switch v {
        case .number(let n): return .number(-n)
        case .dual(let a, let d): return .dual(-a, -d)
        case .tensor(let t): return .tensor(-t.tensor)
        case .host(let h):
            if let r = try h.binary("neg", .null, reversed: false) { return r }
        default: break
        }
        throw ScriptError("cannot negate a \(v.typeName)")
    }

    // MARK: binary

    static func binary(_ op: String, _ l: Value, _ r: Value) throws -> Value {
        switch (l, r) {
        case (.number(let a), .number(let b)): return try numbers(op, a, b)
        case (.dual, _), (_, .dual):
            if op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=" {
                if let a = primal(l), let b = primal(r) { return try numbers(op, a, b) }
            }
            return try dual(op, l, r)
        default: break
        }
        let tensorSide: Bool
        switch (l, r) {
        case (.tensor, .tensor), (.tensor, .number), (.number, .tensor), (.tensor, .bool), (.bool, .tensor): tensorSide = true
        default: tensorSide = false
        }
        if tensorSide && (op == "==" || op == "!=") {
            // Elementwise, as in NumPy: 1 where it holds, 0 elsewhere.
            let (a, b) = (try tensor(l), try tensor(r))
            guard let shape = Shape.broadcast(a.shape, b.shape) else { throw TensorError.shapeMismatch(op: op, a.shape, b.shape) }
            try Limits.checkShape(shape)
            return .tensor(try compare(a, op == "==" ? .equal : .notEqual, b))
        }
        if op == "==" { return .bool(equal(l, r)) }
        if op == "!=" { return .bool(!equal(l, r)) }
        if case .host(let h) = l, let v = try h.binary(op, r, reversed: false) { return v }
        if case .host(let h) = r, let v = try h.binary(op, l, reversed: true) { return v }
        switch (l, r) {
        case (.tensor, _), (_, .tensor):
            return try tensors(op, try operand(l, op), try operand(r, op))
        case (.string(let a), .string(let b)):
            switch op {
            case "+":
                try Limits.checkLength(a.utf8.count + b.utf8.count, "string")
                return .string(a + b)
            case "<": return .bool(a < b)
            case "<=": return .bool(a <= b)
            case ">": return .bool(a > b)
            case ">=": return .bool(a >= b)
            default: break
            }
        case (.string, _), (_, .string):
            if op == "+" {
                throw ScriptError("cannot add a \(l.typeName) and a \(r.typeName); to put a value in a string, write \"...{x}...\"")
            }
            if op == "*", case .string(let s) = l, let n = number(r) {
                guard n >= 0, n.rounded() == n else {
                    throw ScriptError("a string can be repeated a whole, non-negative number of times, got \(Format.number(n))")
                }
                guard n <= Double(Limits.maxListItems), Double(s.utf8.count) * n <= Double(Limits.maxListItems) else {
                    throw ScriptError("a string repeated \(Format.number(n)) times is too large (the limit is \(Limits.maxListItems) characters)")
                }
                return .string(String(repeating: s, count: Int(n)))
            }
        case (.list(let a), .list(let b)):
            if op == "+" {
                try Limits.checkLength(a.count + b.count, "list")
                return .list(a + b)
            }
        case (.list(let a), .number(let n)) where op == "*":
            if n > Double(Limits.maxListItems) || Double(a.count) * n > Double(Limits.maxListItems) {
                throw ScriptError("a list repeated \(Format.number(n)) times is too big for memory (the limit is \(Limits.maxListItems) items)")
            }
            guard n >= 0, n.rounded() == n else {
                throw ScriptError("a list can be repeated a whole, non-negative number of times, got \(Format.number(n))")
            }
            return .list(Array(repeating: a, count: Int(n)).flatMap { $0 })
        case (.list, .number), (.number, .list):
            if op == "+" || op == "-" || op == "*" || op == "/" || op == "^" {
                return try tensors(op, try tensor(l), try tensor(r))
            }
        case (.list, .list) where op != "+": break
        case (.bool(let a), .bool(let b)) where op == "<" || op == ">" || op == "<=" || op == ">=":
            return try numbers(op, a ? 1 : 0, b ? 1 : 0)
        default: break
        }
        throw ScriptError("cannot apply '\(op)' to a \(l.typeName) and a \(r.typeName)")
    }

    private static func operand(_ v: Value, _ op: String) throws -> Tensor {
        switch v {
        case .tensor(let t): return t.tensor
        case .number, .list, .bool: return try tensor(v)
        default: throw ScriptError("cannot apply '\(op)' to a tensor and a \(v.typeName)")
        }
    }

    static func numbers(_ op: String, _ a: Double, _ b: Double) throws -> Value {
        switch op {
        case "+": return .number(a + b)
        case "-": return .number(a - b)
        case "*": return .number(a * b)
        case "/": return .number(a / b)
        case "%":
            let m = a.truncatingRemainder(dividingBy: b)
            return .number(m != 0 && (m < 0) != (b < 0) ? m + b : m)
        case "^": return .number(b == 2 ? a * a : Foundation.pow(a, b))
        case "<": return .bool(a < b)
        case "<=": return .bool(a <= b)
        case ">": return .bool(a > b)
        case ">=": return .bool(a >= b)
        case "==": return .bool(a == b)
        case "!=": return .bool(a != b)
        case "@": throw ScriptError("'@' multiplies matrices; for numbers use '*'")
        default: throw ScriptError("unknown operator '\(op)'")
        }
    }

    static func primal(_ v: Value) -> Double? {
        if case .dual(let a, _) = v { return a }
        return number(v)
    }

    /// Forward-mode arithmetic on numbers that carry a derivative.
    static func dual(_ op: String, _ l: Value, _ r: Value) throws -> Value {
        func parts(_ v: Value) throws -> (Double, Double) {
            switch v {
            case .dual(let a, let d): return (a, d)
            case .number(let a): return (a, 0)
            default: throw DualUnsupported()
            }
        }
        let (a, da) = try parts(l), (b, db) = try parts(r)
        switch op {
        case "+": return .dual(a + b, da + db)
        case "-": return .dual(a - b, da - db)
        case "*": return .dual(a * b, a * db + b * da)
        case "/": return .dual(a / b, (da * b - a * db) / (b * b))
        case "%": return .dual(try numbers("%", a, b).numberValue, da)
        case "^":
            let v = b == 2 ? a * a : Foundation.pow(a, b)
            var d = da == 0 ? 0 : (b == 2 ? 2 * a * da : b * Foundation.pow(a, b - 1) * da)
            if db != 0 && a > 0 { d += v * Foundation.log(a) * db }
            return .dual(v, d)
        default: throw DualUnsupported()
        }
    }

    static func tensors(_ op: String, _ a: Tensor, _ b: Tensor) throws -> Value {
        if op != "@" {
            guard let shape = Shape.broadcast(a.shape, b.shape) else {
                throw TensorError.shapeMismatch(op: op, a.shape, b.shape)
            }
            try Limits.checkShape(shape)
        } else if a.rank >= 1 && b.rank >= 2 {
            try Limits.checkShape(Array(a.shape.dropLast()) + [b.shape[b.rank - 1]])
        }
        switch op {
        case "+": return .tensor(try a + b)
        case "-": return .tensor(try a - b)
        case "*": return .tensor(try a * b)
        case "/": return .tensor(try a / b)
        case "^": return .tensor(try pow(a, b))
        case "@":
            guard a.rank >= 1, b.rank >= 1 else {
                throw ScriptError("'@' needs tensors of rank 1 or more, got shapes \(Shape.describe(a.shape)) and \(Shape.describe(b.shape))")
            }
            return .tensor(try matmul(a, b))
        case "%":
            let shape = Shape.broadcast(a.shape, b.shape)!
            let x = try a.detached.broadcast(to: shape), y = try b.detached.broadcast(to: shape)
            var out = [Float](repeating: 0, count: x.count)
            for i in 0..<out.count {
                let m = x.scalars[i].truncatingRemainder(dividingBy: y.scalars[i])
                out[i] = m != 0 && (m < 0) != (y.scalars[i] < 0) ? m + y.scalars[i] : m
            }
            return .tensor(try Tensor(shape: shape, scalars: out))
        case "<": return .tensor(try compare(a, .less, b))
        case "<=": return .tensor(try compare(a, .lessEqual, b))
        case ">": return .tensor(try compare(a, .greater, b))
        case ">=": return .tensor(try compare(a, .greaterEqual, b))
        default: throw ScriptError("cannot apply '\(op)' to tensors")
        }
    }

    /// Structural equality; tensors are equal when shapes and values are.
    static func equal(_ l: Value, _ r: Value) -> Bool {
        switch (l, r) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.record(let a), .record(let b)):
            return a.keys == b.keys && zip(a.values, b.values).allSatisfy { equal($0, $1) }
        case (.range(let a), .range(let b)): return a.start == b.start && a.end == b.end && a.step == b.step
        case (.tensor(let a), .tensor(let b)): return a.tensor.shape == b.tensor.shape && a.tensor.scalars == b.tensor.scalars
        case (.function(let a), .function(let b)): return a === b
        case (.host(let a), .host(let b)): return a === b
        case (.dual, _), (_, .dual): return primal(l) == primal(r)
        default: return false
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
        case .string(let s): return s.count
        case .record(let r): return r.keys.count
        case .range(let r): return r.count
        case .tensor(let t): return t.tensor.rank == 0 ? 1 : t.tensor.shape[0]
        case .host(let h): if let items = try h.elements() { return items.count }
        default: break
        }
        throw ScriptError("a \(v.typeName) has no length")
    }

    // MARK: indexing

    /// Resolves a Python-style index against a count (negative counts from the end).
    static func position(_ v: Value, count: Int, axis: Int = 0) throws -> Int {
        let i = try integer(v, "an index")
        let j = i < 0 ? i + count : i
        guard j >= 0 && j < count else {
            throw ScriptError("index \(i) is out of range for \(axis == 0 ? "length" : "axis \(axis) of size") \(count)")
        }
        return j
    }

    /// The positions a slice selects from `count` items (Python semantics, negative steps included).
    static func slicePositions(_ a: Value?, _ b: Value?, _ s: Value?, count: Int) throws -> [Int] {
        let step = try s.map { try integer($0, "a slice step") } ?? 1
        guard step != 0 else { throw ScriptError("a slice step cannot be 0") }
        func bound(_ v: Value?, _ dflt: Int) throws -> Int {
            guard let v, !isNil(v) else { return dflt }
            var i = try integer(v, "a slice bound")
            if i < 0 { i += count }
            return step > 0 ? min(max(i, 0), count) : min(max(i, -1), count - 1)
        }
        let start = try bound(a, step > 0 ? 0 : count - 1)
        let end = try bound(b, step > 0 ? count : -1)
        return Array(stride(from: start, to: end, by: step))
    }

    static func isNil(_ v: Value) -> Bool { if case .null = v { return true }; return false }

    static func index(_ v: Value, _ idx: [IndexArg]) throws -> Value {
        switch v {
        case .tensor(let t): return .tensor(try tensorIndex(t.tensor, idx))
        case .host(let h):
            guard idx.count == 1 else { throw ScriptError("a \(h.typeName) takes one index") }
            let arg: Value
            switch idx[0] {
            case .value(let x): arg = x
            case .slice(let a, let b, let s):
                let n = (try h.elements())?.count ?? 0
                arg = .list(try slicePositions(a, b, s, count: n).map { .number(Double($0)) })
            }
            if let r = try h.index(arg) { return r }
            throw ScriptError("a \(h.typeName) cannot be indexed")
        default: break
        }
        guard idx.count == 1 else { throw ScriptError("a \(v.typeName) takes one index, got \(idx.count)") }
        switch (v, idx[0]) {
        case (.list(let items), .value(let i)):
            if case .list(let picks) = i { return .list(try picks.map { items[try position($0, count: items.count)] }) }
            return items[try position(i, count: items.count)]
        case (.list(let items), .slice(let a, let b, let s)):
            return .list(try slicePositions(a, b, s, count: items.count).map { items[$0] })
        case (.string(let str), .value(let i)):
            let chars = Array(str)
            return .string(String(chars[try position(i, count: chars.count)]))
        case (.string(let str), .slice(let a, let b, let s)):
            let chars = Array(str)
            return .string(String(try slicePositions(a, b, s, count: chars.count).map { chars[$0] }))
        case (.range(let r), .value(let i)):
            return .number(r.value(at: try position(i, count: r.count)))
        case (.range(let r), .slice(let a, let b, let s)):
            return .list(try slicePositions(a, b, s, count: r.count).map { .number(r.value(at: $0)) })
        case (.record(let r), .value(.string(let key))):
            guard let x = r[key] else { throw ScriptError("the record has no field '\(key)'" + Suggest.didYouMean(key, r.keys)) }
            return x
        default:
            throw ScriptError("a \(v.typeName) cannot be indexed like this")
        }
    }

    static func tensorIndex(_ t: Tensor, _ idx: [IndexArg]) throws -> Tensor {
        // A list or tensor of integers picks rows.
        if idx.count == 1, case .value(let v) = idx[0] {
            switch v {
            case .list(let items):
                let rows = try items.map { try position($0, count: t.rank > 0 ? t.shape[0] : 0) }
                return try t.gathering(rows)
            case .tensor(let picks) where picks.tensor.rank == 1:
                let n = t.rank > 0 ? t.shape[0] : 0
                let rows = try picks.tensor.scalars.map { try position(.number(Double($0)), count: n) }
                return try t.gathering(rows)
            default: break
            }
        }
        guard idx.count <= t.rank else {
            throw ScriptError("too many indices: \(idx.count) for a tensor of rank \(t.rank) (shape \(Shape.describe(t.shape)))")
        }
        var ranges: [SliceRange] = []
        var dropped: [Int] = []
        var needsGather: [(axis: Int, positions: [Int])] = []
        for (axis, comp) in idx.enumerated() {
            let n = t.shape[axis]
            switch comp {
            case .value(let v):
                let i = try integer(v, "an index")
                let j = i < 0 ? i + n : i
                guard j >= 0 && j < n else {
                    throw ScriptError("index \(i) is out of range for axis \(axis) of size \(n)")
                }
                ranges.append(SliceRange(start: j, end: j + 1))
                dropped.append(axis)
            case .slice(let a, let b, let s):
                let step = try s.map { try integer($0, "a slice step") } ?? 1
                if step > 0 {
                    let start = try a.flatMap { isNil($0) ? nil : try integer($0, "a slice bound") }
                    let end = try b.flatMap { isNil($0) ? nil : try integer($0, "a slice bound") }
                    ranges.append(SliceRange(start: start, end: end, step: step))
                } else {
                    let positions = try slicePositions(a, b, s, count: n)
                    needsGather.append((axis, positions))
                    ranges.append(.all)
                }
            }
        }
        var out = try t.sliced(ranges)
        for (axis, positions) in needsGather {
            // Reverse-stepped slices: move the axis first, gather rows, move it back.
            var order = Array(0..<out.rank)
            order.swapAt(0, axis)
            out = try out.permuted(order).gathering(positions).permuted(order)
        }
        if !dropped.isEmpty {
            var shape = out.shape
            for a in dropped.reversed() { shape.remove(at: a) }
            out = try out.reshaped(shape)
        }
        return out
    }

    /// The number of items of a list (0 for anything else), without holding on to it.
    @inline(never)
    private static func count(of v: Value) -> Int {
        if case .list(let items) = v { return items.count }
        return 0
    }

    static func setIndex(_ container: inout Value, _ idx: [IndexArg], _ value: Value) throws {
        try modifyIndex(&container, idx, insert: true) { $0 = value }
    }

    /// Changes one item of a list or one field of a record in place (`rows[i][j] = v` changes
    /// row i inside `rows`). The list or record is moved out of `container` first, so its
    /// buffer is not shared and changes without a copy. `insert` adds a missing field.
    static func modifyIndex(_ container: inout Value, _ idx: [IndexArg], insert: Bool = false, _ update: (inout Value) throws -> Void) throws {
        guard idx.count == 1 else { throw ScriptError("assignment takes one index") }
        if case .tensor = container {
            throw ScriptError("tensors cannot be changed in place; build a new one (for example with where())")
        }
        guard case .value(let i) = idx[0] else { throw ScriptError("cannot assign into a \(container.typeName) by index") }
        if case .list = container {
            let j = try position(i, count: count(of: container))
            guard var items = container.takeList() else { return }
            defer { container = .list(items) }
            try update(&items[j])
            return
        }
        if case .record = container, case .string(let key) = i {
            try modifyMember(&container, key, insert: insert, update)
            return
        }
        throw ScriptError("cannot assign into a \(container.typeName) by index")
    }

    // MARK: members

    static func member(_ v: Value, _ name: String) throws -> Value {
        switch v {
        case .record(let r):
            if let x = r[name] { return x }
            throw ScriptError("the record has no field '\(name)'" + Suggest.didYouMean(name, r.keys))
        case .tensor(let box):
            let t = box.tensor
            switch name {
            case "shape": return .list(t.shape.map { .number(Double($0)) })
            case "rank", "ndim": return .number(Double(t.rank))
            case "count", "size": return .number(Double(t.count))
            case "T": return .tensor(try t.transposed())
            case "item":
                guard let x = t.item else { throw ScriptError("item needs a tensor with one element, got shape \(Shape.describe(t.shape))") }
                return .number(double(x))
            default: break
            }
        case .list(let items):
            switch name {
            case "first": guard let x = items.first else { throw ScriptError("the list is empty: it has no first item") }; return x
            case "last": guard let x = items.last else { throw ScriptError("the list is empty: it has no last item") }; return x
            case "count", "length": return .number(Double(items.count))
            default: break
            }
        case .string(let s):
            if name == "count" || name == "length" { return .number(Double(s.count)) }
        case .range(let r):
            switch name {
            case "start": return .number(r.start)
            case "end": return .number(r.end)
            case "step": return .number(r.step)
            case "count", "length": return .number(Double(r.count))
            default: break
            }
        case .function(let f):
            if name == "name" { return .string(f.name) }
        case .host(let h):
            if let x = try h.member(name) { return x }
        case .dual:
            throw DualUnsupported()
        default: break
        }
        if let builtin = Registry.shared.function(name) {
            return .function(BoundMethod(receiver: v, function: builtin))
        }
        throw ScriptError("a \(v.typeName) has no member '\(name)'" + Suggest.didYouMean(name, memberNames(v)))
    }

    /// Members completions offer after `x.`.
    static func memberNames(_ v: Value) -> [String] {
        switch v {
        case .record(let r): return r.keys
        case .tensor: return ["shape", "rank", "count", "T", "item"] + Registry.shared.names(inModule: "tensor")
        case .list: return ["first", "last", "count"]
        case .string: return ["count"]
        case .range: return ["start", "end", "step", "count"]
        case .host(let h): return h.memberNames
        default: return []
        }
    }

    static func setMember(_ v: inout Value, _ name: String, _ value: Value) throws {
        guard case .record = v else { throw ScriptError("cannot set a field of a \(v.typeName)") }
        try modifyMember(&v, name, insert: true) { $0 = value }
    }

    /// Changes one field of a record in place (`bodies[i].vx = v`); `insert` adds it when missing.
    static func modifyMember(_ v: inout Value, _ name: String, insert: Bool = false, _ update: (inout Value) throws -> Void) throws {
        guard case .record(let r) = v else {
            // Reading the member gives the error a read would (no such field, not a record).
            _ = try member(v, name)
            throw ScriptError("cannot set a field of a \(v.typeName)")
        }
        let found = r.keys.firstIndex(of: name)
        if found == nil && !insert {
            throw ScriptError("the record has no field '\(name)'" + Suggest.didYouMean(name, r.keys))
        }
        guard var record = v.takeRecord() else { return }
        defer { v = .record(record) }
        if let i = found {
            try update(&record.values[i])
        } else {
            var fresh = Value.null
            try update(&fresh)
            record.keys.append(name)
            record.values.append(fresh)
        }
    }
}

extension Value {
    /// Moves the list out, leaving nil in its place, so the caller holds the only reference
    /// to its buffer (unless another value shares it).
    @inline(__always)
    mutating func takeList() -> [Value]? {
        guard case .list(let items) = self else { return nil }
        self = .null
        return items
    }

    /// Moves the record out, leaving nil in its place.
    @inline(__always)
    mutating func takeRecord() -> Record? {
        guard case .record(let r) = self else { return nil }
        self = .null
        return r
    }

    /// Moves the string out, leaving nil in its place.
    @inline(__always)
    mutating func takeString() -> String? {
        guard case .string(let s) = self else { return nil }
        self = .null
        return s
    }

    /// The number, or NaN (for internal use where a number is known).
    var numberValue: Double { if case .number(let n) = self { return n }; return .nan }
}

/// A builtin with its first argument already given: `x.sum()` is `sum(x)`.
final class BoundMethod: Function {
    let receiver: Value
    let function: Function

    init(receiver: Value, function: Function) {
        self.receiver = receiver
        self.function = function
        super.init(name: function.name)
    }

    override func call(_ args: [Value], named: [(String, Value)], _ rt: Runtime, at pos: Pos) throws -> Value {
        try function.call([receiver] + args, named: named, rt, at: pos)
    }
}
