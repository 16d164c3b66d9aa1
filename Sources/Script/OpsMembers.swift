import Foundation
import Tensor

/// Members of values (`x.shape`, `r.name`, `x.sum`) and methods bound to their receiver.
extension Ops {
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
            if name == "count" || name == "length" { return .number(Double(PlainStrings.count(of: s))) }
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
        let found = r.index(of: name)
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
