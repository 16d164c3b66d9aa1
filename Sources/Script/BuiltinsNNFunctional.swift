import Tensor

/// Neural-network operations on tensors, as functions (PyTorch's torch.nn.functional): activations, losses, layers.
extension Registry {
    static func registerNNFunctional(_ r: Registry) {
        r.add("softmax", "nn", [.required("x", "tensor"), .optional("axis", "whole number", .number(-1))], returns: "tensor",
              summary: "exp(x) normalised to sum to 1 along axis.", example: "softmax(tensor([1, 2, 3]))") { a in
            .tensor(try softmax(try a.tensor("x"), axis: try a.int("axis")))
        }
        r.add("log_softmax", "nn", [.required("x", "tensor"), .optional("axis", "whole number", .number(-1))], returns: "tensor",
              summary: "log(softmax(x)), computed stably.", example: "log_softmax(tensor([1, 2, 3]))") { a in
            .tensor(try logSoftmax(try a.tensor("x"), axis: try a.int("axis")))
        }
        r.add("mse_loss", "nn", [.required("prediction", "tensor"), .required("target", "tensor")], returns: "tensor",
              summary: "The mean of the squared differences (shapes must match).",
              example: "mse_loss(tensor([1, 2]), tensor([1, 4]))   # 2") { a in
            .tensor(try mseLoss(try a.tensor("prediction"), try a.tensor("target")))
        }
        r.add("cross_entropy", "nn", [.required("logits", "tensor [N, C]"), .required("labels", "list or tensor of class indices, or [N, C] probabilities"),
                                      .optional("label_smoothing", "number", .number(0))],
              returns: "tensor", summary: "Cross-entropy of logits against class labels (or target probabilities), as PyTorch computes it.",
              details: "`label_smoothing` ε replaces each target by (1 − ε)·target + ε/C, as in PyTorch's `F.cross_entropy(..., label_smoothing=ε)`.",
              example: "cross_entropy(tensor([[2, 0.5], [0.1, 3]]), [0, 1], label_smoothing: 0.1)") { a in
            let logits = try a.tensor("logits")
            let smoothing = try a.fraction("label_smoothing")
            if case .tensor(let t) = try a.value("labels"), t.tensor.shape == logits.shape {
                var targets = t.tensor
                if smoothing > 0, logits.rank == 2 { targets = try targets * Tensor(1 - smoothing) + Tensor(smoothing / Float(logits.shape[1])) }
                return .tensor(try crossEntropy(logits, targets: targets))
            }
            let labels = try a.tensor("labels")
            guard labels.rank == 1 else { throw ScriptError("argument 'labels' of cross_entropy must be a list of class indices, got shape \(Shape.describe(labels.shape))") }
            let classes = try labels.scalars.map { v -> Int in
                guard v.isFinite, v == v.rounded(), Swift.abs(v) < 1e9 else {
                    throw ScriptError("argument 'labels' of cross_entropy must hold whole class indices, got \(v)")
                }
                return Int(v)
            }
            return .tensor(try crossEntropy(logits, labels: classes, smoothing: smoothing))
        }
        r.add("linear", "nn", [.required("x", "tensor [N, in]"), .required("weight", "tensor [out, in]"), .optional("bias", "tensor [out]", .null)],
              returns: "tensor", summary: "The dense layer x · weightᵀ + bias (PyTorch's layout).",
              example: "linear(ones([1, 3]), ones([2, 3]), bias: zeros([2]))") { a in
            .tensor(try linear(try a.tensor("x"), weight: try a.tensor("weight"), bias: try a.isNil("bias") ? nil : try a.tensor("bias")))
        }
        r.add("conv2d", "nn", [.required("x", "tensor [N, C, H, W]"), .required("weight", "tensor [out, C, kh, kw]"),
                               .optional("bias", "tensor [out]", .null), .optional("stride", "whole number", .number(1)),
                               .optional("padding", "whole number", .number(0))],
              returns: "tensor", summary: "A 2-D convolution (cross-correlation), NCHW.",
              example: "conv2d(ones([1, 1, 4, 4]), ones([2, 1, 3, 3]), padding: 1).shape") { a in
            let (s, p) = (try a.int("stride"), try a.int("padding"))
            guard s > 0, p >= 0 else { throw ScriptError("conv2d needs stride > 0 and padding >= 0") }
            return .tensor(try conv2d(try a.tensor("x"), weight: try a.tensor("weight"), bias: try a.isNil("bias") ? nil : try a.tensor("bias"),
                                      stride: (s, s), padding: (p, p)))
        }
        for (name, summary) in [("max_pool2d", "Max pooling over kernel×kernel windows."), ("avg_pool2d", "Average pooling over kernel×kernel windows.")] {
            r.add(name, "nn", [.required("x", "tensor [N, C, H, W]"), .required("kernel", "whole number"),
                               .optional("stride", "whole number", .null), .optional("padding", "whole number", .number(0))],
                  returns: "tensor", summary: summary + " The stride defaults to the kernel.",
                  example: "\(name)(ones([1, 1, 4, 4]), 2).shape   # [1, 1, 2, 2]") { a in
                let k = try a.int("kernel"), p = try a.int("padding")
                let s = try a.optionalInt("stride") ?? k
                guard k > 0, s > 0, p >= 0 else { throw ScriptError("\(name) needs kernel > 0, stride > 0 and padding >= 0") }
                let x = try a.tensor("x")
                return .tensor(name == "max_pool2d" ? try maxPool2d(x, kernel: (k, k), stride: (s, s), padding: (p, p))
                                                    : try avgPool2d(x, kernel: (k, k), stride: (s, s), padding: (p, p)))
            }
        }
        r.add("batch_norm", "nn", [.required("x", "tensor [N, C] or [N, C, H, W]"), .optional("scale", "tensor [C]", .null),
                                   .optional("offset", "tensor [C]", .null), .optional("epsilon", "number", .number(1e-5))],
              returns: "tensor", summary: "Normalises each channel with the batch's mean and variance, then scales and offsets.",
              example: "batch_norm(randn([8, 3], seed: 1))") { a in
            let x = try a.tensor("x")
            guard x.rank == 2 || x.rank == 4 else { throw ScriptError("batch_norm needs a [N, C] or [N, C, H, W] tensor, got shape \(Shape.describe(x.shape))") }
            let c = x.shape[1]
            var stats = BatchNormStatistics(channels: c)
            return .tensor(try batchNorm(x, scale: try a.isNil("scale") ? Tensor.ones([c]) : try a.tensor("scale"),
                                         offset: try a.isNil("offset") ? Tensor.zeros([c]) : try a.tensor("offset"),
                                         statistics: &stats, training: true, epsilon: try a.float("epsilon")))
        }
        r.add("dropout", "nn", [.required("x", "tensor"), .optional("rate", "number", .number(0.5)), .optional("seed", "number", .number(0))],
              returns: "tensor", summary: "Zeroes each value with probability rate and scales the rest by 1 / (1 − rate).",
              example: "dropout(ones([6]), rate: 0.5, seed: 1)") { a in
            var rng = RandomGenerator(seed: try a.seed("seed"))
            return .tensor(try dropout(try a.tensor("x"), rate: try a.float("rate"), training: true, using: &rng))
        }
    }
}
