import XCTest
import Graphics

/// Three smooth curves like a training history.
func historyFigure() -> Figure {
    let epochs = 80
    var train: [Double] = [], valid: [Double] = [], lr: [Double] = []
    for i in 0..<epochs {
        let t = Double(i)
        let decay: Double = 1.8 * exp(-t / 14)
        let wiggle: Double = 0.05 * sin(t)
        train.append(decay + wiggle + 0.2)
        let v: Double = 1.9 * exp(-t / 16)
        valid.append(v + 0.3)
        let c: Double = 0.4 * cos(t / 12)
        lr.append(0.5 + c)
    }
    return Figure.lines([.line(train, label: "train"), .line(valid, label: "validation", marker: .dot),
                         .line(lr, label: "scaled lr")],
                        title: "History", xLabel: "epoch", yLabel: "loss")
}

/// 64 faces-like images with two sets of points.
func faceGrid(titles: Bool = true) -> Figure {
    var cells: [GridCell] = []
    for k in 0..<64 {
        var image = GrayImage(width: 96, height: 96)
        for y in 0..<96 {
            for x in 0..<96 {
                let v: Int = (x * 3 + y * 5 + k * 11) % 256
                image.pixels[y * 96 + x] = UInt8(v)
            }
        }
        var points: [Point] = []
        for j in 0..<15 {
            let px: Double = 20 + Double((j * 7) % 56)
            let py: Double = 25 + Double((j * 11) % 50)
            points.append(Point(px, py))
        }
        cells.append(GridCell(image: image, title: titles ? "#\(k)" : nil, points: points,
                              predicted: points.map { Point($0.x + 1.5, $0.y - 2) }))
    }
    return Figure.grid(ImageGrid(cells, columns: 8))
}

final class FigureTests: XCTestCase {
    func testRenderingTwiceGivesIdenticalBytes() throws {
        let figures = [historyFigure(), faceGrid(),
                       Figure.heatmap(.confusionMatrix([[5, 1], [2, 7]], classes: ["cat", "dog"])),
                       Figure.histogram((0..<500).map { sin(Double($0)) }, bins: 20),
                       Figure.bars([3, 1, 2], categories: ["a", "b", "c"], valueLabels: true)]
        for figure in figures {
            let a = figure.pngData(), b = figure.pngData()
            XCTAssertEqual(a, b)
            let png = try PNGReader(a)
            XCTAssertEqual(png.width, figure.size.width)
            XCTAssertEqual(png.height, figure.size.height)
            XCTAssertEqual(png.colorType, 2)
        }
        XCTAssertEqual(historyFigure().pngData(), historyFigure().pngData())
    }

    func testPlotsDefaultTo640By480AndHonourAGivenSize() {
        XCTAssertTrue(historyFigure().size == (640, 480))
        var f = historyFigure(); f.width = 300; f.height = 200
        let image = f.render()
        XCTAssertEqual(image.width, 300); XCTAssertEqual(image.height, 200)
    }

    func testSeriesUseTheColourCycleInOrder() {
        let image = historyFigure().render()
        var found = Set<Color>()
        for y in 0..<image.height { for x in 0..<image.width { found.insert(image[x, y]!) } }
        XCTAssertTrue(found.contains(Color.series(0)))
        XCTAssertTrue(found.contains(Color.series(1)))
        XCTAssertTrue(found.contains(Color.series(2)))
        XCTAssertFalse(found.contains(Color.series(3)))
    }

    func testGridSizeFollowsItsContent() throws {
        let withTitles = faceGrid().render()
        let pad = 10, gap = 6, caption = BitmapFont.ascent + BitmapFont.descent + 3
        XCTAssertEqual(withTitles.width, 2 * pad + 8 * 96 + 7 * gap)
        XCTAssertEqual(withTitles.height, 2 * pad + 8 * (96 + caption) + 7 * gap)
        let plain = faceGrid(titles: false).render()
        XCTAssertEqual(plain.height, 2 * pad + 8 * 96 + 7 * gap)
        // The first image's pixels are copied unchanged where no marker covers them.
        XCTAssertEqual(plain[pad + 2, pad + 3], Color(gray: UInt8((2 * 3 + 3 * 5) % 256)))
        // Second image in the first row starts one slot to the right.
        XCTAssertEqual(plain[pad + 96 + gap, pad], Color(gray: 11))
        // Scale 2 doubles the pictures.
        let big = Figure.grid(ImageGrid([GridCell(image: GrayImage(width: 10, height: 8))], scale: 2)).render()
        XCTAssertEqual(big.width, 2 * pad + 20)
        XCTAssertEqual(big.height, 2 * pad + 16)
    }

    func testGridMarksKeypointsAtTheirPixel() {
        let cell = GridCell(image: GrayImage(width: 40, height: 40, fill: 128), points: [Point(10, 30)])
        let style = PointStyle(marker: .dot, color: Color(r: 255, g: 0, b: 0), size: 5)
        let image = Figure.grid(ImageGrid([cell], pointStyle: style)).render()
        // Point (10, 30) is the centre of pixel (10, 30), drawn at offset (pad, pad).
        XCTAssertEqual(image[10 + 10, 10 + 30], Color(r: 255, g: 0, b: 0))
        XCTAssertEqual(image[10 + 30, 10 + 10], Color(gray: 128))
    }

    func testHeatmapCellColoursAreOrderedByValue() {
        // One row of four cells, nothing else: read the colours along the middle row.
        for (map, brighterWithValue) in [(ColorMap.viridis, true), (.blues, false)] {
            let heat = Heatmap([[1, 4, 2, 3]], colorMap: map, showValues: false, colorBar: false)
            let image = Figure.heatmap(heat).render()
            var colours: [Color] = []
            let y = image.height / 2
            for x in 0..<image.width {
                let c = image[x, y]!
                if c != .white && c.r != c.g && colours.last != c { colours.append(c) }
            }
            let cells = colours.filter { c in colours.filter { $0 == c }.count == 1 }
            XCTAssertEqual(cells.count, 4, "\(map): \(cells)")
            let lum = cells.map(\.luminance)
            // Values are 1, 4, 2, 3: luminance must follow that order (up for viridis, down for blues).
            let order = brighterWithValue ? [0, 2, 3, 1] : [1, 3, 2, 0]
            for k in 1..<4 { XCTAssertLessThan(lum[order[k - 1]], lum[order[k]], "\(map)") }
            XCTAssertEqual(cells[0], heat.color(for: 1))
            XCTAssertEqual(cells[1], heat.color(for: 4))
        }
    }

    func testHeatmapNumbersAreWrittenInContrastingInk() {
        let heat = Heatmap([[0, 100]], colorMap: .blues, colorBar: false)
        let image = Figure.heatmap(heat).render()
        var sawWhiteOnDark = false
        for y in 0..<image.height { for x in 0..<image.width where image[x, y] == .white {
            if let left = image[x - 1, y], left.luminance < 0.3 { sawWhiteOnDark = true }
        } }
        XCTAssertTrue(sawWhiteOnDark)
        XCTAssertEqual(Heatmap([[0.5, 1]]).cellText(0.5), "0.50")
        XCTAssertEqual(Heatmap([[3, 1]]).cellText(3), "3")
    }

    func testNonFiniteValuesAreSkippedAsIfMissing() {
        let withNaN = Figure.lines([.line([1, 2, .nan, 3, 4], label: "a")], xScale: .linear, yScale: .linear)
        let withInf = Figure.lines([.line([1, 2, .infinity, 3, 4], label: "a")])
        XCTAssertEqual(withNaN.pngData(), withInf.pngData())
        // A diverging run on a log axis: the non-finite and non-positive tail does not change the axes.
        let good = [2.0, 1.0, 0.5, 0.8]
        let lrs = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10]
        let diverged = Figure.lines([.line(x: lrs, y: good + [.infinity, .nan])], xScale: .log, yScale: .log)
        let trimmed = Figure.lines([.line(x: Array(lrs.prefix(4)) + [.nan, .nan], y: good + [0, -1])], xScale: .log, yScale: .log)
        XCTAssertEqual(diverged.pngData(), trimmed.pngData())
        // All-NaN and empty series give the same empty frame.
        let empty = Figure.lines([.line([])])
        let allNaN = Figure.lines([.line([.nan, .nan, .infinity])])
        XCTAssertEqual(empty.pngData(), allNaN.pngData())
        XCTAssertNotNil(inkBounds(empty.render()))
        // Scatter, bars and heatmaps too.
        _ = Figure.scatter(x: [.nan, 1, 2], y: [1, .infinity, 2]).pngData()
        _ = Figure.bars([.nan, 2, -.infinity]).pngData()
        _ = Figure.histogram([.nan, .infinity]).pngData()
        _ = Figure.heatmap(Heatmap([[.nan, .infinity], []])).pngData()
        _ = Figure.heatmap(Heatmap([])).pngData()
        _ = Figure.grid(ImageGrid([])).pngData()
    }

    func testLogAxisFigureHasTicksAtPowersOfTen() {
        // Tick marks below the axes fall at equal spacing for successive powers of ten.
        let fig = Figure.lines([.line(x: [1e-4, 1e-1], y: [1, 2])], xScale: .log)
        let image = fig.render()
        // Find the bottom spine: the lowest long dark row.
        var spineY = -1
        for y in stride(from: image.height - 1, through: 0, by: -1) {
            var dark = 0
            for x in 0..<image.width where image[x, y]!.r < 100 { dark += 1 }
            if dark > image.width / 2 { spineY = y; break }
        }
        XCTAssertGreaterThan(spineY, 0)
        var majors: [Int] = []
        for x in 0..<image.width where image[x, spineY + 4]!.r < 100 && image[x, spineY + 1]!.r < 100 { majors.append(x) }
        XCTAssertEqual(majors.count, 4, "\(majors)")   // 1e-4, 1e-3, 1e-2, 1e-1
        if majors.count == 4 {
            let gaps = (1..<4).map { majors[$0] - majors[$0 - 1] }
            XCTAssertLessThanOrEqual(gaps.max()! - gaps.min()!, 1)
        }
    }

    func testHistogramCountsEveryFiniteValueOnce() {
        let h = Histogram([0, 0.1, 0.5, 0.99, 1, .nan, 2], bins: 4, range: 0...1)
        XCTAssertEqual(h.counts, [2, 0, 1, 2])
        XCTAssertEqual(h.edges, [0, 0.25, 0.5, 0.75, 1])
    }

    func testRenderAndEncodeAreFast() {
        let grid = faceGrid(), lines = historyFigure()
        _ = grid.pngData(); _ = lines.pngData()
        func median(_ f: () -> Void) -> Double {
            var times: [Double] = []
            for _ in 0..<5 {
                let t0 = DispatchTime.now().uptimeNanoseconds
                f()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            }
            return times.sorted()[2]
        }
        let g = median { _ = grid.pngData() }
        let l = median { _ = lines.pngData() }
        print("render+encode median: 8x8 face grid \(g) ms, line chart \(l) ms")
        // Generous bounds: the target is well under 100 ms each on an idle machine.
        XCTAssertLessThan(g, 400)
        XCTAssertLessThan(l, 400)
    }
}

final class PanelTests: XCTestCase {
    func testPanelsDrawEachFigureExactlyAsOnItsOwn() {
        let a = historyFigure()
        let b = Figure.heatmap(.confusionMatrix([[5, 1], [2, 7]], classes: ["cat", "dog"]), title: "CM")
        let both = Figure.panels([a, b])
        let image = both.render()
        XCTAssertEqual(image.width, a.size.width * 2)     // cells as wide as the widest panel
        XCTAssertEqual(image.height, max(a.size.height, b.size.height))
        let left = a.render(), right = b.render()
        let offset = a.size.width + (a.size.width - b.size.width) / 2
        for y in stride(from: 0, to: left.height, by: 3) { for x in stride(from: 0, to: left.width, by: 3) {
            XCTAssertEqual(image[x, y], left[x, y]); if image[x, y] != left[x, y] { return }
        } }
        for y in stride(from: 0, to: right.height, by: 2) { for x in stride(from: 0, to: right.width, by: 2) {
            XCTAssertEqual(image[offset + x, y], right[x, y]); if image[offset + x, y] != right[x, y] { return }
        } }
        XCTAssertEqual(both.pngData(), both.pngData())
    }

    func testPanelsWrapIntoRowsUnderATitle() {
        let small = Figure.lines([.line([1, 2, 3])], width: 200, height: 150)
        let grid = Figure.panels([small, small, small], columns: 2, title: "Three")
        let size = grid.size
        XCTAssertEqual(size.width, 400)
        XCTAssertGreaterThan(size.height, 300)
        XCTAssertLessThan(size.height, 360)
        _ = Figure.panels([]).render()
    }
}

final class GridCellTests: XCTestCase {
    func testCellsFromFloatsAndFlatKeypointPairs() throws {
        let values = (0..<16).map { Float($0) / 15 }
        let cell = try GridCell(width: 4, height: 4, values: values, title: "t", keypoints: [1, 2, .nan, 3, 3, 0, 9],
                                predicted: [0.5, 0.5])
        XCTAssertEqual(cell.image.pixels.first, 0)
        XCTAssertEqual(cell.image.pixels.last, 255)
        XCTAssertEqual(cell.points, [Point(1, 2), Point(3, 0)])
        XCTAssertEqual(cell.predicted, [Point(0.5, 0.5)])
        XCTAssertThrowsError(try GridCell(width: 4, height: 4, values: [1, 2]))
    }
}
