import XCTest
import Foundation
import Tensor

final class AutodiffTests: XCTestCase {
    func testGradientOfSquareIsTwiceTheInput() throws {
        let x = Tensor([1, -2, 3]).requiringGrad()
        let y = try (x * x).sum()
        let (dx) = try gradients(of: y, wrt: [x])[0]
        XCTAssertEqual(dx.scalars, [2, -4, 6])
    }

    func testGradientsAccumulateWhenATensorIsUsedTwice() throws {
        let x = Tensor([2]).requiringGrad()
        let y = try (x * x + x * 3).sum()
        XCTAssertEqual(try gradients(of: y, wrt: [x])[0].scalars, [7])
    }

    func testGradientsAccumulateAcrossBranchesAndBroadcasts() throws {
        // y = Σ (x·w + x) over a broadcast row: dy/dx = Σ_rows (w + 1), dy/dw = Σ_rows x
        let x = Tensor([1, 2, 3]).requiringGrad()
        let w = try Tensor([[1, 0, -1], [2, 2, 2]]).requiringGrad()
        let y = try (x * w + x).sum()
        let g = try gradients(of: y, wrt: [x, w])
        XCTAssertEqual(g[0].scalars, [5, 4, 3])
        XCTAssertEqual(g[1].scalars, [1, 2, 3, 1, 2, 3])
    }

    func testGradientsWithRespectToSeveralInputsAtOnce() throws {
        let a = Tensor([1, 2]).requiringGrad(), b = Tensor([3, 4]).requiringGrad(), c = Tensor([5, 6]).requiringGrad()
        let y = try (a * b + b * c - a / c).sum()
        let g = try gradients(of: y, wrt: [c, a, b])
        assertClose(g[0], Tensor([3 + 1 / 25, 4 + 2 / 36]), "dc")
        assertClose(g[1], Tensor([3 - 1 / 5, 4 - 1 / 6]), "da")
        assertClose(g[2], Tensor([6, 8]), "db")
    }

    func testUnusedInputGetsZerosAndIntermediatesCanBeTargets() throws {
        let x = Tensor([1, 2, 3]).requiringGrad()
        let unused = Tensor.ones([2, 2]).requiringGrad()
        let h = try x * 2
        let y = try (h * h).sum()
        let g = try gradients(of: y, wrt: [unused, h, x])
        XCTAssertEqual(g[0].scalars, [0, 0, 0, 0])
        XCTAssertEqual(g[0].shape, [2, 2])
        XCTAssertEqual(g[1].scalars, [4, 8, 12])
        XCTAssertEqual(g[2].scalars, [8, 16, 24])
    }

    func testSeedGivesTheVectorJacobianProduct() throws {
        let x = Tensor([1, 2, 3]).requiringGrad()
        let y = try x * x
        XCTAssertEqual(try gradients(of: y, wrt: [x], seed: Tensor([1, 0, -1]))[0].scalars, [2, 0, -6])
        XCTAssertThrowsError(try gradients(of: y, wrt: [x]))
    }

    func testNoGradScopeRecordsNothing() throws {
        let x = Tensor([2]).requiringGrad()
        let y = try GradMode.withoutGradients { try x * x }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(GradMode.isEnabled)
        let z = try (y + x).sum()
        // Only the path outside the scope counts.
        XCTAssertEqual(try gradients(of: z, wrt: [x])[0].scalars, [1])
        let w = try GradMode.withoutGradients { try GradMode.with(enabled: true) { try x * 3 } }
        XCTAssertTrue(w.requiresGrad)
        XCTAssertFalse(try x.detached.sum().requiresGrad)
    }

    func testSecondDerivativeOfCubeWithCreateGraph() throws {
        let values: [Float] = [-1.5, 0.5, 2]
        for cube in [{ (x: Tensor) throws -> Tensor in try pow(x, 3) }, { (x: Tensor) in try x * x * x }] {
            let x = Tensor(values).requiringGrad()
            let dx = try gradients(of: try cube(x).sum(), wrt: [x], createGraph: true)[0]
            assertClose(dx, Tensor(values.map { 3 * $0 * $0 }), "first derivative")
            XCTAssertTrue(dx.requiresGrad)
            let ddx = try gradients(of: try dx.sum(), wrt: [x])[0]
            assertClose(ddx, Tensor(values.map { 6 * $0 }), "second derivative")
        }
    }

    func testSecondDerivativeOfTanhWithCreateGraph() throws {
        let values: [Float] = [-1, 0.25, 0.8]
        let x = Tensor(values).requiringGrad()
        let dx = try gradients(of: try tanh(x).sum(), wrt: [x], createGraph: true)[0]
        let ddx = try gradients(of: try dx.sum(), wrt: [x])[0]
        let expected = values.map { v -> Float in let t = Foundation.tanh(v); return -2 * t * (1 - t * t) }
        assertClose(ddx, Tensor(expected), "d²/dx² tanh")
    }

    func testSecondDerivativesOfExpLogSqrtSigmoid() throws {
        let values: [Float] = [0.5, 1, 2]
        let x = Tensor(values).requiringGrad()
        func second(_ f: (Tensor) throws -> Tensor) throws -> Tensor {
            let d = try gradients(of: try f(x).sum(), wrt: [x], createGraph: true)[0]
            return try gradients(of: try d.sum(), wrt: [x])[0]
        }
        assertClose(try second { exp($0) }, Tensor(values.map { Foundation.exp($0) }), "exp")
        assertClose(try second { log($0) }, Tensor(values.map { -1 / ($0 * $0) }), "log")
        assertClose(try second { sqrt($0) }, Tensor(values.map { -0.25 * Foundation.pow($0, -1.5) }), "sqrt")
        let sig = values.map { 1 / (1 + Foundation.exp(-$0)) }
        assertClose(try second { sigmoid($0) }, Tensor(sig.map { $0 * (1 - $0) * (1 - 2 * $0) }), "sigmoid")
    }

    func testShapeMismatchNamesBothShapes() throws {
        XCTAssertThrowsError(try Tensor.zeros([2, 3]) + Tensor.zeros([4])) { error in
            XCTAssertEqual("\(error)", "+: shapes [2, 3] and [4] do not match")
        }
    }
}

final class ConcurrentTapeTests: XCTestCase {
    func testNodesMadeOnSeveralThreadsGetDistinctNumbers() throws {
        let count = 2000
        var sequences = [Int](repeating: 0, count: count)
        sequences.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: count) { i in
                base[i] = Tensor([Float(i)]).requiringGrad().node?.sequence ?? -1
            }
        }
        XCTAssertEqual(Set(sequences).count, count)
    }

    func testGradModeIsPerThreadAndEveryThreadStartsRecording() throws {
        let x = Tensor([2]).requiringGrad()
        let other = ThreadReport()
        try GradMode.withoutGradients {
            XCTAssertFalse(try (x * x).requiresGrad)
            let done = DispatchSemaphore(value: 0)
            Thread {
                other.enabled = GradMode.isEnabled
                other.records = (try? (x * x).requiresGrad) ?? false
                done.signal()
            }.start()
            done.wait()
            // Switching recording off here left the other thread recording.
            XCTAssertFalse(GradMode.isEnabled)
        }
        XCTAssertTrue(other.enabled)
        XCTAssertTrue(other.records)
        XCTAssertTrue(GradMode.isEnabled)
    }
}

/// What another thread saw (written there, read after it signals).
private final class ThreadReport: @unchecked Sendable {
    var enabled = false
    var records = false
}
