import Foundation
import XCTest
import Tensor

/// The parameters of a fixture case, as Scripts/make_fixtures.py wrote them.
struct FixtureParams {
    let raw: [String: Any]

    private func number(_ any: Any?) -> Double? {
        switch any {
        case let n as NSNumber: return n.doubleValue
        case let i as Int: return Double(i)
        case let d as Double: return d
        default: return nil
        }
    }

    func int(_ key: String) -> Int? { number(raw[key]).map { Int($0) } }
    func float(_ key: String) -> Float? { number(raw[key]).map { Float($0) } }
    func bool(_ key: String) -> Bool { (raw[key] as? Bool) ?? false }
    func string(_ key: String) -> String? { raw[key] as? String }
    func ints(_ key: String) -> [Int]? { (raw[key] as? [Any])?.compactMap { number($0).map { Int($0) } } }
    func floats(_ key: String) -> [Float]? { (raw[key] as? [Any])?.compactMap { number($0).map { Float($0) } } }
    /// A list of lists of optional integers (JSON null as nil).
    func optionalIntRows(_ key: String) -> [[Int?]] {
        ((raw[key] as? [Any]) ?? []).map { row in ((row as? [Any]) ?? []).map { number($0).map { Int($0) } } }
    }
    func pair(_ key: String) -> (Int, Int)? {
        guard let v = ints(key), v.count == 2 else { return nil }
        return (v[0], v[1])
    }
}

/// One golden case: inputs, the reference output, an upstream gradient and the input gradients.
struct FixtureCase {
    let family: String
    let name: String
    let op: String
    let params: FixtureParams
    let inputs: [Tensor]
    let requiresGrad: [Bool]
    let output: Tensor
    let upstream: Tensor?
    let grads: [Tensor?]
    let extras: [Tensor]
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// Loads the JSON files of Tests/TensorTests/Fixtures (cached per file).
enum Fixtures {
    nonisolated(unsafe) private static var cache: [String: Any] = [:]
    private static let lock = NSLock()

    static var directory: URL {
        if let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) { return url }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// The parsed JSON object of `name`.json.
    static func json(_ name: String) throws -> [String: Any] {
        lock.lock(); defer { lock.unlock() }
        if let cached = cache[name] as? [String: Any] { return cached }
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError(description: "\(name).json is not an object")
        }
        cache[name] = object
        return object
    }

    /// A float from a JSON number or one of the strings "nan", "inf", "-inf".
    static func scalar(_ any: Any) throws -> Float {
        if let n = any as? NSNumber { return n.floatValue }
        if let d = any as? Double { return Float(d) }
        if let i = any as? Int { return Float(i) }
        if let s = any as? String, let f = Float(s) { return f }
        throw FixtureError(description: "not a number: \(any)")
    }

    /// A tensor from `{"shape": [...], "data": [...]}`.
    static func tensor(_ any: Any) throws -> Tensor {
        guard let object = any as? [String: Any], let shape = object["shape"] as? [Any], let data = object["data"] as? [Any] else {
            throw FixtureError(description: "not a tensor: \(any)")
        }
        return try Tensor(shape: shape.map { ($0 as? NSNumber)?.intValue ?? ($0 as? Int) ?? -1 }, scalars: data.map(scalar))
    }

    /// Every case of one op family file.
    static func cases(_ family: String) throws -> [FixtureCase] {
        let root = try json(family)
        guard let list = root["cases"] as? [[String: Any]] else { throw FixtureError(description: "\(family).json has no cases") }
        return try list.map { c in
            let inputs = try ((c["inputs"] as? [Any]) ?? []).map(tensor)
            let grads = try ((c["grads"] as? [Any]) ?? []).map { $0 is NSNull ? nil : try tensor($0) }
            return FixtureCase(
                family: family,
                name: (c["name"] as? String) ?? "?",
                op: (c["op"] as? String) ?? "?",
                params: FixtureParams(raw: (c["params"] as? [String: Any]) ?? [:]),
                inputs: inputs,
                requiresGrad: ((c["requires_grad"] as? [Any]) ?? []).map { ($0 as? Bool) ?? false },
                output: try tensor(c["output"] as Any),
                upstream: try c["upstream"].map(tensor),
                grads: grads,
                extras: try ((c["extras"] as? [Any]) ?? []).map(tensor))
        }
    }
}

/// Why `actual` is not `expected` (shape, or an element beyond atol + rtol·|expected|), or nil when it is.
func mismatch(_ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-4, atol: Float = 1e-5) -> String? {
    guard actual.shape == expected.shape else { return "shape \(actual.shape) but expected \(expected.shape)" }
    var failures = 0, worst = -1
    var worstExcess: Float = 0
    for i in 0..<actual.count {
        let a = actual.scalars[i], e = expected.scalars[i]
        if a == e || (a.isNaN && e.isNaN) { continue }
        let excess = abs(a - e) - (atol + rtol * abs(e))
        if !(excess <= 0) {
            failures += 1
            if worst < 0 || excess > worstExcess || excess.isNaN { worst = i; worstExcess = excess }
        }
    }
    guard failures > 0 else { return nil }
    return "\(failures) of \(actual.count) elements differ; worst at \(worst): \(actual.scalars[worst]) vs \(expected.scalars[worst])"
}

/// Asserts that `actual` has the shape of `expected` and every element within atol + rtol·|expected|.
func assertClose(
    _ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-4, atol: Float = 1e-5,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    if let problem = mismatch(actual, expected, rtol: rtol, atol: atol) {
        XCTFail("\(message()): \(problem)", file: file, line: line)
    }
}

/// One op as the fixture tests run it: inputs and parameters in, outputs out (the first is
/// differentiated; any others are compared with the case's extra outputs).
typealias FixtureOp = (_ inputs: [Tensor], _ params: FixtureParams) throws -> [Tensor]

/// Runs a case: the op's forward output, its extra outputs, and the gradients of
/// sum(output · upstream) with respect to each differentiable input, against the
/// reference. Returns what differs (empty when everything matches).
func failures(of c: FixtureCase, _ op: FixtureOp, rtol: Float = 1e-4, atol: Float = 1e-5) -> [String] {
    var problems: [String] = []
    func note(_ what: String, _ actual: Tensor, _ expected: Tensor) {
        if let m = mismatch(actual, expected, rtol: rtol, atol: atol) { problems.append("\(c.family)/\(c.name) \(what): \(m)") }
    }
    do {
        let inputs = zip(c.inputs, c.requiresGrad).map { $1 ? $0.requiringGrad() : $0 }
        let outputs = try op(inputs, c.params)
        guard let out = outputs.first else { return ["\(c.name): the op returned nothing"] }
        note("forward", out, c.output)
        if outputs.count - 1 != c.extras.count {
            problems.append("\(c.name): \(outputs.count - 1) extra outputs, expected \(c.extras.count)")
        }
        for (i, extra) in c.extras.enumerated() where i + 1 < outputs.count { note("extra output \(i)", outputs[i + 1], extra) }
        guard let upstream = c.upstream else { return problems }
        let wanted = c.requiresGrad.indices.filter { c.requiresGrad[$0] }
        let grads = try gradients(of: try (out * upstream).sum(), wrt: wanted.map { inputs[$0] })
        for (k, i) in wanted.enumerated() {
            guard i < c.grads.count, let expected = c.grads[i] else {
                problems.append("\(c.name): no reference gradient for input \(i)")
                continue
            }
            note("gradient of input \(i)", grads[k], expected)
        }
    } catch {
        problems.append("\(c.family)/\(c.name): \(error)")
    }
    return problems
}

/// Asserts that a case matches its reference (see `failures(of:_:)`).
func check(_ c: FixtureCase, _ op: FixtureOp, rtol: Float = 1e-4, atol: Float = 1e-5,
           file: StaticString = #filePath, line: UInt = #line) {
    for problem in failures(of: c, op, rtol: rtol, atol: atol) { XCTFail(problem, file: file, line: line) }
}

/// Runs every case of `family` whose op is `op` (there must be at least one) with the op table's implementation.
func checkFixtures(_ family: String, op: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let cases = try Fixtures.cases(family).filter { $0.op == op }
    XCTAssertFalse(cases.isEmpty, "no \(op) cases in \(family).json", file: file, line: line)
    guard let implementation = FixtureOps.table[op] else {
        return XCTFail("no implementation for op \(op)", file: file, line: line)
    }
    for c in cases { check(c, implementation, file: file, line: line) }
}
