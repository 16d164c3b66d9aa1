import Faces
import XCTest

final class SplitTests: XCTestCase {
    func testKeypointSplitIsDisjointCompleteAndSeeded() throws {
        let set = try SyntheticFaces.keypoints(count: 20, seed: 1)
        let (train, test) = try set.split(test: 0.2, seed: 42)
        XCTAssertEqual(train.count, 16)
        XCTAssertEqual(test.count, 4)
        // Rows are identified by their keypoints (all distinct).
        func rows(_ s: KeypointSet) -> Set<[Float]> { Set((0..<s.count).map { Array(s.keypoints.scalars[$0 * 30..<($0 + 1) * 30]) }) }
        XCTAssertTrue(rows(train).isDisjoint(with: rows(test)))
        XCTAssertEqual(rows(train).union(rows(test)), rows(set))
        let (_, again) = try set.split(test: 0.2, seed: 42)
        XCTAssertEqual(again.keypoints.scalars, test.keypoints.scalars)
        let (_, other) = try set.split(test: 0.2, seed: 43)
        XCTAssertNotEqual(other.keypoints.scalars, test.keypoints.scalars)
    }

    func testEmotionSplitIsStratified() throws {
        let set = try SyntheticFaces.emotions(count: 400, classes: 5, seed: 3)
        let (train, test) = try set.split(test: 0.1, seed: 5)
        XCTAssertEqual(train.count + test.count, 400)
        for c in 0..<5 {
            let n = set.classCounts[c]
            XCTAssertEqual(test.classCounts[c], Int((Double(n) * 0.1).rounded()), "class \(c)")
        }
        XCTAssertThrowsError(try set.split(test: 1.5, seed: 1))
    }

    func testSelectingSlicingAndCompleteRows() throws {
        let set = try FaceDataLoader.loadKeypoints(path: Fixture.path("training.csv"))
        XCTAssertEqual(try set.slice(1..<3).count, 2)
        XCTAssertEqual(set[2]?.keypoints.scalars, Array(set.keypoints.scalars[60..<90]))
        XCTAssertNil(set[3])
        XCTAssertThrowsError(try set.selecting([0, 5]))
        XCTAssertEqual(try set.completeRows().count, 2)
    }
}
