import XCTest
import Tensor

final class AutodiffTests: XCTestCase {
    func testGradientOfSquareIsTwiceTheInput() throws {
        let x = Tensor([1, -2, 3]).requiringGrad()
        let y = try (x * x).sum()
        let (dx) = try gradients(of: y, wrt: [x])[0]
        XCTAssertEqual(dx.scalars, [2, -4, 6])
    }

    func testGradientsAccumulateWhenATensorIsUsedTwice() throws {
        let x = Tensor([2]).requiringGrad()
        let y = try (x * x + x * 3).sum()
        XCTAssertEqual(try gradients(of: y, wrt: [x])[0].scalars, [7])
    }

    func testNoGradScopeRecordsNothing() throws {
        let x = Tensor([2]).requiringGrad()
        let y = try GradMode.withoutGradients { try x * x }
        XCTAssertFalse(y.requiresGrad)
    }

    func testShapeMismatchNamesBothShapes() throws {
        XCTAssertThrowsError(try Tensor.zeros([2, 3]) + Tensor.zeros([4])) { error in
            XCTAssertEqual("\(error)", "+: shapes [2, 3] and [4] do not match")
        }
    }
}
