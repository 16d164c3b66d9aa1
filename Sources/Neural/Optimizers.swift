import Foundation
import Tensor

/// Per-parameter optimizer state (moments, accumulators), allocated on first use.
final class OptimizerSlot {
    var first: [Float] = []
    var second: [Float] = []
    var initialized = false
}

/// Updates parameters from their gradients, with PyTorch's exact formulas.
///
/// Subclasses give the per-element rule; this base class checks shapes, keeps
/// per-parameter state and counts steps. `weightDecay` adds `wd · p` to each
/// gradient (L2, as PyTorch's `weight_decay`).
open class Optimizer {
    /// The step size; schedules change it between epochs.
    public var learningRate: Float
    /// L2 weight decay added to the gradients.
    public var weightDecay: Float
    /// Steps taken so far.
    public internal(set) var steps = 0
    var slots: [ObjectIdentifier: OptimizerSlot] = [:]

    init(learningRate: Float, weightDecay: Float) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    /// Applies one update to each parameter from the gradient at the same position.
    public func update(_ parameters: [Parameter], gradients: [Tensor]) throws {
        guard parameters.count == gradients.count else {
            throw TensorError.invalidArgument("optimizer: \(parameters.count) parameters but \(gradients.count) gradients")
        }
        for (p, g) in zip(parameters, gradients) where p.shape != g.shape {
            throw TensorError.shapeMismatch(op: "optimizer update", p.shape, g.shape)
        }
        steps += 1
        for (p, g) in zip(parameters, gradients) {
            let slot = slots[ObjectIdentifier(p)] ?? {
                let s = OptimizerSlot()
                slots[ObjectIdentifier(p)] = s
                return s
            }()
            var values = p.value.scalars
            p.value = Tensor.zeros([0])  // release the parameter's reference so `values` is unique
            values.withUnsafeMutableBufferPointer { w in
                g.scalars.withUnsafeBufferPointer { grad in
                    apply(w, grad, slot)
                }
            }
            p.value = (try? Tensor(shape: g.shape, scalars: values)) ?? Tensor.zeros(g.shape)
        }
    }

    /// The per-element rule for one parameter.
    func apply(_ w: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ slot: OptimizerSlot) {}

    /// Forgets all state (moments, step count).
    public func reset() {
        slots = [:]
        steps = 0
    }
}

/// Stochastic gradient descent, with optional momentum (and Nesterov's variant), as `torch.optim.SGD`.
public final class SGD: Optimizer {
    public var momentum: Float
    public var dampening: Float
    public var nesterov: Bool

    public init(learningRate: Float = 0.01, momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        super.init(learningRate: learningRate, weightDecay: weightDecay)
    }

    override func apply(_ w: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ slot: OptimizerSlot) {
        let (lr, wd, mu, damp) = (learningRate, weightDecay, momentum, dampening)
        if mu == 0 {
            for i in 0..<w.count { w[i] -= lr * (g[i] + wd * w[i]) }
            return
        }
        let first = !slot.initialized
        if first { slot.first = [Float](repeating: 0, count: w.count); slot.initialized = true }
        slot.first.withUnsafeMutableBufferPointer { b in
            for i in 0..<w.count {
                let d = g[i] + wd * w[i]
                b[i] = first ? d : mu * b[i] + (1 - damp) * d
                w[i] -= lr * (nesterov ? d + mu * b[i] : b[i])
            }
        }
    }
}

/// Adagrad as `torch.optim.Adagrad` (no learning-rate decay): s += g², p −= lr · g / (√s + ε).
public final class Adagrad: Optimizer {
    public var epsilon: Float
    public var initialAccumulator: Float

    public init(learningRate: Float = 0.01, epsilon: Float = 1e-10, initialAccumulator: Float = 0, weightDecay: Float = 0) {
        self.epsilon = epsilon
        self.initialAccumulator = initialAccumulator
        super.init(learningRate: learningRate, weightDecay: weightDecay)
    }

    override func apply(_ w: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ slot: OptimizerSlot) {
        if !slot.initialized { slot.first = [Float](repeating: initialAccumulator, count: w.count); slot.initialized = true }
        let (lr, wd, eps) = (learningRate, weightDecay, epsilon)
        slot.first.withUnsafeMutableBufferPointer { s in
            for i in 0..<w.count {
                let d = g[i] + wd * w[i]
                s[i] += d * d
                w[i] -= lr * d / (s[i].squareRoot() + eps)
            }
        }
    }
}

/// RMSprop as `torch.optim.RMSprop` (not centred): v = αv + (1−α)g², p −= lr · g / (√v + ε), with optional momentum.
public final class RMSprop: Optimizer {
    public var alpha: Float
    public var epsilon: Float
    public var momentum: Float

    public init(learningRate: Float = 0.01, alpha: Float = 0.99, epsilon: Float = 1e-8, momentum: Float = 0, weightDecay: Float = 0) {
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        super.init(learningRate: learningRate, weightDecay: weightDecay)
    }

    override func apply(_ w: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ slot: OptimizerSlot) {
        if !slot.initialized {
            slot.first = [Float](repeating: 0, count: w.count)
            slot.second = [Float](repeating: 0, count: momentum > 0 ? w.count : 0)
            slot.initialized = true
        }
        let (lr, wd, a, eps, mu) = (learningRate, weightDecay, alpha, epsilon, momentum)
        slot.first.withUnsafeMutableBufferPointer { v in
            slot.second.withUnsafeMutableBufferPointer { buf in
                for i in 0..<w.count {
                    let d = g[i] + wd * w[i]
                    v[i] = a * v[i] + (1 - a) * d * d
                    let avg = v[i].squareRoot() + eps
                    if mu > 0 {
                        buf[i] = mu * buf[i] + d / avg
                        w[i] -= lr * buf[i]
                    } else {
                        w[i] -= lr * d / avg
                    }
                }
            }
        }
    }
}

/// Adam as `torch.optim.Adam` (and AdamW with `decoupled`):
/// m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g², p −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
public final class Adam: Optimizer {
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    /// Decay the weights directly (AdamW) instead of adding wd·p to the gradient.
    public var decoupled: Bool

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupled: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.decoupled = decoupled
        super.init(learningRate: learningRate, weightDecay: weightDecay)
    }

    override func apply(_ w: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ slot: OptimizerSlot) {
        if !slot.initialized {
            slot.first = [Float](repeating: 0, count: w.count)
            slot.second = [Float](repeating: 0, count: w.count)
            slot.initialized = true
        }
        let t = Double(steps)
        let (b1, b2, eps, lr, wd) = (beta1, beta2, epsilon, learningRate, weightDecay)
        let bc1 = Float(1 - Foundation.pow(Double(b1), t))
        let bc2Sqrt = Float((1 - Foundation.pow(Double(b2), t)).squareRoot())
        let stepSize = lr / bc1
        let decoupled = self.decoupled
        slot.first.withUnsafeMutableBufferPointer { mBuffer in
            slot.second.withUnsafeMutableBufferPointer { vBuffer in
                guard let wp = w.baseAddress, let gp = g.baseAddress,
                      let m = mBuffer.baseAddress, let v = vBuffer.baseAddress else { return }
                chunked(w.count) { range in
                    for i in range {
                        var d = gp[i]
                        if decoupled { wp[i] *= 1 - lr * wd } else { d += wd * wp[i] }
                        m[i] = b1 * m[i] + (1 - b1) * d
                        v[i] = b2 * v[i] + (1 - b2) * d * d
                        wp[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Sqrt + eps)
                    }
                }
            }
        }
    }
}

/// Runs `body` over 0..<count in chunks spread over the cores (serially when small).
func chunked(_ count: Int, _ body: (Range<Int>) -> Void) {
    let size = 1 << 16
    let chunks = (count + size - 1) / size
    if chunks <= 1 {
        body(0..<count)
        return
    }
    Parallel.forEach(chunks) { c in body((c * size)..<min(count, (c + 1) * size)) }
}

/// Scales gradients so that their global L2 norm is at most `maxNorm`
/// (as `torch.nn.utils.clip_grad_norm_`); returns them with the norm before clipping.
public func clipGradients(_ gradients: [Tensor], maxNorm: Float) throws -> (gradients: [Tensor], norm: Float) {
    let norm = globalNorm(gradients)
    let coefficient = maxNorm / (norm + 1e-6)
    guard coefficient < 1 else { return (gradients, norm) }
    return (try gradients.map { try $0 * coefficient }, norm)
}
