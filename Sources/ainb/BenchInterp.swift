import ArgumentParser
import Foundation
import Script

/// `ainb bench interp`: ainb programs of the kinds people write, timed in processor seconds
/// (median of several runs): every `bench/programs/NAME.ainb`, the first three (loop, fib,
/// descent) first as they have always been.
/// bench/python_reference.py runs the same programs in CPython; each result must match the
/// CPython result recorded in bench/programs/results.json.
enum BenchInterp {
    static let repeats = 5

    /// bench/programs of this checkout: next to the working directory, else next to this source file.
    static var programsDirectory: URL {
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("bench/programs")
        if FileManager.default.fileExists(atPath: here.path) { return here }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("bench/programs")
    }

    static let first = ["loop", "fib", "descent"]

    /// Every program: the first three, then the others by name.
    static func programs() throws -> [(name: String, source: String)] {
        let dir = programsDirectory
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let others = files.filter { $0.hasSuffix(".ainb") }.map { String($0.dropLast(5)) }.filter { !first.contains($0) }.sorted()
        guard files.contains("loop.ainb") else {
            throw ValidationError("no benchmark programs in \(dir.path): run from the ainb checkout")
        }
        return try (first + others).map { name in
            (name, try String(contentsOf: dir.appendingPathComponent(name + ".ainb"), encoding: .utf8))
        }
    }

    /// The CPython results recorded by `python3 bench/python_reference.py --write-results`.
    static func expectedResults() -> [String: Double] {
        let url = programsDirectory.appendingPathComponent("results.json")
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        var out: [String: Double] = [:]
        for (k, v) in object { if let d = (v as? NSNumber)?.doubleValue { out[k] = d } }
        return out
    }

    /// Whether two results agree (relative 1e-9: the same operations give the same doubles, `round` aside).
    static func agree(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    }

    /// Processor time of this process: unlike wall time, it does not grow when other
    /// programs share the machine. bench/python_reference.py uses the same clock.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func run(json: Bool) throws {
        var cases: [(String, Double, Double)] = []
        for (name, source) in try programs() {
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
        let expected = expectedResults()
        let wrong = cases.filter { c in expected[c.0].map { !agree($0, c.2) } ?? false }
        defer {
            for c in wrong {
                FileHandle.standardError.write("interp: \(c.0) gave \(jsonNumber(c.2)), CPython gives \(jsonNumber(expected[c.0] ?? .nan))\n".data(using: .utf8)!)
            }
        }
        if !wrong.isEmpty { throw ValidationError("\(wrong.count) program(s) disagree with CPython: \(wrong.map(\.0).joined(separator: ", "))") }
        if json {
            let items = cases.map { "{\"name\": \"\($0.0)\", \"seconds\": \(String(format: "%.6f", $0.1)), \"result\": \(jsonNumber($0.2))}" }
            print("{\"cases\": [" + items.joined(separator: ", ") + "]}")
        } else {
            print("interp (processor time, median of \(repeats) runs)")
            for (name, seconds, result) in cases {
                print("  \(name.padding(toLength: 11, withPad: " ", startingAt: 0)) \(String(format: "%8.2f", seconds * 1000)) ms   result \(jsonNumber(result))")
            }
        }
    }

    static func jsonNumber(_ d: Double) -> String {
        if !d.isFinite { return "null" }
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }
}
