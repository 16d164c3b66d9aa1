import ArgumentParser
import Foundation
import Script

/// `ainb bench interp`: three small ainb programs, timed in processor seconds (median of several runs).
enum BenchInterp {
    /// The programs, each leaving its answer in `result`. bench/python_reference.py runs the same in CPython.
    static let programs: [(name: String, source: String)] = [
        ("loop", """
        s = 0
        for i in 0..1000000 {
            s = s + i * 0.5
        }
        result = s
        """),
        ("fib", """
        fn fib(n) {
            if n < 2 { return n }
            return fib(n - 1) + fib(n - 2)
        }
        result = fib(24)
        """),
        ("descent", """
        fn f(x) = (x - 3)^2
        df = grad(f)
        x = 10
        for step in 0..100000 {
            x = x - 0.01 * df(x)
        }
        result = x
        """),
    ]

    static let repeats = 5

    /// Processor time of this process: unlike wall time, it does not grow when other
    /// programs share the machine. bench/python_reference.py uses the same clock.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func run(json: Bool) throws {
        var cases: [(String, Double, Double)] = []
        for (name, source) in programs {
            var times: [Double] = []
            var result = Double.nan
            for _ in 0..<repeats {
                let session = Session()
                let start = cpuSeconds()
                _ = try session.run(source, file: "\(name).ainb")
                times.append(cpuSeconds() - start)
                result = Double(session.valueText("result") ?? "") ?? .nan
            }
            times.sort()
            cases.append((name, times[times.count / 2], result))
        }
        if json {
            let items = cases.map { "{\"name\": \"\($0.0)\", \"seconds\": \(String(format: "%.6f", $0.1)), \"result\": \(jsonNumber($0.2))}" }
            print("{\"cases\": [" + items.joined(separator: ", ") + "]}")
        } else {
            print("interp (processor time, median of \(repeats) runs)")
            for (name, seconds, result) in cases {
                print("  \(name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%8.2f", seconds * 1000)) ms   result \(jsonNumber(result))")
            }
        }
    }

    static func jsonNumber(_ d: Double) -> String {
        if !d.isFinite { return "null" }
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }
}
