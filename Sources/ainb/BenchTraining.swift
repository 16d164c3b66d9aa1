import ArgumentParser
import Foundation
import Neural
import Tensor

/// `ainb bench train-keypoints|train-emotions`: training throughput and peak memory
/// of the course models with Adam, as `bench/torch_models.py --bench NAME` measures PyTorch.
enum BenchTraining {
    static func keypoints(json: Bool) throws {
        try run(name: "train-keypoints", model: keypointResNet(seed: 1), batch: 32, classification: false, json: json)
    }

    static func emotions(json: Bool) throws {
        try run(name: "train-emotions", model: emotionResNet(classes: 5, seed: 1), batch: 64, classification: true, json: json)
    }

    /// `ainb bench infer-keypoints`: `predict` on one batch of 32 with the keypoint model
    /// (folded batch norms, no tape), as `bench/torch_models.py --bench infer-keypoints`
    /// runs PyTorch's `model.eval()` under `torch.inference_mode()`.
    static func inferKeypoints(json: Bool) throws {
        let model = keypointResNet(seed: 1), batch = 32
        var rng = RandomGenerator(seed: 7)
        let x = Tensor.uniform([batch, 1, 96, 96], using: &rng)
        _ = try predict(model, images: x, batchSize: batch)
        var times: [Double] = []
        for _ in 0..<max(1, steps) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try predict(model, images: x, batchSize: batch)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let median = times.sorted()[times.count / 2]
        let rate = Double(batch) / median, rss = peakResidentMegabytes()
        if json {
            print("{\"isa\": \"\(InstructionSet.active.rawValue)\", \"batch\": \(batch), \"images_per_s\": \(String(format: "%.2f", rate)), \"peak_rss_mb\": \(String(format: "%.1f", rss))}")
        } else {
            print("infer-keypoints: batch \(batch): \(String(format: "%.2f", rate)) images/s (median \(String(format: "%.3f", median)) s), peak RSS \(String(format: "%.1f", rss)) MB")
        }
    }

    /// Steps timed after one warm-up step (AINB_BENCH_STEPS overrides).
    static var steps: Int {
        ProcessInfo.processInfo.environment["AINB_BENCH_STEPS"].flatMap(Int.init) ?? 5
    }

    static func run(name: String, model: Sequential, batch: Int, classification: Bool, json: Bool) throws {
        var rng = RandomGenerator(seed: 7)
        let x = Tensor.uniform([batch, 1, 96, 96], using: &rng)
        let targets: Targets = classification
            ? .labels((0..<batch).map { _ in rng.nextInt(below: 5) })
            : .values(Tensor.uniform([batch, 30], low: 0, high: 96, using: &rng))
        let loss: Loss = classification ? .crossEntropy : .mse
        if ProcessInfo.processInfo.environment["AINB_BENCH_LAYERS"] == "1" {
            try LayerProfile.run(model: model, input: x)
            return
        }
        let adam = Adam(learningRate: 1e-4)
        try trainStep(model, images: x, targets: targets, loss: loss, optimizer: adam)
        var times: [Double] = []
        for _ in 0..<max(1, steps) {
            let start = DispatchTime.now().uptimeNanoseconds
            try trainStep(model, images: x, targets: targets, loss: loss, optimizer: adam)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        if let dir = ProcessInfo.processInfo.environment["AINB_BENCH_EXPORT"] {
            // The trained model and a few outputs, for bench/torch_models.py --check.
            let base = URL(fileURLWithPath: dir)
            try model.save(to: base.appendingPathComponent("\(name).safetensors"))
            let sample = try x.gathering([0, 1, 2, 3])
            try Safetensors.save([("input", sample), ("output", try predict(model, images: sample))],
                                 to: base.appendingPathComponent("\(name)-io.safetensors"))
        }
        let median = times.sorted()[times.count / 2]
        let rate = Double(batch) / median
        let rss = peakResidentMegabytes()
        if json {
            print("{\"isa\": \"\(InstructionSet.active.rawValue)\", \"params\": \(model.parameterCount), \"batch\": \(batch), \"images_per_s\": \(String(format: "%.2f", rate)), \"peak_rss_mb\": \(String(format: "%.1f", rss))}")
        } else {
            print("\(name): \(model.parameterCount) params, batch \(batch): \(String(format: "%.2f", rate)) images/s (median step \(String(format: "%.3f", median)) s), peak RSS \(String(format: "%.1f", rss)) MB")
        }
    }

    /// VmHWM from /proc/self/status, else getrusage's maximum resident set.
    static func peakResidentMegabytes() -> Double {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kb = Double(line.split(separator: " ").dropFirst().first ?? "") {
            return kb / 1024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

/// Per-layer forward and backward times (AINB_BENCH_LAYERS=1), to tell where a training step goes.
enum LayerProfile {
    static func run(model: Sequential, input: Tensor) throws {
        model.train()
        var x = input
        var rows: [(String, Double, Double)] = []
        func measure(_ name: String, _ layer: Layer, _ input: Tensor) throws -> Tensor {
            let params = layer.trainableParameters
            for p in params { p.value = p.value.detached.requiringGrad() }
            defer { for p in params { p.value = p.value.detached } }
            let xg = input.detached.requiringGrad()
            let t0 = DispatchTime.now().uptimeNanoseconds
            let y = try layer(xg)
            let t1 = DispatchTime.now().uptimeNanoseconds
            _ = try gradients(of: y, wrt: [xg] + params.map(\.value), seed: Tensor.ones(y.shape))
            let t2 = DispatchTime.now().uptimeNanoseconds
            rows.append((name, Double(t1 - t0) / 1e6, Double(t2 - t1) / 1e6))
            return y.detached
        }
        for (name, layer) in model.layers {
            if let res = layer as? ResBlock {
                var h = x
                for (sub, block) in res.children {
                    if let conv = block as? ConvolutionBlock {
                        var m = h
                        for (leaf, l) in [("conv1", conv.conv1), ("pool", conv.pool), ("bn1", conv.bn1)] as [(String, Layer)] {
                            m = try measure("\(name).\(sub).\(leaf)", l, m)
                        }
                        m = relu(m)
                        for (leaf, l) in [("conv2", conv.conv2), ("bn2", conv.bn2)] as [(String, Layer)] {
                            m = try measure("\(name).\(sub).\(leaf)", l, m)
                        }
                        m = relu(m)
                        for (leaf, l) in [("conv3", conv.conv3), ("bn3", conv.bn3)] as [(String, Layer)] {
                            m = try measure("\(name).\(sub).\(leaf)", l, m)
                        }
                        _ = try measure("\(name).\(sub).shortcut_conv", conv.shortcutConv, h)
                    }
                    h = try measure("\(name).\(sub) (whole)", block, h)
                }
                x = h
            } else {
                x = try measure(name, layer, x)
            }
        }
        let total = rows.filter { !$0.0.contains(".conv.") || $0.0.hasSuffix("(whole)") }
        for (name, f, b) in rows {
            print(String(format: "%-34@ fwd %8.1f ms  bwd %8.1f ms", name as NSString, f, b))
        }
        let f = total.reduce(0) { $0 + $1.1 }, b = total.reduce(0) { $0 + $1.2 }
        print(String(format: "%-34@ fwd %8.1f ms  bwd %8.1f ms", "total (top level)" as NSString, f, b))
    }
}
