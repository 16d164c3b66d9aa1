import Foundation
import Tensor

/// Core builtins: output, help, metrics, lists, strings, records and types.
extension Registry {
    static func registerCore(_ r: Registry) {
        r.add("print", "core", [.variadic("values", "any"), .optional("sep", "string", .string(" "))], returns: "nil",
              summary: "Writes values as one line of text.",
              details: "Strings print without quotes; tensors print like NumPy arrays. Each call sends one text item to the output.",
              example: "print(\"loss\", 0.25)   # loss 0.25") { a in
            a.rt.output(.text(a.rest.map(Format.str).joined(separator: try a.string("sep"))))
            return .null
        }
        r.add("help", "core", [.optional("name", "string or function", .null)], returns: "nil",
              summary: "Prints the documentation of a builtin, or the list of all builtins.",
              example: "help(\"descend\")") { a in
            var name: String?
            switch try a.value("name") {
            case .string(let s): name = s
            case .function(let f): name = f.name
            case .null: name = nil
            default: throw ScriptError("argument 'name' of help must be a string or a function, got \(Format.article(try a.value("name")))")
            }
            a.rt.output(.text(Session.help(name) ?? "no builtin named '\(name ?? "")'" + Suggest.didYouMean(name ?? "", Registry.shared.names)))
            return .null
        }
        r.add("metric", "core", [.required("name", "string"), .required("value", "number")], returns: "number",
              summary: "Records a named number into the report's metrics and returns it.",
              details: "Recording a name again replaces its value (it keeps its first position).",
              example: "metric(\"rmse_px\", 2.75)") { a in
            let name = try a.string("name")
            let v = try a.number("value")
            a.rt.recordMetric(name, v)
            return .number(v)
        }
        r.add("len", "core", [.required("x", "list, string, record, range, tensor or dataset")], returns: "number",
              summary: "The number of items (a tensor's first axis).",
              example: "len([1, 2, 3])   # 3") { a in .number(Double(try Ops.length(try a.value("x")))) }
        r.add("range", "core", [.required("start", "number"), .optional("end", "number", .null), .optional("step", "number", .number(1))],
              returns: "range",
              summary: "Numbers from start up to, not including, end (range(n) counts from 0).",
              details: "`a..b` is the same as `range(a, b)`.",
              example: "for i in range(0, 10, 2) { print(i) }") { a in
            var (s, e) = (try a.number("start"), 0.0)
            if try a.isNil("end") { e = s; s = 0 } else { e = try a.number("end") }
            let step = try a.number("step")
            guard step != 0 else { throw ScriptError("argument 'step' of range cannot be 0") }
            return .range(RangeValue(start: s, end: e, step: step))
        }
        r.add("list", "core", [.required("x", "range, tensor, string or list")], returns: "list",
              summary: "The items of x as a list.",
              example: "list(0..3)   # [0, 1, 2]") { a in .list(try Ops.elements(try a.value("x"))) }
        r.add("append", "core", [.required("items", "list"), .required("value", "any")], returns: "list",
              summary: "A new list with value added at the end.",
              example: "xs = append(xs, 4)") { a in .list(try a.list("items") + [try a.value("value")]) }
        r.add("reverse", "core", [.required("items", "list or string")], returns: "list",
              summary: "The items in reverse order.",
              example: "reverse([1, 2, 3])") { a in
            if case .string(let s) = try a.value("items") { return .string(String(s.reversed())) }
            return .list(try a.list("items").reversed())
        }
        r.add("sort", "core", [.required("items", "list"), .optional("key", "function", .null)], returns: "list",
              summary: "The items in increasing order (numbers or strings), optionally by key(item).",
              example: "sort([3, 1, 2])") { a in
            let items = try a.list("items")
            let keys: [Value]
            if try a.isNil("key") { keys = items } else {
                let key = ItemCall(try a.value("key"))
                keys = try items.map { try key($0, a.rt) }
            }
            var failure: Error?
            let order = Array(items.indices).sorted { i, j in
                // Numbers and strings compared directly, as `<` compares them: the general
                // operator's switches were most of a sort's time.
                switch (keys[i], keys[j]) {
                case (.number(let a), .number(let b)): return a < b
                case (.string(let a), .string(let b)): return a < b
                default:
                    do { return try Ops.binary("<", keys[i], keys[j]).truthy() } catch { failure = error; return false }
                }
            }
            if let failure { throw failure }
            return .list(order.map { items[$0] })
        }
        r.add("enumerate", "core", [.required("items", "list, range, tensor or string")], returns: "list",
              summary: "Pairs [index, item] for each item.",
              example: "for i, x in enumerate([\"a\", \"b\"]) { print(i, x) }") { a in
            .list(try Ops.elements(try a.value("items")).enumerated().map { .list([.number(Double($0.offset)), $0.element]) })
        }
        r.add("zip", "core", [.required("a", "list"), .required("b", "list")], returns: "list",
              summary: "Pairs [a[i], b[i]] up to the shorter length.",
              example: "for x, y in zip([1, 2], [3, 4]) { print(x * y) }") { a in
            .list(zip(try Ops.elements(try a.value("a")), try Ops.elements(try a.value("b"))).map { .list([$0, $1]) })
        }
        r.add("map", "core", [.required("items", "list, range or tensor"), .required("f", "function")], returns: "list",
              summary: "f applied to each item.",
              example: "map([1, 2, 3], fn(x) x * x)") { a in
            let f = ItemCall(try a.function("f"))
            return .list(try Ops.elements(try a.value("items")).map { try f($0, a.rt) })
        }
        r.add("filter", "core", [.required("items", "list, range or tensor"), .required("keep", "function")], returns: "list",
              summary: "The items for which keep(item) is true.",
              example: "filter(0..10, fn(x) x % 2 == 0)") { a in
            let f = ItemCall(try a.function("keep"))
            return .list(try Ops.elements(try a.value("items")).filter { try f($0, a.rt).truthy() })
        }
        r.add("reduce", "core", [.required("items", "list, range or tensor"), .required("f", "function"), .required("initial", "any")],
              returns: "any",
              summary: "Folds the items into one value: f(f(f(initial, x0), x1), ...).",
              example: "reduce([1, 2, 3], fn(total, x) total + x, 0)   # 6") { a in
            let f = ItemCall(try a.function("f"))
            var acc = try a.value("initial")
            for x in try Ops.elements(try a.value("items")) { acc = try f(acc, x, a.rt) }
            return acc
        }
        r.add("str", "core", [.required("x", "any")], returns: "string",
              summary: "The text form of a value, as print shows it.",
              example: "str(1.5) + \" s\"") { a in .string(Format.str(try a.value("x"))) }
        r.add("number", "core", [.required("x", "string, bool or one-element tensor")], returns: "number",
              summary: "Converts text, a bool or a one-element tensor to a number.",
              example: "number(\"2.5\") * 2") { a in
            let v = try a.value("x")
            if case .string(let s) = v {
                guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else { throw ScriptError("'\(s)' is not a number") }
                return .number(d)
            }
            if case .dual = v { return v }
            return .number(try a.number("x"))
        }
        r.add("type", "core", [.required("x", "any")], returns: "string",
              summary: "The name of the value's type: number, string, bool, nil, list, record, range, function, tensor, ...",
              example: "type(zeros([2]))   # \"tensor\"") { a in .string(try a.value("x").typeName) }
        r.add("format", "core", [.required("x", "number"), .optional("digits", "number", .number(4))], returns: "string",
              summary: "A number with a fixed number of decimals.",
              example: "format(3.14159, digits: 2)   # \"3.14\"") { a in
            let d = try a.int("digits")
            guard (0...17).contains(d) else { throw ScriptError("argument 'digits' of format must be between 0 and 17") }
            return .string(String(format: "%.\(d)f", try a.number("x")))
        }
        r.add("join", "core", [.required("items", "list"), .optional("sep", "string", .string(""))], returns: "string",
              summary: "The items' text forms joined with sep.",
              example: "join([\"a\", \"b\"], \", \")") { a in
            .string(try a.list("items").map(Format.str).joined(separator: try a.string("sep")))
        }
        r.add("upper", "core", [.required("s", "string")], returns: "string",
              summary: "The string in upper case.", example: "upper(\"ok\")") { a in .string(try a.string("s").uppercased()) }
        r.add("lower", "core", [.required("s", "string")], returns: "string",
              summary: "The string in lower case.", example: "lower(\"OK\")") { a in .string(try a.string("s").lowercased()) }
        r.add("contains", "core", [.required("container", "list, string or record"), .required("item", "any")], returns: "bool",
              summary: "Whether a list holds the item, a string the substring, or a record the field.",
              example: "contains([1, 2], 2)") { a in
            switch try a.value("container") {
            case .list(let xs):
                let item = try a.value("item")
                return .bool(xs.contains { Ops.equal($0, item) })
            case .string(let s): return .bool(s.contains(try a.string("item")))
            case .record(let r): return .bool(r.index(of: try a.string("item")) != nil)
            default: throw ScriptError("argument 'container' of contains must be a list, string or record, got \(Format.article(try a.value("container")))")
            }
        }
        r.add("keys", "core", [.required("r", "record")], returns: "list",
              summary: "The field names of a record.", example: "keys({a: 1, b: 2})") { a in
            guard case .record(let r) = try a.value("r") else { throw ScriptError("argument 'r' of keys must be a record, got \(Format.article(try a.value("r")))") }
            return .list(r.keys.map { .string($0) })
        }
        r.add("assert", "core", [.required("condition", "bool"), .optional("message", "string", .string("assertion failed"))], returns: "nil",
              summary: "Stops with an error when the condition is false.",
              example: "assert(len(xs) > 0, \"xs is empty\")") { a in
            if try try !a.value("condition").truthy() { throw ScriptError(try a.string("message")) }
            return .null
        }
        r.direct("len", one: { v in .number(Double(try Ops.length(v))) })
        r.direct("str", one: { v in .string(Format.str(v)) })
        r.direct("contains", two: { container, item in
            switch (container, item) {
            case (.list(let xs), _): return .bool(xs.contains { Ops.equal($0, item) })
            case (.record(let r), .string(let key)): return .bool(r.index(of: key) != nil)
            case (.string(let s), .string(let t)): return .bool(s.contains(t))
            default: return nil
            }
        })
        r.direct("append", two: { items, x in
            guard case .list(var xs) = items else { return nil }
            try Limits.checkLength(xs.count + 1, "list")
            xs.append(x)
            return .list(xs)
        })
        r.add("clock", "core", [], returns: "number",
              summary: "Seconds since an arbitrary start, for timing code.",
              example: "t = clock()\nwork()\nprint(clock() - t)") { _ in
            .number(Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
        }
        r.add("exists", "core", [.required("path", "string")], returns: "bool",
              summary: "Whether a file exists; relative paths are looked up under the run's output directory (e.g. a saved checkpoint).",
              example: "exists(\"/tmp\")") { a in
            .bool(FileManager.default.fileExists(atPath: try outputPath(a, "path").path))
        }
    }

    /// A file path argument: relative paths live under the run's output directory (or the working directory).
    static func outputPath(_ a: Arguments, _ name: String) throws -> URL {
        let raw = (try a.string(name) as NSString).expandingTildeInPath
        guard !raw.isEmpty else { throw ScriptError("argument '\(name)' of \(a.doc.name) must be a file path") }
        if raw.hasPrefix("/") { return URL(fileURLWithPath: raw) }
        let base = a.rt.outputDirectory ?? FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: base).appendingPathComponent(raw)
    }
}
