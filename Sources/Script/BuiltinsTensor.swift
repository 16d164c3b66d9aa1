import Foundation
import Tensor

/// Tensor builtins: creation, reductions, shapes and elementwise helpers.
extension Registry {
    static func registerTensor(_ r: Registry) {
        let shapeP = BuiltinParameter.required("shape", "list of whole numbers")
        let seedP = BuiltinParameter.optional("seed", "number", .number(0))

        r.add("tensor", "tensor", [.required("data", "number, nested list or tensor")], returns: "tensor",
              summary: "A float32 tensor from a number or nested lists of numbers.",
              example: "x = tensor([[1, 2], [3, 4]])") { a in .tensor(try a.tensor("data")) }
        r.add("zeros", "tensor", [shapeP], returns: "tensor", summary: "A tensor of zeros.",
              example: "zeros([2, 3])") { a in
            let s = try a.shape("shape"); try Limits.checkShape(s); return .tensor(Tensor.zeros(s))
        }
        r.add("ones", "tensor", [shapeP], returns: "tensor", summary: "A tensor of ones.",
              example: "ones([3])") { a in
            let s = try a.shape("shape"); try Limits.checkShape(s); return .tensor(Tensor.ones(s))
        }
        r.add("full", "tensor", [shapeP, .required("value", "number")], returns: "tensor",
              summary: "A tensor filled with one value.", example: "full([2, 2], 7)") { a in
            let s = try a.shape("shape"); try Limits.checkShape(s); return .tensor(Tensor.full(s, try a.float("value")))
        }
        r.add("arange", "tensor", [.required("start", "number"), .optional("end", "number", .null), .optional("step", "number", .number(1))],
              returns: "tensor", summary: "Values from start up to, not including, end, step apart (arange(n) counts from 0).",
              example: "arange(0, 1, 0.25)") { a in
            var (s, e) = (try a.number("start"), 0.0)
            if try a.isNil("end") { e = s; s = 0 } else { e = try a.number("end") }
            let step = try a.number("step")
            guard step != 0, step.isFinite, s.isFinite, e.isFinite else { throw ScriptError("arange needs finite numbers and a non-zero step") }
            let n = max(0, ((e - s) / step).rounded(.up))
            guard n <= Double(Limits.current.maxElements) else { throw ScriptError("arange would make more than \(Limits.current.maxElements) values, the limit for one tensor") }
            return .tensor(try Tensor.arange(Float(s), Float(e), step: Float(step)))
        }
        r.add("linspace", "tensor", [.required("start", "number"), .required("end", "number"), .optional("count", "number", .number(50))],
              returns: "tensor", summary: "count values evenly spaced from start to end, both included.",
              example: "linspace(0, 1, 5)") { a in
            let n = try a.int("count")
            try Limits.checkShape([max(n, 0)])
            return .tensor(try Tensor.linspace(try a.float("start"), try a.float("end"), count: n))
        }
        r.add("eye", "tensor", [.required("n", "number")], returns: "tensor",
              summary: "The n×n identity matrix.", example: "eye(3)") { a in
            let n = try a.int("n")
            guard n >= 0 else { throw ScriptError("argument 'n' of eye must be >= 0, got \(n)") }
            try Limits.checkShape([n, n])
            return .tensor(Tensor.eye(n))
        }
        r.add("rand", "tensor", [shapeP, seedP], returns: "tensor",
              summary: "Uniform random values in [0, 1), the same for the same seed.", example: "rand([2, 2], seed: 1)") { a in
            let s = try a.shape("shape"); try Limits.checkShape(s); return .tensor(Tensor.rand(s, seed: try a.seed("seed")))
        }
        r.add("randn", "tensor", [shapeP, seedP], returns: "tensor",
              summary: "Standard normal random values, the same for the same seed.", example: "w = randn([2, 3], seed: 1)") { a in
            let s = try a.shape("shape"); try Limits.checkShape(s); return .tensor(Tensor.randn(s, seed: try a.seed("seed")))
        }
        r.add("uniform", "tensor", [shapeP, .optional("low", "number", .number(0)), .optional("high", "number", .number(1)), seedP],
              returns: "tensor", summary: "Uniform random values in [low, high).", example: "uniform([3], low: -1, high: 1, seed: 2)") { a in
            let s = try a.shape("shape"); try Limits.checkShape(s)
            var rng = RandomGenerator(seed: try a.seed("seed"))
            return .tensor(Tensor.uniform(s, low: try a.float("low"), high: try a.float("high"), using: &rng))
        }
        r.add("normal", "tensor", [shapeP, .optional("mean", "number", .number(0)), .optional("std", "number", .number(1)), seedP],
              returns: "tensor", summary: "Normal random values with a mean and standard deviation.", example: "normal([3], mean: 5, std: 0.1, seed: 2)") { a in
            let s = try a.shape("shape"); try Limits.checkShape(s)
            var rng = RandomGenerator(seed: try a.seed("seed"))
            return .tensor(Tensor.normal(s, mean: try a.float("mean"), std: try a.float("std"), using: &rng))
        }
        r.add("bernoulli", "tensor", [shapeP, .optional("p", "number", .number(0.5)), seedP], returns: "tensor",
              summary: "Ones with probability p, zeros otherwise.", example: "bernoulli([4], p: 0.25, seed: 3)") { a in
            let s = try a.shape("shape"); try Limits.checkShape(s)
            var rng = RandomGenerator(seed: try a.seed("seed"))
            return .tensor(try Tensor.bernoulli(s, p: try a.float("p"), using: &rng))
        }

        // Reductions.
        let axisP = BuiltinParameter.optional("axis", "whole number or list", .null)
        let keepP = BuiltinParameter.optional("keepdims", "bool", .bool(false))
        func reduction(_ name: String, _ summary: String, _ example: String,
                       numbers: @escaping ([Double]) throws -> Double,
                       tensor: @escaping (Tensor, [Int]?, Bool) throws -> Tensor) {
            r.add(name, "tensor", [.required("x", "tensor or list of numbers"), axisP, keepP], returns: "tensor or number",
                  summary: summary,
                  details: "Over all axes unless `axis` names one or several (negative counts from the end). On a list of numbers, gives a number.",
                  example: example) { a in
                if case .list(let items) = try a.value("x"), try a.isNil("axis"), items.allSatisfy({ if case .number = $0 { return true }; return false }) {
                    return .number(try numbers(items.map(\.numberValue)))
                }
                return .tensor(try tensor(try a.tensor("x"), try a.axes("axis"), try a.bool("keepdims")))
            }
        }
        reduction("sum", "The sum of the elements.", "sum(tensor([[1, 2], [3, 4]]), axis: 0)",
                  numbers: { $0.reduce(0, +) }, tensor: { try $0.sum(axes: $1, keepDims: $2) })
        reduction("mean", "The mean of the elements.", "mean(y, axis: 0)",
                  numbers: { xs in guard !xs.isEmpty else { throw ScriptError("mean of an empty list") }; return xs.reduce(0, +) / Double(xs.count) },
                  tensor: { try $0.mean(axes: $1, keepDims: $2) })
        reduction("max", "The largest element.", "max([3, 1, 2])   # 3",
                  numbers: { xs in guard let m = xs.max() else { throw ScriptError("max of an empty list") }; return m },
                  tensor: { try $0.max(axes: $1, keepDims: $2) })
        reduction("min", "The smallest element.", "min(tensor([3, 1, 2]))",
                  numbers: { xs in guard let m = xs.min() else { throw ScriptError("min of an empty list") }; return m },
                  tensor: { try $0.min(axes: $1, keepDims: $2) })
        reduction("var", "The variance (dividing by n).", "var(tensor([1, 2, 3, 4]))",
                  numbers: { xs in
                      guard !xs.isEmpty else { throw ScriptError("var of an empty list") }
                      let m = xs.reduce(0, +) / Double(xs.count)
                      return xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(xs.count) },
                  tensor: { try $0.variance(axes: $1, keepDims: $2) })
        reduction("std", "The standard deviation (dividing by n).", "std(tensor([1, 2, 3, 4]))",
                  numbers: { xs in
                      guard !xs.isEmpty else { throw ScriptError("std of an empty list") }
                      let m = xs.reduce(0, +) / Double(xs.count)
                      return (xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(xs.count)).squareRoot() },
                  tensor: { sqrt(try $0.variance(axes: $1, keepDims: $2)) })
        r.add("argmax", "tensor", [.required("x", "tensor"), .optional("axis", "whole number", .null), keepP], returns: "tensor",
              summary: "The index of the largest element (along axis, or in the flattened tensor).",
              example: "argmax(tensor([[1, 5], [7, 2]]), axis: 1)") { a in
            .tensor(try a.tensor("x").argmax(axis: try a.optionalInt("axis"), keepDims: try a.bool("keepdims")))
        }
        r.add("argmin", "tensor", [.required("x", "tensor"), .optional("axis", "whole number", .null), keepP], returns: "tensor",
              summary: "The index of the smallest element (along axis, or in the flattened tensor).",
              example: "argmin(tensor([3, 1, 2]))") { a in
            .tensor(try (-a.tensor("x").detached).argmax(axis: try a.optionalInt("axis"), keepDims: try a.bool("keepdims")))
        }

        // Shapes.
        r.add("reshape", "tensor", [.required("x", "tensor"), shapeP.renamed("shape", "list of whole numbers (one may be -1)")], returns: "tensor",
              summary: "The same values in a new shape; one axis may be -1 to be inferred.",
              example: "reshape(arange(6), [2, -1])") { a in
            guard case .list(let items) = try a.value("shape") else { throw ScriptError("argument 'shape' of reshape must be a list of whole numbers, got \(Format.article(try a.value("shape")))") }
            let dims = try items.map { try Ops.integer($0, "a size in the shape") }
            return .tensor(try a.tensor("x").reshaped(dims))
        }
        r.add("flatten", "tensor", [.required("x", "tensor"), .optional("start", "whole number", .number(0))], returns: "tensor",
              summary: "All axes from start on folded into one.", example: "flatten(zeros([2, 3, 4]), start: 1)") { a in
            .tensor(try a.tensor("x").flattened(from: try a.int("start")))
        }
        r.add("permute", "tensor", [.required("x", "tensor"), .required("order", "list of axes")], returns: "tensor",
              summary: "The axes reordered: axis i of the result is axis order[i] of x.",
              example: "permute(zeros([2, 3, 4]), [2, 0, 1]).shape") { a in
            .tensor(try a.tensor("x").permuted(try a.axes("order") ?? []))
        }
        r.add("transpose", "tensor", [.required("x", "tensor"), .optional("a", "axis", .number(-2)), .optional("b", "axis", .number(-1))],
              returns: "tensor", summary: "Two axes swapped (by default the last two: the matrix transpose).",
              example: "transpose(tensor([[1, 2, 3]]))") { a in
            .tensor(try a.tensor("x").transposed(try a.int("a"), try a.int("b")))
        }
        r.add("squeeze", "tensor", [.required("x", "tensor"), .optional("axis", "whole number", .null)], returns: "tensor",
              summary: "Axes of size 1 removed (all of them, or the one given).",
              example: "squeeze(zeros([1, 3, 1])).shape   # [3]") { a in
            let t = try a.tensor("x")
            var shape = t.shape
            if let axis = try a.optionalInt("axis") {
                let ax = try Shape.axis(axis, rank: t.rank)
                guard shape[ax] == 1 else { throw ScriptError("squeeze: axis \(axis) has size \(shape[ax]), not 1") }
                shape.remove(at: ax)
            } else { shape.removeAll { $0 == 1 } }
            return .tensor(try t.reshaped(shape))
        }
        r.add("unsqueeze", "tensor", [.required("x", "tensor"), .required("axis", "whole number")], returns: "tensor",
              summary: "A new axis of size 1 inserted at axis.", example: "unsqueeze(zeros([3]), 0).shape   # [1, 3]") { a in
            let t = try a.tensor("x")
            var shape = t.shape
            shape.insert(1, at: try Shape.axis(try a.int("axis"), rank: t.rank + 1))
            return .tensor(try t.reshaped(shape))
        }
        r.add("concat", "tensor", [.required("tensors", "list of tensors"), .optional("axis", "whole number", .number(0))], returns: "tensor",
              summary: "Tensors joined along an existing axis.", example: "concat([ones([2]), zeros([3])])") { a in
            let ts = try a.list("tensors").map { try Ops.tensor($0) }
            var total = ts.first?.shape ?? []
            if let ax = try? Shape.axis(try a.int("axis"), rank: total.count) { total[ax] = ts.reduce(0) { $0 + ($1.rank == total.count ? $1.shape[ax] : 0) } }
            try Limits.checkShape(total)
            return .tensor(try Tensor.concatenate(ts, axis: try a.int("axis")))
        }
        r.add("stack", "tensor", [.required("tensors", "list of tensors"), .optional("axis", "whole number", .number(0))], returns: "tensor",
              summary: "Tensors of one shape joined along a new axis.", example: "stack([ones([2]), zeros([2])])") { a in
            let ts = try a.list("tensors").map { try Ops.tensor($0) }
            try Limits.checkShape([ts.count] + (ts.first?.shape ?? []))
            return .tensor(try Tensor.stack(ts, axis: try a.int("axis")))
        }
        r.add("pad", "tensor", [.required("x", "tensor"), .required("padding", "list of [before, after] pairs")], returns: "tensor",
              summary: "Zeros added before and after the last axes, one [before, after] pair per axis.",
              example: "pad(ones([2, 2]), [[1, 1], [0, 2]])") { a in
            let t = try a.tensor("x")
            let pairs = try a.list("padding").map { p -> (before: Int, after: Int) in
                guard case .list(let xs) = p, xs.count == 2 else { throw ScriptError("argument 'padding' of pad must be a list of [before, after] pairs") }
                return (try Ops.integer(xs[0], "a padding"), try Ops.integer(xs[1], "a padding"))
            }
            var shape = t.shape
            let off = shape.count - pairs.count
            if off >= 0 { for (i, p) in pairs.enumerated() { shape[off + i] += max(0, p.before) + max(0, p.after) } }
            try Limits.checkShape(shape)
            return .tensor(try t.padded(pairs))
        }
        r.add("broadcast_to", "tensor", [.required("x", "tensor"), shapeP], returns: "tensor",
              summary: "x repeated along axes of size 1 to a shape.", example: "broadcast_to(tensor([1, 2]), [3, 2])") { a in
            let s = try a.shape("shape"); try Limits.checkShape(s)
            return .tensor(try a.tensor("x").broadcast(to: s))
        }
        r.add("matmul", "tensor", [.required("a", "tensor"), .required("b", "tensor")], returns: "tensor",
              summary: "The matrix product (the same as a @ b), batched over leading axes.",
              example: "matmul(eye(2), tensor([[1], [2]]))") { a in try Ops.tensors("@", try a.tensor("a"), try a.tensor("b")) }
        r.add("where", "tensor", [.required("condition", "tensor"), .required("a", "tensor or number"), .required("b", "tensor or number")],
              returns: "tensor", summary: "a where condition is non-zero, b elsewhere (broadcast).",
              example: "where(x > 0, x, 0)") { a in
            let (c, x, y) = (try a.tensor("condition"), try a.tensor("a"), try a.tensor("b"))
            if let s = Shape.broadcast(x.shape, y.shape).flatMap({ Shape.broadcast(c.shape, $0) }) { try Limits.checkShape(s) }
            return .tensor(try `where`(c, x, y))
        }
        r.add("maximum", "tensor", [.required("a", "tensor or number"), .required("b", "tensor or number")], returns: "tensor",
              summary: "The larger of a and b, elementwise.", example: "maximum(x, 0)") { a in
            .tensor(try maximum(try a.tensor("a"), try a.tensor("b")))
        }
        r.add("minimum", "tensor", [.required("a", "tensor or number"), .required("b", "tensor or number")], returns: "tensor",
              summary: "The smaller of a and b, elementwise.", example: "minimum(x, 1)") { a in
            .tensor(try minimum(try a.tensor("a"), try a.tensor("b")))
        }
        r.add("clamp", "tensor", [.required("x", "tensor or number"), .optional("min", "number", .null), .optional("max", "number", .null)],
              returns: "tensor or number", summary: "x limited to [min, max].", example: "clamp(tensor([-2, 0.5, 3]), min: 0, max: 1)") { a in
            let lo = try a.isNil("min") ? -Double.infinity : try a.number("min")
            let hi = try a.isNil("max") ? Double.infinity : try a.number("max")
            switch try a.value("x") {
            case .number(let x): return .number(Swift.min(Swift.max(x, lo), hi))
            case .dual(let x, let d): return .dual(Swift.min(Swift.max(x, lo), hi), x >= lo && x <= hi ? d : 0)
            default: return .tensor(clamp(try a.tensor("x"), min: Float(lo), max: Float(hi)))
            }
        }
        r.add("detach", "tensor", [.required("x", "tensor")], returns: "tensor",
              summary: "The same values with no gradient history.", example: "detach(w)") { a in .tensor(try a.tensor("x").detached) }
        r.add("tolist", "tensor", [.required("x", "tensor")], returns: "list or number",
              summary: "The values as nested lists of numbers.", example: "tolist(eye(2))") { a in
            let t = try a.tensor("x")
            func build(_ axis: Int, _ offset: Int) -> Value {
                if axis == t.rank { return .number(Ops.double(t.scalars[offset])) }
                let stride = t.shape[(axis + 1)...].reduce(1, *)
                return .list((0..<t.shape[axis]).map { build(axis + 1, offset + $0 * stride) })
            }
            return build(0, 0)
        }
        r.add("item", "tensor", [.required("x", "tensor")], returns: "number",
              summary: "The number inside a one-element tensor.", example: "item(sum(ones([3])))   # 3") { a in
            let t = try a.tensor("x")
            guard let x = t.item else { throw ScriptError("item needs a tensor with one element, got shape \(Shape.describe(t.shape))") }
            return .number(Ops.double(x))
        }
        r.add("shape", "tensor", [.required("x", "tensor")], returns: "list",
              summary: "The extent of each axis (the same as x.shape).", example: "shape(zeros([2, 3]))") { a in
            .list(try a.tensor("x").shape.map { .number(Double($0)) })
        }
        r.add("any", "tensor", [.required("x", "tensor or list")], returns: "bool",
              summary: "Whether any element is non-zero (or true).", example: "any(x > 3)") { a in
            if case .list(let xs) = try a.value("x") { return .bool(try xs.contains { try $0.truthy() }) }
            return .bool(try a.tensor("x").scalars.contains { $0 != 0 })
        }
        r.add("all", "tensor", [.required("x", "tensor or list")], returns: "bool",
              summary: "Whether every element is non-zero (or true).", example: "all(x > 0)") { a in
            if case .list(let xs) = try a.value("x") { return .bool(try xs.allSatisfy { try $0.truthy() }) }
            return .bool(try a.tensor("x").scalars.allSatisfy { $0 != 0 })
        }
    }
}

extension BuiltinParameter {
    func renamed(_ name: String, _ type: String) -> BuiltinParameter {
        BuiltinParameter(name: name, type: type, defaultValue: defaultValue, variadic: variadic)
    }
}
