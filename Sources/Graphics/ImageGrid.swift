/// How a set of points is marked on grid images.
public struct PointStyle: Equatable, Sendable {
    public var marker: Marker
    public var color: Color
    /// Marker size in pixels (at figure scale 1, whatever the pictures' magnification).
    public var size: Double
    /// A style from a marker shape, colour and size.
    public init(marker: Marker, color: Color, size: Double = 6) {
        self.marker = marker; self.color = color; self.size = size
    }
    /// Red crosses, as the course marks keypoints.
    public static let truth = PointStyle(marker: .x, color: Color(hex: 0xff2a2a), size: 6)
    /// Cyan plus signs, for predicted keypoints beside true ones.
    public static let predicted = PointStyle(marker: .plus, color: Color(hex: 0x00d5ff), size: 6)
}

/// One picture in a grid: a gray image, an optional title above it, and up to two sets of points on it.
public struct GridCell: Equatable, Sendable {
    public var image: GrayImage
    public var title: String?
    /// Title colour (e.g. red for a wrong prediction); nil is the usual text colour.
    public var titleColor: Color?
    /// Points in the image's pixel coordinates, where (0, 0) is the centre of the top-left pixel
    /// (the convention of keypoint files and of matplotlib's `imshow`).
    public var points: [Point]
    /// A second set of points (e.g. predictions), drawn in a second style.
    public var predicted: [Point]

    /// A cell showing `image`, with an optional title and points.
    public init(image: GrayImage, title: String? = nil, titleColor: Color? = nil,
                points: [Point] = [], predicted: [Point] = []) {
        self.image = image; self.title = title; self.titleColor = titleColor
        self.points = points; self.predicted = predicted
    }
}

/// Pictures in rows and columns, sized by their content (e.g. 64 faces in an 8×8 grid).
public struct ImageGrid: Equatable, Sendable {
    /// The pictures, row by row.
    public var cells: [GridCell]
    /// Pictures per row; nil makes the grid as square as possible.
    public var columns: Int?
    /// Whole-number magnification of every picture.
    public var scale: Int
    /// Blank pixels between pictures.
    public var spacing: Int
    public var pointStyle: PointStyle
    public var predictedStyle: PointStyle

    /// A grid of `cells`, `columns` per row (nil: as square as possible), pictures magnified by `scale`.
    public init(_ cells: [GridCell], columns: Int? = nil, scale: Int = 1, spacing: Int = 6,
                pointStyle: PointStyle = .truth, predictedStyle: PointStyle = .predicted) {
        self.cells = cells; self.columns = columns; self.scale = scale; self.spacing = spacing
        self.pointStyle = pointStyle; self.predictedStyle = predictedStyle
    }

    var columnCount: Int {
        if let c = columns, c > 0 { return c }
        var c = 1
        while c * c < cells.count { c += 1 }
        return max(1, c)
    }
    var rowCount: Int { max(1, (cells.count + columnCount - 1) / columnCount) }
}

/// Lays out and draws an `ImageGrid`.
struct ImageGridRenderer {
    let grid: ImageGrid
    let title: String?
    let textScale: Int

    /// Magnification of the pictures: the grid's own times the figure's.
    private var magnification: Int { max(1, grid.scale) * textScale }
    private var slotWidth: Int { (grid.cells.map(\.image.width).max() ?? 0) * magnification }
    private var slotHeight: Int { (grid.cells.map(\.image.height).max() ?? 0) * magnification }
    private var captionHeight: Int {
        grid.cells.contains { !($0.title ?? "").isEmpty }
            ? (BitmapFont.ascent + BitmapFont.descent + 3) * textScale : 0
    }
    private var titleHeight: Int {
        guard let t = title, !t.isEmpty else { return 0 }
        return BitmapFont.measure(t, scale: textScale + 1).height + Int(Style.titlePad) * textScale
    }
    private var pad: Int { Int(Style.outerPad) * textScale }

    func naturalSize() -> (Int, Int) {
        let cols = grid.columnCount, rows = grid.rowCount, gap = max(0, grid.spacing) * textScale
        var w = 2 * pad + cols * slotWidth + (cols - 1) * gap
        if let t = title { w = max(w, BitmapFont.measure(t, scale: textScale + 1).width + 2 * pad) }
        let h = 2 * pad + titleHeight + rows * (slotHeight + captionHeight) + (rows - 1) * gap
        return (max(1, w), max(1, h))
    }

    func draw(on image: inout RGBAImage, in frame: Rect) {
        let cols = grid.columnCount, gap = max(0, grid.spacing) * textScale, f = magnification
        let contentW = cols * slotWidth + (cols - 1) * gap
        let x0 = Int(frame.minX) + max(pad, (Int(frame.width) - contentW) / 2)
        let y0 = Int(frame.minY) + pad + titleHeight
        if let t = title, !t.isEmpty {
            image.drawText(t, at: Point(frame.minX + frame.width / 2, frame.minY + Double(pad)), scale: textScale + 1,
                           color: Style.text, align: .center)
        }
        for (i, cell) in grid.cells.enumerated() {
            let r = i / cols, c = i % cols
            let sx = x0 + c * (slotWidth + gap)
            let sy = y0 + r * (slotHeight + captionHeight + gap)
            if let t = cell.title, !t.isEmpty {
                image.drawText(t, at: Point(Double(sx) + Double(slotWidth) / 2, Double(sy)), scale: textScale,
                               color: cell.titleColor ?? Style.text, align: .center)
            }
            let w = cell.image.width * f, h = cell.image.height * f
            let ix = sx + (slotWidth - w) / 2, iy = sy + captionHeight + (slotHeight - h) / 2
            image.draw(cell.image, x: ix, y: iy, scale: f)
            let clip = Rect(x: Double(ix), y: Double(iy), width: Double(w), height: Double(h))
            for (points, style) in [(cell.points, grid.pointStyle), (cell.predicted, grid.predictedStyle)] {
                for p in points where p.isFinite {
                    let at = Point(Double(ix) + (p.x + 0.5) * Double(f), Double(iy) + (p.y + 0.5) * Double(f))
                    image.drawMarker(style.marker, at: at, size: style.size * Double(textScale), color: style.color, clip: clip)
                }
            }
        }
    }
}

extension GridCell {
    /// A cell from float pixel values (see `GrayImage(width:height:values:range:)`) and keypoints given as
    /// flat x, y pairs as keypoint files store them (`[x0, y0, x1, y1, …]`; missing ones as NaN are skipped).
    public init(width: Int, height: Int, values: [Float], range: ClosedRange<Float>? = nil, title: String? = nil,
                keypoints: [Float] = [], predicted: [Float] = []) throws {
        self.init(image: try GrayImage(width: width, height: height, values: values, range: range), title: title,
                  points: Point.pairs(keypoints.map(Double.init)), predicted: Point.pairs(predicted.map(Double.init)))
    }
}

extension Point {
    /// Points from flat x, y pairs (`[x0, y0, x1, y1, …]`); pairs with a non-finite value and a trailing odd value are skipped.
    public static func pairs(_ flat: [Double]) -> [Point] {
        stride(from: 0, to: flat.count - 1, by: 2).compactMap { i in
            let p = Point(flat[i], flat[i + 1])
            return p.isFinite ? p : nil
        }
    }
}
