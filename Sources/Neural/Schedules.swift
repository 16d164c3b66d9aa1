import Foundation

/// A learning rate as a function of the epoch (0-based) and the base rate.
public enum LearningRateSchedule: Sendable {
    /// The base rate throughout.
    case constant
    /// base · gamma^⌊epoch / stepSize⌋ (PyTorch's StepLR).
    case stepDecay(stepSize: Int, gamma: Float)
    /// base · gamma^epoch (PyTorch's ExponentialLR).
    case exponential(gamma: Float)
    /// min + (base − min) · (1 + cos(π · epoch / epochs)) / 2 (PyTorch's CosineAnnealingLR, one half period).
    case cosine(epochs: Int, minimum: Float)

    /// The rate at `epoch`.
    public func rate(epoch: Int, base: Float) -> Float {
        switch self {
        case .constant:
            return base
        case let .stepDecay(stepSize, gamma):
            return base * Float(Foundation.pow(Double(gamma), Double(epoch / max(1, stepSize))))
        case let .exponential(gamma):
            return base * Float(Foundation.pow(Double(gamma), Double(epoch)))
        case let .cosine(epochs, minimum):
            let t = Double(min(epoch, max(1, epochs))) / Double(max(1, epochs))
            return minimum + (base - minimum) * Float((1 + Foundation.cos(Double.pi * t)) / 2)
        }
    }
}
