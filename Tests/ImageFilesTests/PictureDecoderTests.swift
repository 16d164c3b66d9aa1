import Foundation
import Graphics
import ImageFiles
import XCTest

/// The JPEG fixtures written by Scripts/make_image_fixtures.c.
private func fixture(_ name: String) -> String {
    Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")?.path ?? "/missing-fixture/\(name)"
}

/// A fresh folder for one test's files.
private func scratchFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ainb-imagefiles-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

final class PictureDecoderTests: XCTestCase {
    func testGrayPNGDecodesToItsExactPixels() throws {
        let pixels = (0..<(5 * 3)).map { UInt8($0 * 17) }
        let png = PNGEncoder.encode(width: 5, height: 3, colorType: .gray, bytes: pixels)
        let image = try PictureDecoder.decodeGray(png, source: "ramp.png")
        XCTAssertEqual(image.width, 5)
        XCTAssertEqual(image.height, 3)
        XCTAssertEqual(image.pixels, pixels)
    }

    func testColourPNGBecomesGrayByLuminance() throws {
        // white, black, red, green, blue
        let rgb: [UInt8] = [255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]
        let image = try PictureDecoder.decodeGray(PNGEncoder.encode(width: 5, height: 1, colorType: .rgb, bytes: rgb), source: "rgb.png")
        let (white, black, red, green, blue) = (image.pixels[0], image.pixels[1], image.pixels[2], image.pixels[3], image.pixels[4])
        XCTAssertEqual(white, 255)
        XCTAssertEqual(black, 0)
        // Green carries most of the luminance, blue the least.
        XCTAssertGreaterThan(green, red)
        XCTAssertGreaterThan(red, blue)
        XCTAssertGreaterThan(blue, 0)
    }

    func testTransparentPNGPixelsBecomeWhite() throws {
        let rgba: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 255]
        let image = try PictureDecoder.decodeGray(PNGEncoder.encode(width: 2, height: 1, colorType: .rgba, bytes: rgba), source: "alpha.png")
        XCTAssertEqual(image.pixels, [255, 0])
    }

    func testGrayJPEGDecodesCloseToItsRamp() throws {
        let image = try PictureDecoder.readGray(path: fixture("gray.jpg"))
        XCTAssertEqual(image.width, 24)
        XCTAssertEqual(image.height, 16)
        for y in 0..<16 {
            for x in 0..<24 {
                XCTAssertEqual(Double(image.pixels[y * 24 + x]), Double(10 * x), accuracy: 3, "pixel (\(x), \(y))")
            }
        }
    }

    func testColourJPEGBecomesItsLuma() throws {
        let image = try PictureDecoder.readGray(path: fixture("color.jpg"))
        XCTAssertEqual(image.width, 16)
        // JPEG's luma: 0.299 R + 0.587 G + 0.114 B, so pure red is 76 and pure blue 29.
        XCTAssertEqual(Double(image.pixels[8 * 16 + 2]), 76, accuracy: 4)
        XCTAssertEqual(Double(image.pixels[8 * 16 + 13]), 29, accuracy: 4)
    }

    func testTruncatedJPEGIsAnErrorNamingTheFile() {
        let path = fixture("truncated.jpg")
        XCTAssertThrowsError(try PictureDecoder.readGray(path: path)) { error in
            guard case .broken(let p, let format, _)? = error as? ImageFileError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, path)
            XCTAssertEqual(format, "JPEG")
            XCTAssertTrue("\(error)".contains("truncated.jpg"))
        }
    }

    func testTruncatedPNGIsAnErrorNamingTheFile() throws {
        let png = PNGEncoder.encode(width: 8, height: 8, colorType: .gray, bytes: (0..<64).map { UInt8($0 * 3) })
        XCTAssertThrowsError(try PictureDecoder.decodeGray(Array(png.prefix(png.count / 2)), source: "cut.png")) { error in
            guard case .broken(let p, let format, let reason)? = error as? ImageFileError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, "cut.png")
            XCTAssertEqual(format, "PNG")
            XCTAssertFalse(reason.isEmpty)
        }
    }

    func testPNGWithADamagedChunkIsAnError() throws {
        var png = PNGEncoder.encode(width: 4, height: 4, colorType: .gray, bytes: [UInt8](repeating: 9, count: 16))
        png[20] ^= 0xFF  // inside IHDR's width: its CRC no longer matches
        XCTAssertThrowsError(try PictureDecoder.decodeGray(png, source: "crc.png")) { error in
            XCTAssertTrue("\(error)".contains("crc.png"), "\(error)")
        }
    }

    func testOtherBytesAreAnUnknownFormat() {
        XCTAssertThrowsError(try PictureDecoder.decodeGray(Array("not a picture".utf8), source: "notes.txt")) { error in
            XCTAssertEqual(error as? ImageFileError, .unknownFormat(path: "notes.txt"))
        }
        XCTAssertThrowsError(try PictureDecoder.decodeGray([], source: "empty.png")) { error in
            XCTAssertEqual(error as? ImageFileError, .unknownFormat(path: "empty.png"))
        }
    }

    func testMissingFileIsAnErrorNamingIt() {
        XCTAssertThrowsError(try PictureDecoder.readGray(path: "/no/such/face.png")) { error in
            XCTAssertEqual(error as? ImageFileError, .unreadable(path: "/no/such/face.png", reason: "no such file"))
        }
    }
}

final class FacePhotosTests: XCTestCase {
    func testCentreCropKeepsTheMiddleSquare() throws {
        let wide = try PictureDecoder.readGray(path: fixture("gray.jpg"))  // 24×16, pixel ≈ 10·x
        let square = FacePhotos.centreCrop(wide)
        XCTAssertEqual(square.width, 16)
        XCTAssertEqual(square.height, 16)
        XCTAssertEqual(Double(square.pixels[0]), 40, accuracy: 3)   // column 4 of the original
        XCTAssertEqual(Double(square.pixels[15]), 190, accuracy: 3) // column 19
        let tall = try GrayImage(width: 2, height: 4, pixels: [1, 1, 2, 2, 3, 3, 4, 4])
        XCTAssertEqual(FacePhotos.centreCrop(tall).pixels, [2, 2, 3, 3])
    }

    func testBoxShrinkAveragesBlocks() throws {
        let image = try GrayImage(width: 4, height: 2, pixels: [0, 2, 10, 20, 4, 6, 30, 40])
        let shrunk = FacePhotos.boxShrink(image, factor: 2)
        XCTAssertEqual(shrunk.width, 2)
        XCTAssertEqual(shrunk.height, 1)
        XCTAssertEqual(shrunk.pixels, [3, 25])
    }

    func testAFlatPhotoStaysFlatAtAnySize() throws {
        let big = try GrayImage(width: 500, height: 300, pixels: [UInt8](repeating: 137, count: 500 * 300))
        let face = try FacePhotos.face(big, size: 96)
        XCTAssertEqual(face.width, 96)
        XCTAssertEqual(face.height, 96)
        XCTAssertEqual(Set(face.pixels), [137])
        let small = try GrayImage(width: 10, height: 10, pixels: [UInt8](repeating: 40, count: 100))
        XCTAssertEqual(Set(try FacePhotos.face(small, size: 32).pixels), [40])
    }

    func testAFolderGivesItsPicturesInNameOrder() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dark = PNGEncoder.encode(width: 20, height: 20, colorType: .gray, bytes: [UInt8](repeating: 10, count: 400))
        let light = PNGEncoder.encode(width: 30, height: 20, colorType: .gray, bytes: [UInt8](repeating: 200, count: 600))
        try Data(light).write(to: folder.appendingPathComponent("b.PNG"))
        try Data(dark).write(to: folder.appendingPathComponent("a.png"))
        try Data("ignore me".utf8).write(to: folder.appendingPathComponent("readme.txt"))
        try FileManager.default.copyItem(atPath: fixture("gray.jpg"), toPath: folder.appendingPathComponent("c.jpg").path)
        let (images, files) = try FacePhotos.load([folder.path], size: 16)
        XCTAssertEqual(files.map { ($0 as NSString).lastPathComponent }, ["a.png", "b.PNG", "c.jpg"])
        XCTAssertEqual(images.shape, [3, 1, 16, 16])
        XCTAssertEqual(Set(images.scalars[0..<256]), [10])
        XCTAssertEqual(Set(images.scalars[256..<512]), [200])
    }

    func testABrokenFileInAFolderIsNamed() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(PNGEncoder.encode(width: 4, height: 4, colorType: .gray, bytes: [UInt8](repeating: 1, count: 16)))
            .write(to: folder.appendingPathComponent("good.png"))
        try Data("GIF89a".utf8).write(to: folder.appendingPathComponent("bad.jpg"))
        XCTAssertThrowsError(try FacePhotos.load([folder.path], size: 8)) { error in
            XCTAssertEqual(error as? ImageFileError, .unknownFormat(path: folder.appendingPathComponent("bad.jpg").path))
        }
    }

    func testAFolderWithoutPicturesIsAnError() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try FacePhotos.load([folder.path], size: 96)) { error in
            XCTAssertEqual(error as? ImageFileError, .noPictures(path: folder.path))
        }
    }
}
