import Foundation
import Neural
import Tensor

/// A model (any Neural layer) and the input shape its summary uses.
final class ModelObject: HostObject {
    let layer: Layer
    let input: [Int]
    init(_ layer: Layer, input: [Int]) { self.layer = layer; self.input = input }
    var typeName: String { "model" }
    var summary: String { "model (\(layer.parameterCount) parameters)" }
    var memberNames: [String] { ["parameters", "summary", "input"] }
    func member(_ name: String) throws -> Value? {
        switch name {
        case "parameters": return .number(Double(layer.parameterCount))
        case "summary": return .string(try Neural.summary(layer, input: input))
        case "input": return .list(input.map { .number(Double($0)) })
        default: return nil
        }
    }
    func display() -> [DisplayItem] { [.text((try? Neural.summary(layer, input: input)) ?? summary)] }
}

/// An optimizer with its state.
final class OptimizerObject: HostObject {
    let optimizer: Optimizer
    let name: String
    init(_ optimizer: Optimizer, name: String) { self.optimizer = optimizer; self.name = name }
    var typeName: String { "optimizer" }
    var summary: String { "\(name)(lr: \(Format.number(Double(optimizer.learningRate))))" }
    var memberNames: [String] { ["lr"] }
    func member(_ name: String) throws -> Value? { name == "lr" ? .number(Double(optimizer.learningRate)) : nil }
}

/// The record of a training run: one row per epoch.
final class HistoryObject: HostObject {
    let history: History
    init(_ history: History) { self.history = history }
    var typeName: String { "history" }
    var summary: String { "history (\(history.epochs.count) epochs)" }
    var seriesNames: [String] {
        var names = ["loss"]
        if history.epochs.contains(where: { $0.validationLoss != nil }) { names.append("val_loss") }
        let metrics = Set(history.epochs.flatMap { $0.metrics.keys }).sorted()
        names += metrics
        names += Set(history.epochs.flatMap { $0.validationMetrics.keys }).sorted().map { "val_" + $0 }
        return names
    }
    var memberNames: [String] { seriesNames + ["epochs", "lr"] }
    func member(_ name: String) throws -> Value? {
        if name == "epochs" { return .number(Double(history.epochs.count)) }
        guard memberNames.contains(name) else { return nil }
        return .list(history.series(name).map { .number(Ops.double($0)) })
    }
    func elements() throws -> [Value]? { try member("loss").map { if case .list(let xs) = $0 { return xs }; return [] } }
    func display() -> [DisplayItem] {
        let names = seriesNames
        let columns = names.map { history.series($0) }
        let rows = history.epochs.indices.map { i in
            ["\(i + 1)"] + columns.map { i < $0.count ? String(format: "%.4f", Double($0[i])) : "" }
        }
        return [.table(headers: ["epoch"] + names, rows: rows)]
    }
}

extension Registry {
    /// The model inside a value.
    static func model(_ a: Arguments, _ i: Int) throws -> ModelObject {
        guard case .host(let h) = a.value(i), let m = h as? ModelObject else {
            throw ScriptError("argument '\(a.doc.parameters[i].name)' of \(a.doc.name) must be a model, got \(Format.article(a.value(i)))")
        }
        return m
    }

    /// Images and targets from a dataset, or from tensors.
    static func trainingData(_ a: Arguments, _ i: Int) throws -> (images: Tensor, targets: Targets) {
        if case .host(let h) = a.value(i), let d = h as? DatasetObject {
            switch d.data {
            case .keypoints(let k): return (try k.normalized().images, .values(k.keypoints))
            case .emotions(let e): return (try e.normalized().images, .labels(e.labels))
            }
        }
        throw ScriptError("argument '\(a.doc.parameters[i].name)' of \(a.doc.name) must be a dataset, got \(Format.article(a.value(i)))")
    }

    /// The loss named by a value: the `mse` or `cross_entropy` builtin, or their names.
    static func loss(_ v: Value) throws -> Neural.Loss {
        var name = ""
        if case .function(let f) = v { name = f.name } else if case .string(let s) = v { name = s }
        switch name {
        case "mse", "mse_loss": return .mse
        case "cross_entropy": return .crossEntropy
        default: throw ScriptError("argument 'loss' must be mse or cross_entropy, got \(Format.repr(v))")
        }
    }

    static func registerNeural(_ r: Registry) {
        r.add("keypoint_resnet", "neural", [.optional("seed", "number", .number(0)), .optional("output_relu", "bool", .bool(false))],
              returns: "model", summary: "The course's keypoint ResNet: 96×96 gray faces in, 30 keypoint coordinates out.",
              details: "18,016,286 parameters, as in the course's Keras model.",
              example: "model = keypoint_resnet()\nmodel.parameters") { a in
            .host(ModelObject(Neural.keypointResNet(outputReLU: try a.bool(1), seed: try a.seed(0)), input: [1, 1, 96, 96]))
        }
        r.add("emotion_resnet", "neural", [.optional("classes", "number", .number(5)), .optional("seed", "number", .number(0))],
              returns: "model", summary: "The course's emotion ResNet: 96×96 gray faces in (resize 48×48 sets first), class scores out.",
              example: "model = emotion_resnet(classes: 5)") { a in
            let classes = try a.int(0)
            guard (2...100).contains(classes) else { throw ScriptError("argument 'classes' of emotion_resnet must be between 2 and 100") }
            return .host(ModelObject(Neural.emotionResNet(classes: classes, seed: try a.seed(1)), input: [1, 1, 96, 96]))
        }
        r.add("mlp", "neural", [.required("inputs", "number or shape [C, H, W]"), .required("outputs", "number"),
                                .optional("hidden", "list of numbers", .list([.number(64)])), .optional("seed", "number", .number(0))],
              returns: "model", summary: "A small dense network: flatten, then dense layers with ReLU between them.",
              example: "model = mlp([1, 48, 48], 5, hidden: [32])") { a in
            let shape = try a.shape(0)
            let features = shape.reduce(1, *)
            let outputs = try a.int(1)
            let hidden = try a.list(2).map { try Ops.integer($0, "a layer size") }
            guard features > 0, outputs > 0, hidden.allSatisfy({ $0 > 0 && $0 <= 100_000 }), features <= 10_000_000 else {
                throw ScriptError("mlp needs positive sizes")
            }
            var rng = RandomGenerator(seed: try a.seed(3))
            var layers: [(String, Layer)] = [("flatten", Flatten())]
            var width = features
            for (i, h) in hidden.enumerated() {
                layers.append(("dense\(i + 1)", Dense(width, h, rng: &rng)))
                layers.append(("relu\(i + 1)", Activation(.relu)))
                width = h
            }
            layers.append(("output", Dense(width, outputs, rng: &rng)))
            return .host(ModelObject(Sequential(layers), input: [1] + (shape.count == 1 ? shape : shape)))
        }
        r.add("adam", "neural", [.optional("lr", "number", .number(1e-3))], returns: "optimizer",
              summary: "The Adam optimizer.", example: "opt = adam(lr: 1e-4)") { a in
            .host(OptimizerObject(Adam(learningRate: try a.float(0)), name: "adam"))
        }
        r.add("sgd", "neural", [.optional("lr", "number", .number(0.01)), .optional("momentum", "number", .number(0))], returns: "optimizer",
              summary: "Stochastic gradient descent, with optional momentum.", example: "opt = sgd(lr: 0.1, momentum: 0.9)") { a in
            .host(OptimizerObject(SGD(learningRate: try a.float(0), momentum: try a.float(1)), name: "sgd"))
        }
        r.add("mse", "neural", [.required("prediction", "tensor"), .required("target", "tensor")], returns: "tensor",
              summary: "Mean squared error; pass `loss: mse` to fit for regression (keypoints).",
              example: "mse(tensor([1, 2]), tensor([1, 4]))   # 2") { a in
            .tensor(try mseLoss(try a.tensor(0), try a.tensor(1)))
        }
        r.add("fit", "neural", [.required("model", "model"), .required("data", "dataset"),
                                .optional("loss", "mse or cross_entropy", .string("auto")),
                                .optional("optimizer", "optimizer", .null), .optional("epochs", "number", .number(1)),
                                .optional("batch", "number", .number(32)), .optional("validation", "number", .number(0)),
                                .optional("seed", "number", .number(0)), .optional("verbose", "bool", .bool(true))],
              returns: "history", summary: "Trains a model on a dataset and returns the history of losses per epoch.",
              details: "The loss defaults to mse for keypoints and cross_entropy for emotions; the optimizer to adam(). `validation` holds out that fraction of the data. Images are scaled to 0–1. Each epoch prints its loss unless verbose is false.",
              example: "data = keypoint_faces(n: 8, seed: 1)\nmodel = mlp([1, 96, 96], 30, hidden: [8])\nhistory = fit(model, data, epochs: 2, batch: 4)\nhistory.loss") { a in
            let m = try model(a, 0)
            let (images, targets) = try trainingData(a, 1)
            let lossValue = a.value(2)
            let loss: Neural.Loss
            if case .string("auto") = lossValue {
                if case .labels = targets { loss = .crossEntropy } else { loss = .mse }
            } else { loss = try Registry.loss(lossValue) }
            var optimizer: Optimizer = Adam()
            if case .host(let h) = a.value(3), let o = h as? OptimizerObject { optimizer = o.optimizer }
            else if !a.isNil(3) { throw ScriptError("argument 'optimizer' of fit must be an optimizer, got \(Format.article(a.value(3)))") }
            var options = FitOptions()
            options.epochs = try a.int(4)
            options.batchSize = try a.int(5)
            options.validationSplit = try a.float(6)
            options.seed = try a.seed(7)
            options.progress = false
            let flag = CancellationFlag()
            options.cancellation = flag
            let rt = a.rt
            let verbose = try a.bool(8)
            options.onEpochEnd = { record in
                if rt.cancelRequested { flag.cancel() }
                if verbose { rt.output(.text("epoch \(record.epoch): loss \(String(format: "%.4f", Double(record.loss)))")) }
            }
            let history = try Neural.fit(m.layer, images: images, targets: targets, loss: loss, optimizer: optimizer, options: options)
            return .host(HistoryObject(history))
        }
        r.add("predict", "neural", [.required("model", "model"), .required("data", "dataset or tensor [N, C, H, W]")], returns: "tensor",
              summary: "The model's outputs for a dataset's images (or a tensor of images), in evaluation mode.",
              example: "predict(mlp([1, 2, 2], 3), zeros([4, 1, 2, 2])).shape   # [4, 3]") { a in
            let m = try model(a, 0)
            let images: Tensor
            if case .host = a.value(1) { images = try trainingData(a, 1).images } else { images = try a.tensor(1) }
            return .tensor(try Neural.predict(m.layer, images: images))
        }
        r.add("evaluate", "neural", [.required("model", "model"), .required("data", "dataset")], returns: "record",
              summary: "The loss and metric of a model on a dataset: {loss, rmse} for keypoints, {loss, accuracy} for emotions.",
              example: "evaluate(mlp([1, 96, 96], 30), keypoint_faces(n: 4, seed: 2))") { a in
            let m = try model(a, 0)
            let (images, targets) = try trainingData(a, 1)
            let loss: Neural.Loss
            if case .labels = targets { loss = .crossEntropy } else { loss = .mse }
            let result = try Neural.evaluate(m.layer, images: images, targets: targets, loss: loss)
            var fields: [(String, Value)] = [("loss", .number(Ops.double(result.loss)))]
            for (k, v) in result.metrics.sorted(by: { $0.key < $1.key }) { fields.append((k, .number(Ops.double(v)))) }
            return .record(Record(fields))
        }
        r.add("rmse", "neural", [.required("model", "model"), .required("data", "keypoint dataset")], returns: "number",
              summary: "The root-mean-square keypoint error of a model on a dataset, in pixels.",
              example: "rmse(mlp([1, 96, 96], 30), keypoint_faces(n: 4, seed: 2))") { a in
            let m = try model(a, 0)
            guard case .host(let h) = a.value(1), let d = h as? DatasetObject, case .keypoints(let k) = d.data else {
                throw ScriptError("argument 'data' of rmse must be a keypoint dataset, got \(Format.article(a.value(1)))")
            }
            let predicted = try Neural.predict(m.layer, images: try k.normalized().images)
            return .number(Ops.double(try KeypointErrors(prediction: predicted, target: k.keypoints).rmse))
        }
        r.add("accuracy", "neural", [.required("model", "model"), .required("data", "emotion dataset")], returns: "number",
              summary: "The fraction of a dataset's images whose class the model predicts correctly.",
              example: "accuracy(mlp([1, 48, 48], 5), emotion_faces(n: 10, seed: 2))") { a in
            let m = try model(a, 0)
            guard case .host(let h) = a.value(1), let d = h as? DatasetObject, case .emotions(let e) = d.data else {
                throw ScriptError("argument 'data' of accuracy must be an emotion dataset, got \(Format.article(a.value(1)))")
            }
            let outputs = try Neural.predict(m.layer, images: try e.normalized().images)
            return .number(Ops.double(try Neural.accuracy(outputs, labels: e.labels)))
        }
    }
}
