import Foundation
import Files
import Neural
import Tensor
import XCTest

final class CheckpointTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ainb-ckpt-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func testFileLayoutIsSafetensors() throws {
        let url = dir.appendingPathComponent("a.safetensors")
        try Safetensors.save([("w", try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])), ("b", Tensor([-1]))], to: url,
                             metadata: ["format": "pt"])
        let bytes = [UInt8](try Data(contentsOf: url))
        var n = 0
        for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
        XCTAssertEqual(n % 8, 0)
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any])
        let w = try XCTUnwrap(header["w"] as? [String: Any])
        XCTAssertEqual(w["dtype"] as? String, "F32")
        XCTAssertEqual(w["shape"] as? [Int], [2, 2])
        XCTAssertEqual(w["data_offsets"] as? [Int], [0, 16])
        XCTAssertEqual((header["__metadata__"] as? [String: String])?["format"], "pt")
        XCTAssertEqual(bytes.count, 8 + n + 20)
        // 1.0 as little-endian float32 starts the data.
        XCTAssertEqual(Array(bytes[(8 + n)..<(12 + n)]), [0, 0, 0x80, 0x3F])
        let (tensors, meta) = try Safetensors.load(from: url)
        XCTAssertEqual(tensors.map(\.0), ["w", "b"])
        XCTAssertEqual(tensors[1].1.scalars, [-1])
        XCTAssertEqual(meta, ["format": "pt"])
    }

    func testTruncatedFileIsAClearError() throws {
        let url = dir.appendingPathComponent("t.safetensors")
        try Safetensors.save([("w", Tensor([1, 2, 3, 4]))], to: url)
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 3).write(to: url)
        XCTAssertThrowsError(try Safetensors.load(from: url)) { error in
            XCTAssertTrue("\(error)".contains("truncated"), "\(error)")
        }
        try data.prefix(5).write(to: url)
        XCTAssertThrowsError(try Safetensors.load(from: url)) { error in
            XCTAssertTrue("\(error)".contains("fewer than the 8-byte header length"), "\(error)")
        }
        var bad = data
        bad[9] = 0x7B  // break the JSON
        bad[10] = 0x7B
        try bad.write(to: url)
        XCTAssertThrowsError(try Safetensors.load(from: url)) { error in
            XCTAssertTrue("\(error)".contains("not a JSON object"), "\(error)")
        }
    }

    func testAWriteThatFailsMidwayLeavesTheOldFile() throws {
        struct Interrupted: Error {}
        let url = dir.appendingPathComponent("m.safetensors")
        let model = Sequential([("fc", Dense(3, 2, rng: &rngForTests))])
        try model.save(to: url)
        let before = try Data(contentsOf: url)
        XCTAssertThrowsError(try AtomicFile.write(to: url) { sink in
            try sink.write([UInt8](repeating: 1, count: 10))
            throw Interrupted()
        })
        XCTAssertEqual(try Data(contentsOf: url), before)
        // No temporary file is left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["m.safetensors"])
    }

    func testLoadingChecksNamesAndShapes() throws {
        let url = dir.appendingPathComponent("s.safetensors")
        try Sequential([("fc", Dense(3, 2, rng: &rngForTests))]).save(to: url)
        XCTAssertThrowsError(try Sequential([("fc", Dense(4, 2, rng: &rngForTests))]).load(from: url)) { error in
            XCTAssertEqual("\(error)", "checkpoint tensor 'fc.weight' has shape [2, 3], the model needs [2, 4]")
        }
        XCTAssertThrowsError(try Sequential([("dense", Dense(3, 2, rng: &rngForTests))]).load(from: url)) { error in
            XCTAssertTrue("\(error)".contains("missing dense.weight, dense.bias"), "\(error)")
        }
    }

    func testFaceModelSavesBothModelsInOneFile() throws {
        let url = dir.appendingPathComponent("face.safetensors")
        var rng = RandomGenerator(seed: 1)
        func small(_ outputs: Int, seed: UInt64) throws -> Sequential {
            var c = ResNetConfig()
            c.input = (1, 48, 48); c.stemFilters = 4; c.stages = [[2, 2, 4], [2, 2, 4]]; c.outputs = outputs
            return try courseResNet(c, seed: seed)
        }
        let face = FaceModel(keypoints: try small(30, seed: 1), emotions: try small(5, seed: 2))
        try face.save(to: url)
        let names = try Safetensors.load(from: url).tensors.map(\.0)
        XCTAssertTrue(names.contains("keypoints.conv1.weight"))
        XCTAssertTrue(names.contains("emotions.out.bias"))
        let copy = FaceModel(keypoints: try small(30, seed: 3), emotions: try small(5, seed: 4))
        try copy.load(from: url)
        let x = Tensor.uniform([3, 1, 48, 48], using: &rng)
        let (points, probabilities) = try face.predict(x)
        let again = try copy.predict(x)
        XCTAssertEqual(points.shape, [3, 30])
        XCTAssertEqual(probabilities.shape, [3, 5])
        XCTAssertEqual(points.scalars, again.keypoints.scalars)
        XCTAssertEqual(probabilities.scalars, again.probabilities.scalars)
        for row in 0..<3 {
            XCTAssertEqual(probabilities.scalars[(row * 5)..<(row * 5 + 5)].reduce(0, +), 1, accuracy: 1e-5)
        }
        XCTAssertEqual(try face.predictEmotions(x).count, 3)
    }
}

nonisolated(unsafe) var rngForTests = RandomGenerator(seed: 42)
