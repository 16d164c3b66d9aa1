import Tensor

/// One parameter of a builtin: its name, the type it expects (as users read it),
/// and its default (absent when the argument is required).
public struct BuiltinParameter {
    public let name: String
    public let type: String
    /// The default, or nil when required.
    let defaultValue: Value?
    /// True for a parameter that takes every remaining positional argument.
    public let variadic: Bool

    public var isRequired: Bool { defaultValue == nil && !variadic }

    /// The default as source text, for docs.
    public var defaultText: String? { defaultValue.map(Format.repr) }

    /// A required parameter.
    static func required(_ name: String, _ type: String) -> BuiltinParameter {
        BuiltinParameter(name: name, type: type, defaultValue: nil, variadic: false)
    }
    /// A parameter with a default.
    static func optional(_ name: String, _ type: String, _ value: Value) -> BuiltinParameter {
        BuiltinParameter(name: name, type: type, defaultValue: value, variadic: false)
    }
    /// A parameter that collects the remaining positional arguments.
    static func variadic(_ name: String, _ type: String) -> BuiltinParameter {
        BuiltinParameter(name: name, type: type, defaultValue: nil, variadic: true)
    }
}

/// A builtin's declaration: everything `help`, completion and docs/builtins.md show.
public struct BuiltinDoc {
    public let name: String
    /// The module section it belongs to: core, math, tensor, nn, neural, faces, graphics.
    public let module: String
    public let parameters: [BuiltinParameter]
    public let returns: String
    public let summary: String
    public let details: String
    public let example: String
    /// Where the builtin is registered (`#filePath`, line): `BuiltinTests` reads the binding's
    /// source from here to check that it fetches only declared parameters.
    public let file: String
    public let line: Int

    /// The position of a declared parameter.
    func index(of parameter: String) -> Int? { parameters.firstIndex { $0.name == parameter } }

    /// `name(a, b: 2, values...) -> type`.
    public var signature: String {
        let params = parameters.map { p -> String in
            if p.variadic { return "\(p.name)..." }
            if let d = p.defaultText { return "\(p.name): \(d)" }
            return p.name
        }
        return "\(name)(\(params.joined(separator: ", "))) -> \(returns)"
    }

    /// The text `help(name)` prints.
    public var helpText: String {
        var out = signature + "\n  " + summary
        if !details.isEmpty {
            out += "\n\n" + details.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        }
        let typed = parameters.map { "  \($0.name): \($0.type)" + ($0.defaultText.map { " = \($0)" } ?? "") }
        if !typed.isEmpty { out += "\n\nParameters:\n" + typed.joined(separator: "\n") }
        if !example.isEmpty {
            out += "\n\nExample:\n" + example.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        }
        return out
    }
}

/// The arguments of one builtin call, matched to its parameters.
struct Arguments {
    let doc: BuiltinDoc
    var values: [Value?]
    var rest: [Value]
    let rt: Runtime

    /// The error for an argument of the wrong kind: names the parameter and the builtin.
    func fail(_ name: String, _ expected: String, _ v: Value) -> ScriptError {
        ScriptError("argument '\(name)' of \(doc.name) must be \(expected), got \(Format.article(v))")
    }

    /// The argument for a declared parameter, or nil when omitted with a nil default.
    /// Names are checked against the declaration by `BuiltinTests` through `Registry.fetchedNames`;
    /// an undeclared name here is a bug in the binding, reported as an internal error.
    func value(_ name: String) throws -> Value {
        guard let i = doc.index(of: name) else {
            throw ScriptError("internal error: \(doc.name) reads an undeclared parameter '\(name)'")
        }
        return values[i] ?? .null
    }
    func isNil(_ name: String) throws -> Bool { if case .null = try value(name) { return true }; return false }

    func number(_ name: String) throws -> Double {
        let v = try value(name)
        guard let n = Ops.primal(v) else { throw fail(name, "a number", v) }
        return n
    }

    func float(_ name: String) throws -> Float { Float(try number(name)) }

    /// A number from 0 to 1 (a share, a probability, a smoothing factor).
    func fraction(_ name: String) throws -> Float {
        let v = try value(name)
        guard let d = Ops.primal(v) else { throw fail(name, "a number from 0 to 1", v) }
        guard d >= 0, d <= 1 else { throw ScriptError("argument '\(name)' of \(doc.name) must be a number from 0 to 1, got \(Format.repr(v))") }
        return Float(d)
    }

    func int(_ name: String) throws -> Int {
        let v = try value(name)
        guard let n = Ops.primal(v), n.rounded() == n, abs(n) < 1e15 else { throw fail(name, "a whole number", v) }
        return Int(n)
    }

    func optionalInt(_ name: String) throws -> Int? { try isNil(name) ? nil : try int(name) }

    func seed(_ name: String) throws -> UInt64 {
        let n = try int(name)
        guard n >= 0 else { throw fail(name, "a seed >= 0", try value(name)) }
        return UInt64(n)
    }

    func bool(_ name: String) throws -> Bool {
        guard case .bool(let b) = try value(name) else { throw fail(name, "true or false", try value(name)) }
        return b
    }

    func string(_ name: String) throws -> String {
        guard case .string(let s) = try value(name) else { throw fail(name, "a string", try value(name)) }
        return s
    }

    func tensor(_ name: String) throws -> Tensor {
        let v = try value(name)
        switch v {
        case .tensor(let t): return t.tensor
        case .number, .list, .bool, .range, .dual: return try Ops.tensor(v)
        default: throw fail(name, "a tensor", v)
        }
    }

    func function(_ name: String) throws -> Value {
        guard case .function = try value(name) else { throw fail(name, "a function", try value(name)) }
        return try value(name)
    }

    func list(_ name: String) throws -> [Value] {
        let v = try value(name)
        if case .list(let items) = v { return items }
        throw fail(name, "a list", v)
    }

    /// A shape: a list of whole numbers, or one whole number.
    func shape(_ name: String) throws -> [Int] {
        let v = try value(name)
        let items: [Value]
        switch v {
        case .list(let xs): items = xs
        case .number: items = [v]
        case .tensor(let t) where t.tensor.rank <= 1: items = t.tensor.scalars.map { .number(Double($0)) }
        default: throw fail(name, "a shape (a list of whole numbers)", v)
        }
        let dims = try items.map { item -> Int in
            guard let n = Ops.number(item), n.rounded() == n, n >= 0, n < 1e15 else { throw fail(name, "a shape (a list of whole numbers >= 0)", v) }
            return Int(n)
        }
        guard dims.count <= 16 else { throw fail(name, "a shape of at most 16 axes", v) }
        return dims
    }

    /// Axes: nil, one whole number or a list of them.
    func axes(_ name: String) throws -> [Int]? {
        let v = try value(name)
        switch v {
        case .null: return nil
        case .number: return [try int(name)]
        case .list(let xs):
            return try xs.map { x in
                guard let n = Ops.number(x), n.rounded() == n, abs(n) < 1e9 else { throw fail(name, "an axis or a list of axes", v) }
                return Int(n)
            }
        default: throw fail(name, "an axis or a list of axes", v)
        }
    }

    /// A (low, high) pair from a range `a..b` or a list `[a, b]`.
    func interval(_ name: String) throws -> (Double, Double) {
        let v = try value(name)
        switch v {
        case .range(let r): return (r.start, r.end)
        case .list(let xs) where xs.count == 2:
            if let a = Ops.number(xs[0]), let b = Ops.number(xs[1]) { return (a, b) }
        case .number(let n): return (n, n)
        default: break
        }
        throw fail(name, "an interval like 1.5..2", v)
    }
}

/// A function implemented in Swift and declared in the registry.
final class Builtin: Function {
    let doc: BuiltinDoc
    let body: (Arguments) throws -> Value

    init(doc: BuiltinDoc, body: @escaping (Arguments) throws -> Value) {
        self.doc = doc
        self.body = body
        super.init(name: doc.name)
    }

    override func call(_ args: [Value], named: [(String, Value)], _ rt: Runtime, at pos: Pos) throws -> Value {
        let params = doc.parameters
        var values = Builtin.empty(params.count)
        var rest: [Value] = []
        var p = 0
        for a in args {
            while p < params.count && params[p].variadic == false && values[p] != nil { p += 1 }
            guard p < params.count else {
                let most = params.filter { !$0.variadic }.count
                throw ScriptError("\(name)() takes at most \(most) argument\(most == 1 ? "" : "s") (\(args.count) given)")
            }
            if params[p].variadic { rest.append(a) } else { values[p] = a; p += 1 }
        }
        for (n, v) in named {
            guard let i = params.firstIndex(where: { $0.name == n && !$0.variadic }) else {
                throw ScriptError("\(name)() has no parameter '\(n)'" + Suggest.didYouMean(n, params.map(\.name)))
            }
            if values[i] != nil { throw ScriptError("\(name)() got two values for '\(n)'") }
            values[i] = v
        }
        for (i, param) in params.enumerated() where values[i] == nil && !param.variadic {
            guard let d = param.defaultValue else {
                throw ScriptError("\(name)() is missing the argument '\(param.name)'")
            }
            values[i] = d
        }
        let arguments = Arguments(doc: doc, values: values, rest: rest, rt: rt)
        rt.callObserver?(arguments)
        return try body(arguments)
    }

    /// `count` empty argument slots. Most builtins take up to four parameters: those arrays
    /// are array literals, allocated by code specialized for `Value?` (`repeating:count:` is
    /// the standard library's generic code, which looks up the storage type on every call).
    @inline(__always)
    static func empty(_ count: Int) -> [Value?] {
        switch count {
        case 0: return []
        case 1: return [nil]
        case 2: return [nil, nil]
        case 3: return [nil, nil, nil]
        case 4: return [nil, nil, nil, nil]
        default: return [Value?](repeating: nil, count: count)
        }
    }
}

/// Every name a program can call, declared once with its documentation.
///
/// Each module's bindings live in their own file (`BuiltinsTensor.swift`, ...) as a
/// function that registers them; `Registry.modules` lists those functions.
public final class Registry {
    /// The registry every session uses.
    nonisolated(unsafe) public static let shared = Registry(modules: Registry.modules)

    /// The binding files, in the order their sections appear in the docs.
    static let modules: [(name: String, title: String, register: (Registry) -> Void)] = [
        ("core", "Core: printing, help, lists, strings and files", Registry.registerCore),
        ("math", "Math on numbers", Registry.registerMath),
        ("tensor", "Tensors: creation, arithmetic, reductions, shapes", Registry.registerTensor),
        ("nn", "Neural-network ops on tensors", Registry.registerNNFunctional),
        ("autodiff", "Gradients and optimisation", Registry.registerAutodiff),
        ("neural", "Models, training and evaluation", Registry.registerModels),
        ("faces", "Face datasets and augmentation", Registry.registerFaces),
        ("graphics", "Figures", Registry.registerGraphics),
        ("charts", "Charts and tables", Registry.registerCharts),
        ("deploy", "Photos and deployment", Registry.registerDeploy),
    ]

    private(set) var ordered: [Builtin] = []
    private var byName: [String: Builtin] = [:]
    /// Module name → section title, in order.
    public private(set) var sections: [(name: String, title: String)] = []

    init(modules: [(name: String, title: String, register: (Registry) -> Void)]) {
        for m in modules {
            sections.append((m.name, m.title))
            m.register(self)
        }
    }

    /// Declares a builtin. Declaring one name twice keeps the last (a later module may refine an earlier binding).
    /// The body fetches its arguments by declared name (`a.int("epochs")`).
    func add(_ name: String, _ module: String, _ parameters: [BuiltinParameter], returns: String,
             summary: String, details: String = "", example: String = "",
             file: String = #filePath, line: Int = #line,
             _ body: @escaping (Arguments) throws -> Value) {
        let doc = BuiltinDoc(name: name, module: module, parameters: parameters, returns: returns,
                             summary: summary, details: details, example: example, file: file, line: line)
        let b = Builtin(doc: doc, body: body)
        if let old = byName[name] { ordered.removeAll { $0 === old } }
        ordered.append(b)
        byName[name] = b
    }

    func function(_ name: String) -> Builtin? { byName[name] }

    /// Gives a builtin direct entries (see `Builtin.direct1`): for the ones programs call in
    /// their inner loops.
    func direct(_ name: String, one: ((Value) throws -> Value?)? = nil, two: ((Value, Value) throws -> Value?)? = nil) {
        guard let b = byName[name] else { return }
        if let one { b.direct1 = one }
        if let two { b.direct2 = two }
    }

    /// The declaration of a builtin.
    public func doc(_ name: String) -> BuiltinDoc? { byName[name]?.doc }
    /// Every builtin's declaration, in registration order.
    public var docs: [BuiltinDoc] { ordered.map(\.doc) }
    /// Every builtin's name.
    public var names: [String] { ordered.map(\.name) }
    func names(inModule module: String) -> [String] { ordered.filter { $0.doc.module == module }.map(\.name) }

    /// The overview `help()` prints: every builtin by section with its summary.
    public var overview: String {
        var out = "ainb builtins. help(\"name\") or `ainb help NAME` shows one in full.\n"
        for s in sections {
            let items = ordered.filter { $0.doc.module == s.name }
            guard !items.isEmpty else { continue }
            out += "\n\(s.title)\n"
            let width = items.map(\.name.count).max() ?? 0
            for b in items {
                out += "  " + b.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + b.doc.summary + "\n"
            }
        }
        out += "\nThe language itself: `ainb help language`."
        return out
    }

    /// docs/builtins.md: generated from the declarations, never edited by hand.
    public var markdown: String {
        var out = "# ainb builtins\n\n"
        out += "<!-- Generated from the builtin registry by `ainb help --markdown`; do not edit. -->\n\n"
        out += "Every function a program can call. `help(\"name\")` in a notebook or the REPL prints the same text.\n"
        for s in sections {
            let items = ordered.filter { $0.doc.module == s.name }
            guard !items.isEmpty else { continue }
            out += "\n## \(s.title)\n\n"
            out += items.map { "[`\($0.name)`](#\($0.name.lowercased()))" }.joined(separator: " · ") + "\n"
            for b in items {
                let d = b.doc
                out += "\n### \(d.name)\n\n```\n\(d.signature)\n```\n\n\(d.summary)\n"
                if !d.details.isEmpty { out += "\n\(d.details)\n" }
                if !d.parameters.isEmpty {
                    out += "\n| parameter | type | default |\n|---|---|---|\n"
                    for p in d.parameters {
                        let def = p.variadic ? "(any number)" : (p.defaultText.map { "`\($0)`" } ?? "required")
                        out += "| `\(p.name)` | \(p.type) | \(def.replacingOccurrences(of: "|", with: "\\|")) |\n"
                    }
                }
                if !d.example.isEmpty { out += "\nExample:\n\n```ainb\n\(d.example)\n```\n" }
            }
        }
        return out
    }
}
