import Foundation
import XCTest

/// `ainb convert` and `ainb run --format` end to end, on the built executable.
final class ConvertCommandTests: XCTestCase {
    let real = TestSupport.fixtures + "/real"

    func scratch() throws -> String {
        let folder = try TestSupport.temporaryFolder()
        try FileManager.default.copyItem(atPath: real + "/descent.ainb", toPath: folder + "/descent.ainb")
        return folder
    }

    func testConvertToIpynbAndBackGivesTheSameFile() throws {
        let folder = try scratch()
        let there = try Ainb.run(["convert", "descent.ainb", "--to", "ipynb"], directory: folder)
        XCTAssertEqual(there.status, 0, there.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/descent.ipynb"))
        let back = try Ainb.run(["convert", "descent.ipynb", "--to", "ainb", "-o", "again.ainb"], directory: folder)
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/again.ainb"),
                       FileManager.default.contents(atPath: folder + "/descent.ainb"))
        // Converting onto the input is refused.
        let clash = try Ainb.run(["convert", "descent.ipynb", "--to", "ipynb"], directory: folder)
        XCTAssertNotEqual(clash.status, 0)
        XCTAssertTrue(clash.stderr.contains("would overwrite the input"), clash.stderr)
    }

    func testConvertWithRunKeepsTheOutputs() throws {
        let folder = try scratch()
        let result = try Ainb.run(["convert", "descent.ainb", "--to", "ipynb", "--run", "-o", "ran.ipynb"], directory: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        let text = try String(contentsOfFile: folder + "/ran.ipynb", encoding: .utf8)
        XCTAssertTrue(text.contains("\"output_type\": \"stream\""))
        XCTAssertTrue(text.contains("\"execution_count\": 1"))
    }

    func testRunWritesTheHTMLFormatAndRejectsUnknownOnes() throws {
        let folder = try scratch()
        let result = try Ainb.run(["run", "descent.ainb", "-o", "out", "--format", "md,html", "--quiet"], directory: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        let html = try String(contentsOfFile: folder + "/out/descent.html", encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/out/descent.md"))
        let bad = try Ainb.run(["run", "descent.ainb", "-o", "out", "--format", "pdf"], directory: folder)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("unknown report format 'pdf'"), bad.stderr)
    }
}
