import Faces
import Tensor
import XCTest

final class SyntheticFacesTests: XCTestCase {
    /// Mean of the 3×3 pixels around (x, y) in image i.
    static func patchMean(_ set: KeypointSet, _ i: Int, _ x: Float, _ y: Float) -> Float {
        let w = set.width, h = set.height
        let cj = Int(x.rounded(.down)), ci = Int(y.rounded(.down))
        var sum: Float = 0, n: Float = 0
        for di in -1...1 {
            for dj in -1...1 {
                let i2 = min(h - 1, max(0, ci + di)), j2 = min(w - 1, max(0, cj + dj))
                sum += set.images.scalars[i * h * w + i2 * w + j2]
                n += 1
            }
        }
        return sum / n
    }

    /// The fraction of faces whose eye centres are darker than the cheek below them by `margin`.
    static func eyesOnFeatures(_ set: KeypointSet, margin: Float = 20) -> Double {
        var good = 0
        for i in 0..<set.count {
            let p = set.points(of: i)
            var ok = true
            for eye in [0, 1] {
                guard let e = p[eye], let nose = p[10] else { ok = false; continue }
                // The cheek: 40% of the way from the eye centre to the nose tip, then sideways outwards.
                let cx = e.x + 0.4 * (nose.x - e.x) + (e.x - nose.x) * 0.25
                let cy = e.y + 0.4 * (nose.y - e.y)
                let pupil = patchMean(set, i, e.x, e.y), cheek = patchMean(set, i, cx, cy)
                if pupil > cheek - margin { ok = false }
            }
            if ok { good += 1 }
        }
        return Double(good) / Double(max(1, set.count))
    }

    func testSameSeedSameFacesAndPrefixesAgree() throws {
        let a = try SyntheticFaces.keypoints(count: 6, seed: 42)
        let b = try SyntheticFaces.keypoints(count: 6, seed: 42)
        let c = try SyntheticFaces.keypoints(count: 3, seed: 42)
        let d = try SyntheticFaces.keypoints(count: 6, seed: 43)
        XCTAssertEqual(a.images.scalars, b.images.scalars)
        XCTAssertEqual(a.keypoints.scalars, b.keypoints.scalars)
        XCTAssertEqual(Array(a.images.scalars[0..<(3 * 9216)]), c.images.scalars)
        XCTAssertNotEqual(a.images.scalars, d.images.scalars)
        let e1 = try SyntheticFaces.emotions(count: 20, classes: 7, seed: 5)
        let e2 = try SyntheticFaces.emotions(count: 20, classes: 7, seed: 5)
        XCTAssertEqual(e1.images.scalars, e2.images.scalars)
        XCTAssertEqual(e1.labels, e2.labels)
        XCTAssertEqual(e1.usage, e2.usage)
    }

    func testKeypointFacesHaveIntegerPixelsAndAllPoints() throws {
        let set = try SyntheticFaces.keypoints(count: 8, seed: 1)
        XCTAssertEqual(set.images.shape, [8, 1, 96, 96])
        XCTAssertEqual(set.completeCount, 8)
        XCTAssertTrue(set.images.scalars.allSatisfy { $0 >= 0 && $0 <= 255 && $0 == $0.rounded() })
        XCTAssertTrue(set.keypoints.scalars.allSatisfy { $0 > 0 && $0 < 96 })
    }

    func testEyeCentresAreOnThePupils() throws {
        let set = try SyntheticFaces.keypoints(count: 60, seed: 9)
        XCTAssertGreaterThanOrEqual(Self.eyesOnFeatures(set), 0.95)
        // A shifted point is not on the pupil: the check can fail.
        var moved = set.keypoints.scalars
        for i in 0..<set.count { moved[i * 30 + 1] += 6; moved[i * 30 + 3] += 6 }
        let wrong = try KeypointSet(images: set.images, keypoints: Tensor(shape: [set.count, 30], scalars: moved))
        XCTAssertLessThan(Self.eyesOnFeatures(wrong), 0.5)
    }

    func testSubjectsLeftIsOnTheImageRight() throws {
        let set = try SyntheticFaces.keypoints(count: 40, seed: 3)
        for i in 0..<set.count {
            let p = set.points(of: i).compactMap { $0 }
            XCTAssertGreaterThan(p[0].x, p[1].x)     // left eye centre right of right eye centre
            XCTAssertGreaterThan(p[3].x, p[2].x)     // left eye: outer corner further right than inner
            XCTAssertGreaterThan(p[11].x, p[12].x)   // mouth left corner on the image right
            XCTAssertLessThan(p[13].y, p[14].y)      // top lip above bottom lip
            XCTAssertLessThan(p[6].y, p[0].y)        // brow above eye
        }
    }

    func testKeypointCSVRoundTripsExactly() throws {
        let set = try SyntheticFaces.keypoints(count: 5, seed: 11)
        let bytes = FaceDataWriter.keypointsCSV(set)
        let back = try FaceDataLoader.loadKeypoints(bytes: bytes, file: "synth.csv")
        XCTAssertEqual(back.images.scalars, set.images.scalars)
        XCTAssertEqual(back.keypoints.scalars, set.keypoints.scalars)
        XCTAssertEqual(back.mask.scalars, set.mask.scalars)
        let test = try FaceDataLoader.loadKeypoints(bytes: FaceDataWriter.keypointsTestCSV(set), file: "test.csv")
        XCTAssertEqual(test.images.scalars, set.images.scalars)
        XCTAssertEqual(test.imageIds, [1, 2, 3, 4, 5])
    }

    func testEmotionCSVRoundTripsInBothLayouts() throws {
        for (classes, layout) in [(5, FaceDataKind.icmlFaceData), (7, .fer2013)] {
            let set = try SyntheticFaces.emotions(count: 12, classes: classes, seed: 2)
            let bytes = try FaceDataWriter.emotionsCSV(set, layout: layout)
            guard case let .emotions(back, kind) = try FaceDataLoader.load(bytes: bytes, file: "e.csv") else {
                return XCTFail("not read as emotions")
            }
            XCTAssertEqual(kind, layout)
            XCTAssertEqual(back.images.scalars, set.images.scalars)
            XCTAssertEqual(back.labels, set.labels)
            XCTAssertEqual(back.usage, set.usage)
            XCTAssertEqual(back.classCount, classes)
        }
    }

    func testClassProportionsFollowTheCourseOrAreBalanced() throws {
        let counts = try SyntheticFaces.classCounts(total: 24568, classes: 5, balanced: false)
        XCTAssertEqual(counts, SyntheticFaces.courseClassCounts)
        let set = try SyntheticFaces.emotions(count: 300, classes: 5, seed: 4)
        XCTAssertEqual(set.classCounts, try SyntheticFaces.classCounts(total: 300, classes: 5, balanced: false))
        XCTAssertEqual(set.classCounts.reduce(0, +), 300)
        XCTAssertGreaterThan(set.classCounts[3], set.classCounts[1] * 10)  // happiness ≫ disgust
        let balanced = try SyntheticFaces.emotions(count: 70, classes: 7, seed: 4, balanced: true)
        XCTAssertEqual(balanced.classCounts, [10, 10, 10, 10, 10, 10, 10])
        XCTAssertThrowsError(try SyntheticFaces.emotions(count: 10, classes: 6, seed: 1))
    }

    /// Class means of the mouth and brow regions differ the way the expressions say.
    func testExpressionsShowInMouthAndBrows() throws {
        let set = try SyntheticFaces.emotions(count: 350, classes: 7, seed: 8, balanced: true)
        // Surprise opens the mouth (a dark hole) far more than Neutral: darker mouth centre.
        func meanRegion(_ label: Int, rows: Range<Int>, cols: Range<Int>) -> Float {
            var sum: Float = 0, n: Float = 0
            for i in 0..<set.count where set.labels[i] == label {
                var face: Float = 0, all: Float = 0
                for r in 0..<48 { for c in 0..<48 { all += set.images.scalars[i * 2304 + r * 48 + c] } }
                for r in rows { for c in cols { face += set.images.scalars[i * 2304 + r * 48 + c] } }
                sum += face / Float(rows.count * cols.count) - all / 2304
                n += 1
            }
            return sum / n
        }
        let mouth = (36..<42, 21..<27)
        XCTAssertLessThan(meanRegion(5, rows: mouth.0, cols: mouth.1), meanRegion(6, rows: mouth.0, cols: mouth.1) - 10)
    }
}
