import Tensor

/// The state of an optimizer for one parameter (its moments), as stored by the cell cache.
public struct OptimizerSlotState: Equatable, Sendable {
    /// The first moment (momentum buffer, Adagrad's sum, RMSprop's average).
    public var first: [Float]
    /// The second moment (Adam's v, RMSprop's momentum buffer).
    public var second: [Float]
    /// Whether the slot has been used.
    public var initialized: Bool

    /// A slot's state.
    public init(first: [Float], second: [Float], initialized: Bool) {
        self.first = first
        self.second = second
        self.initialized = initialized
    }
}

extension Optimizer {
    /// The state kept for each of `parameters` (nil where there is none), so that a copy of
    /// the model and the optimizer can carry on training exactly as the original would.
    public func slotStates(for parameters: [Parameter]) -> [OptimizerSlotState?] {
        parameters.map { p in
            slots[ObjectIdentifier(p)].map { OptimizerSlotState(first: $0.first, second: $0.second, initialized: $0.initialized) }
        }
    }

    /// Puts back the step count and the per-parameter state that `slotStates` gave.
    public func restore(steps: Int, slots states: [(Parameter, OptimizerSlotState)]) {
        self.steps = steps
        slots = [:]
        for (p, state) in states {
            let slot = OptimizerSlot()
            slot.first = state.first
            slot.second = state.second
            slot.initialized = state.initialized
            slots[ObjectIdentifier(p)] = slot
        }
    }
}

extension Dropout {
    /// The mask generator's state as bytes (stable within one build of ainb).
    public var generatorState: [UInt8] {
        get { withUnsafeBytes(of: rng) { Array($0) } }
        set {
            guard newValue.count == MemoryLayout<RandomGenerator>.size else { return }
            withUnsafeMutableBytes(of: &rng) { raw in
                for i in 0..<raw.count { raw[i] = newValue[i] }
            }
        }
    }
}

extension EpochRecord {
    /// An epoch's record from its parts (a stored history read back).
    public init(storedEpoch epoch: Int, loss: Float, metrics: [String: Float], validationLoss: Float?,
                validationMetrics: [String: Float], learningRate: Float, seconds: Double) {
        self.epoch = epoch
        self.loss = loss
        self.metrics = metrics
        self.validationLoss = validationLoss
        self.validationMetrics = validationMetrics
        self.learningRate = learningRate
        self.seconds = seconds
    }
}

extension History {
    /// A history from its parts (a stored history read back).
    public init(storedEpochs epochs: [EpochRecord], bestEpoch: Int?, stoppedEarly: Bool) {
        self.epochs = epochs
        self.bestEpoch = bestEpoch
        self.stoppedEarly = stoppedEarly
    }
}
