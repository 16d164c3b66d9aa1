import Foundation
import XCTest
import Tensor

/// The worker pool behind `Parallel.forEach`: every index runs exactly once,
/// whatever the number of threads taking part, back to back and nested.
final class ParallelTests: XCTestCase {
    /// Counts how often each index ran (one slot per index, so no two threads share one).
    func runCounts(_ count: Int, threads: Int) -> [Int] {
        var hits = [Int](repeating: 0, count: count)
        hits.withUnsafeMutableBufferPointer { h in
            let base = h.baseAddress!
            Parallel.forEach(count, threads: threads) { i in base[i] += 1 }
        }
        return hits
    }

    func testEveryIndexOnceForEachThreadCount() {
        for threads in [1, 2, 3, 8] {
            for count in [0, 1, 2, 3, 17, 1000] {
                XCTAssertEqual(runCounts(count, threads: threads), [Int](repeating: 1, count: count),
                               "count \(count) threads \(threads)")
            }
        }
    }

    func testManyShortJobsBackToBack() {
        // Short jobs one after another, with pauses long enough for the workers to fall asleep.
        for round in 0..<2000 {
            let count = 1 + round % 7
            XCTAssertEqual(runCounts(count, threads: Parallel.threadCount), [Int](repeating: 1, count: count))
            if round % 500 == 499 { usleep(20_000) }
        }
    }

    func testNestedCallsRunSerially() {
        var sums = [Int](repeating: 0, count: 8)
        sums.withUnsafeMutableBufferPointer { s in
            let base = s.baseAddress!
            Parallel.forEach(8) { i in
                var local = 0
                Parallel.forEach(10) { j in local += j }
                base[i] = local
            }
        }
        XCTAssertEqual(sums, [Int](repeating: 45, count: 8))
    }

    func testSumMatchesSerial() {
        // Uneven items: every partial lands where it belongs.
        var partial = [Double](repeating: 0, count: 64)
        partial.withUnsafeMutableBufferPointer { p in
            let base = p.baseAddress!
            Parallel.forEach(64) { i in
                var s = 0.0
                for k in 0..<(i * 100) { s += Double(k % 13) }
                base[i] = s
            }
        }
        for i in 0..<64 {
            var s = 0.0
            for k in 0..<(i * 100) { s += Double(k % 13) }
            XCTAssertEqual(partial[i], s)
        }
    }

    /// A worker that keeps losing its core in the middle of an item (here it sleeps in
    /// it, while the caller has finished its share) makes the pool report contention,
    /// so that kernels keep small work on one thread; after a quiet spell it no longer does.
    func testStallingWorkersMarkTheMachineContendedForAWhile() {
        guard Parallel.threadCount > 1 else {
            XCTAssertFalse(Parallel.isContended)
            return
        }
        let caller = pthread_self()
        for _ in 0..<8 {
            // The caller's items take some 20 µs, long enough for the worker to join.
            Parallel.forEach(16, threads: 2) { _ in
                if pthread_equal(pthread_self(), caller) == 0 { usleep(4_000) } else { usleep(20) }
            }
        }
        XCTAssertTrue(Parallel.isContended)
        usleep(2_500_000)
        XCTAssertFalse(Parallel.isContended)
    }

    func testThreadCountIsPositive() {
        XCTAssertGreaterThanOrEqual(Parallel.threadCount, 1)
    }
}
