/// A point in pixel coordinates: x to the right, y down; pixel (i, j) covers [i, i+1) × [j, j+1).
public struct Point: Equatable, Hashable, Sendable {
    public var x: Double
    public var y: Double
    /// A point from its coordinates.
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    /// A point from its coordinates, labelled.
    public init(x: Double, y: Double) { self.x = x; self.y = y }
    /// True when both coordinates are finite.
    public var isFinite: Bool { x.isFinite && y.isFinite }
}

/// An axis-aligned rectangle in pixel coordinates.
public struct Rect: Equatable, Hashable, Sendable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    /// A rectangle from its top-left corner and size.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    /// Left edge.
    public var minX: Double { x }
    /// Top edge.
    public var minY: Double { y }
    /// Right edge.
    public var maxX: Double { x + width }
    /// Bottom edge.
    public var maxY: Double { y + height }
    /// True when `p` lies inside or on the edge.
    public func contains(_ p: Point) -> Bool { p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY }
}

/// A pixel index from a coordinate, clamped far outside any canvas so that huge or non-finite
/// values never trap on conversion (NaN gives 0).
@inline(__always)
func pixelIndex(_ v: Double) -> Int {
    guard !v.isNaN else { return 0 }
    return Int(max(-1_000_000_000, min(1_000_000_000, v)))
}

/// The part of segment a–b inside `r` (Cohen–Sutherland), or nil when none of it is.
///
/// Each cut sets the crossed coordinate exactly to the boundary, so that segments with ends
/// astronomically far away still give precise pixels inside.
func clipSegment(_ a: Point, _ b: Point, to r: Rect) -> (Point, Point)? {
    func code(_ p: Point) -> Int {
        (p.x < r.minX ? 1 : 0) | (p.x > r.maxX ? 2 : 0) | (p.y < r.minY ? 4 : 0) | (p.y > r.maxY ? 8 : 0)
    }
    var p = a, q = b
    for _ in 0..<8 {
        let cp = code(p), cq = code(q)
        if cp | cq == 0 { return (p, q) }
        if cp & cq != 0 { return nil }
        let outside = cp != 0 ? cp : cq
        let from = cp != 0 ? q : p     // the other end, used as the anchor of the cut
        let to = cp != 0 ? p : q
        var cut: Point
        if outside & 1 != 0 {
            cut = Point(r.minX, from.y + (to.y - from.y) * ((r.minX - from.x) / (to.x - from.x)))
        } else if outside & 2 != 0 {
            cut = Point(r.maxX, from.y + (to.y - from.y) * ((r.maxX - from.x) / (to.x - from.x)))
        } else if outside & 4 != 0 {
            cut = Point(from.x + (to.x - from.x) * ((r.minY - from.y) / (to.y - from.y)), r.minY)
        } else {
            cut = Point(from.x + (to.x - from.x) * ((r.maxY - from.y) / (to.y - from.y)), r.maxY)
        }
        if !cut.isFinite { return nil }
        if cp != 0 { p = cut } else { q = cut }
    }
    return code(p) | code(q) == 0 ? (p, q) : nil
}
