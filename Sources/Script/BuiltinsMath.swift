import Foundation
import Tensor

/// Math on numbers, elementwise on tensors, exact derivatives for `grad`.
extension Registry {
    /// Declares f elementwise: numbers, numbers carrying a derivative, and tensors (through the engine).
    private func elementwise(_ name: String, summary: String, example: String,
                             _ f: @escaping (Double) -> Double, derivative: @escaping (Double) -> Double,
                             tensor: @escaping (Tensor) throws -> Tensor) {
        add(name, "math", [.required("x", "number or tensor")], returns: "number or tensor",
            summary: summary, details: "Works on numbers and, elementwise, on tensors (differentiable).",
            example: example) { a in
            switch try a.value("x") {
            case .number(let x): return .number(f(x))
            case .dual(let x, let d): return .dual(f(x), derivative(x) * d)
            default: return .tensor(try tensor(try a.tensor("x")))
            }
        }
        direct(name, one: { v in
            switch v {
            case .number(let x): return .number(f(x))
            case .dual(let x, let d): return .dual(f(x), derivative(x) * d)
            default: return nil
            }
        })
        function(name)?.number1 = f
    }

    static func registerMath(_ r: Registry) {
        r.elementwise("abs", summary: "The absolute value.", example: "abs(-2)   # 2",
                      { Swift.abs($0) }, derivative: { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }, tensor: { abs($0) })
        r.elementwise("sqrt", summary: "The square root.", example: "sqrt(16)   # 4",
                      { $0.squareRoot() }, derivative: { 0.5 / $0.squareRoot() }, tensor: { sqrt($0) })
        r.elementwise("exp", summary: "e to the power x.", example: "exp(1)",
                      { Foundation.exp($0) }, derivative: { Foundation.exp($0) }, tensor: { exp($0) })
        r.elementwise("log", summary: "The natural logarithm.", example: "log(e)   # 1",
                      { Foundation.log($0) }, derivative: { 1 / $0 }, tensor: { log($0) })
        r.elementwise("tanh", summary: "The hyperbolic tangent.", example: "tanh(0.5)",
                      { Foundation.tanh($0) }, derivative: { 1 - Foundation.tanh($0) * Foundation.tanh($0) }, tensor: { tanh($0) })
        r.elementwise("sigmoid", summary: "The logistic function 1 / (1 + e^-x).", example: "sigmoid(0)   # 0.5",
                      { 1 / (1 + Foundation.exp(-$0)) },
                      derivative: { let s = 1 / (1 + Foundation.exp(-$0)); return s * (1 - s) }, tensor: { sigmoid($0) })
        r.elementwise("relu", summary: "max(x, 0).", example: "relu(tensor([-1, 2]))",
                      { Swift.max($0, 0) }, derivative: { $0 > 0 ? 1 : 0 }, tensor: { relu($0) })
        r.elementwise("gelu", summary: "The Gaussian error linear unit x·Φ(x).", example: "gelu(1)",
                      { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) },
                      derivative: { x in 0.5 * (1 + Foundation.erf(x / 2.0.squareRoot())) + x * Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() },
                      tensor: { gelu($0) })
        r.elementwise("sin", summary: "The sine (radians).", example: "sin(pi / 2)   # 1",
                      { Foundation.sin($0) }, derivative: { Foundation.cos($0) },
                      tensor: { t in t.requiresGrad ? try Registry.noGrad("sin") : t.map { Foundation.sin($0) } })
        r.elementwise("cos", summary: "The cosine (radians).", example: "cos(0)   # 1",
                      { Foundation.cos($0) }, derivative: { -Foundation.sin($0) },
                      tensor: { t in t.requiresGrad ? try Registry.noGrad("cos") : t.map { Foundation.cos($0) } })
        r.elementwise("floor", summary: "The largest whole number <= x.", example: "floor(2.7)   # 2",
                      { Foundation.floor($0) }, derivative: { _ in 0 }, tensor: { $0.detached.map { Foundation.floor($0) } })
        r.elementwise("ceil", summary: "The smallest whole number >= x.", example: "ceil(2.1)   # 3",
                      { Foundation.ceil($0) }, derivative: { _ in 0 }, tensor: { $0.detached.map { Foundation.ceil($0) } })
        r.add("round", "math", [.required("x", "number or tensor"), .optional("digits", "number", .number(0))], returns: "number or tensor",
              summary: "x rounded to a number of decimals (halves away from zero).",
              example: "round(3.14159, 2)   # 3.14") { a in
            let d = try a.int("digits")
            guard (-15...15).contains(d) else { throw ScriptError("argument 'digits' of round must be between -15 and 15") }
            let scale = Foundation.pow(10.0, Double(d))
            if case .tensor = try a.value("x") { return .tensor(try a.tensor("x").detached.map { Float((Double($0) * scale).rounded() / scale) }) }
            if case .dual(let x, _) = try a.value("x") { return .dual((x * scale).rounded() / scale, 0) }
            return .number((try a.number("x") * scale).rounded() / scale)
        }
        r.direct("round", one: { v in
            if case .number(let x) = v { return .number(x.rounded()) }
            return nil
        })
        r.function("round")?.number1 = { $0.rounded() }
        r.add("pow", "math", [.required("x", "number or tensor"), .required("y", "number or tensor")], returns: "number or tensor",
              summary: "x to the power y (the same as x ^ y).", example: "pow(2, 10)   # 1024") { a in
            try Ops.binary("^", try a.value("x"), try a.value("y"))
        }
    }

    static func noGrad(_ name: String) throws -> Tensor {
        throw ScriptError("\(name) of a tensor has no gradient in the engine; apply it to numbers inside grad")
    }
}
