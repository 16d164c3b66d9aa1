import Foundation

/// Reverse-mode automatic differentiation.
///
/// Every operation run while recording is on, with at least one input that is
/// tracked, appends a `GradNode` to the tape: the node knows its inputs' nodes and
/// a closure that maps the gradient of its output to the gradients of its inputs.
/// Nodes are numbered in the order they were made, so walking them by
/// decreasing number replays the tape backwards (every input was made before
/// the operation that used it).
///
/// ## Second derivatives: grad mode inside a backward closure
/// `gradients(createGraph:)` runs the backward closures with recording set to
/// `createGraph`. So inside a backward closure, `GradMode.isEnabled` means "the
/// gradient being built will be differentiated again": a closure that has a fast
/// path on raw values (reusing the forward's output, a fused kernel) takes it only
/// when recording is off, and builds its gradient from recorded ops when it is on.
/// An op whose backward is a raw kernel either way says so where it is recorded
/// (`secondOrder: .rawKernel(...)`), and `gradients` refuses to differentiate
/// through it a second time rather than return a wrong number.
///
/// ## Threads
/// The numbering of nodes is shared by all threads (behind a lock), so tensors made
/// on several threads at once keep distinct, ordered numbers. Grad mode is per
/// thread, as in PyTorch: every thread starts with recording on, and
/// `GradMode.withoutGradients` or `GradMode.with(enabled:)` change only the thread
/// that calls them (a data-loading thread cannot switch training's recording off).

/// What a second pass through an op's backward closure gives under `createGraph`.
public enum SecondOrder {
    /// The closure builds its gradients from recorded ops when grad mode is on:
    /// they can be differentiated again.
    case recorded
    /// The closure computes with a raw kernel that records nothing. `reads[i]` lists
    /// the inputs whose values the gradient of input i is computed from (beyond the
    /// incoming gradient, which every gradient reads). Under `createGraph` the pass
    /// is refused when the incoming gradient is tracked, or when a gradient that is
    /// needed reads a tracked input: its result would not depend on what it
    /// mathematically depends on.
    case rawKernel(reads: [[Int]])

    /// Whether differentiating through `node` with the incoming gradient `grad`
    /// would cut the recorded graph.
    func cuts(_ node: GradNode, grad: Tensor, needs: [Bool]) -> Bool {
        guard case .rawKernel(let reads) = self else { return false }
        if grad.node != nil { return true }
        for (i, read) in reads.enumerated() where i < needs.count && needs[i] {
            if read.contains(where: { node.inputs[$0] != nil }) { return true }
        }
        return false
    }
}

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
    /// Whether the backward closure can itself be differentiated (`createGraph`).
    let secondOrder: SecondOrder

    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    init(op: String, inputs: [GradNode?], secondOrder: SecondOrder = .recorded,
         backward: ((Tensor, [Bool]) throws -> [Tensor?])?) {
        // Tensors may be made on several threads (data loading beside training): numbers stay unique.
        Self.counterLock.lock()
        Self.counter += 1
        self.sequence = Self.counter
        Self.counterLock.unlock()
        self.op = op
        self.inputs = inputs
        self.backward = backward
        self.secondOrder = secondOrder
    }

    /// True for a leaf: a tensor whose gradient is asked for, not computed from others.
    public var isLeaf: Bool { backward == nil }
}

/// Whether operations record themselves for differentiation, per thread (see
/// "Threads" above): every thread starts with recording on.
public enum GradMode {
    /// Set on a thread while its recording is off; absent (nil) means on, so a new
    /// thread records without being told to.
    private static let offKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
    private static var offMarker: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: 1) }

    /// True while operations on this thread record gradient nodes.
    public static var isEnabled: Bool { pthread_getspecific(offKey) == nil }

    /// Runs `body` with recording off on this thread: for inference and optimizer updates.
    public static func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
        try with(enabled: false, body)
    }

    /// Runs `body` with recording on or off, as given, on this thread.
    public static func with<R>(enabled value: Bool, _ body: () throws -> R) rethrows -> R {
        let saved = pthread_getspecific(offKey)
        pthread_setspecific(offKey, value ? nil : offMarker)
        defer { pthread_setspecific(offKey, saved) }
        return try body()
    }
}

extension Tensor {
    /// The same values as a new leaf whose gradient can be asked for.
    public func requiringGrad() -> Tensor {
        Tensor(uncheckedShape: shape, scalars: scalars, node: GradNode(op: "leaf", inputs: [], backward: nil))
    }

    /// Attaches a node for an operation's result when recording is on and some input is tracked.
    ///
    /// `secondOrder` says whether `backward` can be differentiated again: `.recorded`
    /// when, with grad mode on, it builds its gradients from recorded ops (see
    /// "Second derivatives" above); `.rawKernel(reads:)` when it cannot.
    @inline(__always)
    func recording(
        _ op: String, _ inputs: [Tensor], secondOrder: SecondOrder = .recorded,
        _ backward: @escaping (_ grad: Tensor, _ needs: [Bool]) throws -> [Tensor?]
    ) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.node != nil }) else { return self }
        var out = self
        out.node = GradNode(op: op, inputs: inputs.map(\.node), secondOrder: secondOrder, backward: backward)
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
            if createGraph, node.secondOrder.cuts(node, grad: grad, needs: needs) {
                throw TensorError.invalidArgument(
                    "\(node.op) has no second derivative: gradients through it cannot be differentiated again (createGraph)")
            }
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
