import Foundation
import Tensor

/// One component of an index after evaluation.
enum IndexArg {
    case value(Value)
    case slice(Value?, Value?, Value?)
}

/// Reading and writing by index and slice: `x[i]`, `x[a:b]`, `t[i, j]`, and in-place updates.
extension Ops {
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
        let (start, end, step) = try sliceBounds(a, b, s, count: count)
        return Array(stride(from: start, to: end, by: step))
    }

    /// Where a slice starts, where it stops (not included) and its step, all checked.
    static func sliceBounds(_ a: Value?, _ b: Value?, _ s: Value?, count: Int) throws -> (Int, Int, Int) {
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
        return (start, end, step)
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
            let (start, end, step) = try sliceBounds(a, b, s, count: items.count)
            if step == 1 {
                // A run of items: copied in one go (`xs[:]` shares the buffer until either changes).
                if start >= end { return .list([]) }
                return .list(start == 0 && end == items.count ? items : Array(items[start..<end]))
            }
            return .list(Array(stride(from: start, to: end, by: step)).map { items[$0] })
        case (.string(let str), .value(let i)):
            // Walked to, not copied out: a string holds no array of its characters.
            let k = try integer(i, "an index")
            if k >= 0, let at = str.index(str.startIndex, offsetBy: k, limitedBy: str.endIndex), at < str.endIndex {
                return .string(String(str[at]))
            }
            return .string(String(str[str.index(str.startIndex, offsetBy: try position(i, count: str.count))]))
        case (.string(let str), .slice(let a, let b, let s)):
            if let plain = PlainStrings.current, let r = try plain.slice(str, a, b, s) { return r }
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
}
