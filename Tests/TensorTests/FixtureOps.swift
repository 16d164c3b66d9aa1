import Foundation
import Tensor

/// The engine's implementation of every op named in the fixture files.
enum FixtureOps {
    static func one(_ body: @escaping ([Tensor], FixtureParams) throws -> Tensor) -> FixtureOp {
        { inputs, params in [try body(inputs, params)] }
    }

    static func required<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw FixtureError(description: "missing parameter \(what)") }
        return value
    }

    static let table: [String: FixtureOp] = [
        // creation
        "arange": one { _, p in try Tensor.arange(try required(p.float("start"), "start"), try required(p.float("end"), "end"),
                                                   step: try required(p.float("step"), "step")) },
        "linspace": one { _, p in try Tensor.linspace(try required(p.float("start"), "start"), try required(p.float("end"), "end"),
                                                       count: try required(p.int("count"), "count")) },
        "eye": one { _, p in Tensor.eye(try required(p.int("n"), "n")) },
        // elementwise
        "add": one { x, _ in try x[0] + x[1] },
        "sub": one { x, _ in try x[0] - x[1] },
        "mul": one { x, _ in try x[0] * x[1] },
        "div": one { x, _ in try x[0] / x[1] },
        "pow": one { x, _ in try pow(x[0], x[1]) },
        "pow_const": one { x, p in try pow(x[0], try required(p.float("exponent"), "exponent")) },
        "scalar_arith": one { x, p in
            let s = try required(p.float("scalar"), "scalar"), left = p.bool("left")
            switch p.string("fn") {
            case "+": return left ? try s + x[0] : try x[0] + s
            case "-": return left ? try s - x[0] : try x[0] - s
            case "*": return left ? try s * x[0] : try x[0] * s
            case "/": return left ? try s / x[0] : try x[0] / s
            default: throw FixtureError(description: "unknown fn")
            }
        },
        "neg": one { x, _ in -x[0] },
        "abs": one { x, _ in abs(x[0]) },
        "exp": one { x, _ in exp(x[0]) },
        "log": one { x, _ in log(x[0]) },
        "sqrt": one { x, _ in sqrt(x[0]) },
        "tanh": one { x, _ in tanh(x[0]) },
        "sigmoid": one { x, _ in sigmoid(x[0]) },
        "relu": one { x, _ in relu(x[0]) },
        "gelu": one { x, _ in gelu(x[0]) },
        "clamp": one { x, p in clamp(x[0], min: p.float("min") ?? -.infinity, max: p.float("max") ?? .infinity) },
        "maximum": one { x, _ in try maximum(x[0], x[1]) },
        "minimum": one { x, _ in try minimum(x[0], x[1]) },
        "where": one { x, _ in try `where`(x[0], x[1], x[2]) },
        "compare": one { x, p in
            guard let c = Comparison(rawValue: p.string("comparison") ?? "") else { throw FixtureError(description: "comparison") }
            return try compare(x[0], c, x[1])
        },
        // reductions
        "sum": one { x, p in try x[0].sum(axes: p.ints("axes"), keepDims: p.bool("keepDims")) },
        "mean": one { x, p in try x[0].mean(axes: p.ints("axes"), keepDims: p.bool("keepDims")) },
        "max": one { x, p in try x[0].max(axes: p.ints("axes"), keepDims: p.bool("keepDims")) },
        "min": one { x, p in try x[0].min(axes: p.ints("axes"), keepDims: p.bool("keepDims")) },
        "variance": one { x, p in try x[0].variance(axes: p.ints("axes"), keepDims: p.bool("keepDims"), unbiased: p.bool("unbiased")) },
        "argmax": one { x, p in try x[0].argmax(axis: p.int("axis"), keepDims: p.bool("keepDims")) },
        // shape
        "reshape": one { x, p in try x[0].reshaped(try required(p.ints("shape"), "shape")) },
        "permute": one { x, p in try x[0].permuted(try required(p.ints("order"), "order")) },
        "transpose": one { x, p in try x[0].transposed(try required(p.int("a"), "a"), try required(p.int("b"), "b")) },
        "slice": one { x, p in
            try x[0].sliced(p.optionalIntRows("ranges").map { SliceRange(start: $0[0], end: $0[1], step: $0[2] ?? 1) })
        },
        "select": one { x, p in try x[0].selecting(try required(p.int("index"), "index"), axis: try required(p.int("axis"), "axis")) },
        "gather": one { x, p in try x[0].gathering(try required(p.ints("indices"), "indices")) },
        "concat": one { x, p in try Tensor.concatenate(x, axis: try required(p.int("axis"), "axis")) },
        "stack": one { x, p in try Tensor.stack(x, axis: try required(p.int("axis"), "axis")) },
        "pad": one { x, p in try x[0].padded(p.optionalIntRows("padding").map { (before: $0[0] ?? 0, after: $0[1] ?? 0) }) },
        "flatten": one { x, p in try x[0].flattened(from: try required(p.int("start"), "start")) },
        "broadcast_to": one { x, p in try x[0].broadcast(to: try required(p.ints("shape"), "shape")) },
        "sum_to": one { x, p in try x[0].sum(toShape: try required(p.ints("shape"), "shape")) },
        // nn
        "matmul": one { x, _ in try matmul(x[0], x[1]) },
        "linear": one { x, _ in try linear(x[0], weight: x[1], bias: x.count > 2 ? x[2] : nil) },
        "conv2d": one { x, p in
            try conv2d(x[0], weight: x[1], bias: x.count > 2 ? x[2] : nil,
                       stride: try required(p.pair("stride"), "stride"), padding: try required(p.pair("padding"), "padding"))
        },
        "max_pool2d": one { x, p in
            try maxPool2d(x[0], kernel: try required(p.pair("kernel"), "kernel"), stride: p.pair("stride"),
                          padding: try required(p.pair("padding"), "padding"))
        },
        "avg_pool2d": one { x, p in
            try avgPool2d(x[0], kernel: try required(p.pair("kernel"), "kernel"), stride: p.pair("stride"),
                          padding: try required(p.pair("padding"), "padding"))
        },
        "batch_norm": { x, p in
            var statistics = BatchNormStatistics(mean: x[3], variance: x[4])
            let out = try batchNorm(x[0], scale: x[1], offset: x[2], statistics: &statistics, training: p.bool("training"),
                                    momentum: try required(p.float("momentum"), "momentum"),
                                    epsilon: try required(p.float("epsilon"), "epsilon"))
            return [out, statistics.mean, statistics.variance]
        },
        "batch_norm_relu": { x, p in
            var statistics = BatchNormStatistics(mean: x[3], variance: x[4])
            let out = try batchNorm(x[0], scale: x[1], offset: x[2], statistics: &statistics, training: p.bool("training"),
                                    momentum: try required(p.float("momentum"), "momentum"),
                                    epsilon: try required(p.float("epsilon"), "epsilon"), relu: true)
            return [out, statistics.mean, statistics.variance]
        },
        "add_relu": one { x, _ in try addReLU(x[0], x[1]) },
        // losses
        "softmax": one { x, p in try softmax(x[0], axis: try required(p.int("axis"), "axis")) },
        "log_softmax": one { x, p in try logSoftmax(x[0], axis: try required(p.int("axis"), "axis")) },
        "mse_loss": one { x, _ in try mseLoss(x[0], x[1]) },
        "cross_entropy": one { x, p in try crossEntropy(x[0], labels: try required(p.ints("labels"), "labels"), weights: p.floats("weights")) },
        "cross_entropy_soft": one { x, _ in try crossEntropy(x[0], targets: x[1]) },
    ]
}
