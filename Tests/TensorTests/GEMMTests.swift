import XCTest
import Tensor

/// GEMM.multiply against a naive triple loop: every transpose combination,
/// sizes at and around the register tiles and the 256-deep K blocks,
/// accumulate on and off, leading dimensions wider than the matrices; on the
/// build's instruction set and again on the portable kernels.
final class GEMMTests: XCTestCase {
    /// C = op(A)·op(B) (+ C) computed in Double, element by element.
    static func naive(m: Int, n: Int, k: Int, a: [Float], lda: Int, transA: Bool, b: [Float], ldb: Int, transB: Bool,
                      c: [Float], ldc: Int, accumulate: Bool) -> [Float] {
        var out = c
        for i in 0..<m {
            for j in 0..<n {
                var s: Double = accumulate ? Double(c[i * ldc + j]) : 0
                for p in 0..<k {
                    let x = transA ? a[p * lda + i] : a[i * lda + p]
                    let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                    s += Double(x) * Double(y)
                }
                out[i * ldc + j] = Float(s)
            }
        }
        return out
    }

    func check(m: Int, n: Int, k: Int, transA: Bool, transB: Bool, accumulate: Bool, extra: Int = 0,
               file: StaticString = #filePath, line: UInt = #line) {
        var rng = RandomGenerator(seed: UInt64(m * 10_007 + n * 101 + k))
        let lda = (transA ? m : k) + extra, ldb = (transB ? k : n) + extra, ldc = n + extra
        let a = (0..<((transA ? k : m) * lda)).map { _ in rng.nextFloat() - 0.5 }
        let b = (0..<((transB ? n : k) * ldb)).map { _ in rng.nextFloat() - 0.5 }
        var c = (0..<(m * ldc)).map { _ in rng.nextFloat() - 0.5 }
        let expected = Self.naive(m: m, n: n, k: k, a: a, lda: lda, transA: transA, b: b, ldb: ldb, transB: transB,
                                  c: c, ldc: ldc, accumulate: accumulate)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    GEMM.multiply(m: m, n: n, k: k, a: pa.baseAddress!, lda: lda, transA: transA,
                                  b: pb.baseAddress!, ldb: ldb, transB: transB,
                                  c: pc.baseAddress!, ldc: ldc, accumulate: accumulate)
                }
            }
        }
        var worst: Float = 0, at = 0
        for i in 0..<c.count {
            let err = abs(c[i] - expected[i]) / (1e-5 + 1e-5 * Float(k).squareRoot() + 1e-5 * abs(expected[i]))
            if err > worst { worst = err; at = i }
        }
        XCTAssertLessThanOrEqual(worst, 1, "m \(m) n \(n) k \(k) transA \(transA) transB \(transB) accumulate \(accumulate) ld+\(extra): C[\(at)] = \(c[at]), expected \(expected[at])", file: file, line: line)
    }

    func testAllTransposesAtOddSizes() {
        let sizes = [(1, 1, 1), (7, 33, 65), (6, 32, 5), (65, 7, 33), (33, 65, 7), (13, 31, 1), (2, 97, 19)]
        for (m, n, k) in sizes {
            for transA in [false, true] {
                for transB in [false, true] {
                    for accumulate in [false, true] {
                        check(m: m, n: n, k: k, transA: transA, transB: transB, accumulate: accumulate)
                    }
                }
            }
        }
    }

    func testTileEdges() {
        // Rows and columns one short of, at, and one past multiples of the 6-row tile
        // and of every instruction set's tile width (8, 16, 32 columns); a last tile of
        // one to four rows runs on the two-row edge tiles.
        for m in [5, 6, 7, 8, 9, 10, 12, 13] {
            for n in [7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 65] {
                check(m: m, n: n, k: 9, transA: false, transB: false, accumulate: false)
                check(m: m, n: n, k: 9, transA: true, transB: true, accumulate: true)
            }
        }
    }

    func testDeepKCrossesBlocks() {
        // K past one and two 256-deep blocks, with accumulation into C.
        for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
            check(m: 19, n: 40, k: 257, transA: transA, transB: transB, accumulate: true)
            check(m: 7, n: 33, k: 600, transA: transA, transB: transB, accumulate: false)
        }
    }

    func testLeadingDimensionsWiderThanRows() {
        for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
            check(m: 23, n: 45, k: 17, transA: transA, transB: transB, accumulate: false, extra: 3)
            check(m: 70, n: 36, k: 300, transA: transA, transB: transB, accumulate: true, extra: 5)
        }
    }

    func testLargeEnoughToSplitOverThreads() {
        // Past the size where two threads take part: several row blocks (B packed once
        // and shared), several panel groups, and few rows (B packed by each job).
        check(m: 400, n: 300, k: 70, transA: false, transB: false, accumulate: false)
        check(m: 260, n: 200, k: 160, transA: true, transB: true, accumulate: true)
        check(m: 20, n: 1200, k: 400, transA: false, transB: true, accumulate: false)
        check(m: 31, n: 1000, k: 300, transA: false, transB: false, accumulate: true)
    }

    func testZeroSizes() {
        // K = 0 clears C unless accumulating; M or N = 0 touches nothing.
        var c: [Float] = [1, 2, 3, 4]
        let a: [Float] = [0], b: [Float] = [0]
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            GEMM.multiply(m: 2, n: 2, k: 0, a: pa.baseAddress!, lda: 1, transA: false, b: pb.baseAddress!, ldb: 2,
                          transB: false, c: pc.baseAddress!, ldc: 2, accumulate: true)
        } } }
        XCTAssertEqual(c, [1, 2, 3, 4])
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            GEMM.multiply(m: 2, n: 2, k: 0, a: pa.baseAddress!, lda: 1, transA: false, b: pb.baseAddress!, ldb: 2,
                          transB: false, c: pc.baseAddress!, ldc: 2, accumulate: false)
        } } }
        XCTAssertEqual(c, [0, 0, 0, 0])
    }

    func testEveryCaseOnThePortableKernels() {
        XCTAssertEqual(InstructionSet.withPortableKernels { InstructionSet.active }, .portable)
        InstructionSet.withPortableKernels {
            testAllTransposesAtOddSizes()
            testTileEdges()
            testDeepKCrossesBlocks()
            testLeadingDimensionsWiderThanRows()
            testLargeEnoughToSplitOverThreads()
            testZeroSizes()
        }
    }
}
