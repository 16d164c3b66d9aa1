import Faces
import Tensor
import XCTest

final class AugmentationTests: XCTestCase {
    func testFlippingTwiceIsTheIdentity() throws {
        let set = try SyntheticFaces.keypoints(count: 4, seed: 5)
        for flip in [Augment.flipHorizontal as (KeypointSet) throws -> KeypointSet, Augment.flipVertical] {
            let twice = try flip(flip(set))
            XCTAssertEqual(twice.images.scalars, set.images.scalars)
            XCTAssertEqual(twice.keypoints.scalars, set.keypoints.scalars)
            XCTAssertEqual(twice.mask.scalars, set.mask.scalars)
        }
        let loaded = try FaceDataLoader.loadKeypoints(path: Fixture.path("training.csv"))
        let twice = try Augment.flipHorizontal(Augment.flipHorizontal(loaded))
        XCTAssertEqual(twice.keypoints.scalars, loaded.keypoints.scalars)
        XCTAssertEqual(twice.mask.scalars, loaded.mask.scalars)
    }

    func testHorizontalFlipSwapsLeftAndRight() throws {
        let set = try SyntheticFaces.keypoints(count: 30, seed: 6)
        let flipped = try Augment.flipHorizontal(set)
        for i in 0..<set.count {
            let p = flipped.points(of: i).compactMap { $0 }, q = set.points(of: i).compactMap { $0 }
            // The original left eye, mirrored, is on the image's left: it is now the subject's right eye.
            XCTAssertLessThan(96 - q[0].x, 48)
            XCTAssertEqual(p[1].x, 96 - q[0].x)
            // So the point named left_eye_center stays on the image's right, the subject's left,
            // as in every Kaggle image (the course's unswapped flip puts it on the wrong side).
            XCTAssertGreaterThan(p[0].x, p[1].x)
            XCTAssertEqual(p[0].x, 96 - q[1].x)
            XCTAssertEqual(p[0].y, q[1].y)
            XCTAssertEqual(p[11].x, 96 - q[12].x)   // mouth corners swap
            XCTAssertEqual(p[10].x, 96 - q[10].x)   // nose tip stays the nose tip
        }
        XCTAssertGreaterThanOrEqual(SyntheticFacesTests.eyesOnFeatures(flipped), 0.95)
    }

    func testHorizontalFlipKeepsMissingValuesMissing() throws {
        let set = try FaceDataLoader.loadKeypoints(path: Fixture.path("training.csv"))
        let flipped = try Augment.flipHorizontal(set)
        // Row 2 misses left_eye_inner_corner (columns 4, 5): after the flip right_eye_inner_corner
        // (columns 8, 9) is missing and left_eye_inner_corner is present; the nose tip (20, 21) stays missing.
        XCTAssertEqual(flipped.mask.scalars[30 + 8], 0)
        XCTAssertEqual(flipped.mask.scalars[30 + 9], 0)
        XCTAssertEqual(flipped.mask.scalars[30 + 4], 1)
        XCTAssertEqual(flipped.mask.scalars[30 + 20], 0)
        XCTAssertEqual(flipped.mask.scalars[30 + 24], 0)  // mouth_left_corner was missing: now mouth_right_corner
        XCTAssertEqual(flipped.mask.scalars[30 + 22], 1)
        XCTAssertEqual(flipped.mask.scalars.reduce(0, +), set.mask.scalars.reduce(0, +))
    }

    func testVerticalFlipSwapsTheLips() throws {
        let set = try SyntheticFaces.keypoints(count: 5, seed: 7)
        let flipped = try Augment.flipVertical(set)
        for i in 0..<set.count {
            let p = flipped.points(of: i).compactMap { $0 }, q = set.points(of: i).compactMap { $0 }
            XCTAssertEqual(p[13].y, 96 - q[14].y)
            XCTAssertLessThan(p[13].y, p[14].y)   // top lip still above bottom lip
            XCTAssertEqual(p[0].y, 96 - q[0].y)
        }
        XCTAssertEqual(flipped.images.scalars[0], set.images.scalars[95 * 96])
    }

    func testBrightenMultipliesAndClips() throws {
        let set = try SyntheticFaces.keypoints(count: 3, seed: 8)
        let bright = try Augment.brighten(set, factor: 2...2, seed: 1)
        for k in stride(from: 0, to: set.images.count, by: 97) {
            XCTAssertEqual(bright.images.scalars[k], min(255, set.images.scalars[k] * 2))
        }
        let a = try Augment.brighten(set, factor: 1.5...2, seed: 3), b = try Augment.brighten(set, factor: 1.5...2, seed: 3)
        XCTAssertEqual(a.images.scalars, b.images.scalars)
        XCTAssertLessThanOrEqual(a.images.scalars.max() ?? 0, 255)
        XCTAssertEqual(a.keypoints.scalars, set.keypoints.scalars)
    }

    func testRotationByZeroIsTheIdentity() throws {
        let set = try SyntheticFaces.keypoints(count: 2, seed: 9)
        let same = try Augment.rotate(set, angles: [0, 0])
        XCTAssertEqual(same.images.scalars, set.images.scalars)
        XCTAssertEqual(same.keypoints.scalars, set.keypoints.scalars)
    }

    func testImageAndPointsTurnTheSameWay() throws {
        // One bright pixel at column 60, row 48: its centre is (60.5, 48.5).
        var pixels = [Float](repeating: 0, count: 96 * 96)
        pixels[48 * 96 + 60] = 255
        var points = [Float](repeating: 50, count: 30)
        points[0] = 60.5; points[1] = 48.5
        let set = try KeypointSet(images: Tensor(shape: [1, 1, 96, 96], scalars: pixels),
                                  keypoints: Tensor(shape: [1, 30], scalars: points))
        let turned = try Augment.rotate(set, angles: [90])
        let p = turned.points(of: 0)[0]!
        // Counter-clockwise on screen: right of centre goes above it.
        XCTAssertEqual(p.x, 48.5, accuracy: 1e-4)
        XCTAssertEqual(p.y, 35.5, accuracy: 1e-4)
        let brightest = turned.images.scalars.indices.max { turned.images.scalars[$0] < turned.images.scalars[$1] }!
        XCTAssertEqual(brightest % 96, 48)
        XCTAssertEqual(brightest / 96, 35)
    }

    func testRotationKeepsPointsOnTheirFeatures() throws {
        let set = try SyntheticFaces.keypoints(count: 40, seed: 10)
        let turned = try Augment.rotate(set, degrees: -15...15, seed: 4, dropOutside: false)
        XCTAssertEqual(turned.count, 40)
        XCTAssertGreaterThanOrEqual(SyntheticFacesTests.eyesOnFeatures(turned), 0.95)
        let again = try Augment.rotate(set, degrees: -15...15, seed: 4, dropOutside: false)
        XCTAssertEqual(again.images.scalars, turned.images.scalars)
    }

    func testRotationDropsSamplesWhosePointsLeaveTheFrame() throws {
        var points = [Float](repeating: 48, count: 60)
        points[30] = 2; points[31] = 2   // sample 1: a point near a corner
        let set = try KeypointSet(images: Tensor.zeros([2, 1, 96, 96]), keypoints: Tensor(shape: [2, 30], scalars: points))
        XCTAssertEqual(try Augment.rotate(set, angles: [30, 30]).count, 1)
        XCTAssertEqual(try Augment.rotate(set, angles: [30, 30], dropOutside: false).count, 2)
    }

    func testResizeMatchesPyTorchBicubic() throws {
        // Golden values from Fixtures/make_resize_golden.py (torch.nn.functional.interpolate, bicubic).
        guard let data = FileManager.default.contents(atPath: Fixture.path("resize_golden.json")),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let input = json["input"] as? [Double], let output = json["output"] as? [Double],
              let inShape = json["input_shape"] as? [Int], let outShape = json["output_shape"] as? [Int] else {
            return XCTFail("resize_golden.json is missing or malformed")
        }
        let x = try Tensor(shape: inShape, scalars: input.map { Float($0) })
        let y = try Augment.resize(x, height: outShape[2], width: outShape[3])
        XCTAssertEqual(y.shape, outShape)
        for (a, b) in zip(y.scalars, output) { XCTAssertEqual(Double(a), b, accuracy: 1e-3) }
    }

    func testResizeScalesEmotionFacesAndKeypoints() throws {
        let faces = try SyntheticFaces.emotions(count: 4, seed: 1)
        let big = try Augment.resize(faces, height: 96, width: 96)
        XCTAssertEqual(big.images.shape, [4, 1, 96, 96])
        XCTAssertEqual(big.labels, faces.labels)
        XCTAssertTrue(big.images.scalars.allSatisfy { $0 >= 0 && $0 <= 255 })
        let kp = try SyntheticFaces.keypoints(count: 2, seed: 1)
        let small = try Augment.resize(kp, height: 48, width: 48)
        XCTAssertEqual(small.keypoints.scalars[0], kp.keypoints.scalars[0] / 2, accuracy: 1e-4)
    }

    func testRandomAffineWithNoRangesIsTheIdentityAndIsSeeded() throws {
        let faces = try SyntheticFaces.emotions(count: 6, seed: 2).normalized()
        let none = RandomAffine(rotation: 0, widthShift: 0, heightShift: 0, shear: 0, zoom: 0, horizontalFlip: false)
        XCTAssertEqual(try none(faces.images, seed: 1).scalars, faces.images.scalars)
        let course = RandomAffine()
        let a = try course(faces.images, seed: 7), b = try course(faces.images, seed: 7), c = try course(faces.images, seed: 8)
        XCTAssertEqual(a.scalars, b.scalars)
        XCTAssertNotEqual(a.scalars, c.scalars)
        XCTAssertEqual(a.shape, faces.images.shape)
        XCTAssertTrue(a.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        // A flip-only transform either mirrors an image or leaves it unchanged.
        let flipOnly = RandomAffine(rotation: 0, widthShift: 0, heightShift: 0, shear: 0, zoom: 0, horizontalFlip: true)
        let f = try flipOnly(faces.images, seed: 3)
        let mirrored = try Augment.flipImages(faces.images, vertical: false)
        for i in 0..<6 {
            let r = i * 2304..<(i + 1) * 2304
            XCTAssertTrue(Array(f.scalars[r]) == Array(faces.images.scalars[r]) || Array(f.scalars[r]) == Array(mirrored.scalars[r]))
        }
    }

    func testErasePaintsOneFlatRectangleOfTheStatedSize() throws {
        let flat = try Tensor(shape: [8, 1, 20, 20], scalars: [Float](repeating: 0.5, count: 8 * 400))
        var erase = RandomAffine(rotation: 0, widthShift: 0, heightShift: 0, shear: 0, zoom: 0, horizontalFlip: false)
        erase.erase = 1
        let out = try erase(flat, seed: 4).scalars
        for i in 0..<8 {
            let changed = (0..<400).filter { out[i * 400 + $0] != 0.5 }
            // 2–20% of 400 pixels, rounded down on each side: at most 80.
            XCTAssertGreaterThan(changed.count, 0)
            XCTAssertLessThanOrEqual(changed.count, 80)
            XCTAssertEqual(Set(changed.map { out[i * 400 + $0] }).count, 1, "one flat tone")
            let rows = changed.map { $0 / 20 }, cols = changed.map { $0 % 20 }
            let box = (rows.max()! - rows.min()! + 1) * (cols.max()! - cols.min()! + 1)
            XCTAssertEqual(box, changed.count, "a filled rectangle")
        }
    }

    func testGammaBlurAndNoiseChangeTheLookButNotTheGeometry() throws {
        let faces = try SyntheticFaces.emotions(count: 4, seed: 5).normalized()
        let course = RandomAffine()
        var look = course
        look.gamma = 0.5
        look.blur = 1.5
        look.noise = 0.05
        let plain = try course(faces.images, seed: 9), varied = try look(faces.images, seed: 9)
        XCTAssertEqual(try look(faces.images, seed: 9).scalars, varied.scalars, "seeded")
        XCTAssertNotEqual(plain.scalars, varied.scalars)
        XCTAssertTrue(varied.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        // The same warp underneath: each varied image still follows its plain one closely.
        for i in 0..<4 {
            let a = Array(plain.scalars[i * 2304..<(i + 1) * 2304]), b = Array(varied.scalars[i * 2304..<(i + 1) * 2304])
            let ma = a.reduce(0, +) / 2304, mb = b.reduce(0, +) / 2304
            var cov: Float = 0, va: Float = 0, vb: Float = 0
            for k in 0..<2304 { cov += (a[k] - ma) * (b[k] - mb); va += (a[k] - ma) * (a[k] - ma); vb += (b[k] - mb) * (b[k] - mb) }
            XCTAssertGreaterThan(cov / (va * vb).squareRoot(), 0.8)
        }
    }

    func testConcatenationOfAugmentedCopies() throws {
        let train = try SyntheticFaces.keypoints(count: 3, seed: 12)
        let both = try train + Augment.flipHorizontal(train)
        XCTAssertEqual(both.count, 6)
        XCTAssertEqual(Array(both.keypoints.scalars[90..<120]), Array(try Augment.flipHorizontal(train).keypoints.scalars[0..<30]))
    }
}
