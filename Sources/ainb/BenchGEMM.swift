import ArgumentParser
import Foundation
import Tensor

/// `ainb bench gemm`: GFLOPS of `GEMM.multiply` at the course's shapes.
enum BenchGEMM {
    /// (M, K, N) of each case: im2col shapes of the course's models, then square ones.
    static let cases: [(m: Int, k: Int, n: Int)] = [
        (2304, 49, 64), (529, 64, 64), (121, 576, 64), (121, 64, 256),
        (25, 1152, 128), (32, 2048, 4096), (512, 512, 512), (1024, 1024, 1024),
    ]

    static func run(json: Bool) throws {
        var rows: [[String: Any]] = []
        if !json { print("GEMM (\(Parallel.threadCount) threads)\n     M      K      N   GFLOPS   time") }
        for (m, k, n) in cases {
            var rng = RandomGenerator(seed: 1)
            let a = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }
            let b = (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 }
            var c = [Float](repeating: 0, count: m * n)
            let seconds = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        BenchClock.median {
                            GEMM.multiply(m: m, n: n, k: k, a: pa.baseAddress!, lda: k, transA: false,
                                          b: pb.baseAddress!, ldb: n, transB: false,
                                          c: pc.baseAddress!, ldc: n, accumulate: false)
                        }
                    }
                }
            }
            let gflops = 2 * Double(m * n * k) / seconds / 1e9
            if json {
                rows.append(["op": "gemm", "m": m, "k": k, "n": n, "gflops": BenchClock.rounded(gflops)])
            } else {
                print(String(format: "%6d %6d %6d %8.1f %6.0f µs", m, k, n, gflops, seconds * 1e6))
            }
        }
        if json { try BenchClock.printJSON(rows) }
    }
}

/// Timing for the engine benchmarks: warm-up, then the median of several timed runs.
enum BenchClock {
    /// Seconds per call of `body`: the median over 9 samples, each long enough (≥ 20 ms)
    /// to swamp the clock's resolution, after a warm-up.
    static func median(_ body: () -> Void) -> Double {
        let warm = DispatchTime.now().uptimeNanoseconds
        var calls = 0
        repeat { body(); calls += 1 } while calls < 3 || DispatchTime.now().uptimeNanoseconds - warm < 50_000_000
        let per = Double(DispatchTime.now().uptimeNanoseconds - warm) / Double(calls)
        let batch = max(1, Int(20_000_000 / per))
        var samples: [Double] = []
        for _ in 0..<9 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<batch { body() }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(batch))
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    static func rounded(_ x: Double) -> Double { (x * 10).rounded() / 10 }

    /// Prints `{"cases": [...], "isa": NAME}` with keys in a stable order.
    static func printJSON(_ rows: [[String: Any]]) throws {
        let data = try JSONSerialization.data(withJSONObject: ["cases": rows, "isa": InstructionSet.active.rawValue],
                                              options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
