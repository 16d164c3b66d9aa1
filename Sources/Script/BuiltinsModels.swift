import Faces
import Foundation
import Neural
import Tensor

extension Registry {
    /// The model inside a value.
    static func model(_ a: Arguments, _ name: String) throws -> ModelObject {
        guard case .host(let h) = try a.value(name), let m = h as? ModelObject else {
            throw ScriptError("argument '\(name)' of \(a.doc.name) must be a model, got \(Format.article(try a.value(name)))")
        }
        return m
    }

    /// Images and targets from a dataset, or from tensors.
    static func trainingData(_ a: Arguments, _ name: String) throws -> (images: Tensor, targets: Targets) {
        if case .host(let h) = try a.value(name), let d = h as? DatasetObject {
            switch d.data {
            case .keypoints(let k): return (try k.normalized().images, .values(k.keypoints))
            case .emotions(let e): return (try e.normalized().images, .labels(e.labels))
            }
        }
        throw ScriptError("argument '\(name)' of \(a.doc.name) must be a dataset, got \(Format.article(try a.value(name)))")
    }

    /// The loss named by a value: the `mse_loss` or `cross_entropy` builtin, or their names.
    static func loss(_ v: Value) throws -> Neural.Loss {
        var name = ""
        if case .function(let f) = v { name = f.name } else if case .string(let s) = v { name = s }
        switch name {
        case "mse_loss": return .mse
        case "cross_entropy": return .crossEntropy
        default: throw ScriptError("argument 'loss' must be mse_loss or cross_entropy, got \(Format.repr(v))")
        }
    }

    static func registerModels(_ r: Registry) {
        registerModelBuilders(r)
        registerModelEvaluation(r)
    }

    /// Batch-norm options from a `bn_momentum` argument (PyTorch convention: the weight of the new batch).
    static func batchNormOptions(_ a: Arguments, _ name: String) throws -> BatchNormOptions {
        if try a.isNil(name) { return .keras }
        let m = try a.float(name)
        guard m > 0, m <= 1 else { throw ScriptError("argument 'bn_momentum' of \(a.doc.name) must be in (0, 1], got \(Format.number(Double(m)))") }
        return BatchNormOptions(momentum: m, epsilon: BatchNormOptions.keras.epsilon)
    }

    static func registerModelBuilders(_ r: Registry) {
        r.add("keypoint_resnet", "neural", [.optional("seed", "number", .number(0)), .optional("output_relu", "bool", .bool(false)),
                                            .optional("bn_momentum", "number", .null)],
              returns: "model", summary: "The course's keypoint ResNet: 96×96 gray faces in, 30 keypoint coordinates out.",
              details: "18,016,286 parameters, as in the course's Keras model. `bn_momentum` is the batch-norm running-statistics momentum in PyTorch's convention (weight of the new batch); nil keeps Keras' 0.99 (0.01 here), 0.1 is PyTorch's and suits short runs.",
              example: "model = keypoint_resnet()\nmodel.parameters") { a in
            var config = ResNetConfig.keypoints(outputReLU: try a.bool("output_relu"))
            config.batchNorm = try batchNormOptions(a, "bn_momentum")
            return .host(ModelObject(try courseResNet(config, seed: try a.seed("seed")), input: [1, 1, 96, 96]))
        }
        r.add("emotion_resnet", "neural", [.optional("classes", "number", .number(5)), .optional("seed", "number", .number(0)),
                                           .optional("bn_momentum", "number", .null), .optional("standardize", "bool", .bool(false))],
              returns: "model", summary: "The course's emotion ResNet: 96×96 gray faces in (resize 48×48 sets first), class scores out.",
              details: "1,174,021 parameters for 5 classes. `bn_momentum` as for keypoint_resnet. `standardize: true` puts a Standardize layer first: each face is brought to zero mean and unit standard deviation before the network sees it, in training, evaluation, predict, fused models and exports alike (one more value in the checkpoint, its ε), so that exposure and contrast, which differ between synthetic faces and photographs, carry no class.",
              example: "model = emotion_resnet(classes: 5)") { a in
            let classes = try a.int("classes")
            guard (2...100).contains(classes) else { throw ScriptError("argument 'classes' of emotion_resnet must be between 2 and 100") }
            var config = ResNetConfig.emotions(classes: classes)
            config.batchNorm = try batchNormOptions(a, "bn_momentum")
            config.standardizeInput = try a.bool("standardize")
            return .host(ModelObject(try courseResNet(config, seed: try a.seed("seed")), input: [1, 1, 96, 96]))
        }
        r.add("mlp", "neural", [.required("inputs", "number or shape [C, H, W]"), .required("outputs", "number"),
                                .optional("hidden", "list of numbers", .list([.number(64)])), .optional("seed", "number", .number(0))],
              returns: "model", summary: "A small dense network: flatten, then dense layers with ReLU between them.",
              example: "model = mlp([1, 48, 48], 5, hidden: [32])") { a in
            let shape = try a.shape("inputs")
            let features = shape.reduce(1, *)
            let outputs = try a.int("outputs")
            let hidden = try a.list("hidden").map { try Ops.integer($0, "a layer size") }
            guard features > 0, outputs > 0, hidden.allSatisfy({ $0 > 0 && $0 <= 100_000 }), features <= 10_000_000 else {
                throw ScriptError("mlp needs positive sizes")
            }
            var rng = RandomGenerator(seed: try a.seed("seed"))
            var layers: [(String, Layer)] = [("flatten", Flatten())]
            var width = features
            for (i, h) in hidden.enumerated() {
                try Limits.checkShape([width, h])
                layers.append(("dense\(i + 1)", Dense(width, h, rng: &rng)))
                layers.append(("relu\(i + 1)", Activation(.relu)))
                width = h
            }
            try Limits.checkShape([width, outputs])
            layers.append(("output", Dense(width, outputs, rng: &rng)))
            return .host(ModelObject(Sequential(layers), input: [1] + (shape.count == 1 ? shape : shape)))
        }
        r.add("adam", "neural", [.optional("lr", "number", .number(1e-3))], returns: "optimizer",
              summary: "The Adam optimizer.", example: "opt = adam(lr: 1e-4)") { a in
            .host(OptimizerObject(Adam(learningRate: try a.float("lr")), name: "adam"))
        }
        r.add("sgd", "neural", [.optional("lr", "number", .number(0.01)), .optional("momentum", "number", .number(0))], returns: "optimizer",
              summary: "Stochastic gradient descent, with optional momentum.", example: "opt = sgd(lr: 0.1, momentum: 0.9)") { a in
            .host(OptimizerObject(SGD(learningRate: try a.float("lr"), momentum: try a.float("momentum")), name: "sgd"))
        }
        r.add("fit", "neural", [.required("model", "model"), .required("data", "dataset"),
                                .optional("loss", "mse_loss or cross_entropy", .string("auto")),
                                .optional("optimizer", "optimizer", .null), .optional("epochs", "number", .number(1)),
                                .optional("batch", "number", .number(32)), .optional("validation", "number", .number(0)),
                                .optional("seed", "number", .number(0)), .optional("verbose", "bool", .bool(true)),
                                .optional("augment", "record", .null), .optional("class_weights", "list of numbers", .null),
                                .optional("validation_data", "dataset", .null), .optional("checkpoint", "string", .null),
                                .optional("restore_best", "bool", .bool(false)), .optional("label_smoothing", "number", .number(0))],
              returns: "history", summary: "Trains a model on a dataset and returns the history of losses per epoch.",
              details: "The loss defaults to mse_loss for keypoints and cross_entropy for emotions; the optimizer to adam(). `validation` holds out that fraction of the data, or `validation_data` gives a dataset. Images are scaled to 0–1. Each epoch prints its loss and validation loss unless verbose is false (a terminal also shows how long the epoch took, and a live bar with the batch, running loss, images/s and ETA; reports keep only the losses). `augment: {rotation: 15, shift: 0.1, zoom: 0.1, shear: 0.1, flip: true, vflip: false}` transforms each batch of images on the fly, freshly drawn every epoch (for class labels only: keypoints would not move with the pixels); `gamma: 0.4` (levels to a power e^±0.4), `blur: 1.5` (Gaussian σ up to 1.5 pixels), `noise: 0.05` (Gaussian, σ up to 5% of white) and `erase: 0.3` (a random rectangle painted over with a flat tone, in 30% of the images) vary the look as well, for synthetic images that must read photographs. `class_weights` weighs each class in the cross-entropy (see class_weights). `label_smoothing: 0.1` trains the cross-entropy against (1 − 0.1)·onehot + 0.1/classes instead of the bare labels, as PyTorch's `CrossEntropyLoss(label_smoothing=0.1)` does (class weights apply per class, as there), so that the model is not pushed towards ever more confident scores. `checkpoint` saves the weights at each best epoch (lowest validation loss, else training loss) to that path (relative: under the run's output directory); `restore_best` puts the best epoch's weights back at the end.",
              example: "data = keypoint_faces(n: 8, seed: 1)\nmodel = mlp([1, 96, 96], 30, hidden: [8])\nhistory = fit(model, data, epochs: 2, batch: 4)\nhistory.loss") { a in
            let m = try model(a, "model")
            let (images, targets) = try trainingData(a, "data")
            let lossValue = try a.value("loss")
            let loss: Neural.Loss
            if case .string("auto") = lossValue {
                if case .labels = targets { loss = .crossEntropy } else { loss = .mse }
            } else { loss = try Registry.loss(lossValue) }
            var weightedLoss = loss
            if try !a.isNil("class_weights") {
                guard case .labels(let labels) = targets else { throw ScriptError("class_weights of fit need an emotion dataset") }
                let weights = try a.list("class_weights").map { v -> Float in
                    guard let d = Ops.number(v), d.isFinite, d >= 0 else { throw ScriptError("class_weights must be non-negative numbers, got \(Format.repr(v))") }
                    return Float(d)
                }
                let classes = (labels.max() ?? 0) + 1
                guard weights.count >= classes else { throw ScriptError("class_weights has \(weights.count) weights but the labels reach class \(classes - 1)") }
                weightedLoss = .crossEntropy(weights: weights)
            }
            let smoothing = try a.fraction("label_smoothing")
            if smoothing > 0 {
                guard case .crossEntropy(let weights, _) = weightedLoss else { throw ScriptError("label_smoothing of fit needs the cross_entropy loss") }
                weightedLoss = .crossEntropy(weights: weights, smoothing: smoothing)
            }
            var optimizer: Optimizer = Adam()
            if case .host(let h) = try a.value("optimizer"), let o = h as? OptimizerObject { optimizer = o.optimizer }
            else if try !a.isNil("optimizer") { throw ScriptError("argument 'optimizer' of fit must be an optimizer, got \(Format.article(try a.value("optimizer")))") }
            var options = FitOptions()
            options.epochs = try a.int("epochs")
            options.batchSize = try a.int("batch")
            options.validationSplit = try a.float("validation")
            options.seed = try a.seed("seed")
            options.progress = false
            if try !a.isNil("augment") {
                guard case .labels = targets else { throw ScriptError("augment of fit works on emotion datasets: keypoints would not move with the pixels (augment keypoint sets before fit with flip_h, rotate)") }
                let affine = try augmentation(try a.value("augment"))
                options.batchTransform = { x, y, ctx in (try affine(x, seed: ctx.seed), y) }
            }
            if try !a.isNil("validation_data") {
                options.validationData = try trainingData(a, "validation_data")
            }
            if try !a.isNil("checkpoint") {
                let url = try outputPath(a, "checkpoint")
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                options.checkpoint = url
            }
            options.restoreBestWeights = try a.bool("restore_best")
            let flag = CancellationFlag()
            options.cancellation = flag
            let rt = a.rt
            let verbose = try a.bool("verbose")
            // A live bar while an epoch runs (terminals only), then one line per epoch whose
            // time a terminal shows and a report leaves out.
            var lastDrawn = Date.distantPast
            options.onBatchEnd = { progress in
                let now = Date()
                guard progress.batch == progress.batches || now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
                lastDrawn = now
                rt.output(.progress(progress.line))
            }
            options.onEpochEnd = { record in
                if rt.cancelRequested { flag.cancel() }
                rt.output(.progress(""))
                guard verbose else { return }
                var line = "epoch \(record.epoch): loss \(String(format: "%.4f", Double(record.loss)))"
                if let validation = record.validationLoss { line += ", val_loss \(String(format: "%.4f", Double(validation)))" }
                rt.output(.timed(line, seconds: record.seconds))
            }
            let history = try Neural.fit(m.layer, images: images, targets: targets, loss: weightedLoss, optimizer: optimizer, options: options)
            return .host(HistoryObject(history))
        }
        r.add("predict", "neural", [.required("model", "model"), .required("data", "dataset or tensor [N, C, H, W]")], returns: "tensor",
              summary: "The model's outputs for a dataset's images (or a tensor of images), in evaluation mode; for a fused model (fuse) a record {keypoints, labels, probabilities}.",
              example: "predict(mlp([1, 2, 2], 3), zeros([4, 1, 2, 2])).shape   # [4, 3]") { a in
            let m = try model(a, "model")
            let images: Tensor
            if case .host = try a.value("data") { images = try trainingData(a, "data").images } else { images = try a.tensor("data") }
            if let face = m.layer as? FaceModel {
                let (points, probabilities) = try face.predict(images)
                let labels = try predictedClasses(probabilities)
                return .record(Record([("keypoints", .tensor(points)), ("labels", .list(labels.map { .number(Double($0)) })),
                                       ("probabilities", .tensor(probabilities))]))
            }
            return .tensor(try Neural.predict(m.layer, images: images))
        }
        r.add("evaluate", "neural", [.required("model", "model"), .required("data", "dataset")], returns: "record",
              summary: "The loss and metric of a model on a dataset: {loss, rmse} for keypoints, {loss, accuracy} for emotions.",
              example: "evaluate(mlp([1, 96, 96], 30), keypoint_faces(n: 4, seed: 2))") { a in
            let m = try model(a, "model")
            let (images, targets) = try trainingData(a, "data")
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
            let m = try model(a, "model")
            let k = try keypointData(a, "data")
            let predicted = try Neural.predict(m.layer, images: try k.normalized().images)
            return .number(Ops.double(try KeypointErrors(prediction: predicted, target: k.keypoints).rmse))
        }
        r.add("accuracy", "neural", [.required("model", "model"), .required("data", "emotion dataset")], returns: "number",
              summary: "The fraction of a dataset's images whose class the model predicts correctly.",
              example: "accuracy(mlp([1, 48, 48], 5), emotion_faces(n: 10, seed: 2))") { a in
            let m = try model(a, "model")
            let e = try emotionData(a, "data")
            let outputs = try Neural.predict(m.layer, images: try e.normalized().images)
            return .number(Ops.double(try Neural.accuracy(outputs, labels: e.labels)))
        }
    }
}

extension Registry {
    /// A confusion matrix as a float tensor [classes, classes].
    static func confusionTensor(_ m: [[Int]]) -> Tensor {
        let n = m.count
        return (try? Tensor(shape: [n, n], scalars: m.flatMap { $0.map(Float.init) })) ?? Tensor.zeros([n, n])
    }

    /// An emotion dataset argument.
    static func emotionData(_ a: Arguments, _ name: String) throws -> EmotionSet {
        guard case .host(let h) = try a.value(name), let d = h as? DatasetObject, case .emotions(let e) = d.data else {
            throw ScriptError("argument '\(name)' of \(a.doc.name) must be an emotion dataset, got \(Format.article(try a.value(name)))")
        }
        return e
    }

    /// A keypoint dataset argument.
    static func keypointData(_ a: Arguments, _ name: String) throws -> KeypointSet {
        guard case .host(let h) = try a.value(name), let d = h as? DatasetObject, case .keypoints(let k) = d.data else {
            throw ScriptError("argument '\(name)' of \(a.doc.name) must be a keypoint dataset, got \(Format.article(try a.value(name)))")
        }
        return k
    }

    /// The emotion classifier inside a model (the emotion half of a fused model).
    static func classifier(_ m: ModelObject) -> Layer { (m.layer as? FaceModel)?.emotions ?? m.layer }

    /// The class a classifier predicts for each face of a set; with `mirror`, from the average of
    /// the class probabilities of the face and of its mirror image.
    static func classify(_ m: ModelObject, _ e: EmotionSet, mirror: Bool) throws -> [Int] {
        let images = try e.normalized().images
        let outputs = try Neural.predict(classifier(m), images: images)
        guard mirror else { return try predictedClasses(outputs) }
        let mirrored = try Neural.predict(classifier(m), images: try Augment.flipImages(images, vertical: false))
        return try predictedClasses(try softmax(outputs, axis: 1) + softmax(mirrored, axis: 1))
    }

    /// The keypoint regressor inside a model (the keypoint half of a fused model).
    static func regressor(_ m: ModelObject) -> Layer { (m.layer as? FaceModel)?.keypoints ?? m.layer }

    /// The batch transform described by an `augment` record of fit.
    static func augmentation(_ v: Value) throws -> RandomAffine {
        guard case .record(let r) = v else { throw ScriptError("argument 'augment' of fit must be a record like {rotation: 15, shift: 0.1, zoom: 0.1, flip: true}, got \(Format.article(v))") }
        let known = ["rotation", "shift", "zoom", "shear", "flip", "vflip", "gamma", "blur", "noise", "erase"]
        for k in r.keys where !known.contains(k) {
            throw ScriptError("augment: unknown field '\(k)' (known: \(known.joined(separator: ", ")))")
        }
        func number(_ k: String) throws -> Float {
            guard let x = r[k] else { return 0 }
            guard let d = Ops.number(x), d.isFinite, d >= 0, d <= 180 else { throw ScriptError("augment: '\(k)' must be a number between 0 and 180, got \(Format.repr(x))") }
            return Float(d)
        }
        func flag(_ k: String) throws -> Bool {
            guard let x = r[k] else { return false }
            guard case .bool(let b) = x else { throw ScriptError("augment: '\(k)' must be true or false, got \(Format.repr(x))") }
            return b
        }
        let shift = try number("shift"), zoom = try number("zoom"), shear = try number("shear")
        guard shift < 1, zoom < 1, shear < 1 else { throw ScriptError("augment: shift, zoom and shear must be below 1") }
        var transform = RandomAffine(rotation: try number("rotation"), widthShift: shift, heightShift: shift, shear: shear, zoom: zoom,
                                     horizontalFlip: try flag("flip"), verticalFlip: try flag("vflip"), maxValue: 1)
        transform.gamma = try number("gamma")
        transform.blur = try number("blur")
        transform.noise = try number("noise")
        transform.erase = try number("erase")
        guard transform.gamma <= 2, transform.blur <= 10, transform.noise < 1, transform.erase <= 1 else {
            throw ScriptError("augment: gamma must be at most 2, blur at most 10 (pixels), noise below 1 and erase (a probability) at most 1")
        }
        return transform
    }

    static func registerModelEvaluation(_ r: Registry) {
        r.add("summary", "neural", [.required("model", "model")], returns: "string",
              summary: "The model's layers, output shapes and parameter counts, as Keras' model.summary() prints them.",
              example: "print(summary(mlp([1, 4, 4], 2, hidden: [3])))") { a in
            let m = try model(a, "model")
            return .string(try m.summaryText())
        }
        r.add("save", "neural", [.required("model", "model"), .required("path", "string")], returns: "string",
              summary: "Saves a model's weights (and batch-norm statistics) as one safetensors file; returns the path written.",
              details: "A relative path is placed under the run's output directory (`ainb run -o DIR`), else the working directory.",
              example: "m = mlp([1, 2, 2], 3)\npath = save(m, \"/tmp/ainb-doc-model.safetensors\")") { a in
            let m = try model(a, "model")
            let url = try outputPath(a, "path")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try m.layer.save(to: url)
            return .string(url.path)
        }
        r.add("load", "neural", [.required("model", "model"), .required("path", "string")], returns: "model",
              summary: "Loads weights saved by `save` (or by fit's checkpoint) into a model of the same architecture; returns the model.",
              details: "A relative path is looked up under the run's output directory, else the working directory.",
              example: "m = mlp([1, 2, 2], 3, seed: 1)\nsave(m, \"/tmp/ainb-doc-load.safetensors\")\nload(mlp([1, 2, 2], 3, seed: 2), \"/tmp/ainb-doc-load.safetensors\")") { a in
            let m = try model(a, "model")
            try m.layer.load(from: try outputPath(a, "path"))
            return .host(m)
        }
        r.add("keypoint_errors", "neural", [.required("model", "model"), .required("data", "keypoint dataset")], returns: "record",
              summary: "Keypoint errors of a model on a dataset: rmse (pixels), per_point (mean distance of each point from its truth, pixels), names, mean_distance and nme (mean distance / inter-ocular distance).",
              example: "e = keypoint_errors(mlp([1, 96, 96], 30), keypoint_faces(n: 4, seed: 2))\ne.nme") { a in
            let m = try model(a, "model")
            let k = try keypointData(a, "data")
            let predicted = try Neural.predict(regressor(m), images: try k.normalized().images)
            let e = try KeypointErrors(prediction: predicted, target: k.keypoints)
            return .record(Record([("rmse", .number(Ops.double(e.rmse))),
                                   ("per_point", .list(e.perKeypoint.map { .number(Ops.double($0)) })),
                                   ("names", .list(KeypointErrors.keypointNames.map { .string($0) })),
                                   ("mean_distance", .number(Ops.double(e.meanDistance))),
                                   ("nme", .number(Ops.double(e.normalized)))]))
        }
        r.add("class_weights", "neural", [.required("data", "emotion dataset")], returns: "list",
              summary: "Balanced class weights (n / (classes × count), as scikit-learn's 'balanced'): rare classes weigh more in the loss.",
              example: "class_weights(emotion_faces(n: 20, seed: 1))") { a in
            let e = try emotionData(a, "data")
            return .list(balancedClassWeights(counts: e.classCounts).map { .number(Ops.double($0)) })
        }
        r.add("classification_report", "neural", [.required("model", "model"), .required("data", "emotion dataset"),
                                                   .optional("mirror", "bool", .bool(false))], returns: "report",
              summary: "Precision, recall, F1 and support per class, macro F1 and accuracy of a classifier on a dataset (shown as a table).",
              details: "Members: accuracy, macro_f1, precision, recall, f1, support, confusion, classes. `mirror: true` classifies each face by the average of the class probabilities of the face and of its mirror image.",
              example: "r = classification_report(mlp([1, 48, 48], 5), emotion_faces(n: 10, seed: 2))\nr.macro_f1") { a in
            let m = try model(a, "model")
            let e = try emotionData(a, "data")
            let predicted = try classify(m, e, mirror: try a.bool("mirror"))
            return .host(ReportObject(try ClassificationReport(predicted: predicted, labels: e.labels, classes: e.classCount), classes: e.classNames))
        }
        r.add("confusion_matrix", "neural", [.required("model", "model"), .required("data", "emotion dataset"),
                                              .optional("mirror", "bool", .bool(false))], returns: "tensor",
              summary: "Counts [true class, predicted class] of a classifier on a dataset; pass it to heatmap with the class names.",
              details: "`mirror: true` classifies each face as classification_report's mirror does.",
              example: "confusion_matrix(mlp([1, 48, 48], 5), emotion_faces(n: 10, seed: 2))") { a in
            let m = try model(a, "model")
            let e = try emotionData(a, "data")
            let predicted = try classify(m, e, mirror: try a.bool("mirror"))
            return .tensor(confusionTensor(try ClassificationReport(predicted: predicted, labels: e.labels, classes: e.classCount).confusion))
        }
        r.add("predict_labels", "neural", [.required("model", "model"), .required("data", "emotion dataset or tensor [N, C, H, W]")], returns: "list",
              summary: "The class a classifier predicts for each image, as a list of class indices.",
              example: "predict_labels(mlp([1, 48, 48], 5), emotion_faces(n: 3, seed: 2))") { a in
            let m = try model(a, "model")
            let images: Tensor
            if case .host = try a.value("data") { images = try trainingData(a, "data").images } else { images = try a.tensor("data") }
            return .list(try predictedClasses(try Neural.predict(classifier(m), images: images)).map { .number(Double($0)) })
        }
        r.add("fuse", "neural", [.required("keypoints", "model"), .required("emotions", "model")], returns: "model",
              summary: "One model from a keypoint model and an emotion model: `predict` on it gives {keypoints, labels, probabilities} for a batch.",
              details: "Both parts see the same 96×96 faces. `save` writes both into one safetensors file (names prefixed keypoints. and emotions.).",
              example: "f = fuse(mlp([1, 8, 8], 30), mlp([1, 8, 8], 5))\np = predict(f, zeros([2, 1, 8, 8]))\np.labels") { a in
            let k = try model(a, "keypoints"), e = try model(a, "emotions")
            guard !(k.layer is FaceModel), !(e.layer is FaceModel) else { throw ScriptError("fuse takes two separate models, not a fused one") }
            return .host(ModelObject(FaceModel(keypoints: k.layer, emotions: e.layer), input: k.input))
        }
        r.add("ensemble", "neural", [.required("models", "list of models"), .optional("average", "string", .string("outputs"))],
              returns: "model",
              summary: "One model from several with the same input: it answers with the average of their outputs, or with average: \"probabilities\" of their class probabilities (as its log, so softmax, argmax and cross_entropy read the average).",
              details: "Models trained from different seeds err in different ways, so their average errs less, most of all on inputs unlike their training data. `predict`, `classification_report` and `fit` take an ensemble as any model; `save` writes its members under 0., 1., ...",
              example: "a = mlp([1, 8, 8], 5, seed: 1)\nb = mlp([1, 8, 8], 5, seed: 2)\ne = ensemble([a, b], average: \"probabilities\")\nx = zeros([2, 1, 8, 8])\nall(abs(softmax(predict(e, x), axis: 1) - (softmax(predict(a, x), axis: 1) + softmax(predict(b, x), axis: 1)) / 2) < 1e-6)") { a in
            guard case .list(let items) = try a.value("models"), !items.isEmpty else {
                throw ScriptError("argument 'models' of ensemble must be a non-empty list of models")
            }
            let models: [ModelObject] = try items.enumerated().map { i, v in
                guard case .host(let h) = v, let m = h as? ModelObject else {
                    throw ScriptError("item \(i) of argument 'models' of ensemble must be a model, got \(Format.article(v))")
                }
                guard !(m.layer is FaceModel) else { throw ScriptError("ensemble takes separate models, not fused ones") }
                return m
            }
            for (i, m) in models.enumerated() where m.input.dropFirst() != models[0].input.dropFirst() {
                throw ScriptError("model \(i) of ensemble takes inputs \(Array(m.input.dropFirst())), model 0 takes \(Array(models[0].input.dropFirst()))")
            }
            let name = try a.string("average")
            guard let average = Ensemble.Average(rawValue: name) else {
                throw ScriptError("argument 'average' of ensemble must be \"outputs\" or \"probabilities\", got \"\(name)\"")
            }
            return .host(ModelObject(try Ensemble(models.map(\.layer), average: average), input: models[0].input))
        }
        r.add("face_model", "neural", [.optional("classes", "number", .number(5)), .optional("seed", "number", .number(0))], returns: "model",
              summary: "An untrained fused face model (the course's keypoint and emotion ResNets), e.g. to `load` a saved fused model into.",
              example: "f = face_model()\nf.parameters") { a in
            let classes = try a.int("classes")
            guard (2...100).contains(classes) else { throw ScriptError("argument 'classes' of face_model must be between 2 and 100") }
            return .host(ModelObject(FaceModel(classes: classes, seed: try a.seed("seed")), input: [1, 1, 96, 96]))
        }
    }
}
