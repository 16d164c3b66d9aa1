import XCTest
import Graphics

/// The smallest box holding every pixel that differs from white (nil if none).
func inkBounds(_ image: RGBAImage, threshold: Int = 0) -> (minX: Int, minY: Int, maxX: Int, maxY: Int)? {
    var box: (Int, Int, Int, Int)?
    for y in 0..<image.height { for x in 0..<image.width {
        let c = image[x, y]!
        if 255 - Int(min(c.r, c.g, c.b)) > threshold {
            box = box.map { (min($0.0, x), min($0.1, y), max($0.2, x), max($0.3, y)) } ?? (x, y, x, y)
        }
    } }
    return box.map { (minX: $0.0, minY: $0.1, maxX: $0.2, maxY: $0.3) }
}

final class DrawingTests: XCTestCase {
    func testHorizontalLineCoversExactlyItsPixelsUpToItsEnds() {
        var image = RGBAImage(width: 60, height: 20)
        image.drawLine(from: Point(10.5, 5.5), to: Point(40.5, 5.5), width: 1, color: .black)
        for x in 10...40 { XCTAssertEqual(image[x, 5], .black, "x=\(x)") }
        XCTAssertEqual(image[5, 5], .white)
        XCTAssertEqual(image[45, 5], .white)
        XCTAssertEqual(image[25, 4], .white)
        XCTAssertEqual(image[25, 6], .white)
    }

    func testDiagonalLineEndpointsAreDrawnWhereAsked() {
        var image = RGBAImage(width: 80, height: 60)
        let a = Point(12.5, 8.5), b = Point(61.5, 47.5)
        image.drawLine(from: a, to: b, width: 3, color: .red)
        XCTAssertEqual(image[12, 8], .red)
        XCTAssertEqual(image[61, 47], .red)
        XCTAssertEqual(image[37, 28], .red)   // near the middle (37, 28)
        let ink = inkBounds(image)!
        // Round caps reach half the width (1.5 px) past each end, plus at most one anti-aliased pixel.
        XCTAssertGreaterThanOrEqual(ink.minX, 10); XCTAssertLessThanOrEqual(ink.minX, 11)
        XCTAssertGreaterThanOrEqual(ink.minY, 6); XCTAssertLessThanOrEqual(ink.minY, 7)
        XCTAssertGreaterThanOrEqual(ink.maxX, 62); XCTAssertLessThanOrEqual(ink.maxX, 63)
        XCTAssertGreaterThanOrEqual(ink.maxY, 48); XCTAssertLessThanOrEqual(ink.maxY, 49)
        XCTAssertEqual(image[70, 10], .white)
    }

    func testWideLineHasItsWidth() {
        var image = RGBAImage(width: 40, height: 40)
        image.drawLine(from: Point(5, 20), to: Point(35, 20), width: 6, color: .black)
        // Rows 17...22 are fully inside the 6-pixel band centred on y = 20.
        for y in 17...22 { XCTAssertEqual(image[20, y], .black, "y=\(y)") }
        XCTAssertEqual(image[20, 15], .white)
        XCTAssertEqual(image[20, 24], .white)
    }

    func testAntialiasedEdgesBlendPartially() {
        var image = RGBAImage(width: 10, height: 10)
        image.fillRect(Rect(x: 2, y: 2, width: 3.5, height: 4), color: .black)
        XCTAssertEqual(image[3, 3], .black)
        let edge = image[5, 3]!
        XCTAssertEqual(Int(edge.r), 128, accuracy: 1)    // half covered: half way to black
        XCTAssertEqual(image[6, 3], .white)
    }

    func testHalfTransparentColourBlendsOverWhite() {
        var image = RGBAImage(width: 4, height: 4)
        image.fillRect(Rect(x: 0, y: 0, width: 4, height: 4), color: Color(r: 255, g: 0, b: 0, a: 128))
        XCTAssertEqual(image[1, 1], Color(r: 255, g: 127, b: 127))
    }

    func testPolygonCoversItsArea() {
        var image = RGBAImage(width: 50, height: 50)
        // A right triangle with legs of 40: area 800.
        image.fillPolygon([Point(5, 5), Point(45, 45), Point(5, 45)], color: .black)
        var covered = 0.0
        for y in 0..<50 { for x in 0..<50 { covered += 1 - Double(image[x, y]!.r) / 255 } }
        XCTAssertEqual(covered, 800, accuracy: 8)
        XCTAssertEqual(image[8, 40], .black)
        XCTAssertEqual(image[40, 8], .white)
    }

    func testCircleIsCentredAndHasItsRadius() {
        var image = RGBAImage(width: 41, height: 41)
        image.fillCircle(center: Point(20.5, 20.5), radius: 10, color: .black)
        let ink = inkBounds(image, threshold: 150)!   // more than half covered
        XCTAssertEqual(ink.minX, 11); XCTAssertEqual(ink.maxX, 29)
        XCTAssertEqual(ink.minY, 11); XCTAssertEqual(ink.maxY, 29)
    }

    func testMarkersAreCentredOnTheirPoint() {
        for marker in Marker.allCases {
            var image = RGBAImage(width: 31, height: 31)
            image.drawMarker(marker, at: Point(15.5, 15.5), size: 9, color: .black)
            guard let ink = inkBounds(image, threshold: 40) else { return XCTFail("\(marker) drew nothing") }
            XCTAssertEqual(ink.minX + ink.maxX, 30, accuracy: 1, "\(marker)")
            XCTAssertLessThanOrEqual(ink.maxX - ink.minX, 10, "\(marker)")
            XCTAssertGreaterThanOrEqual(ink.maxX - ink.minX, 5, "\(marker)")
        }
        XCTAssertEqual(Marker(code: "x"), .x)
        XCTAssertEqual(Marker(code: "o"), .dot)
        XCTAssertNil(Marker(code: "?"))
    }

    func testNonFiniteCoordinatesDrawNothingAndDoNotTrap() {
        var image = RGBAImage(width: 20, height: 20)
        let blank = image
        image.drawLine(from: Point(.nan, 3), to: Point(10, .infinity), width: 2, color: .black)
        image.drawMarker(.dot, at: Point(.nan, .nan), color: .black)
        image.fillCircle(center: Point(.infinity, 0), radius: 3, color: .black)
        image.fillPolygon([Point(0, 0), Point(.nan, 5), Point(5, 5)], color: .black)
        image.drawText("hi", at: Point(.nan, 2))
        XCTAssertEqual(image, blank)
        // Huge but finite coordinates are clipped, not allocated.
        image.drawLine(from: Point(-1e12, 10.5), to: Point(1e12, 10.5), width: 1, color: .black)
        XCTAssertEqual(image[0, 10], .black)
        XCTAssertEqual(image[19, 10], .black)
    }

    func testGrayImagesAreDrawnScaledAtTheirPlace() throws {
        let gray = try GrayImage(width: 2, height: 2, pixels: [0, 50, 100, 150])
        var canvas = RGBAImage(width: 10, height: 10)
        canvas.draw(gray, x: 3, y: 4, scale: 2)
        XCTAssertEqual(canvas[3, 4], Color(gray: 0))
        XCTAssertEqual(canvas[4, 5], Color(gray: 0))
        XCTAssertEqual(canvas[5, 4], Color(gray: 50))
        XCTAssertEqual(canvas[6, 7], Color(gray: 150))
        XCTAssertEqual(canvas[7, 7], .white)
        XCTAssertEqual(gray.scaled(by: 3).width, 6)
        XCTAssertEqual(gray.scaled(by: 3)[5, 5], 150)
    }
}

final class ExtremeValueTests: XCTestCase {
    func testHugeCoordinatesAreClippedNotTrapped() {
        var image = RGBAImage(width: 30, height: 30)
        image.drawLine(from: Point(-1e300, 15.5), to: Point(1e300, 15.5), width: 1, color: .black)
        XCTAssertEqual(image[0, 15], .black)
        XCTAssertEqual(image[29, 15], .black)
        image.drawLine(from: Point(5.5, 5.5), to: Point(5.5, 1e308), width: 1, color: .black)
        XCTAssertEqual(image[5, 29], .black)
        image.fillRect(Rect(x: -1e300, y: 20, width: 1e308, height: 2), color: .red)
        XCTAssertEqual(image[10, 21], .red)
        image.fillCircle(center: Point(1e300, 1e300), radius: 1e300, color: .blue)
        image.fillPolygon([Point(-1e300, -1e300), Point(1e300, 0), Point(0, 1e300)], color: .green)
        image.drawText("far", at: Point(1e300, -1e300))
        image.drawMarker(.cross, at: Point(-1e200, 3), size: 1e10, color: .black)
    }

    func testExtremeDataWithFixedLimitsRendersWithoutTrapping() {
        var plot = Plot(series: [.line(x: [0, 1, 2], y: [0, 1e300, -1e300]), .bars([1e300, -1e300, 2]),
                                 .scatter(x: [1, 2], y: [1e200, 3])],
                        yLimits: 0...10)
        _ = Figure(plot).render()
        plot.yLimits = nil
        _ = Figure(plot).render()
        plot.yScale = .log
        plot.xLimits = -5...(-1)            // unusable: falls back to the data
        _ = Figure(plot).render()
        _ = Figure.lines([.line([.greatestFiniteMagnitude, -.greatestFiniteMagnitude])]).render()
        _ = Figure.lines([.line([1e-320, 2e-320])]).render()
        _ = Figure.heatmap(Heatmap([[1e308, -1e308]])).render()
    }
}
