import Tensor

/// Several models that answer as one, each seeing the same input: the average of their outputs
/// or, for classifiers, of their class probabilities.
///
/// Models trained from different seeds err in different ways, so their average errs less,
/// most of all on inputs unlike the training data (photographs for models trained on
/// synthetic faces). Members are named by position, as PyTorch's `ModuleList` names them
/// (`0.stem.conv.weight`, `1.stem.conv.weight`, ...).
public final class Ensemble: Layer {
    /// What is averaged.
    public enum Average: String, CaseIterable {
        /// The outputs themselves (regression, keypoints).
        case outputs
        /// The class probabilities (softmax over axis 1); the ensemble answers with their log,
        /// so that softmax, argmax and cross-entropy of its answer read the average.
        case probabilities
    }

    /// The models, in order.
    public let members: [Layer]
    /// What is averaged.
    public let average: Average

    /// An ensemble of one or more models with the same input and output shapes.
    public init(_ members: [Layer], average: Average = .outputs) throws {
        guard !members.isEmpty else { throw TensorError.invalidArgument("an ensemble needs at least one model") }
        self.members = members
        self.average = average
    }

    public override var kind: String { "Ensemble" }

    public override var children: [(String, Layer)] { members.enumerated().map { (String($0.offset), $0.element) } }

    public override func callAsFunction(_ x: Tensor) throws -> Tensor {
        var sum: Tensor?
        for member in members {
            var y = try member(x)
            if average == .probabilities {
                guard y.rank == 2 else {
                    throw TensorError.invalidArgument("averaging probabilities needs class scores [N, classes], got \(Shape.describe(y.shape))")
                }
                y = try softmax(y, axis: 1)
            }
            if let s = sum {
                guard s.shape == y.shape else {
                    throw TensorError.invalidArgument("ensemble members answer with different shapes: \(Shape.describe(s.shape)) and \(Shape.describe(y.shape))")
                }
                sum = try s + y
            } else {
                sum = y
            }
        }
        let mean = try sum.unsafelyUnwrapped * (1 / Float(members.count))
        return average == .probabilities ? log(mean) : mean
    }

    public override func outputShape(_ input: [Int]) throws -> [Int] { try members[0].outputShape(input) }

    public override func summaryRows(prefix: String, input: [Int]) throws -> (rows: [SummaryRow], output: [Int]) {
        try childRows(children, prefix: prefix, input: input, chained: false)
    }
}
