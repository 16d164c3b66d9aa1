import Foundation
import Notebook
import XCTest

/// Paths and helpers shared by the notebook tests.
enum TestSupport {
    /// `Tests/NotebookTests/Fixtures`.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// A fresh empty folder under the system's temporary folder.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "ainb-tests-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Every file under `folder` (relative paths) with its bytes.
    static func files(in folder: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return result }
        for case let relative as String in walker {
            var isDir: ObjCBool = false
            let full = (folder as NSString).appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
                result[relative] = FileManager.default.contents(atPath: full)
            }
        }
        return result
    }

    /// Compares the files in `actual` with those in `expected`; with `AINB_UPDATE_GOLDEN=1`
    /// in the environment, replaces `expected` with `actual` instead.
    static func assertSameFiles(_ actual: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        if ProcessInfo.processInfo.environment["AINB_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.removeItem(atPath: expected)
            try FileManager.default.copyItem(atPath: actual, toPath: expected)
            return
        }
        let got = try files(in: actual)
        let want = try files(in: expected)
        XCTAssertEqual(got.keys.sorted(), want.keys.sorted(), file: file, line: line)
        for (name, data) in want {
            let gotText = got[name].map { String(decoding: $0, as: UTF8.self) } ?? "<missing>"
            XCTAssertEqual(got[name], data, "\(name) differs:\n\(gotText)", file: file, line: line)
        }
    }
}
