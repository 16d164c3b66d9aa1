import Script
import XCTest

/// Runs source in a fresh session; returns printed lines followed by the displayed value's text.
func runLines(_ source: String, file: String = "test.ainb", session: Session = Session()) throws -> [String] {
    var lines: [String] = []
    session.output = { item in
        if case .text(let s) = item { lines.append(s) }
    }
    for item in try session.run(source, file: file) {
        if case .text(let s) = item { lines.append(s) }
    }
    return lines
}

/// The display text of the program's last expression.
func value(_ source: String) throws -> String {
    let session = Session()
    session.output = { _ in }
    return try session.run(source, file: "test.ainb").compactMap { item -> String? in
        if case .text(let s) = item { return s }
        return nil
    }.joined(separator: "\n")
}

/// The error a program stops with (fails the test if it runs cleanly).
func failure(_ source: String, file: String = "test.ainb", line: UInt = #line) -> ScriptError? {
    let session = Session()
    session.output = { _ in }
    do {
        _ = try session.run(source, file: file)
        XCTFail("expected an error from: \(source)", line: line)
        return nil
    } catch let e as ScriptError {
        return e
    } catch {
        XCTFail("expected a ScriptError, got \(error)", line: line)
        return nil
    }
}

/// Asserts an error's message and position.
func assertError(_ source: String, _ message: String, line: Int, column: Int, file: StaticString = #filePath, testLine: UInt = #line) {
    guard let e = failure(source, line: testLine) else { return }
    XCTAssertEqual(e.message, message, file: file, line: testLine)
    XCTAssertEqual(e.location?.line, line, "line", file: file, line: testLine)
    XCTAssertEqual(e.location?.column, column, "column", file: file, line: testLine)
}
