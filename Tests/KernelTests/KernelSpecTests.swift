import Foundation
import Kernel
import Notebook
import XCTest

/// The kernel spec Jupyter reads, and the connection file it writes.
final class KernelSpecTests: XCTestCase {
    func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "ainb-kernel-tests-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func testInstallWritesKernelJSONAndTwoLogos() throws {
        let folder = KernelSpec.folder(inDataDirectory: try temporaryFolder())
        XCTAssertTrue(folder.hasSuffix("/kernels/ainb"))
        try KernelSpec.install(into: folder)
        let json = try JSONValue.parse(String(contentsOfFile: folder + "/kernel.json", encoding: .utf8), file: "kernel.json")
        XCTAssertEqual(json["argv"], .array(["ainb", "kernel", "-f", "{connection_file}"].map { .string($0) }))
        XCTAssertEqual(json["display_name"]?.string, "ainb")
        XCTAssertEqual(json["language"]?.string, "ainb")
        for size in [32, 64] {
            let png = try XCTUnwrap(FileManager.default.contents(atPath: folder + "/logo-\(size)x\(size).png"))
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            // The IHDR width and height.
            XCTAssertEqual(Array(png[16..<24]), [0, 0, 0, UInt8(size), 0, 0, 0, UInt8(size)])
        }
    }

    func testConnectionFilesAreReadAndBadOnesNamed() throws {
        let folder = try temporaryFolder()
        let good = folder + "/good.json"
        try #"{"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005, "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "ainb"}"#
            .write(toFile: good, atomically: true, encoding: .utf8)
        let info = try ConnectionInfo.read(good)
        XCTAssertEqual([info.shellPort, info.iopubPort, info.stdinPort, info.controlPort, info.hbPort], [5001, 5002, 5003, 5004, 5005])
        XCTAssertEqual(info.key, "k")
        let bad = folder + "/bad.json"
        try #"{"shell_port": 5001, "transport": "tcp"}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConnectionInfo.read(bad)) { error in
            XCTAssertTrue("\(error)".contains("'iopub_port' is missing"), "\(error)")
        }
        let ipc = folder + "/ipc.json"
        try #"{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "transport": "ipc"}"#
            .write(toFile: ipc, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConnectionInfo.read(ipc))
    }
}
