import Foundation
import Tensor

/// The operators on values: negation, arithmetic and comparison on numbers, strings, lists and tensors, and equality.
extension Ops {
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
            if let a = dualParts(l), let b = dualParts(r) { return try dual(op, a, b) }
            return try binary(op, try lifted(l), try lifted(r))
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
                let limit = Limits.current.maxListItems
                guard n <= Double(limit), Double(s.utf8.count) * n <= Double(limit) else {
                    throw ScriptError("a string repeated \(Format.number(n)) times is too large (the limit is \(limit) characters)")
                }
                return .string(String(repeating: s, count: Int(n)))
            }
        case (.list(let a), .list(let b)):
            if op == "+" {
                try Limits.checkLength(a.count + b.count, "list")
                return .list(a + b)
            }
        case (.list(let a), .number(let n)) where op == "*":
            let limit = Limits.current.maxListItems
            if n > Double(limit) || Double(a.count) * n > Double(limit) {
                throw ScriptError("a list repeated \(Format.number(n)) times is too big for memory (the limit is \(limit) items)")
            }
            guard n >= 0, n.rounded() == n else {
                throw ScriptError("a list can be repeated a whole, non-negative number of times, got \(Format.number(n))")
            }
            if a.count == 1 { return .list(Array(repeating: a[0], count: Int(n))) }
            var items: [Value] = []
            items.reserveCapacity(a.count * Int(n))
            for _ in 0..<Int(n) { items.append(contentsOf: a) }
            return .list(items)
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
        case "%": return .number(remainder(a, b))
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

    /// `a % b` with the sign of the divisor, as in Python. Whole numbers (below 2^53, where
    /// doubles are exact) take the processor's integer division: `fmod` is a library call
    /// many times slower, and `i % n` sits in the inner loop of most programs. Both give
    /// the same result, down to the sign of a zero (that of `a`, as `fmod`'s).
    @inline(__always)
    static func remainder(_ a: Double, _ b: Double) -> Double {
        let exact = 9_007_199_254_740_992.0
        if a.magnitude < exact, b.magnitude < exact, b != 0 {
            let x = Int64(a), y = Int64(b)
            if Double(x) == a, Double(y) == b {
                var m = x % y
                if m != 0 && (m < 0) != (y < 0) { m += y }
                return m == 0 ? a * 0 : Double(m)
            }
        }
        let m = a.truncatingRemainder(dividingBy: b)
        return m != 0 && (m < 0) != (b < 0) ? m + b : m
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
}
