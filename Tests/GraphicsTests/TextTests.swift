import XCTest
import Graphics

final class TextTests: XCTestCase {
    let sample = "Ag|,0.5 Loss_{lr}"

    func testTextInkStaysInsideItsMeasuredBoxAtScaleOneAndTwo() {
        for scale in [1, 2] {
            let size = BitmapFont.measure(sample, scale: scale)
            var image = RGBAImage(width: 300, height: 60)
            let box = image.drawText(sample, at: Point(20, 10), scale: scale)
            XCTAssertEqual(box, Rect(x: 20, y: 10, width: Double(size.width), height: Double(size.height)))
            let ink = inkBounds(image)!
            XCTAssertGreaterThanOrEqual(ink.minX, 20)
            XCTAssertGreaterThanOrEqual(ink.minY, 10)
            XCTAssertLessThan(ink.maxX, 20 + size.width)
            XCTAssertLessThan(ink.maxY, 10 + size.height)
            // The box is tight: ink reaches its left, right, top and bottom edges.
            XCTAssertEqual(ink.minX, 20)
            XCTAssertEqual(ink.maxX, 20 + size.width - 1)
            XCTAssertEqual(ink.minY, 10)
            XCTAssertEqual(ink.maxY, 10 + size.height - 1)
        }
    }

    func testScaleTwoIsScaleOneDoubledWithSmoothedDiagonals() {
        let one = BitmapFont.measure("Hello, 123", scale: 1)
        let two = BitmapFont.measure("Hello, 123", scale: 2)
        XCTAssertEqual(two.width, 2 * one.width)
        XCTAssertEqual(two.height, 2 * one.height)
        var a = RGBAImage(width: 80, height: 20), b = RGBAImage(width: 160, height: 40)
        a.drawText("Hello, 123", at: Point(0, 0), scale: 1)
        b.drawText("Hello, 123", at: Point(0, 0), scale: 2)
        // Every inked pixel at 1x keeps ink in its 2×2 block at 2x; blank areas stay blank
        // except where diagonals are smoothed (a block with an inked neighbour).
        for y in 0..<20 { for x in 0..<80 {
            let block = [b[2 * x, 2 * y], b[2 * x + 1, 2 * y], b[2 * x, 2 * y + 1], b[2 * x + 1, 2 * y + 1]]
            if a[x, y] == .black {
                XCTAssertTrue(block.contains(.black), "(\(x), \(y))")
            } else if block.contains(.black) {
                let neighbours = [a[x - 1, y], a[x + 1, y], a[x, y - 1], a[x, y + 1]]
                XCTAssertTrue(neighbours.contains(.black), "(\(x), \(y))")
            }
        } }
    }

    func testAlignmentPlacesTheBoxAroundTheAnchor() {
        var image = RGBAImage(width: 200, height: 100)
        let size = BitmapFont.measure("centre")
        let box = image.drawText("centre", at: Point(100, 50), align: .center, vertical: .middle)
        XCTAssertEqual(box.minX, (100 - Double(size.width) / 2).rounded())
        XCTAssertEqual(box.minY, (50 - Double(size.ascent) / 2).rounded())
        let right = image.drawText("right", at: Point(190, 90), align: .right, vertical: .bottom)
        XCTAssertEqual(right.maxX, 190)
        XCTAssertEqual(right.maxY, 90)
        let base = image.drawText("Base", at: Point(10, 30), vertical: .baseline)
        XCTAssertEqual(base.minY + Double(BitmapFont.ascent), 30)
    }

    func testRotatedTextRunsUpwardsInsideItsBox() {
        var image = RGBAImage(width: 60, height: 120)
        let box = image.drawText("loss", at: Point(10, 10), rotated: true)
        let size = BitmapFont.measure("loss")
        XCTAssertEqual(box.width, Double(size.height))
        XCTAssertEqual(box.height, Double(size.width))
        let ink = inkBounds(image)!
        XCTAssertGreaterThanOrEqual(ink.minX, 10); XCTAssertLessThan(ink.maxX, 10 + size.height)
        XCTAssertGreaterThanOrEqual(ink.minY, 10); XCTAssertLessThan(ink.maxY, 10 + size.width)
        XCTAssertGreaterThan(ink.maxY - ink.minY, ink.maxX - ink.minX)   // taller than wide
    }

    func testEveryPrintableCharacterHasAGlyphAndUnknownOnesShowAQuestionMark() {
        for code in 33...126 {
            var image = RGBAImage(width: 12, height: 12)
            image.drawText(String(UnicodeScalar(UInt8(code))), at: Point(1, 1))
            XCTAssertNotNil(inkBounds(image), "no ink for \(code)")
        }
        XCTAssertEqual(BitmapFont.measure("\u{2603}"), BitmapFont.measure("?"))
        XCTAssertEqual(BitmapFont.measure(" ").width, 3)
        XCTAssertEqual(BitmapFont.measure("").width, 0)
        // Digits share one width so that numbers line up.
        XCTAssertEqual(BitmapFont.measure("1111").width, BitmapFont.measure("8888").width)
    }

    func testMultilineTextStacksLines() {
        let one = BitmapFont.measure("ab")
        let two = BitmapFont.measure("ab\nlonger")
        XCTAssertEqual(two.height, one.height + BitmapFont.lineHeight)
        XCTAssertEqual(two.width, BitmapFont.measure("longer").width)
    }
}
