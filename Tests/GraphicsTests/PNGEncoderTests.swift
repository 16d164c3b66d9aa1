import XCTest
import Graphics

/// A small deterministic generator for test pixels.
struct TestBytes {
    var state: UInt64
    mutating func next() -> UInt8 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}

final class PNGEncoderTests: XCTestCase {
    func testGrayImageRoundTripsThroughAnIndependentDecoder() throws {
        var gen = TestBytes(state: 1)
        var pixels = [UInt8](repeating: 0, count: 37 * 23)
        for i in pixels.indices {
            // Mix smooth gradients and noise so that different rows pick different filters.
            let x = i % 37, y = i / 37
            pixels[i] = y % 3 == 0 ? gen.next() : UInt8((x * 7 + y * 3) & 0xff)
        }
        let image = try GrayImage(width: 37, height: 23, pixels: pixels)
        let png = try PNGReader(image.pngData())
        XCTAssertEqual(png.chunkTypes, ["IHDR", "IDAT", "IEND"])
        XCTAssertEqual(png.width, 37)
        XCTAssertEqual(png.height, 23)
        XCTAssertEqual(png.bitDepth, 8)
        XCTAssertEqual(png.colorType, 0)
        XCTAssertEqual(png.pixels, pixels)
    }

    func testRGBAImageRoundTripsAsRGBWhenOpaqueAndRGBAOtherwise() throws {
        var gen = TestBytes(state: 7)
        var image = RGBAImage(width: 19, height: 11)
        for y in 0..<11 { for x in 0..<19 {
            image.set(x: x, y: y, Color(r: gen.next(), g: UInt8(x * 10), b: UInt8(y * 20)))
        } }
        let rgb = try PNGReader(image.pngData())
        XCTAssertEqual(rgb.colorType, 2)
        for y in 0..<11 { for x in 0..<19 {
            let c = image[x, y]!
            let (r, g, b) = rgb.rgb(x, y)
            XCTAssertEqual([r, g, b], [c.r, c.g, c.b])
        } }
        image.set(x: 3, y: 4, Color(r: 1, g: 2, b: 3, a: 100))
        let rgba = try PNGReader(image.pngData())
        XCTAssertEqual(rgba.colorType, 6)
        XCTAssertEqual(rgba.pixels, image.pixels)
    }

    func testEveryFilterTypeIsChosenSomewhereAndDecodesExactly() throws {
        // Rows built so that None, Sub, Up, Average and Paeth each win somewhere.
        let w = 64, h = 40
        var gen = TestBytes(state: 3)
        var pixels = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w {
            switch y % 5 {
            case 0: pixels[y * w + x] = x % 2 == 0 ? 0 : 1                 // tiny values: None
            case 1: pixels[y * w + x] = UInt8((x * 37 + 100) & 0xff)     // horizontal ramp: Sub
            case 2: pixels[y * w + x] = pixels[(y - 1) * w + x]          // copy of the row above: Up
            default: pixels[y * w + x] = gen.next()
            }
        } }
        let png = try PNGReader(try GrayImage(width: w, height: h, pixels: pixels).pngData())
        XCTAssertEqual(png.pixels, pixels)
        XCTAssertTrue(Set(png.filters).isSuperset(of: [0, 1, 2]), "filters used: \(Set(png.filters).sorted())")
    }

    func testEncodingIsDeterministic() throws {
        var gen = TestBytes(state: 11)
        let pixels = (0..<(50 * 50)).map { _ in gen.next() }
        let a = try GrayImage(width: 50, height: 50, pixels: pixels).pngData()
        let b = try GrayImage(width: 50, height: 50, pixels: pixels).pngData()
        XCTAssertEqual(a, b)
    }

    func testFloatImagesMapTheirRangeToGrayLevels() throws {
        let image = try GrayImage(width: 3, height: 1, values: [0, 0.5, 1])
        XCTAssertEqual(image.pixels, [0, 128, 255])
        let stretched = try GrayImage(width: 3, height: 1, values: [-2, 0, .nan], range: -2...2)
        XCTAssertEqual(stretched.pixels, [0, 128, 0])
        XCTAssertThrowsError(try GrayImage(width: 2, height: 2, values: [1, 2, 3]))
    }

    func testEmptyImageStillGivesAValidFile() throws {
        let png = try PNGReader(GrayImage(width: 0, height: 0).pngData())
        XCTAssertEqual(png.width, 1)
        XCTAssertEqual(png.height, 1)
    }

    func testSaveWritesTheFileAtomicallyAndReportsBadPaths() throws {
        let dir = NSTemporaryDirectory() + "ainb-graphics-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let image = GrayImage(width: 8, height: 8, fill: 200)
        let path = dir + "/a.png"
        try image.save(to: path)
        try image.save(to: path)   // replacing works too
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(bytes, image.pngData())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["a.png"])
        XCTAssertThrowsError(try image.save(to: dir + "/missing/b.png")) { error in
            guard case GraphicsError.io(let p, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(p, dir + "/missing/b.png")
        }
    }
}

final class RasterTests: XCTestCase {
    func testColourImagesFromPlanarAndInterleavedValues() throws {
        // 2×1 image: a red pixel and a blue one, in CHW floats.
        let planar = try RGBAImage(width: 2, height: 1, channels: 3, values: [1, 0, 0, 0, 0, 1], layout: .planar)
        XCTAssertEqual(planar[0, 0], Color(r: 255, g: 0, b: 0))
        XCTAssertEqual(planar[1, 0], Color(r: 0, g: 0, b: 255))
        let interleaved = try RGBAImage(width: 2, height: 1, channels: 4, bytes: [255, 0, 0, 255, 0, 0, 255, 128])
        XCTAssertEqual(interleaved[1, 0], Color(r: 0, g: 0, b: 255, a: 128))
        let png = try PNGReader(interleaved.pngData())
        XCTAssertEqual(png.colorType, 6)
        XCTAssertEqual(png.pixels, interleaved.pixels)
        XCTAssertThrowsError(try RGBAImage(width: 2, height: 2, channels: 3, values: [0, 1]))
        XCTAssertThrowsError(try RGBAImage(width: 1, height: 1, channels: 2, values: [0, 1]))
    }

    func testDrawingOneImageOnAnotherBlendsByAlpha() throws {
        var base = RGBAImage(width: 2, height: 1, fill: .white)
        let top = try RGBAImage(width: 2, height: 1, channels: 4, bytes: [0, 0, 0, 255, 0, 0, 0, 0])
        base.draw(top, x: 0, y: 0)
        XCTAssertEqual(base[0, 0], .black)
        XCTAssertEqual(base[1, 0], .white)
    }
}
