import XCTest
import Tensor

/// The text form of tensors against NumPy's array2string (precision 4; integral tensors as integers).
final class FormattingTests: XCTestCase {
    func testDescriptionMatchesNumPy() throws {
        let cases = try XCTUnwrap(Fixtures.json("formatting")["cases"] as? [[String: Any]])
        XCTAssertGreaterThan(cases.count, 20)
        for c in cases {
            let tensor = try Fixtures.tensor(c["tensor"] as Any)
            let expected = try XCTUnwrap(c["text"] as? String)
            XCTAssertEqual(tensor.description, expected, "\(c["name"] ?? "?")")
        }
    }

    func testSmallExamples() throws {
        XCTAssertEqual(try Tensor([[1, 2], [3, 4]]).description, "[[1, 2],\n [3, 4]]")
        XCTAssertEqual(Tensor([0.5, 1.25]).description, "[0.5 , 1.25]")
        XCTAssertEqual(Tensor([-1, 10]).description, "[-1, 10]")
        XCTAssertEqual(Tensor(2.5).description, "2.5")
        XCTAssertEqual(Tensor([1.0 / 3, 2]).description, "[0.3333, 2.    ]")
        XCTAssertEqual("\(Tensor([1, 2, 3]))", "[1, 2, 3]")
    }

    func testSummaryNamesTheShape() throws {
        XCTAssertEqual(Tensor.zeros([2, 3]).summary, "Tensor [2, 3]")
        XCTAssertEqual(Tensor(1).summary, "Tensor []")
    }

    func testLargeTensorsAreSummarisedWithThreeEdgeItems() throws {
        let text = try Tensor.arange(0, 1001).description
        XCTAssertEqual(text, "[   0,    1,    2, ...,  998,  999, 1000]")
        let small = try Tensor.arange(0, 1000).description
        XCTAssertFalse(small.contains("..."))
        XCTAssertTrue(small.split(separator: "\n").allSatisfy { $0.count <= 75 })
    }
}
