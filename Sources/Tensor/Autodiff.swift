import Foundation

/// Reverse-mode automatic differentiation.
///
/// Every operation run while recording is on, with at least one input that is
/// tracked, appends a `GradNode` to the tape: the node knows its inputs' nodes and
/// a closure that maps the gradient of its output to the gradients of its inputs.
/// Nodes are numbered in the order they were made, so walking them by
/// decreasing number replays the tape backwards (every input was made before
/// the operation that used it).

/// One recorded operation (or a leaf: a tensor marked with `requiringGrad()`).
public final class GradNode {
    /// The node's place on the tape; inputs always have smaller numbers.
    public let sequence: Int
    /// The name of the operation, for error messages and debugging.
    public let op: String
    /// The nodes of the inputs (nil for inputs that are not tracked).
    let inputs: [GradNode?]
    /// Maps the output gradient to one gradient per input; `needs[i]` says
    /// whether input i wants one (the closure may return nil where it does not).
    let backward: ((Tensor, [Bool]) throws -> [Tensor?])?

    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    init(op: String, inputs: [GradNode?], backward: ((Tensor, [Bool]) throws -> [Tensor?])?) {
        // Tensors may be made on several threads (data loading beside training): numbers stay unique.
        Self.counterLock.lock()
        Self.counter += 1
        self.sequence = Self.counter
        Self.counterLock.unlock()
        self.op = op
        self.inputs = inputs
        self.backward = backward
    }

    /// True for a leaf: a tensor whose gradient is asked for, not computed from others.
    public var isLeaf: Bool { backward == nil }
}

/// Whether operations record themselves for differentiation.
public enum GradMode {
    nonisolated(unsafe) private static var enabled = true

    /// True while operations record gradient nodes.
    public static var isEnabled: Bool { enabled }

    /// Runs `body` with recording off: for inference and optimizer updates.
    public static func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
        let saved = enabled
        enabled = false
        defer { enabled = saved }
        return try body()
    }

    /// Runs `body` with recording on or off as given.
    public static func with<R>(enabled value: Bool, _ body: () throws -> R) rethrows -> R {
        let saved = enabled
        enabled = value
        defer { enabled = saved }
        return try body()
    }
}

extension Tensor {
    /// The same values as a new leaf whose gradient can be asked for.
    public func requiringGrad() -> Tensor {
        Tensor(uncheckedShape: shape, scalars: scalars, node: GradNode(op: "leaf", inputs: [], backward: nil))
    }

    /// Attaches a node for an operation's result when recording is on and some input is tracked.
    @inline(__always)
    func recording(
        _ op: String, _ inputs: [Tensor],
        _ backward: @escaping (_ grad: Tensor, _ needs: [Bool]) throws -> [Tensor?]
    ) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.node != nil }) else { return self }
        var out = self
        out.node = GradNode(op: op, inputs: inputs.map(\.node), backward: backward)
        return out
    }
}

/// The gradients of `output` with respect to each tensor of `wrt`.
///
/// `output` must be a scalar unless `seed` (the gradient of some later value
/// with respect to `output`) is given. A tensor of `wrt` that `output` does not
/// depend on gets a gradient of zeros. Gradients from several uses of one
/// tensor add up. With `createGraph`, the backward pass is itself recorded, so
/// the gradients can be differentiated again.
public func gradients(of output: Tensor, wrt: [Tensor], seed: Tensor? = nil, createGraph: Bool = false) throws -> [Tensor] {
    let zeros = wrt.map { Tensor.zeros($0.shape) }
    guard let root = output.node else { return zeros }
    let start: Tensor
    if let seed {
        guard seed.shape == output.shape else {
            throw TensorError.shapeMismatch(op: "gradients(seed:)", seed.shape, output.shape)
        }
        start = seed
    } else {
        guard output.count == 1 else {
            throw TensorError.invalidArgument(
                "gradients need a scalar output or a seed; the output has shape \(Shape.describe(output.shape))")
        }
        start = Tensor.ones(output.shape)
    }

    // Collect the tape reachable from the output.
    var nodes: [GradNode] = []
    var seen = Set<ObjectIdentifier>()
    var stack = [root]
    while let node = stack.popLast() {
        guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
        nodes.append(node)
        for case let input? in node.inputs { stack.append(input) }
    }
    nodes.sort { $0.sequence < $1.sequence }

    // Only nodes that lead to a requested tensor need gradients.
    let targets = Set(wrt.compactMap { $0.node.map(ObjectIdentifier.init) })
    var relevant = Set<ObjectIdentifier>()
    for node in nodes {
        let id = ObjectIdentifier(node)
        if targets.contains(id) || node.inputs.contains(where: { $0.map { relevant.contains(ObjectIdentifier($0)) } ?? false }) {
            relevant.insert(id)
        }
    }

    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): start]
    try GradMode.with(enabled: createGraph) {
        for node in nodes.reversed() {
            let id = ObjectIdentifier(node)
            guard relevant.contains(id), let backward = node.backward, let grad = grads[id] else { continue }
            if !targets.contains(id) { grads[id] = nil }
            let needs = node.inputs.map { $0.map { relevant.contains(ObjectIdentifier($0)) } ?? false }
            if createGraph { try checkSecondOrder(node, grad: grad, needs: needs) }
            let inputGrads = try backward(grad, needs)
            for (input, inputGrad) in zip(node.inputs, inputGrads) {
                guard let input, let inputGrad else { continue }
                let key = ObjectIdentifier(input)
                guard relevant.contains(key) else { continue }
                if let existing = grads[key] {
                    grads[key] = try existing + inputGrad
                } else {
                    grads[key] = inputGrad
                }
            }
        }
    }
    return zip(wrt, zeros).map { tensor, zero in
        tensor.node.flatMap { grads[ObjectIdentifier($0)] } ?? zero
    }
}

/// Refuses, under `createGraph`, a backward pass that would cut the recorded graph.
///
/// conv2d, batch_norm and the pooling ops compute their gradients with raw kernels:
/// the values are right, but they would not depend on what they mathematically
/// depend on (the incoming gradient, and for conv2d the other operand, for
/// batch_norm the input), so a second derivative through them would be silently wrong.
private func checkSecondOrder(_ node: GradNode, grad: Tensor, needs: [Bool]) throws {
    let tracked = node.inputs.map { $0 != nil }
    let cut: Bool
    switch node.op {
    case "max_pool2d", "avg_pool2d":
        cut = grad.node != nil
    case "conv2d":
        cut = grad.node != nil || (needs[0] && tracked[1]) || (needs[1] && tracked[0])
    case "batch_norm":
        cut = grad.node != nil || tracked[0] || (needs[0] && (tracked[1]))
    default:
        cut = false
    }
    if cut {
        throw TensorError.invalidArgument(
            "\(node.op) has no second derivative: gradients through it cannot be differentiated again (createGraph)")
    }
}
