import Foundation
import Neural
import Serve
import Tensor
import XCTest

/// The JSON reader against Foundation's JSON reader: the same values for every document,
/// an error with its place for every broken one.
final class JSONReaderTests: XCTestCase {
    /// A seeded random JSON document: nested objects and lists, numbers of every form JSON
    /// writes, strings with escapes and characters beyond ASCII.
    private func document(_ rng: inout RandomGenerator, depth: Int = 0) -> String {
        let pick = Int(rng.nextFloat(in: 0, depth > 3 ? 4 : 7))
        switch pick {
        case 0: return "null"
        case 1:
            let forms = ["0", "-0", "7", "255", "-12", "3.25", "-0.5", "1e3", "2.5E-3", "-6.02e+23", "123456789012345678901", "0.1"]
            return forms[Int(rng.nextFloat(in: 0, Float(forms.count)))]
        case 2:
            let parts = ["a", "é", "\\n", "\\\"", "\\\\", "\\u00e9", "\\ud83d\\ude00", "b64+/=", " ", "\\t", "\\/", "中"]
            let n = Int(rng.nextFloat(in: 0, 5))
            return "\"" + (0..<n).map { _ in parts[Int(rng.nextFloat(in: 0, Float(parts.count)))] }.joined() + "\""
        case 3: return String(Int(rng.nextFloat(in: 0, 256)))
        case 4, 5:
            let n = Int(rng.nextFloat(in: 0, 5))
            return "[" + (0..<n).map { _ in document(&rng, depth: depth + 1) }.joined(separator: ", ") + "]"
        default:
            let n = Int(rng.nextFloat(in: 0, 4))
            return "{" + (0..<n).map { i in "\"k\(i)\" : " + document(&rng, depth: depth + 1) }.joined(separator: ",") + "}"
        }
    }

    /// Foundation reads `-0` as the integer 0, JSONReader as the double -0: both are zero.
    private func number(_ x: Double) -> String { "\(x + 0)" }

    /// One canonical text for a value read by Foundation.
    private func canonical(_ value: Any) -> String {
        switch value {
        case let s as String: return JSONText.quoted(s)
        case let n as NSNumber: return number(n.doubleValue)
        case is NSNull: return "null"
        case let list as [Any]: return "[" + list.map(canonical).joined(separator: ",") + "]"
        case let object as [String: Any]:
            return "{" + object.keys.sorted().map { JSONText.quoted($0) + ":" + canonical(object[$0]!) }.joined(separator: ",") + "}"
        default: return "?"
        }
    }

    /// The same canonical text for a value read by JSONReader.
    private func canonical(_ value: JSONReader.Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let x): return number(x)
        case .string(let s): return JSONText.quoted(s)
        case .numbers(let xs): return "[" + xs.map(number).joined(separator: ",") + "]"
        case .list(let items): return "[" + items.map(canonical).joined(separator: ",") + "]"
        case .object(let pairs):
            return "{" + pairs.map(\.key).sorted().map { JSONText.quoted($0) + ":" + canonical(value[$0]!) }.joined(separator: ",") + "}"
        }
    }

    func testEveryDocumentReadsAsFoundationReadsIt() throws {
        var rng = RandomGenerator(seed: 11)
        for i in 0..<400 {
            let text = "{\"doc\": " + document(&rng) + "}"
            let ours = try JSONReader.parse(Array(text.utf8))
            let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8))
            XCTAssertEqual(canonical(ours), canonical(theirs), "document \(i): \(text)")
        }
    }

    func testListsOfNumbersArePackedAndMixedListsAreNot() throws {
        guard case .numbers(let xs) = try JSONReader.parse(Array("[1, 2.5, -3e2, 0]".utf8)) else {
            return XCTFail("a list of numbers is not packed")
        }
        XCTAssertEqual(xs, [1, 2.5, -300, 0])
        guard case .list(let items) = try JSONReader.parse(Array("[1, \"a\", [2]]".utf8)) else { return XCTFail("a mixed list is packed") }
        XCTAssertEqual(items.count, 3)
        guard case .numbers(let empty) = try JSONReader.parse(Array("[ ]".utf8)) else { return XCTFail("the empty list") }
        XCTAssertTrue(empty.isEmpty)
        guard case .object(let pairs) = try JSONReader.parse(Array("{\"a\": true, \"b\": false, \"a\": null}".utf8)) else { return XCTFail("an object") }
        XCTAssertEqual(pairs.map(\.key), ["a", "b", "a"])
        guard case .bool(false)? = pairs[1].value as JSONReader.Value? else { return XCTFail("false") }
    }

    func testBrokenDocumentsAreErrorsWithTheirPlace() {
        let broken: [(String, String)] = [
            ("", "unexpected end"), ("{\"instances\": [1, 2", "expected ',' or ']'"), ("[1 2]", "expected ',' or ']'"),
            ("{\"a\" 1}", "expected ':'"), ("{a: 1}", "expected a key"), ("[01]", "expected ',' or ']'"), ("[1.]", "after '.'"),
            ("[1e]", "exponent"), ("[-]", "expected a digit"), ("[tru]", "expected a JSON value"), ("\"abc", "closing quote"),
            ("\"a\\qb\"", "unknown escape"), ("\"\\u12\"", "hex digits"), ("\"\\ud83d\"", "lone surrogate"), ("[1] x", "after the document"),
            ("\"tab\there\"", "control character"), ("[+1]", "expected a JSON value"), ("{\"a\": 1,}", "expected a key"),
        ]
        for (text, reason) in broken {
            XCTAssertThrowsError(try JSONReader.parse(Array(text.utf8)), text) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(text): \(error)")
            }
        }
        XCTAssertThrowsError(try JSONReader.parse(Array("{\"instances\": [\n  [1, 2,]\n]}".utf8))) { error in
            let e = error as? JSONReader.SyntaxError
            XCTAssertEqual(e?.line, 2)
            XCTAssertEqual(e?.column, 9)
        }
        XCTAssertThrowsError(try JSONReader.parse([0x22, 0xFF, 0x22])) { error in XCTAssertTrue("\(error)".contains("UTF-8")) }
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try JSONReader.parse(Array(deep.utf8))) { error in XCTAssertTrue("\(error)".contains("nested")) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        XCTAssertNoThrow(try JSONReader.parse(Array(fine.utf8), maxDepth: 64))
        XCTAssertThrowsError(try JSONReader.parse(Array(("[" + fine + "]").utf8), maxDepth: 64))
        // A request body may nest 64 deep, a notebook or a Jupyter message 512.
        let body = "{\"instances\": " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "}"
        XCTAssertThrowsError(try PredictRequest(body: Array(body.utf8), size: 96, maxFaces: 4)) { error in
            XCTAssertTrue("\(error)".contains("nested more than 64"), "\(error)")
        }
    }

    func testAFaceReadsTheSameNestedFlatOrWithAChannel() throws {
        var rng = RandomGenerator(seed: 3)
        let face = (0..<(96 * 96)).map { _ in rng.nextFloat(in: 0, 255).rounded() }
        let rows = (0..<96).map { Array(face[($0 * 96)..<($0 * 96 + 96)]) }
        let forms: [Any] = [rows, face, rows.map { $0.map { [$0] } }, [rows], ["image": rows]]
        for form in forms {
            let body = try JSONSerialization.data(withJSONObject: ["instances": [form, form]])
            let request = try PredictRequest(body: [UInt8](body), size: 96, maxFaces: 4)
            XCTAssertEqual(request.count, 2)
            XCTAssertEqual(request.pixels, face + face)
        }
    }
}
