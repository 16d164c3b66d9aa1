import Foundation
import Tensor

/// One interpreter state: globals that persist from one `run` to the next, as in a
/// notebook or the REPL, plus output, metrics and cancellation.
public final class Session {
    var globals = Globals()
    var rt: Runtime
    private var nextFunctionID = 0
    /// Source text by file and line, to show the line of an error.
    private var sources: [String: [Int: String]] = [:]
    private let metricsLock = NSLock()
    /// Shared with every runtime of this session; `cancel()` sets it from any thread.
    private let cancellation = CancelFlag()
    /// Sees every builtin call before it runs (see `recordAccess`).
    var callObserver: ((Arguments) -> Void)? {
        didSet { rt.callObserver = callObserver }
    }
    /// Whether the last `run` was stopped by `cancel()`.
    private var lastRunCancelled = false

    /// Where `print` and other output go, as it happens (default: standard output).
    public var output: (DisplayItem) -> Void = Session.printToStandardOutput {
        didSet { rt.output = output }
    }

    /// `metric(name, value)` records, in order; a name recorded twice keeps the last value at the first position.
    public internal(set) var metrics: [(name: String, value: Double)] = []

    /// Where builtins that write files (checkpoints) put them by default.
    public var outputDirectory: String? {
        didSet { rt.outputDirectory = outputDirectory }
    }

    /// The most nested user-function calls before "recursion too deep".
    public var maxCallDepth: Int {
        get { rt.maxDepth }
        set { rt.maxDepth = max(1, min(newValue, 20_000)) }
    }

    /// A step budget for each `run` (loop iterations plus calls); nil for none. Fuzzing uses it.
    public var stepLimit: Int? {
        get { rt.stepLimit == Int.max ? nil : rt.stepLimit }
        set { rt.stepLimit = newValue ?? Int.max }
    }

    /// The memory limits of this session's programs (the fuzzer lowers them).
    public var limits: Limits {
        get { rt.limits }
        set { rt.limits = newValue }
    }

    public init() {
        rt = Runtime(globals: globals, cancellation: cancellation)
        setUp()
    }

    private static func printToStandardOutput(_ item: DisplayItem) {
        switch item {
        case .text(let s): print(s)
        case .table(let headers, let rows):
            print(TableText.render(headers: headers, rows: rows), terminator: "")
        case .image(_, let caption): print("[figure: \(caption)]")
        case .progress: break
        case .timed(let s, _): print(s)
        }
    }

    private func setUp() {
        rt.output = output
        rt.outputDirectory = outputDirectory
        rt.recordMetric = { [weak self] name, value in self?.record(name, value) }
        rt.sourceLine = { [weak self] file, line in self?.sources[file]?[line] }
        rt.knownNames = { [weak self] in self?.globals.defined.map(\.0) ?? [] }
        rt.callObserver = callObserver
        for b in Registry.shared.ordered { globals.setPinned(b.name, b, keepAlive: &rt.keepAlive) }
        for (name, value) in Session.constants { globals.set(name, .number(value)) }
    }

    /// Named numbers every session starts with.
    static let constants: [(String, Double)] = [("pi", Double.pi), ("e", M_E), ("inf", Double.infinity), ("nan", Double.nan)]

    private func record(_ name: String, _ value: Double) {
        metricsLock.lock(); defer { metricsLock.unlock() }
        if let i = metrics.firstIndex(where: { $0.name == name }) { metrics[i].value = value }
        else { metrics.append((name, value)) }
    }

    // MARK: running

    private func remember(_ source: String, file: String, line: Int) {
        var lines = sources[file] ?? [:]
        for (i, text) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            lines[line + i] = String(text)
        }
        sources[file] = lines
    }

    private func withSourceLine(_ e: ScriptError) -> ScriptError {
        var e = e
        if e.sourceLine == nil, let l = e.location { e.sourceLine = sources[l.file]?[l.line] }
        return e
    }

    private func parseErrors(_ errors: [ParseError], file: String) -> [ScriptError] {
        errors.map { withSourceLine(ScriptError($0.message, at: SourceLocation(file: file, line: $0.pos.line, column: $0.pos.column))) }
    }

    /// Whether `_` names the value of the last expression shown (as in Python's REPL).
    public var bindsLastValue = false

    /// Runs statements; returns the display of the last expression statement's value (empty if none or nil).
    ///
    /// `line` is the line of the file where `source` starts, so positions name the file's lines.
    /// A syntax error throws the first error before anything runs.
    public func run(_ source: String, file: String, line: Int = 1) throws -> [DisplayItem] {
        remember(source, file: file, line: line)
        return try LargeStack.run { try Runtime.running.with(rt) {
            let parsed = Parser.parse(source, line: line, firstFunctionID: nextFunctionID)
            nextFunctionID = parsed.nextID
            if let first = parsed.errors.first {
                var e = parseErrors([first], file: file)[0]
                if parsed.errors.count > 1 { e.message += " (and \(parsed.errors.count - 1) more error\(parsed.errors.count > 2 ? "s" : ""))" }
                throw e
            }
            var resolver = Resolver()
            resolver.resolve(parsed.stmts)
            let compiler = Compiler(file: file, globals: globals, resolver: resolver)
            let program = compiler.compileTop(parsed.stmts)
            rt.lastValue = nil
            rt.startRun()
            lastRunCancelled = false
            // A cancel that arrived before the run (even during parsing) stops it; one still
            // pending when the run ends had nothing left to stop and is dropped.
            defer {
                cancellation.clear()
                Interruption.clear()
            }
            do {
                try rt.checkCancelled()
                _ = try program(rt)
            } catch {
                if (error as? ScriptError)?.message == ScriptError.cancelledMessage || (error as? TensorError) == .cancelled {
                    lastRunCancelled = true
                }
                rt.unwindAll()
                let located: Error
                switch error {
                case let e as ScriptError: located = e
                case TensorError.cancelled: located = ScriptError(ScriptError.cancelledMessage)
                case let e as TensorError: located = ScriptError(e.description)
                case let s as ControlSignal: located = ScriptError("'\(s.flow)' outside a function or loop")
                default: located = ScriptError("\(error)")
                }
                throw withSourceLine(located as! ScriptError)
            }
            let value = rt.lastValue
            rt.lastValue = nil
            if bindsLastValue, let value { globals.set("_", value) }
            return value.map(Format.display) ?? []
        } }
    }

    /// Parses without running and returns every syntax error.
    public func check(_ source: String, file: String, line: Int = 1) -> [ScriptError] {
        remember(source, file: file, line: line)
        let errors = (try? LargeStack.run { Parser.parse(source, line: line).errors }) ?? []
        return parseErrors(errors, file: file)
    }

    /// True when more lines could complete the input: an open bracket, block or string,
    /// or a syntax error at the very end (Lua's rule).
    public func isIncomplete(_ source: String) -> Bool {
        let lexed = Lexer.tokenize(source)
        if lexed.unterminatedString || lexed.openBrackets > 0 { return true }
        let errors = (try? LargeStack.run { Parser.parse(source).errors }) ?? []
        return errors.contains { $0.atEnd }
    }

    /// Candidates that complete `prefix`: builtins, variables and keywords, or members after "x.".
    public func completions(for prefix: String) -> [String] {
        // Complete the last word of the line.
        let wordChars = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_."))
        var start = prefix.endIndex
        while start > prefix.startIndex {
            let before = prefix.index(before: start)
            guard prefix[before].unicodeScalars.allSatisfy({ wordChars.contains($0) }) else { break }
            start = before
        }
        let head = String(prefix[..<start])
        let word = String(prefix[start...])
        if let dot = word.lastIndex(of: ".") {
            let path = word[..<dot].split(separator: ".").map(String.init)
            let partial = String(word[word.index(after: dot)...])
            guard let first = path.first, var value = globals.get(first) else { return [] }
            for name in path.dropFirst() {
                guard let next = try? Ops.member(value, name) else { return [] }
                value = next
            }
            let base = String(word[..<dot])
            return Array(Set(Ops.memberNames(value))).filter { $0.hasPrefix(partial) }.sorted().map { head + base + "." + $0 }
        }
        let names = Set(globals.defined.map(\.0) + Registry.shared.names + Keyword.allCases.map(\.rawValue))
        // A function completes with its opening parenthesis, anything else with nothing after it.
        return names.filter { $0.hasPrefix(word) }.sorted().map { name in
            if case .function? = globals.get(name) { return head + name + "(" }
            return head + name
        }
    }

    /// Defines a global from a command-line literal (`--set k=v`): a number, true/false,
    /// a quoted string or a list; any other text is taken as a string.
    public func define(_ name: String, literal: String) throws {
        guard !name.isEmpty, name.first!.isLetter || name.first == "_",
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), Keyword(rawValue: name) == nil else {
            throw ScriptError("'\(name)' is not a valid variable name")
        }
        let text = literal.trimmingCharacters(in: .whitespaces)
        if let d = Double(text) { globals.set(name, .number(d)); return }
        if text == "true" || text == "false" { globals.set(name, .bool(text == "true")); return }
        if text == "nil" { globals.set(name, .null); return }
        if let value = Session.literal(text) { globals.set(name, value); return }
        globals.set(name, .string(literal))
    }

    /// A literal value (number, string, bool, nil, or list/record of literals), or nil if `text` is not one.
    static func literal(_ text: String) -> Value? {
        let parsed = Parser.parse(text)
        guard parsed.errors.isEmpty, parsed.stmts.count == 1, case .expression(let e) = parsed.stmts[0] else { return nil }
        func value(_ e: Expr) -> Value? {
            switch e {
            case .number(let d, _): return .number(d)
            case .bool(let b, _): return .bool(b)
            case .nilLiteral: return .null
            case .string(let segs, _):
                if segs.isEmpty { return .string("") }
                guard segs.count == 1, case .text(let s) = segs[0] else { return nil }
                return .string(s)
            case .list(let items, _):
                var out: [Value] = []
                for i in items { guard let v = value(i) else { return nil }; out.append(v) }
                return .list(out)
            case .record(let fields, _):
                var r = Record()
                for (k, v) in fields { guard let x = value(v) else { return nil }; r[k] = x }
                return .record(r)
            default: return nil
            }
        }
        return value(e)
    }

    /// The session's variables (not the builtins or constants), with one-line summaries.
    public var variables: [(name: String, summary: String)] {
        let constants = Set(Session.constants.map(\.0))
        return globals.defined.compactMap { name, value in
            if case .function(let f) = value, let b = Registry.shared.function(name), f === b { return nil }
            if constants.contains(name), case .number(let n) = value,
               let c = Session.constants.first(where: { $0.0 == name })?.1, n == c || (n.isNaN && c.isNaN) { return nil }
            return (name, Format.summary(value))
        }
    }

    /// The value of a global, as its display text (for tools and tests).
    public func valueText(_ name: String) -> String? { globals.get(name).map(Format.repr) }

    /// Whether programs compiled from now on use the typed fast paths (docs/interpreter.md).
    /// Only the test that checks they change no result turns them off.
    public static var fastPaths: Bool {
        get { Compiler.fastPaths }
        set { Compiler.fastPaths = newValue }
    }

    /// Asks the running statement to stop; it throws a "cancelled" error soon. Safe from any
    /// thread. A cancel that arrives while no statement runs stops the next `run` as it starts.
    public func cancel() {
        cancellation.request()
        // Long tensor kernels (a big matmul, a convolution) stop between blocks too.
        Interruption.request()
    }

    /// True while a cancel is pending, and after a `run` that a cancel stopped, until the next `run`.
    public var cancellationRequested: Bool { cancellation.isRequested || lastRunCancelled }

    /// Forgets every variable and metric.
    public func reset() {
        globals = Globals()
        rt = Runtime(globals: globals, cancellation: cancellation)
        metrics = []
        sources = [:]
        setUp()
    }

    /// The documentation of a builtin (nil name: the overview; "language": the language summary).
    public static func help(_ name: String?) -> String? {
        guard let name else { return Registry.shared.overview }
        if name == "language" { return LanguageHelp.text }
        return Registry.shared.doc(name)?.helpText
    }
}
