import Foundation
import Script
import Tensor
import XCTest

/// The typed fast paths (Sources/Script/FastPaths.swift) must never change what a program
/// does: every program here runs with them and without them, and the two runs must print
/// the same lines, show the same value and stop with the same error.
final class FastPathTests: XCTestCase {
    /// What a run produced: its printed lines and shown value, or its error.
    static func outcome(_ source: String, fastPaths: Bool, stepLimit: Int?, limits: Limits = Limits()) -> String {
        let saved = Session.fastPaths
        Session.fastPaths = fastPaths
        defer { Session.fastPaths = saved }
        let session = Session()
        session.limits = limits
        session.stepLimit = stepLimit
        session.maxCallDepth = 200
        var lines: [String] = []
        session.output = { item in lines.append("\(item)") }
        do {
            for item in try session.run(source, file: "p.ainb") { lines.append("\(item)") }
            lines.append("result: \(session.valueText("result") ?? "-")")
        } catch {
            lines.append("error: \(error)")
        }
        return lines.joined(separator: "\n")
    }

    /// The same run both ways, under the fuzzer's limits.
    func assertSameBothWays(_ programs: [String], stepLimit: Int?, file: StaticString = #filePath, line: UInt = #line) {
        var differing = 0
        for program in programs where !program.contains("clock") {
            let fast = Self.outcome(program, fastPaths: true, stepLimit: stepLimit, limits: .fuzzing)
            let general = Self.outcome(program, fastPaths: false, stepLimit: stepLimit, limits: .fuzzing)
            if fast != general {
                differing += 1
                if differing <= 3 {
                    XCTFail("fast paths change the outcome of:\n\(program)\n--- with:\n\(fast)\n--- without:\n\(general)", file: file, line: line)
                }
            }
        }
        XCTAssertEqual(differing, 0, file: file, line: line)
    }

    func testFuzzCorpusRunsTheSameWithAndWithoutFastPaths() {
        var rng = RandomGenerator(seed: 11)
        let mutated = (0..<150).map { _ in Fuzzer.mutate(Fuzzer.corpus[rng.nextInt(below: Fuzzer.corpus.count)], &rng) }
        let programs = Fuzzer.corpus + FuzzTests.regressions + Fuzzer.generated(seed: 5, count: 300) + mutated
        assertSameBothWays(programs, stepLimit: 20_000)
    }

    func testBenchmarkProgramsRunTheSameWithAndWithoutFastPaths() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("bench/programs")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".ainb") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 15)
        let programs = try names.map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }
        assertSameBothWays(programs, stepLimit: nil)
    }

    /// The benchmark programs give the answers CPython gives (bench/programs/results.json,
    /// written by bench/python_reference.py --write-results).
    func testBenchmarkProgramsAgreeWithCPython() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("bench/programs")
        let data = try Data(contentsOf: dir.appendingPathComponent("results.json"))
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: NSNumber])
        XCTAssertGreaterThanOrEqual(expected.count, 15)
        for (name, answer) in expected.sorted(by: { $0.key < $1.key }) {
            let source = try String(contentsOf: dir.appendingPathComponent(name + ".ainb"), encoding: .utf8)
            let session = Session()
            session.output = { _ in }
            _ = try session.run(source, file: name + ".ainb")
            let got = try XCTUnwrap(Double(session.valueText("result") ?? ""), name)
            let want = answer.doubleValue
            XCTAssertEqual(got, want, accuracy: 1e-9 * max(1, abs(want)), name)
        }
    }
}
