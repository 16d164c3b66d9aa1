import Tensor

/// A named tensor a layer owns: a trainable weight or a running statistic (a buffer).
public final class Parameter {
    /// The current values.
    public var value: Tensor
    /// False for buffers such as batch norm's running mean and variance.
    public let trainable: Bool

    /// A parameter holding `value`.
    public init(_ value: Tensor, trainable: Bool = true) {
        self.value = value
        self.trainable = trainable
    }

    /// The shape of the values.
    public var shape: [Int] { value.shape }

    /// The number of scalars.
    public var count: Int { value.count }

    /// Replaces the values, keeping the shape; throws when the count differs.
    public func assign(_ scalars: [Float]) throws {
        value = try Tensor(shape: value.shape, scalars: scalars)
    }
}

/// The base of every layer: named parameters, named children, train/eval mode.
///
/// Parameter names follow PyTorch's `state_dict`: a layer's own parameters
/// first (in declaration order), then its children's, prefixed by the child's
/// name and a dot (`res1.conv.bn1.running_mean`).
open class Layer {
    /// True in training mode (batch statistics, dropout on); false in evaluation mode.
    public private(set) var isTraining = true

    public init() {}

    /// The layer's own parameters and buffers, in a fixed order.
    open var localParameters: [(String, Parameter)] { [] }

    /// The sub-layers, in a fixed order.
    open var children: [(String, Layer)] { [] }

    /// The kind of layer as a summary shows it ("Conv2D", "Dense", ...).
    open var kind: String { String(describing: type(of: self)) }

    /// Runs the layer on a batch.
    open func callAsFunction(_ x: Tensor) throws -> Tensor { x }

    /// The output shape for an input shape, without computing anything.
    open func outputShape(_ input: [Int]) throws -> [Int] { input }

    /// Summary rows for this layer on an input shape, and its output shape.
    open func summaryRows(prefix: String, input: [Int]) throws -> (rows: [SummaryRow], output: [Int]) {
        let out = try outputShape(input)
        let count = localParameters.reduce(0) { $0 + $1.1.count }
        return ([SummaryRow(name: prefix, kind: kind, outputShape: out, parameters: count)], out)
    }

    /// Summary rows of named sub-layers under `prefix`, and the last one's output shape: each
    /// fed the one before's output when `chained` (a sequence), or all fed `input` (members
    /// side by side).
    public func childRows(_ layers: [(String, Layer)], prefix: String, input: [Int], chained: Bool) throws -> (rows: [SummaryRow], output: [Int]) {
        var rows: [SummaryRow] = []
        var s = input
        for (name, layer) in layers {
            let (r, out) = try layer.summaryRows(prefix: prefix.isEmpty ? name : prefix + "." + name, input: chained ? s : input)
            rows += r
            s = out
        }
        return (rows, s)
    }

    /// Every parameter and buffer with its full dotted name, depth first.
    public func namedParameters(prefix: String = "") -> [(String, Parameter)] {
        var result = localParameters.map { (prefix + $0.0, $0.1) }
        for (name, child) in children {
            result += child.namedParameters(prefix: prefix + name + ".")
        }
        return result
    }

    /// The trainable parameters, in state-dict order.
    public var trainableParameters: [Parameter] { namedParameters().map(\.1).filter(\.trainable) }

    /// The number of scalars in all parameters and buffers (Keras' "Total params").
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.1.count } }

    /// The number of trainable scalars.
    public var trainableParameterCount: Int { trainableParameters.reduce(0) { $0 + $1.count } }

    /// Switches this layer and all its children to training or evaluation mode.
    public func train(_ on: Bool = true) {
        isTraining = on
        for (_, child) in children { child.train(on) }
    }

    /// Switches to evaluation mode.
    public func eval() { train(false) }

    /// The parameters and buffers by name, in order, as tensors (what a checkpoint holds).
    public func stateDict() -> [(String, Tensor)] {
        namedParameters().map { ($0.0, $0.1.value.detached) }
    }

    /// Loads tensors by name; with `strict`, every parameter must be given and no extra names.
    public func loadStateDict(_ tensors: [(String, Tensor)], strict: Bool = true) throws {
        var byName: [String: Tensor] = [:]
        for (name, t) in tensors { byName[name] = t }
        let own = namedParameters()
        var missing: [String] = []
        for (name, p) in own {
            guard let t = byName.removeValue(forKey: name) else { missing.append(name); continue }
            guard t.shape == p.shape else {
                throw CheckpointError.shapeMismatch(name: name, expected: p.shape, found: t.shape)
            }
            p.value = t.detached
        }
        if strict && (!missing.isEmpty || !byName.isEmpty) {
            throw CheckpointError.namesMismatch(missing: missing, unexpected: byName.keys.sorted())
        }
    }
}

/// One line of a model summary.
public struct SummaryRow: Equatable {
    /// The layer's dotted name.
    public var name: String
    /// The kind of layer.
    public var kind: String
    /// The output shape, batch axis first.
    public var outputShape: [Int]
    /// The parameters the layer owns itself.
    public var parameters: Int
}
