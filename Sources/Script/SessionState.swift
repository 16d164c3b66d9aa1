import Faces
import Foundation
import Neural
import Tensor

/// What running code touched besides its variables: the files builtins read and wrote, and
/// the builtins whose results differ from run to run (`clock`).
public struct AccessLog: Equatable, Sendable {
    /// Paths read (a file, a folder of pictures, or a path whose existence was asked), in order.
    public var reads: [String] = []
    /// Paths written (a file, or a folder `save_faces` filled), in order.
    public var writes: [String] = []
    /// Builtins called whose result is not a function of their arguments.
    public var impure: [String] = []

    /// An empty log.
    public init() {}
}

/// A variable whose value the cell cache cannot store (a user function, a figure, ...).
public struct UnstorableValue: Error, Equatable, CustomStringConvertible {
    /// The variable's name.
    public var variable: String
    /// The type of the value that cannot be stored.
    public var typeName: String
    public var description: String { "'\(variable)' holds a \(typeName), which cannot be stored" }
}

/// A session's variables and metrics as bytes and tensors: what the cell cache stores after
/// a cell and puts back instead of running it. `manifest` is JSON (docs/cache.md); every
/// tensor it mentions is `tensors[i]`.
public struct SessionState {
    /// The variables, objects and metrics, as JSON.
    public var manifest: [UInt8]
    /// The tensors the manifest refers to by index.
    public var tensors: [Tensor]

    /// A state from its parts.
    public init(manifest: [UInt8], tensors: [Tensor]) {
        self.manifest = manifest
        self.tensors = tensors
    }
}

extension Session {
    /// Runs `body`, returning what its builtin calls read, wrote and could not repeat.
    public func recordingAccess<T>(_ body: () throws -> T) rethrows -> (T, AccessLog) {
        let recorder = AccessRecorder()
        let previous = callObserver
        callObserver = { arguments in
            previous?(arguments)
            recorder.observe(arguments)
        }
        defer { callObserver = previous }
        let result = try body()
        return (result, recorder.log)
    }

    /// The session's variables (builtins and untouched constants left out) and metrics.
    /// Throws `UnstorableValue` for the first variable that cannot be stored.
    public func captureState() throws -> SessionState {
        var archive = StateArchiver()
        let constants = Session.constants
        for (name, value) in globals.defined {
            if case .function(let f) = value, let b = Registry.shared.function(name), f === b { continue }
            if let c = constants.first(where: { $0.0 == name })?.1, case .number(let n) = value, n == c || (n.isNaN && c.isNaN) { continue }
            do {
                archive.manifest.variables.append(StoredVariable(name: name, value: try archive.store(value)))
            } catch let error as UnstorableValue {
                throw UnstorableValue(variable: name, typeName: error.typeName)
            }
        }
        try archive.finish()
        archive.manifest.metrics = metrics.map { StoredMetric(name: $0.name, value: $0.value.bitPattern) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SessionState(manifest: Array(try encoder.encode(archive.manifest)), tensors: archive.tensors)
    }

    /// Replaces every variable and metric with those of `state`.
    public func restoreState(_ state: SessionState) throws {
        let manifest: StateManifest
        do { manifest = try JSONDecoder().decode(StateManifest.self, from: Data(state.manifest)) } catch {
            throw ScriptError("the stored state cannot be read: \(error)")
        }
        guard manifest.format == StateManifest.currentFormat else {
            throw ScriptError("the stored state has format \(manifest.format), not \(StateManifest.currentFormat)")
        }
        var restorer = StateRestorer(manifest: manifest, tensors: state.tensors)
        var values: [(String, Value)] = []
        for variable in manifest.variables { values.append((variable.name, try restorer.value(variable.value))) }
        let directory = outputDirectory
        reset()
        outputDirectory = directory
        for (name, value) in values { globals.set(name, value) }
        metrics = manifest.metrics.map { ($0.name, Double(bitPattern: $0.value)) }
    }
}

/// The builtin arguments that name files a cell reads or writes, which the cell cache
/// follows. Paths taken as given (`read`) or placed under the run's output directory
/// (`readOutput`, `writeOutput`), as the builtin itself places them. A test checks that every
/// argument named here is declared by its builtin, so a renamed parameter cannot silently stop
/// the cache from seeing a file.
public enum FileArguments {
    public enum Access: Sendable { case read, readOutput, writeOutput }

    public static let byBuiltin: [String: (argument: String, access: Access)] = [
        "keypoint_faces": ("file", .read), "emotion_faces": ("file", .read), "faces_from_images": ("path", .read),
        "load": ("path", .readOutput), "exists": ("path", .readOutput),
        "save": ("path", .writeOutput), "save_faces": ("folder", .writeOutput), "fit": ("checkpoint", .writeOutput),
    ]
}

/// Turns builtin calls into an access log.
final class AccessRecorder {
    var log = AccessLog()

    func observe(_ a: Arguments) {
        if a.doc.name == "clock" {
            if !log.impure.contains("clock") { log.impure.append("clock") }
            return
        }
        guard let (argument, access) = FileArguments.byBuiltin[a.doc.name],
              (try? a.isNil(argument)) == false else { return }
        switch access {
        case .read:
            guard let raw = try? a.string(argument) else { return }
            read((raw as NSString).expandingTildeInPath)
        case .readOutput: read((try? Registry.outputPath(a, argument))?.path)
        case .writeOutput: write((try? Registry.outputPath(a, argument))?.path)
        }
    }

    private func read(_ path: String?) {
        // A file the cell wrote itself is not an input of the cell.
        guard let path, !log.writes.contains(path), !log.reads.contains(path) else { return }
        log.reads.append(path)
    }

    private func write(_ path: String?) {
        guard let path, !log.writes.contains(path) else { return }
        log.writes.append(path)
    }
}

// MARK: the stored form (docs/cache.md)

struct StateManifest: Codable {
    static let currentFormat = 1
    var format = StateManifest.currentFormat
    var variables: [StoredVariable] = []
    var metrics: [StoredMetric] = []
    var objects: [StoredObject] = []
    var layers: [StoredLayer] = []
}

struct StoredVariable: Codable {
    var name: String
    var value: StoredValue
}

struct StoredMetric: Codable {
    var name: String
    /// The bits of the Double, so that every value comes back exactly.
    var value: UInt64
}

/// A value; numbers as the bits of their Double, tensors and objects as indices.
indirect enum StoredValue: Codable {
    case null
    case bool(Bool)
    case number(UInt64)
    case string(String)
    case list([StoredValue])
    case record(keys: [String], values: [StoredValue])
    case range(start: UInt64, end: UInt64, step: UInt64)
    case tensor(Int)
    case builtin(String)
    case object(Int)
}

/// A host object; tensors by index into the state's tensors, layers into `layers`.
enum StoredObject: Codable {
    case keypoints(images: Int, keypoints: Int, mask: Int, imageIds: [Int]?, pixelMax: UInt32)
    case emotions(images: Int, labels: [Int], classNames: [String], usage: [String]?, pixelMax: UInt32)
    case model(layer: Int, input: [Int])
    case optimizer(name: String, kind: String, hyper: [UInt32], flags: [Bool], steps: Int, slots: [StoredSlot])
    case history(epochs: [StoredEpoch], bestEpoch: Int?, stoppedEarly: Bool)
    case table(headers: [String], rows: [[String]])
    /// A classification report: every number of it follows from the confusion matrix.
    case report(confusion: [[Int]], classes: [String])
}

/// One optimizer slot: the parameter `name` of layer `layer`, and its moments as tensors.
struct StoredSlot: Codable {
    var layer: Int
    var name: String
    var first: Int
    var second: Int
    var initialized: Bool
}

struct StoredEpoch: Codable {
    var epoch: Int
    var loss: UInt32
    var metrics: [String: UInt32]
    var validationLoss: UInt32?
    var validationMetrics: [String: UInt32]
    var learningRate: UInt32
    var seconds: UInt64
}

/// A layer: its kind, the numbers that build it, its children (earlier entries) and its
/// parameters (tensor indices by their dotted names within the layer).
struct StoredLayer: Codable {
    var kind: String
    var ints: [Int] = []
    var floats: [UInt32] = []
    var children: [String] = []
    var childLayers: [Int] = []
    var parameters: [String: Int] = [:]
    var training: Bool
    var generator: [UInt8]?
}

// MARK: storing

struct StateArchiver {
    var manifest = StateManifest()
    var tensors: [Tensor] = []
    private var tensorIndex: [ObjectIdentifier: Int] = [:]
    private var objectIndex: [ObjectIdentifier: Int] = [:]
    private var layerIndex: [ObjectIdentifier: Int] = [:]
    /// Keeps stored objects alive so that their identifiers stay unique while storing.
    private var kept: [AnyObject] = []
    /// The layers stored, in the order of `manifest.layers`.
    private var storedLayers: [Layer] = []
    /// Optimizers whose moments are stored once every model is (`finish`).
    private var optimizers: [(index: Int, object: OptimizerObject)] = []

    mutating func tensor(_ t: Tensor) -> Int {
        tensors.append(t)
        return tensors.count - 1
    }

    mutating func store(_ value: Value) throws -> StoredValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let d): return .number(d.bitPattern)
        case .string(let s): return .string(s)
        case .list(let items): return .list(try items.map { try store($0) })
        case .record(let r): return .record(keys: r.keys, values: try r.values.map { try store($0) })
        case .range(let r): return .range(start: r.start.bitPattern, end: r.end.bitPattern, step: r.step.bitPattern)
        case .tensor(let box):
            let id = ObjectIdentifier(box)
            if let i = tensorIndex[id] { return .tensor(i) }
            kept.append(box)
            let i = tensor(box.tensor)
            tensorIndex[id] = i
            return .tensor(i)
        case .function(let f):
            if let b = Registry.shared.function(f.name), b === f { return .builtin(f.name) }
            throw UnstorableValue(variable: "", typeName: "function")
        case .dual: throw UnstorableValue(variable: "", typeName: "dual number")
        case .host(let h):
            let id = ObjectIdentifier(h)
            if let i = objectIndex[id] { return .object(i) }
            let object = try store(object: h)
            kept.append(h)
            manifest.objects.append(object)
            objectIndex[id] = manifest.objects.count - 1
            if let o = h as? OptimizerObject { optimizers.append((manifest.objects.count - 1, o)) }
            return .object(manifest.objects.count - 1)
        }
    }

    private mutating func store(object h: any HostObject) throws -> StoredObject {
        switch h {
        case let d as DatasetObject:
            switch d.data {
            case .keypoints(let k):
                return .keypoints(images: tensor(k.images), keypoints: tensor(k.keypoints), mask: tensor(k.mask),
                                  imageIds: k.imageIds, pixelMax: k.pixelMax.bitPattern)
            case .emotions(let e):
                return .emotions(images: tensor(e.images), labels: e.labels, classNames: e.classNames, usage: e.usage,
                                 pixelMax: e.pixelMax.bitPattern)
            }
        case let m as ModelObject:
            return .model(layer: try store(layer: m.layer), input: m.input)
        case let o as OptimizerObject:
            return try store(optimizer: o, withSlots: false)
        case let h as HistoryObject:
            let epochs = h.history.epochs.map { r in
                StoredEpoch(epoch: r.epoch, loss: r.loss.bitPattern, metrics: r.metrics.mapValues(\.bitPattern),
                            validationLoss: r.validationLoss?.bitPattern, validationMetrics: r.validationMetrics.mapValues(\.bitPattern),
                            learningRate: r.learningRate.bitPattern, seconds: r.seconds.bitPattern)
            }
            return .history(epochs: epochs, bestEpoch: h.history.bestEpoch, stoppedEarly: h.history.stoppedEarly)
        case let t as TableObject:
            return .table(headers: t.headers, rows: t.rows)
        case let r as ReportObject:
            return .report(confusion: r.report.confusion, classes: r.classes)
        default:
            throw UnstorableValue(variable: "", typeName: h.typeName)
        }
    }

    /// Stores the optimizers' moments, now that every model is stored.
    mutating func finish() throws {
        for (index, o) in optimizers { manifest.objects[index] = try store(optimizer: o, withSlots: true) }
    }

    private mutating func store(optimizer o: OptimizerObject, withSlots: Bool) throws -> StoredObject {
        let opt = o.optimizer
        let kind: String, hyper: [Float], flags: [Bool]
        switch opt {
        case let a as Adam: (kind, hyper, flags) = ("adam", [a.beta1, a.beta2, a.epsilon], [a.decoupled])
        case let s as SGD: (kind, hyper, flags) = ("sgd", [s.momentum, s.dampening], [s.nesterov])
        case let g as Adagrad: (kind, hyper, flags) = ("adagrad", [g.epsilon, g.initialAccumulator], [])
        case let r as RMSprop: (kind, hyper, flags) = ("rmsprop", [r.alpha, r.epsilon, r.momentum], [])
        default: throw UnstorableValue(variable: "", typeName: "optimizer")
        }
        // Moments are kept per parameter: name each parameter by a stored layer and its dotted name.
        var slots: [StoredSlot] = []
        for (index, layer) in storedLayers.enumerated() where withSlots {
            let named = layer.namedParameters()
            for ((name, _), state) in zip(named, opt.slotStates(for: named.map(\.1))) {
                guard let state else { continue }
                let first = tensor(Tensor(state.first))
                let second = tensor(Tensor(state.second))
                slots.append(StoredSlot(layer: index, name: name, first: first, second: second, initialized: state.initialized))
            }
        }
        return .optimizer(name: o.name, kind: kind, hyper: ([opt.learningRate, opt.weightDecay] + hyper).map(\.bitPattern),
                          flags: flags, steps: opt.steps, slots: slots)
    }

    /// Stores a layer once (models that share layers, as `fuse` makes, stay shared).
    private mutating func store(layer: Layer) throws -> Int {
        let id = ObjectIdentifier(layer)
        if let i = layerIndex[id] { return i }
        var node = StoredLayer(kind: "", training: layer.isTraining)
        var ownParameters = true
        switch layer {
        case let s as Sequential:
            node.kind = "sequential"
            for (name, child) in s.layers {
                node.children.append(name)
                node.childLayers.append(try store(layer: child))
            }
            ownParameters = false
        case let f as FaceModel:
            node.kind = "face"
            node.children = ["keypoints", "emotions"]
            node.childLayers = [try store(layer: f.keypoints), try store(layer: f.emotions)]
            ownParameters = false
        case let d as Dense:
            node.kind = "dense"
            node.ints = [d.weight.shape[1], d.weight.shape[0], d.bias == nil ? 0 : 1]
        case let c as Conv2D:
            node.kind = "conv2d"
            let w = c.weight.shape
            node.ints = [w[1], w[0], w[2], w[3], c.stride.0, c.stride.1, c.padding.0, c.padding.1, c.bias == nil ? 0 : 1]
        case let b as BatchNorm:
            node.kind = "batchnorm"
            node.ints = [b.weight.shape[0]]
            node.floats = [b.momentum.bitPattern, b.epsilon.bitPattern]
        case let a as Activation:
            node.kind = "activation:" + a.function.rawValue
        case let d as Dropout:
            node.kind = "dropout"
            node.floats = [d.rate.bitPattern]
            node.generator = d.generatorState
        case is Flatten:
            node.kind = "flatten"
        case let p as MaxPool2D:
            node.kind = "maxpool"
            node.ints = [p.kernel.0, p.kernel.1, p.stride.0, p.stride.1]
        case let p as AvgPool2D:
            node.kind = "avgpool"
            node.ints = [p.kernel.0, p.kernel.1, p.stride.0, p.stride.1]
        case let p as ZeroPad2D:
            node.kind = "zeropad"
            node.ints = [p.padding.0, p.padding.1]
        case let r as ResBlock:
            node.kind = "resblock"
            node.ints = Self.blockShape(r.conv.conv1, r.conv.conv2, r.conv.conv3)
            node.floats = [r.conv.bn1.momentum.bitPattern, r.conv.bn1.epsilon.bitPattern]
        default:
            throw UnstorableValue(variable: "", typeName: "model with a \(layer.kind) layer")
        }
        if ownParameters {
            for (name, p) in layer.namedParameters() { node.parameters[name] = tensor(p.value) }
        }
        storedLayers.append(layer)
        manifest.layers.append(node)
        layerIndex[id] = manifest.layers.count - 1
        return manifest.layers.count - 1
    }

    /// In-channels and the three filter counts of a residual block.
    static func blockShape(_ c1: Conv2D, _ c2: Conv2D, _ c3: Conv2D) -> [Int] {
        [c1.weight.shape[1], c1.weight.shape[0], c2.weight.shape[0], c3.weight.shape[0]]
    }
}

// MARK: restoring

struct StateRestorer {
    let manifest: StateManifest
    let tensors: [Tensor]
    private var boxes: [Int: TensorBox] = [:]
    private var objects: [Int: any HostObject] = [:]
    private var layers: [Int: Layer] = [:]

    init(manifest: StateManifest, tensors: [Tensor]) {
        self.manifest = manifest
        self.tensors = tensors
    }

    func tensor(_ i: Int) throws -> Tensor {
        guard tensors.indices.contains(i) else { throw ScriptError("the stored state names tensor \(i) but holds \(tensors.count)") }
        return tensors[i]
    }

    mutating func value(_ v: StoredValue) throws -> Value {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let bits): return .number(Double(bitPattern: bits))
        case .string(let s): return .string(s)
        case .list(let items): return .list(try items.map { try value($0) })
        case .record(let keys, let values):
            guard keys.count == values.count else { throw ScriptError("a stored record has \(keys.count) keys and \(values.count) values") }
            return .record(Record(Array(zip(keys, try values.map { try value($0) }))))
        case .range(let start, let end, let step):
            return .range(RangeValue(start: Double(bitPattern: start), end: Double(bitPattern: end), step: Double(bitPattern: step)))
        case .tensor(let i):
            if let box = boxes[i] { return .tensor(box) }
            let box = TensorBox(try tensor(i))
            boxes[i] = box
            return .tensor(box)
        case .builtin(let name):
            guard let b = Registry.shared.function(name) else { throw ScriptError("the stored state names an unknown builtin '\(name)'") }
            return .function(b)
        case .object(let i):
            if let o = objects[i] { return .host(o) }
            guard manifest.objects.indices.contains(i) else { throw ScriptError("the stored state names object \(i) but holds \(manifest.objects.count)") }
            let o = try object(manifest.objects[i])
            objects[i] = o
            return .host(o)
        }
    }

    private mutating func object(_ stored: StoredObject) throws -> any HostObject {
        switch stored {
        case let .keypoints(images, keypoints, mask, imageIds, pixelMax):
            return DatasetObject(.keypoints(try KeypointSet(images: try tensor(images), keypoints: try tensor(keypoints), mask: try tensor(mask),
                                                            imageIds: imageIds, pixelMax: Float(bitPattern: pixelMax))))
        case let .emotions(images, labels, classNames, usage, pixelMax):
            return DatasetObject(.emotions(try EmotionSet(images: try tensor(images), labels: labels, classNames: classNames, usage: usage,
                                                          pixelMax: Float(bitPattern: pixelMax))))
        case let .model(layer, input):
            return ModelObject(try self.layer(layer), input: input)
        case let .optimizer(name, kind, hyperBits, flags, steps, slots):
            let h = hyperBits.map { Float(bitPattern: $0) }
            func at(_ i: Int) throws -> Float {
                guard h.indices.contains(i) else { throw ScriptError("a stored \(kind) optimizer lacks its settings") }
                return h[i]
            }
            let optimizer: Optimizer
            switch kind {
            case "adam":
                optimizer = Adam(learningRate: try at(0), beta1: try at(2), beta2: try at(3), epsilon: try at(4),
                                 weightDecay: try at(1), decoupled: flags.first ?? false)
            case "sgd":
                optimizer = SGD(learningRate: try at(0), momentum: try at(2), dampening: try at(3), nesterov: flags.first ?? false,
                                weightDecay: try at(1))
            case "adagrad":
                optimizer = Adagrad(learningRate: try at(0), epsilon: try at(2), initialAccumulator: try at(3), weightDecay: try at(1))
            case "rmsprop":
                optimizer = RMSprop(learningRate: try at(0), alpha: try at(2), epsilon: try at(3), momentum: try at(4), weightDecay: try at(1))
            default: throw ScriptError("the stored state holds an unknown optimizer '\(kind)'")
            }
            var states: [(Parameter, OptimizerSlotState)] = []
            for slot in slots {
                let owner = try layer(slot.layer)
                guard let p = owner.namedParameters().first(where: { $0.0 == slot.name })?.1 else {
                    throw ScriptError("a stored optimizer names a parameter '\(slot.name)' its model lacks")
                }
                states.append((p, OptimizerSlotState(first: try tensor(slot.first).scalars, second: try tensor(slot.second).scalars,
                                                     initialized: slot.initialized)))
            }
            optimizer.restore(steps: steps, slots: states)
            return OptimizerObject(optimizer, name: name)
        case let .history(epochs, bestEpoch, stoppedEarly):
            let records = epochs.map { e in
                EpochRecord(storedEpoch: e.epoch, loss: Float(bitPattern: e.loss), metrics: e.metrics.mapValues { Float(bitPattern: $0) },
                            validationLoss: e.validationLoss.map { Float(bitPattern: $0) },
                            validationMetrics: e.validationMetrics.mapValues { Float(bitPattern: $0) },
                            learningRate: Float(bitPattern: e.learningRate), seconds: Double(bitPattern: e.seconds))
            }
            return HistoryObject(History(storedEpochs: records, bestEpoch: bestEpoch, stoppedEarly: stoppedEarly))
        case let .table(headers, rows):
            return TableObject(headers: headers, rows: rows)
        case let .report(confusion, classes):
            // The rows that give this confusion matrix give back the same report.
            var predicted: [Int] = [], labels: [Int] = []
            for (label, row) in confusion.enumerated() {
                for (guess, count) in row.enumerated() where count > 0 {
                    predicted += [Int](repeating: guess, count: count)
                    labels += [Int](repeating: label, count: count)
                }
            }
            return ReportObject(try ClassificationReport(predicted: predicted, labels: labels, classes: confusion.count), classes: classes)
        }
    }

    private mutating func layer(_ i: Int) throws -> Layer {
        if let l = layers[i] { return l }
        guard manifest.layers.indices.contains(i) else { throw ScriptError("the stored state names layer \(i) but holds \(manifest.layers.count)") }
        let node = manifest.layers[i]
        func int(_ k: Int) throws -> Int {
            guard node.ints.indices.contains(k) else { throw ScriptError("a stored \(node.kind) layer lacks its sizes") }
            return node.ints[k]
        }
        func float(_ k: Int) throws -> Float {
            guard node.floats.indices.contains(k) else { throw ScriptError("a stored \(node.kind) layer lacks its settings") }
            return Float(bitPattern: node.floats[k])
        }
        // Weights are drawn and then replaced by the stored ones, so the seed does not matter.
        var rng = RandomGenerator(seed: 0)
        let made: Layer
        switch node.kind {
        case "sequential":
            guard node.children.count == node.childLayers.count else { throw ScriptError("a stored sequential layer is inconsistent") }
            var children: [(String, Layer)] = []
            for (name, child) in zip(node.children, node.childLayers) { children.append((name, try layer(child))) }
            made = Sequential(children)
        case "face":
            guard node.childLayers.count == 2 else { throw ScriptError("a stored face model lacks a part") }
            made = FaceModel(keypoints: try layer(node.childLayers[0]), emotions: try layer(node.childLayers[1]))
        case "dense":
            made = Dense(try int(0), try int(1), useBias: try int(2) == 1, rng: &rng)
        case "conv2d":
            made = Conv2D(try int(0), try int(1), kernel: (try int(2), try int(3)), stride: (try int(4), try int(5)),
                          padding: .explicit(try int(6), try int(7)), useBias: try int(8) == 1, rng: &rng)
        case "batchnorm":
            made = BatchNorm(try int(0), momentum: try float(0), epsilon: try float(1))
        case "dropout":
            let d = Dropout(try float(0), seed: 0)
            if let g = node.generator { d.generatorState = g }
            made = d
        case "flatten": made = Flatten()
        case "maxpool": made = MaxPool2D((try int(0), try int(1)), stride: (try int(2), try int(3)))
        case "avgpool": made = AvgPool2D((try int(0), try int(1)), stride: (try int(2), try int(3)))
        case "zeropad": made = ZeroPad2D((try int(0), try int(1)))
        case "resblock":
            made = ResBlock(try int(0), filters: BlockFilters(try int(1), try int(2), try int(3)),
                            batchNorm: BatchNormOptions(momentum: try float(0), epsilon: try float(1)), rng: &rng)
        default:
            if node.kind.hasPrefix("activation:"), let f = Activation.Function(rawValue: String(node.kind.dropFirst(11))) {
                made = Activation(f)
            } else {
                throw ScriptError("the stored state holds an unknown layer '\(node.kind)'")
            }
        }
        if node.kind != "sequential" && node.kind != "face" {
            try made.loadStateDict(try node.parameters.map { ($0.key, try tensor($0.value)) }, strict: true)
        }
        made.train(node.training)
        layers[i] = made
        return made
    }
}
