/// Anti-aliased shapes on an `RGBAImage`. Coordinates are in pixels with (0, 0) at the top-left
/// corner of the top-left pixel; non-finite coordinates are skipped, never drawn or trapped on.
extension RGBAImage {
    /// Draws a straight line of any width with round ends.
    public mutating func drawLine(from a: Point, to b: Point, width: Double = 1, color: Color) {
        drawPolyline([a, b], width: width, color: color)
    }

    /// Draws connected line segments with round joins; a non-finite point breaks the line there.
    public mutating func drawPolyline(_ points: [Point], width: Double = 1, color: Color) {
        drawPolyline(points, width: width, color: color, clip: nil)
    }

    /// Draws a polyline, touching only pixels inside `clip` when given.
    mutating func drawPolyline(_ points: [Point], width: Double, color: Color, clip: Rect?) {
        let finite = points.filter(\.isFinite)
        guard !finite.isEmpty, width > 0, width.isFinite else { return }
        let hw = width / 2
        var mask = CoverageMask(minX: (finite.map(\.x).min() ?? 0) - hw, minY: (finite.map(\.y).min() ?? 0) - hw,
                                maxX: (finite.map(\.x).max() ?? 0) + hw, maxY: (finite.map(\.y).max() ?? 0) + hw,
                                canvasWidth: self.width, canvasHeight: height, clip: clip)
        if points.count == 1 {
            mask.addSegment(points[0], points[0], halfWidth: hw)
        }
        for i in 1..<max(1, points.count) {
            let a = points[i - 1], b = points[i]
            if a.isFinite && b.isFinite {
                mask.addSegment(a, b, halfWidth: hw)
            } else if b.isFinite && (i + 1 >= points.count || !points[i + 1].isFinite) && !a.isFinite {
                mask.addSegment(b, b, halfWidth: hw)        // an isolated point between gaps: a dot
            }
        }
        mask.composite(into: &self, color: color)
    }

    /// Fills an axis-aligned rectangle; fractional edges are anti-aliased.
    public mutating func fillRect(_ r: Rect, color: Color) {
        fillRect(r, color: color, clip: nil)
    }

    /// Fills a rectangle, touching only pixels inside `clip` when given.
    mutating func fillRect(_ r: Rect, color: Color, clip: Rect?) {
        var mask = CoverageMask(minX: r.minX, minY: r.minY, maxX: r.maxX, maxY: r.maxY,
                                canvasWidth: width, canvasHeight: height, clip: clip)
        mask.addRect(r)
        mask.composite(into: &self, color: color)
    }

    /// Draws the outline of an axis-aligned rectangle, the stroke centred on its edges.
    public mutating func strokeRect(_ r: Rect, width lineWidth: Double = 1, color: Color) {
        let h = lineWidth / 2
        var mask = CoverageMask(minX: r.minX - h, minY: r.minY - h, maxX: r.maxX + h, maxY: r.maxY + h,
                                canvasWidth: width, canvasHeight: height)
        mask.addRect(Rect(x: r.minX - h, y: r.minY - h, width: r.width + lineWidth, height: lineWidth))
        mask.addRect(Rect(x: r.minX - h, y: r.maxY - h, width: r.width + lineWidth, height: lineWidth))
        mask.addRect(Rect(x: r.minX - h, y: r.minY - h, width: lineWidth, height: r.height + lineWidth))
        mask.addRect(Rect(x: r.maxX - h, y: r.minY - h, width: lineWidth, height: r.height + lineWidth))
        mask.composite(into: &self, color: color)
    }

    /// Fills a circle.
    public mutating func fillCircle(center: Point, radius: Double, color: Color) {
        var mask = CoverageMask(minX: center.x - radius, minY: center.y - radius,
                                maxX: center.x + radius, maxY: center.y + radius,
                                canvasWidth: width, canvasHeight: height)
        mask.addDisc(center: center, radius: radius)
        mask.composite(into: &self, color: color)
    }

    /// Draws a circle's outline.
    public mutating func strokeCircle(center: Point, radius: Double, width lineWidth: Double = 1, color: Color) {
        let reach = radius + lineWidth
        var mask = CoverageMask(minX: center.x - reach, minY: center.y - reach,
                                maxX: center.x + reach, maxY: center.y + reach,
                                canvasWidth: width, canvasHeight: height)
        mask.addRing(center: center, radius: radius, halfWidth: lineWidth / 2)
        mask.composite(into: &self, color: color)
    }

    /// Fills a polygon given by its corners (non-zero winding rule).
    public mutating func fillPolygon(_ points: [Point], color: Color) {
        let finite = points.filter(\.isFinite)
        guard finite.count >= 3 else { return }
        var mask = CoverageMask(minX: finite.map(\.x).min() ?? 0, minY: finite.map(\.y).min() ?? 0,
                                maxX: finite.map(\.x).max() ?? 0, maxY: finite.map(\.y).max() ?? 0,
                                canvasWidth: width, canvasHeight: height)
        mask.addPolygon(finite)
        mask.composite(into: &self, color: color)
    }

    /// Draws a marker of `size` pixels (its full width) centred on `center`.
    public mutating func drawMarker(_ marker: Marker, at center: Point, size: Double = 7, color: Color) {
        drawMarker(marker, at: center, size: size, color: color, clip: nil)
    }

    /// Draws a marker, touching only pixels inside `clip` when given.
    mutating func drawMarker(_ marker: Marker, at center: Point, size: Double, color: Color, clip: Rect?) {
        guard center.isFinite, size.isFinite, size > 0 else { return }
        let r = size / 2
        var mask = CoverageMask(minX: center.x - r - 1, minY: center.y - r - 1,
                                maxX: center.x + r + 1, maxY: center.y + r + 1,
                                canvasWidth: width, canvasHeight: height, clip: clip)
        marker.addShape(to: &mask, center: center, size: size)
        mask.composite(into: &self, color: color)
    }
}

/// Shapes that mark data points (as in matplotlib's `marker=`).
public enum Marker: String, Equatable, Hashable, Sendable, CaseIterable {
    /// A filled circle ("o").
    case dot
    /// A circle outline.
    case circle
    /// A filled square ("s").
    case square
    /// A filled diamond ("D").
    case diamond
    /// A filled triangle pointing up ("^").
    case triangle
    /// Thin vertical and horizontal strokes ("+").
    case plus
    /// Thin diagonal strokes ("x").
    case x
    /// A bold filled diagonal cross ("X").
    case cross

    /// The marker for a matplotlib-style code: "o", "s", "D", "^", "+", "x", "X", or a name like "dot".
    public init?(code: String) {
        switch code {
        case "o", ".": self = .dot
        case "s": self = .square
        case "D", "d": self = .diamond
        case "^": self = .triangle
        case "+": self = .plus
        case "x": self = .x
        case "X": self = .cross
        default:
            guard let m = Marker(rawValue: code) else { return nil }
            self = m
        }
    }

    func addShape(to mask: inout CoverageMask, center c: Point, size: Double) {
        let r = size / 2
        let stroke = max(1.2, size / 6)
        switch self {
        case .dot:
            mask.addDisc(center: c, radius: r)
        case .circle:
            mask.addRing(center: c, radius: r - stroke / 2, halfWidth: stroke / 2)
        case .square:
            let s = r * 0.9
            mask.addRect(Rect(x: c.x - s, y: c.y - s, width: 2 * s, height: 2 * s))
        case .diamond:
            mask.addPolygon([Point(c.x, c.y - r), Point(c.x + r * 0.8, c.y), Point(c.x, c.y + r), Point(c.x - r * 0.8, c.y)])
        case .triangle:
            mask.addPolygon([Point(c.x, c.y - r), Point(c.x + r, c.y + r * 0.75), Point(c.x - r, c.y + r * 0.75)])
        case .plus:
            let a = r - stroke / 2
            mask.addSegment(Point(c.x - a, c.y), Point(c.x + a, c.y), halfWidth: stroke / 2)
            mask.addSegment(Point(c.x, c.y - a), Point(c.x, c.y + a), halfWidth: stroke / 2)
        case .x:
            let a = (r - stroke / 2) * 0.75
            mask.addSegment(Point(c.x - a, c.y - a), Point(c.x + a, c.y + a), halfWidth: stroke / 2)
            mask.addSegment(Point(c.x - a, c.y + a), Point(c.x + a, c.y - a), halfWidth: stroke / 2)
        case .cross:
            let a = r * 0.62, t = max(1.5, size / 3.2) / 2
            mask.addSegment(Point(c.x - a, c.y - a), Point(c.x + a, c.y + a), halfWidth: t)
            mask.addSegment(Point(c.x - a, c.y + a), Point(c.x + a, c.y - a), halfWidth: t)
        }
    }
}
