import Foundation
import Script
import Tensor
import XCTest

/// The REPL's line reader lexes each line once; it must cut a program into the same
/// statements as asking about the whole text gathered so far after every line.
final class StatementReaderTests: XCTestCase {
    /// The reference: after each line, ask whether everything gathered so far is unfinished.
    private struct WholeTextReader {
        var pending = "", pendingLine = 1, nextLine = 1

        mutating func add(_ line: String, _ isIncomplete: (String) -> Bool) -> (String, Int)? {
            if pending.isEmpty { pendingLine = nextLine }
            pending += line + "\n"
            nextLine += 1
            if pending.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) { pending = ""; return nil }
            if isIncomplete(pending) { return nil }
            defer { pending = "" }
            return (pending, pendingLine)
        }
    }

    private func statements(_ program: String, _ session: Session) -> (ours: [String], reference: [String]) {
        var reader = StatementReader()
        var reference = WholeTextReader()
        var ours: [String] = [], theirs: [String] = []
        for line in program.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let s = reader.add(line, isIncomplete: session.isIncomplete) { ours.append("\(s.line): \(s.code)") }
            if let s = reference.add(line, session.isIncomplete) { theirs.append("\(s.1): \(s.0)") }
        }
        if let rest = reader.finish() { ours.append("unfinished \(rest.line): \(rest.code)") }
        if !reference.pending.isEmpty { theirs.append("unfinished \(reference.pendingLine): \(reference.pending)") }
        return (ours, theirs)
    }

    func testStatementsAreCutAsWholeTextLexingCutsThem() throws {
        let session = Session()
        var rng = RandomGenerator(seed: 17)
        let mutated = (0..<300).map { _ in Fuzzer.mutate(Fuzzer.corpus[rng.nextInt(below: Fuzzer.corpus.count)], &rng) }
        let strings = [
            "s = \"a (\nb [ {{\nc\"\nprint(s)",
            "t = 'one [\n' + \"{1 + (2}\"\nprint(t)",
            "x = [1,  # a comment with ( and [\n 2]\nx",
            "fn f(a) {\n  # }\n  return \"}{{\" + str(a)\n}\nf(1)",
            "u = \"open\nstill open (\n",
            "v = (1 +\n\n 2)\n  \n\nv",
        ]
        let programs = Fuzzer.corpus + Fuzzer.generated(seed: 9, count: 300) + mutated + strings
        var differing = 0
        for program in programs {
            let (ours, reference) = statements(program, session)
            if ours != reference {
                differing += 1
                if differing <= 3 { XCTFail("\(program)\n--- read as:\n\(ours)\n--- whole text reads:\n\(reference)") }
            }
        }
        XCTAssertEqual(differing, 0)
    }

    func testALongBlockIsOneStatement() throws {
        let body = (0..<3000).map { "  x = x + \($0)" }.joined(separator: "\n")
        var reader = StatementReader()
        let session = Session()
        var read: [(code: String, line: Int)] = []
        for line in ("fn f(x) {\n" + body + "\n  return x\n}\nf(1)").split(separator: "\n").map(String.init) {
            if let s = reader.add(line, isIncomplete: session.isIncomplete) { read.append(s) }
        }
        XCTAssertEqual(read.map(\.line), [1, 3004])
        session.output = { _ in }
        for s in read { _ = try session.run(s.code, file: "long.ainb", line: s.line) }
        XCTAssertEqual(try session.run("f(1)", file: "t").compactMap { if case .text(let t) = $0 { return t } else { return nil } }, ["\(1 + 2999 * 3000 / 2)"])
    }
}
