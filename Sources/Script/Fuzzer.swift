import Foundation
import Tensor

/// A seeded random-program fuzzer over parse, check, completion and evaluation.
///
/// Half of the programs are generated from the grammar (well-formed, calling random
/// builtins with random arguments), half are character-level mutations of a small
/// corpus (mostly malformed). Each runs in a fresh session with a step budget, a low
/// recursion limit and a small tensor-size limit. Script errors are expected; a
/// crash ends the process, so the program being run is written to `current` first.
public enum Fuzzer {
    /// What a fuzzing run found.
    public struct Report {
        public var programs = 0
        public var parsed = 0
        public var ranCleanly = 0
        public var scriptErrors = 0
        /// Programs whose behaviour broke an invariant, with what went wrong.
        public var failures: [(program: String, problem: String)] = []
        public var seconds = 0.0

        public init() {}

        public var summary: String {
            "fuzz: \(programs) programs in \(String(format: "%.0f", seconds)) s: \(parsed) parsed, \(ranCleanly) ran to the end, "
                + "\(scriptErrors) stopped with a script error, \(failures.count) invariant failures"
        }
    }

    /// Programs the mutator starts from.
    public static let corpus: [String] = [
        "x = tensor([[1, 2], [3, 4]])\nw = randn([2, 3], seed: 1)\ny = relu(x @ w + 0.5)\ny.shape, y[0, 1:3], mean(y, axis: 0)",
        "fn square(v) = v * v\ndf = grad(fn(v) (v - 3)^2)\nfor lr in [0.01, 0.1] { print(lr, descend(square, from: 10, lr: lr, steps: 5).last) }",
        "fn fib(n) {\n  if n < 2 { return n }\n  return fib(n - 1) + fib(n - 2)\n}\nfib(10)",
        "r = {name: \"x\", lr: 0.1}\nr.lr = r.lr * 2\nprint(\"lr {r.lr} for {r.name}\")",
        "xs = [1, 2, 3, 4]\ns = 0\nfor i, x in enumerate(xs) { if x % 2 == 0 { continue }\n s = s + i * x }\ns",
        "a, b = [1, 2]\nwhile a < 100 { a = a * 2\n if a > 50 { break } }\n[a, b, xs[-1:], \"abc\"[1:]]",
        "fn make() {\n  count = 0\n  fn inc() { count = count + 1\n return count }\n  return inc\n}\nc = make()\nc()\nc()",
        "t = arange(12)\nu = reshape(t, [3, 4])\nu[1:, ::2], u[-1, -1], sum(u, axis: 1), u.T @ u",
        "g = grad(fn(a, b) a * b + sin(a), wrt: [0, 1])\ng(2, 3)\ngrad(grad(fn(x) x^3))(2)",
        "z = zeros([2, 2])\nif all(z == 0) { print(\"zero\") } else { print(\"no\") }\nsoftmax(tensor([1, 2, 3]))",
    ]

    /// Runs until `seconds` pass or `maxPrograms` ran; `log` receives progress lines.
    public static func run(seed: UInt64, seconds: Double, maxPrograms: Int = .max,
                           current: String = NSTemporaryDirectory() + "ainb-fuzz-current.ainb",
                           log: (String) -> Void = { _ in }) -> Report {
        var rng = RandomGenerator(seed: seed)
        var report = Report()
        let start = Date()
        var lastLog = start
        while report.programs < maxPrograms && Date().timeIntervalSince(start) < seconds {
            let program = rng.nextInt(below: 2) == 0 ? generate(&rng) : mutate(corpus[rng.nextInt(below: corpus.count)], &rng)
            try? program.write(toFile: current, atomically: false, encoding: .utf8)
            check(program, into: &report)
            if Date().timeIntervalSince(lastLog) > 30 {
                lastLog = Date()
                log("... \(report.programs) programs, \(report.failures.count) failures")
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Runs one program through every entry point and checks the invariants.
    public static func check(_ program: String, into report: inout Report) {
        report.programs += 0
        let session = Session()
        session.output = { _ in }
        session.limits = .fuzzing
        session.stepLimit = 20_000
        session.maxCallDepth = 200
        let errors = session.check(program, file: "fuzz.ainb")
        _ = session.isIncomplete(program)
        _ = session.completions(for: String(program.suffix(8)))
        if errors.isEmpty { report.parsed += 1 }
        for e in errors where e.location == nil || e.location!.line < 1 || e.location!.column < 1 {
            report.failures.append((program, "a syntax error without a position: \(e.message)"))
        }
        do {
            _ = try session.run(program, file: "fuzz.ainb")
            if !errors.isEmpty { report.failures.append((program, "ran although check found \(errors.count) errors")) }
            report.ranCleanly += 1
        } catch let e as ScriptError {
            report.scriptErrors += 1
            if errors.isEmpty && e.location == nil && e.message != ScriptError.cancelledMessage && !e.message.hasPrefix("step budget") {
                report.failures.append((program, "a runtime error without a position: \(e.message)"))
            }
            _ = e.description
        } catch {
            report.failures.append((program, "a non-script error escaped: \(error)"))
        }
        _ = session.variables
        checkTyped(program, into: &report)
        report.programs += 1
    }

    /// Feeds the program line by line as the REPL reads it (StatementReader), in a fresh
    /// session: every line must reach a statement, and every error must have a position.
    static func checkTyped(_ program: String, into report: inout Report) {
        let session = Session()
        session.output = { _ in }
        session.limits = .fuzzing
        session.stepLimit = 20_000
        session.maxCallDepth = 200
        var reader = StatementReader()
        var queue = program.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var statements = 0
        func run(_ code: String, line: Int) {
            statements += 1
            do {
                _ = try session.run(code, file: "typed.ainb", line: line)
            } catch let e as ScriptError {
                if e.location == nil && e.message != ScriptError.cancelledMessage && !e.message.hasPrefix("step budget")
                    && session.check(code, file: "typed.ainb", line: line).isEmpty == false {
                    report.failures.append((program, "a typed statement's syntax error without a position: \(e.message)"))
                }
            } catch {
                report.failures.append((program, "a non-script error escaped a typed statement: \(error)"))
            }
        }
        // Each replay drops the unfinished statement's first line, so this ends.
        while true {
            while !queue.isEmpty {
                let line = queue.removeFirst()
                if let statement = reader.add(line, isIncomplete: session.isIncomplete) { run(statement.code, line: statement.line) }
            }
            guard let unfinished = reader.finish() else { break }
            run(unfinished.code, line: unfinished.line)
            queue = unfinished.replay
        }
        if !program.allSatisfy(\.isWhitespace) && statements == 0 {
            report.failures.append((program, "typed line by line, the program gave no statement"))
        }
    }

    // MARK: generation

    private static let names = ["a", "b", "x", "xs", "t", "f", "r"]
    private static let ops = ["+", "-", "*", "/", "%", "^", "@", "==", "!=", "<", "<=", ">", ">=", "and", "or", ".."]

    private static func pick<T>(_ items: [T], _ rng: inout RandomGenerator) -> T { items[rng.nextInt(below: items.count)] }

    /// `count` generated programs from a seed.
    public static func generated(seed: UInt64, count: Int) -> [String] {
        var rng = RandomGenerator(seed: seed)
        return (0..<count).map { _ in generate(&rng) }
    }

    /// A random well-formed program of a few statements.
    public static func generate(_ rng: inout RandomGenerator) -> String {
        (0..<(1 + rng.nextInt(below: 6))).map { _ in statement(&rng, depth: 0) }.joined(separator: "\n")
    }

    static func statement(_ rng: inout RandomGenerator, depth: Int) -> String {
        let d = depth + 1
        switch rng.nextInt(below: depth > 2 ? 3 : 9) {
        case 0, 1: return "\(pick(names, &rng)) = \(expression(&rng, depth: d))"
        case 2: return expression(&rng, depth: d)
        case 3: return "for \(pick(names, &rng)) in \(expression(&rng, depth: d)) { \(statement(&rng, depth: d)) }"
        case 4: return "if \(expression(&rng, depth: d)) { \(statement(&rng, depth: d)) } else { \(statement(&rng, depth: d)) }"
        case 5: return "fn \(pick(["f", "g"], &rng))(a, b: \(expression(&rng, depth: d))) {\n\(statement(&rng, depth: d))\nreturn \(expression(&rng, depth: d))\n}"
        case 6: return "while \(expression(&rng, depth: d)) { \(statement(&rng, depth: d))\nbreak }"
        case 7: return "a, b = \(expression(&rng, depth: d))"
        default: return "\(pick(["xs", "r"], &rng))[\(expression(&rng, depth: d))] = \(expression(&rng, depth: d))"
        }
    }

    static func expression(_ rng: inout RandomGenerator, depth: Int) -> String {
        let d = depth + 1
        if depth > 4 { return atom(&rng) }
        switch rng.nextInt(below: 12) {
        case 0, 1: return atom(&rng)
        case 2: return "(\(expression(&rng, depth: d)) \(pick(ops, &rng)) \(expression(&rng, depth: d)))"
        case 3: return "[" + (0..<rng.nextInt(below: 4)).map { _ in expression(&rng, depth: d) }.joined(separator: ", ") + "]"
        case 4: return "{k: \(expression(&rng, depth: d)), v: \(expression(&rng, depth: d))}"
        case 5:
            let name = pick(Registry.shared.names.filter { !["help", "print"].contains($0) }, &rng)
            let argc = rng.nextInt(below: 4)
            return "\(name)(" + (0..<argc).map { _ in expression(&rng, depth: d) }.joined(separator: ", ") + ")"
        case 6: return "\(expression(&rng, depth: d))[\(expression(&rng, depth: d))\(rng.nextInt(below: 2) == 0 ? "" : ":")]"
        case 7: return "\(expression(&rng, depth: d)).\(pick(["shape", "T", "last", "first", "count", "lr", "sum", "mean"], &rng))"
        case 8: return "fn(a) (\(expression(&rng, depth: d)))"
        case 9: return "grad(fn(a) (\(expression(&rng, depth: d))))(\(expression(&rng, depth: d)))"
        case 10: return "\"s {\(pick(names, &rng))} { \(pick(names, &rng)) + \(atom(&rng).contains("'") || atom(&rng).contains("\"") ? "1" : "2") }\""
        default: return "(\(pick(["-", "not "], &rng))\(expression(&rng, depth: d)))"
        }
    }

    static func atom(_ rng: inout RandomGenerator) -> String {
        switch rng.nextInt(below: 8) {
        case 0: return pick(["0", "1", "-1", "2.5", "1e300", "3", "0.5", "100"], &rng)
        case 1: return pick(names, &rng)
        case 2: return pick(["\"hi\"", "\"\"", "'raw {x}'"], &rng)
        case 3: return pick(["true", "false", "nil"], &rng)
        case 4: return pick(["zeros([2, 3])", "ones([3])", "arange(6)", "eye(2)", "randn([2, 2], seed: 3)", "tensor(2)"], &rng)
        case 5: return pick(["0..5", "[1, 2, 3]", "range(3)", "{lr: 0.1}"], &rng)
        case 6: return pick(["pi", "inf", "nan"], &rng)
        default: return pick(["f", "xs", "t"], &rng)
        }
    }

    // MARK: mutation

    private static let fragments = ["(", ")", "[", "]", "{", "}", "\"", ",", ":", "..", "fn", "if", "else", "for", " in ", "\n",
                                    "=", "^", "@", "-", "#", "{x}", "\\", "return", "break", "1e309", "x.", "'", "0"]

    /// The program with a few random insertions, deletions and replacements.
    public static func mutate(_ program: String, _ rng: inout RandomGenerator) -> String {
        var chars = Array(program)
        for _ in 0..<(1 + rng.nextInt(below: 4)) {
            let at = chars.isEmpty ? 0 : rng.nextInt(below: chars.count)
            switch rng.nextInt(below: 3) {
            case 0: chars.insert(contentsOf: Array(pick(fragments, &rng)), at: at)
            case 1: if !chars.isEmpty { chars.removeSubrange(at..<min(chars.count, at + 1 + rng.nextInt(below: 4))) }
            default: if !chars.isEmpty { chars[at] = pick(Array("()[]{}\",:.=+-*/^@#\n x1"), &rng) }
            }
        }
        return String(chars)
    }
}
