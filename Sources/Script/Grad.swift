import Foundation
import Tensor


/// The derivative of a function, made by `grad`.
///
/// Called with numbers, it runs the function once per differentiated argument on
/// numbers that carry a derivative (`.dual`: forward mode, exact, in double precision).
/// Where such a number meets a tensor it joins the engine's tape as `value + derivative ×
/// seed`, `seed` being a zero the run differentiates against, so one run gives the
/// derivative whether the function stays on numbers or not. Called with tensors, it runs
/// on tensors that require gradients and asks the engine's reverse-mode autodiff.
///
/// Everything about numbers with derivatives lives in this file, apart from each math
/// builtin's own derivative (beside its definition) and the interpreter's fast paths.
final class GradFunction: Function {
    let f: Value
    /// Which arguments: positions or parameter names.
    let wrt: [Value]
    /// True when `wrt` was one argument (the result is one gradient, not a list).
    let single: Bool

    /// The function itself when the derivative can run without arrays (one number argument, wrt 0).
    private let direct: UserFunction?

    init(f: Value, wrt: [Value], single: Bool, name: String) {
        self.f = f
        self.wrt = wrt
        self.single = single
        if case .function(let fn) = f, let u = fn as? UserFunction, single, wrt.count == 1, case .number(0) = wrt[0] {
            direct = u
        } else {
            direct = nil
        }
        super.init(name: "grad(\(name))", isGrad: true)
    }

    private func positions(_ argc: Int) throws -> [Int] {
        try wrt.map { w in
            if case .string(let n) = w {
                guard case .function(let fn) = f, let u = fn as? UserFunction, let i = u.proto.paramNames.firstIndex(of: n) else {
                    throw ScriptError("\(name): the function has no parameter '\(n)'")
                }
                guard i < argc else { throw ScriptError("\(name): argument '\(n)' was not given") }
                return i
            }
            let i = try Ops.integer(w, "a position in wrt")
            guard i >= 0 && i < argc else {
                throw ScriptError("\(name): wrt position \(i) is out of range for \(argc) argument\(argc == 1 ? "" : "s")")
            }
            return i
        }
    }

    override func call(_ args: [Value], named: [(String, Value)], _ rt: Runtime, at pos: Pos) throws -> Value {
        let ps = try positions(args.count)
        // Inside another forward-mode run the inner derivative goes on the tape: one pair of
        // (value, derivative) cannot tell the two runs' derivatives apart, and would mix them
        // (d/dx of x · d/dy (x + y) came out 2 instead of 1).
        if rt.forwardDepth == 0, ps.allSatisfy({ if case .number = args[$0] { return true }; return false }) {
            var grads: [Value] = []
            for p in ps {
                var a = args
                if case .number(let x) = args[p] { a[p] = .dual(x, 1) }
                grads.append(try forward(rt) { try rt.call(f, a, named: named, at: pos) })
            }
            return single ? grads[0] : .list(grads)
        }
        return try engine(args, named, ps, rt, pos)
    }

    /// Runs `body` (the function with one argument carrying derivative 1) and returns the
    /// derivative of its result: the carried one, or the tape's for a result that became a tensor.
    private func forward(_ rt: Runtime, _ body: () throws -> Value) throws -> Value {
        rt.forwardDepth += 1
        let out: Value
        do { out = try body() } catch { _ = rt.endForwardRun(); throw error }
        return try finish(out, rt)
    }

    /// Ends a forward-mode run begun by `rt.forwardDepth += 1` and reads its result's derivative.
    @inline(__always)
    private func finish(_ out: Value, _ rt: Runtime) throws -> Value {
        if case .dual(_, let d) = out, rt.forwardSeeds.isEmpty {
            // Stayed on numbers (the common case): no seed to read.
            rt.forwardDepth -= 1
            return .number(d)
        }
        let seed = rt.endForwardRun()
        switch out {
        case .dual(_, let d): return .number(d)
        case .number: return .number(0)
        case .tensor(let t) where t.tensor.count == 1:
            guard t.tensor.requiresGrad, let seed else { return .number(0) }
            let g = try GradMode.with(enabled: true) { try gradients(of: t.tensor, wrt: [seed])[0] }
            return .number(g.item.map(Ops.double) ?? 0)
        case .tensor(let t):
            throw ScriptError("\(name): the function must return a single number, got a tensor of shape \(Shape.describe(t.tensor.shape))")
        default:
            throw ScriptError("\(name): the function must return a number or a one-element tensor, got \(Format.article(out))")
        }
    }

    /// Reverse mode through the tensor engine.
    private func engine(_ args: [Value], _ named: [(String, Value)], _ ps: [Int], _ rt: Runtime, _ pos: Pos) throws -> Value {
        var inputs = args
        var leaves: [Tensor] = []
        // Inside another grad run, the derivative keeps its own graph so that run can
        // differentiate through it.
        var nested = rt.forwardDepth > 0
        for p in ps {
            let t = try Ops.tensor(args[p])
            if t.requiresGrad { nested = true }
            let leaf = t.requiresGrad ? t : t.requiringGrad()
            inputs[p] = .tensor(leaf)
            leaves.append(leaf)
        }
        return try GradMode.with(enabled: true) {
            let out = try rt.call(f, inputs, named: named, at: pos)
            let y: Tensor
            switch out {
            case .tensor(let t): y = t.tensor
            case .number(let n): y = Tensor(Float(n))
            default: throw ScriptError("\(name): the function must return a number or a one-element tensor, got \(Format.article(out))")
            }
            guard y.count == 1 else {
                throw ScriptError("\(name): the function must return a single number, got a tensor of shape \(Shape.describe(y.shape))")
            }
            let grads = try gradients(of: y, wrt: leaves, createGraph: nested)
            let values: [Value] = zip(ps, grads).map { p, g in
                // A derivative that an outer grad run still differentiates stays a tensor.
                if case .number = args[p], !g.requiresGrad, let v = g.item { return .number(Ops.double(v)) }
                return .tensor(g)
            }
            return single ? values[0] : .list(values)
        }
    }

    /// One number in, one derivative out, without arrays: the common case in loops.
    func derivative(at x: Double, _ rt: Runtime, at pos: Pos) throws -> Value {
        guard let u = direct, rt.forwardDepth == 0 else { return try call([.number(x)], named: [], rt, at: pos) }
        // `forward` written out: this is the call in loops, and a closure here costs a retain.
        rt.forwardDepth += 1
        let out: Value
        // The argument goes into the empty slot above the stack: nothing there to destroy.
        do { out = try u.invoke(argc: 1, rt, at: pos) { frame in frame.initialize(to: .dual(x, 1)) } } catch { _ = rt.endForwardRun(); throw error }
        return try finish(out, rt)
    }
}

/// Arithmetic on numbers that carry a derivative, and their way onto the tape.
extension Ops {
    /// The value and derivative of a number (derivative 0) or a number with a derivative.
    static func dualParts(_ v: Value) -> (Double, Double)? {
        switch v {
        case .dual(let a, let d): return (a, d)
        case .number(let a): return (a, 0)
        default: return nil
        }
    }

    static func primal(_ v: Value) -> Double? {
        if case .dual(let a, _) = v { return a }
        return number(v)
    }

    /// Forward-mode arithmetic on numbers that carry a derivative.
    static func dual(_ op: String, _ l: (Double, Double), _ r: (Double, Double)) throws -> Value {
        let (a, da) = l, (b, db) = r
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
        default: return try numbers(op, a, b)
        }
    }

    /// A number with derivative `d` as a tensor on the tape: `a + d × seed`, whose gradient
    /// with respect to the running `grad`'s seed is `d` (a constant outside a `grad` run).
    static func lift(_ a: Double, _ d: Double) throws -> Tensor {
        let t = Tensor(Float(a))
        guard d != 0, let seed = Runtime.running.value?.forwardSeed() else { return t }
        return try t + seed * Float(d)
    }

    /// The value with a number carrying a derivative made a tensor on the tape.
    static func lifted(_ v: Value) throws -> Value {
        if case .dual(let a, let d) = v { return .tensor(try lift(a, d)) }
        return v
    }
}

extension Registry {
    static func registerAutodiff(_ r: Registry) {
        r.add("grad", "autodiff", [.required("f", "function"), .optional("wrt", "position, parameter name, or a list of them", .number(0))],
              returns: "function",
              summary: "The derivative of f: a function that returns the gradient of f's result at its arguments.",
              details: """
              f must return a single number (or a one-element tensor). By default the gradient is with respect to the \
              first argument; `wrt: 1` or `wrt: "b"` picks another, and a list (`wrt: [0, 1]`) gives a list of gradients. \
              Numbers in give numbers out (exact, forward mode); tensors in give tensors out (the engine's reverse-mode \
              autodiff). grad(grad(f)) gives second derivatives.
              """,
              example: "df = grad(fn(x) (x - 3)^2)\ndf(10)   # 14") { a in
            let f = try a.function("f")
            let w = try a.value("wrt")
            let single: Bool
            let wrt: [Value]
            if case .list(let items) = w { wrt = items; single = false } else { wrt = [w]; single = true }
            guard !wrt.isEmpty else { throw ScriptError("argument 'wrt' of grad must name at least one argument") }
            let name: String
            if case .function(let fn) = f { name = fn.name } else { name = "f" }
            return .function(GradFunction(f: f, wrt: wrt, single: single, name: name))
        }
        r.add("descend", "autodiff", [.required("f", "function"), .required("from", "number or tensor"),
                                      .optional("lr", "number", .number(0.1)), .optional("steps", "number", .number(100))],
              returns: "list",
              summary: "Gradient descent on f from a starting point: returns the path [x0, x1, ..., x_steps].",
              details: "Each step is x = x - lr * grad(f)(x). `.last` of the path is where it ended.",
              example: "path = descend(fn(x) (x - 3)^2, from: 10, lr: 0.1, steps: 30)\npath.last") { a in
            let f = try a.function("f")
            let lr = try a.number("lr")
            let steps = try a.int("steps")
            guard steps >= 0 && steps <= 10_000_000 else { throw ScriptError("argument 'steps' of descend must be between 0 and 10000000, got \(steps)") }
            let g = GradFunction(f: f, wrt: [.number(0)], single: true, name: (f.functionName ?? "f"))
            var x = try a.value("from")
            if case .list = x { x = .tensor(try Ops.tensor(x)) }
            guard Ops.number(x) != nil || { if case .tensor = x { return true }; return false }() else {
                throw ScriptError("argument 'from' of descend must be a number or a tensor, got \(Format.article(x))")
            }
            var path: [Value] = [x]
            let pos = Pos(line: 0, column: 0)
            for _ in 0..<steps {
                try a.rt.checkCancelled()
                let d: Value
                if case .number(let n) = x { d = try g.derivative(at: n, a.rt, at: pos) } else { d = try g.call([x], named: [], a.rt, at: pos) }
                if case .tensor(let t) = x, case .tensor(let dt) = d {
                    x = .tensor(try (t.tensor.detached - dt.tensor.detached * Float(lr)))
                } else {
                    x = try Ops.binary("-", x, try Ops.binary("*", .number(lr), d))
                }
                path.append(x)
            }
            return .list(path)
        }
    }
}

extension Value {
    var functionName: String? { if case .function(let f) = self { return f.name }; return nil }
}
