import Foundation
import Neural
import Tensor
import XCTest

/// Fixtures written by Scripts/make_neural_fixtures.py.
enum Fixtures {
    static func url(_ name: String) throws -> URL {
        let dir = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return dir.appendingPathComponent(name)
    }

    static func load(_ name: String) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (k, v) in try Safetensors.load(from: url(name)).tensors { out[k] = v }
        return out
    }

    /// The reduced-width course ResNet of the fixtures.
    static func smallConfig(outputs: Int, hidden: [Int]) -> ResNetConfig {
        var c = ResNetConfig()
        c.input = (1, 48, 48)
        c.stemFilters = 8
        c.stages = [[4, 4, 8], [8, 8, 16]]
        c.averagePool = 2
        c.hidden = hidden
        c.dropout = hidden.map { _ in 0 }
        c.outputs = outputs
        return c
    }
}

/// Asserts |a − b| <= atol + rtol·|b| elementwise.
func assertClose(_ a: Tensor, _ b: Tensor, rtol: Float = 1e-4, atol: Float = 1e-5,
                 _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, message, file: file, line: line)
    guard a.shape == b.shape else { return }
    var worst: Float = 0, at = 0
    for i in 0..<a.count {
        let excess = Swift.abs(a.scalars[i] - b.scalars[i]) - (atol + rtol * Swift.abs(b.scalars[i]))
        if excess > worst { worst = excess; at = i }
    }
    XCTAssertEqual(worst, 0, "\(message): element \(at) is \(a.scalars[at]), expected \(b.scalars[at])", file: file, line: line)
}
