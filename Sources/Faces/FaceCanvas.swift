import Foundation

/// A small anti-aliased gray renderer for synthetic faces: shapes are signed distance
/// functions in the face's own frame, painted with smooth edges.
///
/// The face frame is the nominal 96-pixel face (origin at the face centre, u to the image
/// right, v down). The face has relief (`FaceRelief`): a point (u, v) lies at depth z(u, v)
/// towards the camera. The head turns by yaw and pitch about a pivot behind the face and is
/// projected orthographically; a similarity transform (centre, scale, roll angle) then places
/// it in the image. Each pixel's face-frame point is found once (by inverting the projection)
/// and kept, so painting a shape costs one SDF evaluation per pixel of its box.
/// Pixel (i, j) is sampled at its centre (j + 0.5, i + 0.5).
struct FaceCanvas {
    let width: Int
    let height: Int
    /// Albedo (surface brightness) in 0...1, row-major.
    var pixels: [Float]
    /// The face-frame point seen at each pixel.
    private(set) var mapU: [Float], mapV: [Float]
    let cx: Float, cy: Float, scale: Float, cosA: Float, sinA: Float
    let relief: FaceRelief
    /// The relief sampled about once per pixel.
    let depthMap: DepthMap
    let cosYaw: Float, sinYaw: Float, cosPitch: Float, sinPitch: Float

    init(width: Int, height: Int, cx: Float, cy: Float, scale: Float, angle: Float,
         yaw: Float = 0, pitch: Float = 0, relief: FaceRelief = FaceRelief()) {
        self.width = width
        self.height = height
        self.pixels = [Float](repeating: 0, count: width * height)
        self.cx = cx; self.cy = cy; self.scale = scale
        self.cosA = Foundation.cos(angle); self.sinA = Foundation.sin(angle)
        self.relief = relief
        self.depthMap = DepthMap(relief, step: 1 / scale)
        self.cosYaw = Foundation.cos(yaw); self.sinYaw = Foundation.sin(yaw)
        self.cosPitch = Foundation.cos(pitch); self.sinPitch = Foundation.sin(pitch)
        mapU = []
        mapV = []
        var us = [Float](repeating: 0, count: width * height), vs = us
        let view = self.projection
        depthMap.withSampler { sampler in
            for i in 0..<height {
                for j in 0..<width {
                    let (u, v) = view.unproject(Float(j) + 0.5, Float(i) + 0.5, sampler)
                    us[i * width + j] = u
                    vs[i * width + j] = v
                }
            }
        }
        mapU = us
        mapV = vs
    }

    /// The camera: similarity, yaw and pitch, without the canvas's arrays.
    var projection: Projection {
        Projection(cx: cx, cy: cy, scale: scale, cosA: cosA, sinA: sinA, cosYaw: cosYaw, sinYaw: sinYaw,
                   cosPitch: cosPitch, sinPitch: sinPitch, pivot: relief.pivot,
                   radiusU: relief.headRX * 1.12, radiusV: relief.headRY * 1.12)
    }

    /// How the face frame is seen: the head turned by yaw and pitch about a pivot, then placed
    /// by a similarity transform.
    struct Projection {
        let cx: Float, cy: Float, scale: Float, cosA: Float, sinA: Float
        let cosYaw: Float, sinYaw: Float, cosPitch: Float, sinPitch: Float
        let pivot: Float, radiusU: Float, radiusV: Float

        /// Face-frame coordinates of the surface point seen at an image point.
        @inline(__always)
        func unproject(_ x: Float, _ y: Float, _ relief: DepthMap.Sampler) -> (u: Float, v: Float) {
            let dx = x - cx, dy = y - cy
            let pu = (cosA * dx + sinA * dy) / scale, pv = (-sinA * dx + cosA * dy) / scale
            if sinYaw == 0 && sinPitch == 0 { return (pu, pv) }
            // Off the head the depth is 0 and the point follows directly.
            let z0 = -pivot
            let ou = (pu - sinYaw * z0) / cosYaw
            let ov = (pv + sinPitch * (-sinYaw * ou + cosYaw * z0)) / cosPitch
            let nu0 = ou / radiusU, nv0 = ov / radiusV
            if nu0 * nu0 + nv0 * nv0 >= 1 {
                let su = pu / radiusU, sv = pv / radiusV
                if su * su + sv * sv > 1.6 { return (ou, ov) }
            }
            // Fixed-point iteration on the surface depth, damped for steep relief (the nose).
            var u = pu, v = pv
            for step in 0..<5 {
                let z = relief.depth(u, v) - pivot
                let nu = (pu - sinYaw * z) / cosYaw
                let z1 = -sinYaw * nu + cosYaw * z
                let nv = (pv + sinPitch * z1) / cosPitch
                let w: Float = step == 0 ? 1 : 0.6
                u += (nu - u) * w
                v += (nv - v) * w
            }
            return (u, v)
        }
    }

    /// The projected (turned) face-frame point of a surface point (u, v) at depth z.
    @inline(__always)
    func turn(_ u: Float, _ v: Float, _ z: Float) -> (Float, Float) {
        let dz = z - relief.pivot
        let u1 = cosYaw * u + sinYaw * dz
        let z1 = -sinYaw * u + cosYaw * dz
        return (u1, cosPitch * v - sinPitch * z1)
    }

    /// Image coordinates of a face-frame point on the face's surface.
    @inline(__always)
    func toImage(_ u: Float, _ v: Float) -> (x: Float, y: Float) {
        let (pu, pv) = turn(u, v, depthMap.depth(u, v))
        return (cx + scale * (cosA * pu - sinA * pv), cy + scale * (sinA * pu + cosA * pv))
    }

    /// Face-frame coordinates of the surface point seen at pixel `k`.
    @inline(__always)
    func toFace(pixel k: Int) -> (u: Float, v: Float) { (mapU[k], mapV[k]) }

    /// Paints a shape given by its signed distance (face units, negative inside) over the
    /// face-frame box `minU...maxU × minV...maxV`, blending `albedo(u, v)` with `opacity`.
    /// `soft` widens the edge (face units) for shadows and soft features.
    mutating func paint(_ minU: Float, _ minV: Float, _ maxU: Float, _ maxV: Float,
                        opacity: Float = 1, soft: Float = 0,
                        albedo: (Float, Float) -> Float, sdf: (Float, Float) -> Float) {
        let margin = soft + 2 / scale
        var lowX = Float.greatestFiniteMagnitude, highX = -lowX, lowY = lowX, highY = -lowX
        for a in 0...2 {
            for b in 0...2 {
                let u = minU - margin + (maxU - minU + 2 * margin) * Float(a) / 2
                let v = minV - margin + (maxV - minV + 2 * margin) * Float(b) / 2
                let q = toImage(u, v)
                lowX = min(lowX, q.x); highX = max(highX, q.x); lowY = min(lowY, q.y); highY = max(highY, q.y)
            }
        }
        // Relief can move a point inside the box further than the corners move.
        let slack = 1 + relief.maxStep * scale * (abs(sinYaw) + abs(sinPitch))
        let x0 = max(0, Int((lowX - slack).rounded(.down))), x1 = min(width - 1, Int((highX + slack).rounded(.up)))
        let y0 = max(0, Int((lowY - slack).rounded(.down))), y1 = min(height - 1, Int((highY + slack).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        let edge = max(1, soft * scale)
        let scale = scale, width = width
        mapU.withUnsafeBufferPointer { mu in
            mapV.withUnsafeBufferPointer { mv in
                pixels.withUnsafeMutableBufferPointer { p in
                    for i in y0...y1 {
                        for j in x0...x1 {
                            let k = i * width + j
                            let u = mu[k], v = mv[k]
                            if u < minU - margin || u > maxU + margin || v < minV - margin || v > maxV + margin { continue }
                            let d = sdf(u, v) * scale
                            let cover = min(1, max(0, 0.5 - d / edge))
                            if cover <= 0 { continue }
                            let a = cover * opacity
                            p[k] += (albedo(u, v) - p[k]) * a
                        }
                    }
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
