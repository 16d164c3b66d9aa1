/// Anti-aliased coverage (0...1 per pixel) over a window of a canvas, built from shapes and
/// then composited once, so overlapping parts of one shape (a polyline's joints, the arms of a
/// marker) are not blended twice.
struct CoverageMask {
    let x0: Int, y0: Int, width: Int, height: Int
    var values: [Float]

    /// A mask over the pixels of `bounds`, clipped to a canvas of `canvasWidth × canvasHeight`.
    init(minX: Double, minY: Double, maxX: Double, maxY: Double, canvasWidth: Int, canvasHeight: Int,
         clip: Rect? = nil) {
        func clampInt(_ v: Double, _ hi: Int) -> Int {
            guard v.isFinite else { return v > 0 ? hi : 0 }
            return Int(max(0, min(Double(hi), v)))
        }
        var ax = clampInt((minX - 1).rounded(.down), canvasWidth)
        var ay = clampInt((minY - 1).rounded(.down), canvasHeight)
        var bx = clampInt((maxX + 2).rounded(.up), canvasWidth)
        var by = clampInt((maxY + 2).rounded(.up), canvasHeight)
        if let c = clip {
            ax = max(ax, clampInt(c.minX.rounded(.down), canvasWidth))
            ay = max(ay, clampInt(c.minY.rounded(.down), canvasHeight))
            bx = min(bx, clampInt(c.maxX.rounded(.up), canvasWidth))
            by = min(by, clampInt(c.maxY.rounded(.up), canvasHeight))
        }
        x0 = ax; y0 = ay
        width = max(0, bx - ax); height = max(0, by - ay)
        values = [Float](repeating: 0, count: width * height)
    }

    var isEmpty: Bool { width == 0 || height == 0 }

    /// Adds a stroked segment of half-width `hw` with round caps (coverage from the distance to the segment).
    mutating func addSegment(_ a: Point, _ b: Point, halfWidth hw: Double) {
        guard a.isFinite, b.isFinite, hw.isFinite, !isEmpty else { return }
        let thin = min(1, 2 * hw)                    // lines thinner than a pixel get fainter, not thinner
        let r = max(hw, 0.5)
        // Work on the part of the segment near the window only, so far-away ends keep precision.
        let margin = r + 2
        let window = Rect(x: Double(x0) - margin, y: Double(y0) - margin,
                          width: Double(width) + 2 * margin, height: Double(height) + 2 * margin)
        guard let (a, b) = clipSegment(a, b, to: window) else { return }
        let lx = pixelIndex((min(a.x, b.x) - r - 1).rounded(.down)), hx = pixelIndex((max(a.x, b.x) + r + 1).rounded(.up))
        let ly = pixelIndex((min(a.y, b.y) - r - 1).rounded(.down)), hy = pixelIndex((max(a.y, b.y) + r + 1).rounded(.up))
        let xs = max(x0, lx), xe = min(x0 + width, hx)
        let ys = max(y0, ly), ye = min(y0 + height, hy)
        guard xs < xe, ys < ye else { return }
        let dx = b.x - a.x, dy = b.y - a.y
        let len2 = dx * dx + dy * dy
        let inv = len2 > 0 ? 1 / len2 : 0
        values.withUnsafeMutableBufferPointer { v in
            for y in ys..<ye {
                let py = Double(y) + 0.5 - a.y
                let rowBase = (y - y0) * width - x0
                // Only the part of the row near the segment matters; find it from the line's x-range at this y.
                for x in xs..<xe {
                    let px = Double(x) + 0.5 - a.x
                    var t = (px * dx + py * dy) * inv
                    t = t < 0 ? 0 : (t > 1 ? 1 : t)
                    let ex = px - t * dx, ey = py - t * dy
                    let d2 = ex * ex + ey * ey
                    let outer = r + 0.5
                    if d2 >= outer * outer { continue }
                    let c = Float(min(1, outer - d2.squareRoot()) * thin)
                    let i = rowBase + x
                    if c > v[i] { v[i] = c }
                }
            }
        }
    }

    /// Adds a filled disc.
    mutating func addDisc(center: Point, radius: Double) {
        addRing(center: center, radius: radius, halfWidth: nil)
    }

    /// Adds a circle outline of half-width `halfWidth` (or a filled disc when nil).
    mutating func addRing(center: Point, radius: Double, halfWidth: Double?) {
        guard center.isFinite, radius.isFinite, radius > 0, !isEmpty else { return }
        let reach = radius + (halfWidth ?? 0) + 1.5
        let xs = max(x0, pixelIndex((center.x - reach).rounded(.down))), xe = min(x0 + width, pixelIndex((center.x + reach).rounded(.up)))
        let ys = max(y0, pixelIndex((center.y - reach).rounded(.down))), ye = min(y0 + height, pixelIndex((center.y + reach).rounded(.up)))
        guard xs < xe, ys < ye else { return }
        values.withUnsafeMutableBufferPointer { v in
            for y in ys..<ye {
                let py = Double(y) + 0.5 - center.y
                for x in xs..<xe {
                    let px = Double(x) + 0.5 - center.x
                    let d = (px * px + py * py).squareRoot()
                    let c: Double
                    if let hw = halfWidth {
                        let h = max(hw, 0.5)
                        c = max(0, min(1, h + 0.5 - abs(d - radius))) * min(1, 2 * hw)
                    } else {
                        c = max(0, min(1, radius + 0.5 - d))
                    }
                    if c <= 0 { continue }
                    let i = (y - y0) * width + (x - x0)
                    if Float(c) > v[i] { v[i] = Float(c) }
                }
            }
        }
    }

    /// Adds an axis-aligned rectangle with exact fractional coverage at its edges.
    mutating func addRect(_ r: Rect) {
        guard r.x.isFinite, r.y.isFinite, r.width.isFinite, r.height.isFinite, r.width > 0, r.height > 0, !isEmpty else { return }
        let xs = max(x0, pixelIndex(r.minX.rounded(.down))), xe = min(x0 + width, pixelIndex(r.maxX.rounded(.up)))
        let ys = max(y0, pixelIndex(r.minY.rounded(.down))), ye = min(y0 + height, pixelIndex(r.maxY.rounded(.up)))
        guard xs < xe, ys < ye else { return }
        values.withUnsafeMutableBufferPointer { v in
            for y in ys..<ye {
                let cy = min(Double(y + 1), r.maxY) - max(Double(y), r.minY)
                if cy <= 0 { continue }
                for x in xs..<xe {
                    let cx = min(Double(x + 1), r.maxX) - max(Double(x), r.minX)
                    if cx <= 0 { continue }
                    let c = Float(cx * cy)
                    let i = (y - y0) * width + (x - x0)
                    if c > v[i] { v[i] = min(1, c) }
                }
            }
        }
    }

    /// Adds a filled polygon (non-zero winding), anti-aliased with 5 sub-scanlines per row and exact horizontal coverage.
    mutating func addPolygon(_ points: [Point]) {
        let pts = points.filter { $0.isFinite }
        guard pts.count >= 3, !isEmpty else { return }
        let samples = 5
        let weight = 1 / Double(samples)
        var acc = [Double](repeating: 0, count: width)
        var crossings: [(x: Double, dir: Int)] = []
        let minY = pts.map(\.y).min() ?? 0, maxY = pts.map(\.y).max() ?? 0
        let ys = max(y0, pixelIndex(minY.rounded(.down))), ye = min(y0 + height, pixelIndex(maxY.rounded(.up)) + 1)
        guard ys < ye else { return }
        for y in ys..<ye {
            for k in 0..<acc.count { acc[k] = 0 }
            for s in 0..<samples {
                let sy = Double(y) + (Double(s) + 0.5) * weight
                crossings.removeAll(keepingCapacity: true)
                for i in 0..<pts.count {
                    let a = pts[i], b = pts[(i + 1) % pts.count]
                    if a.y == b.y { continue }
                    let (lo, hi, dir) = a.y < b.y ? (a, b, 1) : (b, a, -1)
                    if sy < lo.y || sy >= hi.y { continue }
                    let x = lo.x + (sy - lo.y) / (hi.y - lo.y) * (hi.x - lo.x)
                    crossings.append((x, dir))
                }
                crossings.sort { $0.x < $1.x || ($0.x == $1.x && $0.dir < $1.dir) }
                var winding = 0
                for j in 0..<crossings.count {
                    let before = winding
                    winding += crossings[j].dir
                    if before != 0, j > 0 {
                        addSpan(&acc, crossings[j - 1].x, crossings[j].x, weight)
                    }
                }
            }
            let base = (y - y0) * width
            for k in 0..<width where acc[k] > 0 {
                let c = Float(min(1, acc[k]))
                if c > values[base + k] { values[base + k] = c }
            }
        }
    }

    /// Adds `weight` times the covered fraction of each pixel of the span [a, b) to a row accumulator.
    private func addSpan(_ acc: inout [Double], _ a: Double, _ b: Double, _ weight: Double) {
        let lo = max(a, Double(x0)), hi = min(b, Double(x0 + width))
        guard lo < hi else { return }
        var x = pixelIndex(lo.rounded(.down))
        while Double(x) < hi {
            let c = min(Double(x + 1), hi) - max(Double(x), lo)
            if c > 0 { acc[x - x0] += c * weight }
            x += 1
        }
    }

    /// Blends `color` into the canvas with this coverage.
    func composite(into image: inout RGBAImage, color: Color) {
        guard !isEmpty, color.a > 0 else { return }
        let w = image.width
        let alphaScale = Float(color.a)
        image.pixels.withUnsafeMutableBufferPointer { p in
            values.withUnsafeBufferPointer { v in
                for y in 0..<height {
                    for x in 0..<width {
                        let c = v[y * width + x]
                        if c <= 0 { continue }
                        let alpha = Int((c * alphaScale).rounded())
                        if alpha == 0 { continue }
                        RGBAImage.blendPixel(p, 4 * ((y + y0) * w + x + x0), color, alpha)
                    }
                }
            }
        }
    }
}
