import Faces
import XCTest

final class LoaderTests: XCTestCase {
    func testTrainingCSVKeepsMissingValuesWithAMask() throws {
        let set = try FaceDataLoader.loadKeypoints(path: Fixture.path("training.csv"))
        XCTAssertEqual(set.count, 3)
        XCTAssertEqual(set.images.shape, [3, 1, 96, 96])
        XCTAssertEqual(set.keypoints.shape, [3, 30])
        XCTAssertEqual(set.completeCount, 2)
        let missing: Set<Int> = [4, 5, 20, 21, 22, 23, 26, 27, 28, 29]
        for j in 0..<30 {
            XCTAssertEqual(set.mask.scalars[30 + j], missing.contains(j) ? 0 : 1, "column \(j)")
            XCTAssertEqual(set.keypoints.scalars[j], Fixture.keypoint(row: 1, j))
            if !missing.contains(j) { XCTAssertEqual(set.keypoints.scalars[30 + j], Fixture.keypoint(row: 2, j)) }
        }
        for k in [0, 1, 500, 9215] {
            XCTAssertEqual(set.images.scalars[2 * 9216 + k], Fixture.pixel(row: 3, k))
        }
        XCTAssertNil(set.imageIds)
        XCTAssertEqual(set.pixelMax, 255)
    }

    func testDropIncompleteKeepsOnlyFullRows() throws {
        let set = try FaceDataLoader.loadKeypoints(path: Fixture.path("training.csv"), dropIncomplete: true)
        XCTAssertEqual(set.count, 2)
        XCTAssertEqual(set.keypoints.scalars[30], Fixture.keypoint(row: 3, 0))
        XCTAssertEqual(set.images.scalars[9216 + 7], Fixture.pixel(row: 3, 7))
    }

    func testNormalizeDividesBy255() throws {
        let set = try FaceDataLoader.loadKeypoints(path: Fixture.path("training.csv"), normalize: true)
        XCTAssertEqual(set.pixelMax, 1)
        XCTAssertEqual(set.images.scalars[5], Fixture.pixel(row: 1, 5) / 255, accuracy: 1e-7)
    }

    func testCRLFAndByteOrderMarkAreAccepted() throws {
        let set = try FaceDataLoader.loadKeypoints(path: Fixture.path("training_crlf_bom.csv"))
        XCTAssertEqual(set.count, 2)
        XCTAssertEqual(set.keypoints.scalars[0], Fixture.keypoint(row: 1, 0))
        XCTAssertEqual(set.images.scalars[9215], Fixture.pixel(row: 1, 9215))
        XCTAssertEqual(set.images.scalars[9216 + 9215], Fixture.pixel(row: 2, 9215))
    }

    func testDataCSVWithLeadingIndexColumn() throws {
        let set = try FaceDataLoader.loadKeypoints(path: Fixture.path("data.csv"))
        XCTAssertEqual(set.count, 2)
        XCTAssertEqual(set.completeCount, 2)
        XCTAssertEqual(set.keypoints.scalars[30 + 29], Fixture.keypoint(row: 2, 29))
        XCTAssertEqual(set.images.scalars[9216 + 3], Fixture.pixel(row: 2, 3))
    }

    func testKaggleTestCSVHasImageIdsAndNoKeypoints() throws {
        let set = try FaceDataLoader.loadKeypoints(path: Fixture.path("test.csv"))
        XCTAssertEqual(set.imageIds, [1, 2])
        XCTAssertEqual(set.mask.scalars.reduce(0, +), 0)
        XCTAssertEqual(set.images.scalars[9216 + 100], Fixture.pixel(row: 2, 100))
        XCTAssertEqual(try DataInfo(path: Fixture.path("test.csv")).kind, "keypoints_test")
    }

    func testFER2013HasSevenClassesAndUsage() throws {
        let set = try FaceDataLoader.loadEmotions(path: Fixture.path("fer2013.csv"))
        XCTAssertEqual(set.images.shape, [3, 1, 48, 48])
        XCTAssertEqual(set.labels, [0, 6, 3])
        XCTAssertEqual(set.classNames, EmotionSet.ferClassNames)
        XCTAssertEqual(set.usage, ["Training", "PublicTest", "PrivateTest"])
        XCTAssertEqual(set.images.scalars[2304 + 2303], Fixture.pixel(row: 2, 2303))
    }

    func testICMLHeaderWithLeadingSpacesAndCRLFGivesCourseClasses() throws {
        let set = try FaceDataLoader.loadEmotions(path: Fixture.path("icml_face_data.csv"))
        XCTAssertEqual(set.labels, [4, 1, 2])
        XCTAssertEqual(set.classNames, ["anger", "disgust", "sad", "happiness", "surprise"])
        XCTAssertEqual(set.usage, ["Training", "PublicTest", "PrivateTest"])
        XCTAssertEqual(set.images.scalars[2 * 2304 + 2303], Fixture.pixel(row: 3, 2303))
        let seven = try FaceDataLoader.loadEmotions(path: Fixture.path("icml_face_data.csv"), classes: 7)
        XCTAssertEqual(seven.classCount, 7)
    }

    func testEmotionPixelsWithByteOrderMark() throws {
        let set = try FaceDataLoader.loadEmotions(path: Fixture.path("emotion_pixels.csv"))
        XCTAssertEqual(set.labels, [3, 0])
        XCTAssertNil(set.usage)
        XCTAssertEqual(set.classCount, 5)
        XCTAssertEqual(set.images.scalars[0], Fixture.pixel(row: 1, 0))
    }

    func testDataInfoJSON() throws {
        XCTAssertEqual(try DataInfo(path: Fixture.path("training.csv")).json,
                       "{\"kind\": \"keypoints\", \"rows\": 3, \"complete_rows\": 2, \"classes\": {}}")
        XCTAssertEqual(try DataInfo(path: Fixture.path("icml_face_data.csv")).json,
                       "{\"kind\": \"icml_face_data\", \"rows\": 3, \"complete_rows\": 3, \"classes\": {\"anger\": 0, \"disgust\": 1, \"sad\": 1, \"happiness\": 0, \"surprise\": 1}}")
        XCTAssertEqual(try DataInfo(path: Fixture.path("fer2013.csv")).kind, "fer2013")
        XCTAssertEqual(try DataInfo(path: Fixture.path("emotion_pixels.csv")).kind, "emotion_pixels")
    }

    // MARK: Bad rows give exact errors

    func assertError(_ file: String, _ expected: String, classes: Int? = nil, line: UInt = #line) {
        do {
            _ = try FaceDataLoader.load(path: Fixture.path(file))
            XCTFail("\(file) loaded without an error", line: line)
        } catch {
            XCTAssertEqual("\(error)", expected, line: line)
        }
    }

    func testImageWithTooFewValues() {
        assertError("bad_image_count.csv", "bad_image_count.csv: row 2: Image has 9215 values, expected 9216")
    }

    func testKeypointThatIsNotANumber() {
        assertError("bad_keypoint.csv", "bad_keypoint.csv: row 1: left_eye_center_y is \"abc\", expected a number or an empty field")
    }

    func testRowWithMissingField() {
        assertError("bad_fields.csv", "bad_fields.csv: row 2: has 2 fields, expected 3")
    }

    func testPixelOutOfRange() {
        assertError("bad_pixel.csv", "bad_pixel.csv: row 1: pixels value 5 is 256, expected an integer 0-255")
    }

    func testPixelThatIsNotAnInteger() {
        assertError("bad_pixel_token.csv", "bad_pixel_token.csv: row 3: pixels value 10 is \"12a\", expected an integer 0-255")
    }

    func testLabelThatIsNotAnInteger() {
        assertError("bad_label.csv", "bad_label.csv: row 2: emotion is \"x\", expected an integer class 0-6")
    }

    func testUnknownHeader() {
        assertError("bad_header.csv", "bad_header.csv: header \"foo,bar\" is not a known layout, expected the 30 keypoint columns and Image, ImageId and Image, or emotion and pixels")
    }

    func testMissingFile() {
        XCTAssertThrowsError(try FaceDataLoader.load(path: "/nonexistent/training.csv")) { error in
            XCTAssertTrue("\(error)".hasPrefix("training.csv: cannot open /nonexistent/training.csv"), "\(error)")
        }
    }

    func testLabelOutsideRequestedClasses() {
        XCTAssertThrowsError(try FaceDataLoader.loadEmotions(path: Fixture.path("fer2013.csv"), classes: 5)) { error in
            XCTAssertEqual("\(error)", "fer2013.csv: row 2: emotion is \"6\", expected an integer class 0-4")
        }
    }

    func testKeypointFileAskedForAsEmotions() {
        XCTAssertThrowsError(try FaceDataLoader.loadEmotions(path: Fixture.path("training.csv"))) { error in
            XCTAssertEqual("\(error)", "training.csv: holds keypoints (keypoints layout), expected emotions")
        }
    }

    func testGzippedFilesLoadAsThePlainOnes() throws {
        let plain = try FaceDataLoader.loadKeypoints(path: Fixture.path("training.csv"))
        let packed = try FaceDataLoader.loadKeypoints(path: Fixture.path("training.csv.gz"))
        XCTAssertEqual(packed.images.scalars, plain.images.scalars)
        XCTAssertEqual(packed.keypoints.scalars, plain.keypoints.scalars)
        XCTAssertEqual(packed.mask.scalars, plain.mask.scalars)
        let emotions = try FaceDataLoader.loadEmotions(path: Fixture.path("emotion_pixels.csv.gz"))
        XCTAssertEqual(emotions.labels, [3, 0])
        XCTAssertEqual(emotions.images.scalars[2304 + 17], Fixture.pixel(row: 2, 17))
        XCTAssertEqual(try DataInfo(path: Fixture.path("emotion_pixels.csv.gz")).kind, "emotion_pixels")
    }

    func testBrokenGzipNamesTheFile() throws {
        XCTAssertThrowsError(try FaceDataLoader.load(path: Fixture.path("bad_truncated.csv.gz"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("bad_truncated.csv.gz: gzip data ends early"), "\(error)")
        }
        XCTAssertThrowsError(try FaceDataLoader.load(path: Fixture.path("bad_corrupt.csv.gz"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("bad_corrupt.csv.gz: corrupt gzip data"), "\(error)")
        }
        // A plain CSV named .gz is not read as text by mistake.
        XCTAssertThrowsError(try FaceDataLoader.load(path: Fixture.path("bad_header.csv.gz"))) { error in
            XCTAssertTrue("\(error)".contains("bad_header.csv.gz"), "\(error)")
        }
    }
}
