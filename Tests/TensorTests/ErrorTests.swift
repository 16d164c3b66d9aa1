import XCTest
import Tensor

/// Bad shapes, indices and axes are errors that say what was given; empty tensors work
/// wherever PyTorch allows them.
final class ErrorTests: XCTestCase {
    private func assertMessage<T>(_ expression: @autoclosure () throws -> T, _ message: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            XCTAssertTrue(error is TensorError, "not a TensorError: \(error)", file: file, line: line)
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    private let a23 = Tensor.zeros([2, 3])

    func testElementwiseShapeMismatchesNameBothShapes() {
        assertMessage(try a23 + Tensor.zeros([4]), "+: shapes [2, 3] and [4] do not match")
        assertMessage(try a23 - Tensor.zeros([3, 2]), "-: shapes [2, 3] and [3, 2] do not match")
        assertMessage(try a23 * Tensor.zeros([2, 1, 2]), "*: shapes [2, 3] and [2, 1, 2] do not match")
        assertMessage(try a23 / Tensor.zeros([2]), "/: shapes [2, 3] and [2] do not match")
        assertMessage(try pow(a23, Tensor.zeros([4])), "pow: shapes [2, 3] and [4] do not match")
        assertMessage(try compare(a23, .less, Tensor.zeros([5])), "<: shapes [2, 3] and [5] do not match")
        assertMessage(try maximum(a23, Tensor.zeros([4])), "maximum: shapes [2, 3] and [4] do not match")
        assertMessage(try minimum(Tensor.zeros([4]), a23), "minimum: shapes [4] and [2, 3] do not match")
        assertMessage(try `where`(Tensor.zeros([4]), a23, a23), "where condition: shapes [4] and [2, 3] do not match")
        assertMessage(try `where`(a23, a23, Tensor.zeros([2])), "where: shapes [2, 3] and [2] do not match")
    }

    func testShapeOpMismatchesNameBothShapes() {
        assertMessage(try a23.reshaped([4]), "reshape: shapes [2, 3] and [4] do not match")
        assertMessage(try a23.reshaped([-1, 4]), "reshape: shapes [2, 3] and [-1, 4] do not match")
        assertMessage(try a23.broadcast(to: [3, 3]), "broadcast_to: shapes [2, 3] and [3, 3] do not match")
        assertMessage(try a23.sum(toShape: [4]), "sum(toShape:): shapes [2, 3] and [4] do not match")
        assertMessage(try Tensor.concatenate([a23, Tensor.zeros([2, 4])]), "concat: shapes [2, 3] and [2, 4] do not match")
        assertMessage(try Tensor.concatenate([a23, Tensor.zeros([6])]), "concat: shapes [2, 3] and [6] do not match")
        assertMessage(try Tensor.stack([a23, Tensor.zeros([3, 2])]), "stack: shapes [2, 3] and [3, 2] do not match")
    }

    func testNNOpMismatchesNameBothShapes() {
        assertMessage(try matmul(a23, Tensor.zeros([4, 5])), "matmul: shapes [2, 3] and [4, 5] do not match")
        assertMessage(try matmul(Tensor.zeros([3]), Tensor.zeros([4, 5])), "matmul: shapes [3] and [4, 5] do not match")
        assertMessage(try matmul(a23, Tensor.zeros([2])), "matmul: shapes [2, 3] and [2] do not match")
        assertMessage(try matmul(Tensor.zeros([3]), Tensor.zeros([4])), "matmul: shapes [3] and [4] do not match")
        assertMessage(try matmul(Tensor.zeros([2, 3, 4]), Tensor.zeros([3, 4, 5])), "matmul: shapes [2, 3, 4] and [3, 4, 5] do not match")
        assertMessage(try linear(Tensor.zeros([3, 4]), weight: Tensor.zeros([5, 3]), bias: nil), "linear: shapes [3, 4] and [5, 3] do not match")
        assertMessage(try linear(Tensor.zeros([3, 4]), weight: Tensor.zeros([5, 4]), bias: Tensor.zeros([4])),
                      "linear bias: shapes [4] and [5] do not match")
        assertMessage(try conv2d(Tensor.zeros([1, 3, 5, 5]), weight: Tensor.zeros([2, 2, 3, 3])),
                      "conv2d: shapes [1, 3, 5, 5] and [2, 2, 3, 3] do not match")
        assertMessage(try conv2d(Tensor.zeros([1, 2, 5, 5]), weight: Tensor.zeros([2, 2, 3, 3]), bias: Tensor.zeros([3])),
                      "conv2d bias: shapes [3] and [2] do not match")
        var statistics = BatchNormStatistics(channels: 3)
        assertMessage(try batchNorm(Tensor.zeros([4, 3]), scale: Tensor.ones([2]), offset: Tensor.zeros([3]),
                                    statistics: &statistics, training: true),
                      "batch_norm scale: shapes [2] and [3] do not match")
        var small = BatchNormStatistics(channels: 2)
        assertMessage(try batchNorm(Tensor.zeros([4, 3]), scale: Tensor.ones([3]), offset: Tensor.zeros([3]),
                                    statistics: &small, training: false),
                      "batch_norm running mean: shapes [2] and [3] do not match")
    }

    func testLossMismatchesNameBothShapes() {
        assertMessage(try mseLoss(a23, Tensor.zeros([3, 2])), "mse_loss: shapes [2, 3] and [3, 2] do not match")
        assertMessage(try crossEntropy(a23, labels: [0, 1, 2]), "cross_entropy: shapes [2, 3] and [3] do not match")
        assertMessage(try crossEntropy(a23, labels: [0, 1], weights: [1, 2]), "cross_entropy weights: shapes [2] and [3] do not match")
        assertMessage(try crossEntropy(a23, targets: Tensor.zeros([2, 4])), "cross_entropy: shapes [2, 3] and [2, 4] do not match")
        assertMessage(try crossEntropy(a23, labels: [0, 3]), "cross_entropy: label 3 at row 1 is not a class of 0..<3")
        let x = Tensor([1, 2]).requiringGrad()
        assertMessage(try gradients(of: try x * 2, wrt: [x], seed: Tensor([1, 2, 3])), "gradients(seed:): shapes [3] and [2] do not match")
        assertMessage(try gradients(of: try x * 2, wrt: [x]), "gradients need a scalar output or a seed; the output has shape [2]")
    }

    func testIndexAndAxisErrors() {
        assertMessage(try a23.value(at: [1, 5]), "index 5 is out of range for axis 1 of size 3")
        assertMessage(try a23.value(at: [-3, 0]), "index -3 is out of range for axis 0 of size 2")
        assertMessage(try a23.value(at: [1]), "index has 1 components for a tensor of rank 2")
        assertMessage(try a23.selecting(2, axis: 0), "index 2 is out of range for axis 0 of size 2")
        assertMessage(try a23.selecting(-4, axis: 1), "index -4 is out of range for axis 1 of size 3")
        assertMessage(try a23.selecting(0, axis: 2), "axis 2 is out of range for a tensor of rank 2")
        assertMessage(try a23.gathering([0, 2]), "index 2 is out of range for axis 0 of size 2")
        assertMessage(try a23.gathering([-3]), "index -3 is out of range for axis 0 of size 2")
        assertMessage(try a23.sum(axes: [2]), "axis 2 is out of range for a tensor of rank 2")
        assertMessage(try a23.mean(axes: [-3]), "axis -3 is out of range for a tensor of rank 2")
        assertMessage(try a23.max(axes: [0, -2]), "axes [0, -2] repeat an axis")
        assertMessage(try a23.argmax(axis: 2), "axis 2 is out of range for a tensor of rank 2")
        assertMessage(try a23.transposed(0, 2), "axis 2 is out of range for a tensor of rank 2")
        assertMessage(try a23.permuted([0, 0]), "permute order [0, 0] is not a permutation of the 2 axes of [2, 3]")
        assertMessage(try a23.flattened(from: 2), "axis 2 is out of range for a tensor of rank 2")
        assertMessage(try softmax(a23, axis: 2), "axis 2 is out of range for a tensor of rank 2")
        assertMessage(try Tensor.concatenate([a23, a23], axis: 2), "axis 2 is out of range for a tensor of rank 2")
        assertMessage(try Tensor.stack([a23, a23], axis: 3), "axis 3 is out of range for a tensor of rank 3")
        assertMessage(try a23.sliced([.all, .all, .all]), "3 slices for a tensor of rank 2")
        assertMessage(try a23.sliced([SliceRange(start: 0, end: 1, step: 0)]), "slice step must be positive, got 0")
        assertMessage(try Tensor(7).gathering([0]), "cannot index a scalar")
        assertMessage(try Tensor(shape: [2, 2], scalars: [1, 2, 3]), "3 values cannot fill shape [2, 2] (4 elements)")
        assertMessage(try Tensor(shape: [-1, 2], scalars: []), "shape [-1, 2] has a negative axis")
        assertMessage(try Tensor([[1, 2], [3]]), "rows have different lengths: [2, 1]")
        assertMessage(try maxPool2d(Tensor.zeros([1, 1, 4, 4]), kernel: (2, 2), padding: (2, 0)),
                      "max_pool2d: padding (2, 0) must be at most half the kernel (2, 2)")
        assertMessage(try conv2d(Tensor.zeros([1, 1, 2, 2]), weight: Tensor.zeros([1, 1, 3, 3])),
                      "conv2d: a 3×3 window does not fit input [1, 1, 2, 2] with padding 0")
        assertMessage(try conv2d(Tensor.zeros([1, 4, 4]), weight: Tensor.zeros([1, 1, 3, 3])),
                      "conv2d needs a 4-D NCHW tensor, got shape [1, 4, 4]")
    }

    func testEmptyTensorsWhereverPyTorchAllowsThem() throws {
        let empty = Tensor.zeros([0, 3]).requiringGrad()
        XCTAssertEqual(try (empty + Tensor.ones([3])).shape, [0, 3])
        XCTAssertEqual(try (empty * Tensor(2)).shape, [0, 3])
        XCTAssertEqual(try empty.sum().scalars, [0])
        XCTAssertEqual(try empty.sum(axes: [0]).scalars, [0, 0, 0])
        XCTAssertEqual(try empty.sum(axes: [1]).shape, [0])
        XCTAssertEqual(try empty.sum(axes: [0], keepDims: true).shape, [1, 3])
        XCTAssertTrue(try empty.mean().scalars[0].isNaN)
        XCTAssertEqual(try empty.max(axes: [1]).shape, [0])
        XCTAssertEqual(try empty.argmax(axis: 1).shape, [0])
        XCTAssertThrowsError(try empty.max())
        XCTAssertThrowsError(try empty.max(axes: [0]))
        XCTAssertThrowsError(try empty.argmax())
        XCTAssertEqual(try empty.reshaped([3, 0]).shape, [3, 0])
        XCTAssertEqual(try empty.reshaped([-1, 3]).shape, [0, 3])
        XCTAssertEqual(try empty.transposed().shape, [3, 0])
        XCTAssertEqual(try empty.sliced([SliceRange(start: 0, end: 5)]).shape, [0, 3])
        XCTAssertEqual(try Tensor.zeros([2, 3]).sliced([.all, SliceRange(start: 3, end: nil)]).shape, [2, 0])
        XCTAssertEqual(try empty.gathering([]).shape, [0, 3])
        XCTAssertEqual(try Tensor.concatenate([empty, Tensor.ones([2, 3])]).scalars, [1, 1, 1, 1, 1, 1])
        XCTAssertEqual(try empty.padded([(before: 1, after: 0), (before: 0, after: 0)]).scalars, [0, 0, 0])
        XCTAssertEqual(try empty.broadcast(to: [2, 0, 3]).shape, [2, 0, 3])
        XCTAssertEqual(try softmax(empty).shape, [0, 3])
        XCTAssertEqual(relu(exp(empty)).shape, [0, 3])
        XCTAssertEqual(try matmul(empty, Tensor.ones([3, 2])).shape, [0, 2])
        XCTAssertEqual(try matmul(Tensor.ones([2, 0]), Tensor.ones([0, 3])).scalars, [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try linear(empty, weight: Tensor.ones([4, 3]), bias: Tensor.ones([4])).shape, [0, 4])
        XCTAssertEqual(try conv2d(Tensor.zeros([0, 1, 4, 4]), weight: Tensor.ones([2, 1, 3, 3])).shape, [0, 2, 2, 2])
        XCTAssertEqual(try maxPool2d(Tensor.zeros([0, 1, 4, 4]), kernel: (2, 2)).shape, [0, 1, 2, 2])
        XCTAssertEqual(Tensor.zeros([0]).description, "[]")
        let dx = try gradients(of: try (relu(empty) * 3).sum(), wrt: [empty])[0]
        XCTAssertEqual(dx.shape, [0, 3])
        XCTAssertEqual(try Tensor.arange(3, 1).shape, [0])
        XCTAssertEqual(try Tensor.linspace(0, 1, count: 0).shape, [0])
        XCTAssertEqual(Tensor.eye(-2).shape, [0, 0])
        XCTAssertEqual(Tensor.zeros([2, -1]).shape, [2, 0])
        XCTAssertEqual(Tensor.randn([-3], seed: 1).shape, [0])
    }
}
