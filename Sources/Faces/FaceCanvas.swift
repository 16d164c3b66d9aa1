import Foundation

/// A small anti-aliased gray renderer for synthetic faces: shapes are signed distance
/// functions in the face's own frame, painted with smooth edges.
///
/// The face frame is the nominal 96-pixel face (origin at the face centre, u to the image
/// right, v down). A similarity transform (centre, scale, angle) places it in the image.
/// Pixel (i, j) is sampled at its centre (j + 0.5, i + 0.5).
struct FaceCanvas {
    let width: Int
    let height: Int
    /// Albedo (surface brightness) in 0...1, row-major.
    var pixels: [Float]
    let cx: Float, cy: Float, scale: Float, cosA: Float, sinA: Float

    init(width: Int, height: Int, cx: Float, cy: Float, scale: Float, angle: Float) {
        self.width = width
        self.height = height
        self.pixels = [Float](repeating: 0, count: width * height)
        self.cx = cx; self.cy = cy; self.scale = scale
        self.cosA = Foundation.cos(angle); self.sinA = Foundation.sin(angle)
    }

    /// Image coordinates of a face-frame point.
    @inline(__always)
    func toImage(_ u: Float, _ v: Float) -> (x: Float, y: Float) {
        (cx + scale * (cosA * u - sinA * v), cy + scale * (sinA * u + cosA * v))
    }

    /// Face-frame coordinates of an image point.
    @inline(__always)
    func toFace(_ x: Float, _ y: Float) -> (u: Float, v: Float) {
        let dx = x - cx, dy = y - cy
        return ((cosA * dx + sinA * dy) / scale, (-sinA * dx + cosA * dy) / scale)
    }

    /// Paints a shape given by its signed distance (face units, negative inside) over the
    /// face-frame box `minU...maxU × minV...maxV`, blending `albedo(u, v)` with `opacity`.
    /// `soft` widens the edge (face units) for shadows and soft features.
    mutating func paint(_ minU: Float, _ minV: Float, _ maxU: Float, _ maxV: Float,
                        opacity: Float = 1, soft: Float = 0,
                        albedo: (Float, Float) -> Float, sdf: (Float, Float) -> Float) {
        let margin = soft + 2 / scale
        let corners = [toImage(minU - margin, minV - margin), toImage(maxU + margin, minV - margin),
                       toImage(minU - margin, maxV + margin), toImage(maxU + margin, maxV + margin)]
        let x0 = max(0, Int((corners.map(\.x).min() ?? 0).rounded(.down)))
        let x1 = min(width - 1, Int((corners.map(\.x).max() ?? 0).rounded(.up)))
        let y0 = max(0, Int((corners.map(\.y).min() ?? 0).rounded(.down)))
        let y1 = min(height - 1, Int((corners.map(\.y).max() ?? 0).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        let edge = max(1, soft * scale)
        let cx = cx, cy = cy, scale = scale, cosA = cosA, sinA = sinA, width = width
        pixels.withUnsafeMutableBufferPointer { p in
            for i in y0...y1 {
                for j in x0...x1 {
                    let dx = Float(j) + 0.5 - cx, dy = Float(i) + 0.5 - cy
                    let u = (cosA * dx + sinA * dy) / scale, v = (-sinA * dx + cosA * dy) / scale
                    let d = sdf(u, v) * scale
                    let cover = min(1, max(0, 0.5 - d / edge))
                    if cover <= 0 { continue }
                    let a = cover * opacity
                    let k = i * width + j
                    p[k] += (albedo(u, v) - p[k]) * a
                }
            }
        }
    }

    /// Paints a shape of constant albedo.
    mutating func paint(_ minU: Float, _ minV: Float, _ maxU: Float, _ maxV: Float,
                        opacity: Float = 1, soft: Float = 0, tone: Float, sdf: (Float, Float) -> Float) {
        paint(minU, minV, maxU, maxV, opacity: opacity, soft: soft, albedo: { _, _ in tone }, sdf: sdf)
    }
}

/// Signed distance functions (negative inside), in face units.
enum SDF {
    /// An ellipse centred at (cu, cv) with radii (rx, ry), rotated by `angle` (radians).
    @inline(__always)
    static func ellipse(_ u: Float, _ v: Float, _ cu: Float, _ cv: Float, _ rx: Float, _ ry: Float,
                        cos c: Float = 1, sin s: Float = 0) -> Float {
        let du = u - cu, dv = v - cv
        let x = c * du + s * dv, y = -s * du + c * dv
        let k0 = ((x / rx) * (x / rx) + (y / ry) * (y / ry)).squareRoot()
        let k1 = ((x / (rx * rx)) * (x / (rx * rx)) + (y / (ry * ry)) * (y / (ry * ry))).squareRoot()
        if k1 < 1e-6 { return -min(rx, ry) }
        return k0 * (k0 - 1) / k1
    }

    /// A circle.
    @inline(__always)
    static func circle(_ u: Float, _ v: Float, _ cu: Float, _ cv: Float, _ r: Float) -> Float {
        ((u - cu) * (u - cu) + (v - cv) * (v - cv)).squareRoot() - r
    }

    /// Distance to the segment a–b and the position along it (0...1).
    @inline(__always)
    static func segment(_ u: Float, _ v: Float, _ au: Float, _ av: Float, _ bu: Float, _ bv: Float) -> (d: Float, t: Float) {
        let pu = u - au, pv = v - av, eu = bu - au, ev = bv - av
        let len2 = eu * eu + ev * ev
        let t = len2 > 0 ? min(1, max(0, (pu * eu + pv * ev) / len2)) : 0
        let qu = pu - eu * t, qv = pv - ev * t
        return ((qu * qu + qv * qv).squareRoot(), t)
    }

    /// A stroke along a polyline whose thickness goes linearly from `t0` to `t1`.
    static func stroke(_ u: Float, _ v: Float, _ points: [(Float, Float)], _ t0: Float, _ t1: Float) -> Float {
        var best = Float.greatestFiniteMagnitude
        let n = points.count - 1
        guard n >= 1 else { return best }
        for k in 0..<n {
            let (d, t) = segment(u, v, points[k].0, points[k].1, points[k + 1].0, points[k + 1].1)
            let along = (Float(k) + t) / Float(n)
            let half = 0.5 * (t0 + (t1 - t0) * along)
            best = min(best, d - half)
        }
        return best
    }

    /// Points on the quadratic Bézier curve a–c–b (`count` + 1 points).
    static func quadratic(_ a: (Float, Float), _ c: (Float, Float), _ b: (Float, Float), count: Int = 8) -> [(Float, Float)] {
        (0...count).map { k in
            let t = Float(k) / Float(count), s = 1 - t
            return (s * s * a.0 + 2 * s * t * c.0 + t * t * b.0, s * s * a.1 + 2 * s * t * c.1 + t * t * b.1)
        }
    }

    /// The bounding box of points, grown by `pad`.
    static func bounds(_ points: [(Float, Float)], pad: Float) -> (Float, Float, Float, Float) {
        let us = points.map(\.0), vs = points.map(\.1)
        return ((us.min() ?? 0) - pad, (vs.min() ?? 0) - pad, (us.max() ?? 0) + pad, (vs.max() ?? 0) + pad)
    }
}

/// Image post-processing for synthetic faces.
enum ImageFilters {
    /// A separable Gaussian blur with standard deviation `sigma` pixels (edges clamped).
    static func gaussianBlur(_ pixels: inout [Float], width: Int, height: Int, sigma: Float) {
        guard sigma > 0.05 else { return }
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius...radius).map { Foundation.exp(-Float($0 * $0) / (2 * sigma * sigma)) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        var tmp = [Float](repeating: 0, count: pixels.count)
        for i in 0..<height {
            for j in 0..<width {
                var acc: Float = 0
                for k in -radius...radius {
                    acc += kernel[k + radius] * pixels[i * width + min(width - 1, max(0, j + k))]
                }
                tmp[i * width + j] = acc
            }
        }
        for i in 0..<height {
            for j in 0..<width {
                var acc: Float = 0
                for k in -radius...radius {
                    acc += kernel[k + radius] * tmp[min(height - 1, max(0, i + k)) * width + j]
                }
                pixels[i * width + j] = acc
            }
        }
    }
}
