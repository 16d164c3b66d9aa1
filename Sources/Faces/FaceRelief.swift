import Foundation

/// The shape of a synthetic face in depth: a head ellipsoid with a nose, brow ridge, eye
/// sockets, cheeks, lips and chin, as z(u, v) towards the camera in face units.
///
/// It places the keypoints when the head turns (a nose tip moves further than the eye
/// corners) and gives the surface normals that shade the face from the light.
struct FaceRelief {
    var headRX: Float = 37, headRY: Float = 47
    /// Depth of the head ellipsoid at the face centre.
    var depthScale: Float = 26
    /// The head turns about a point this deep (behind the face's front).
    var pivot: Float = 14
    var noseX: Float = 0, noseY: Float = 12.5, noseHeight: Float = 10, noseWidth: Float = 4.5, bridgeY: Float = -10
    var eyeX: Float = 18, eyeY: Float = -12.5, socket: Float = 3.5
    var brow: Float = 2.5, cheek: Float = 2.5, mouthY: Float = 25.5, lips: Float = 2, chin: Float = 2.5
    /// The largest depth change per face unit (bounds how far relief moves a painted point).
    var maxStep: Float { depthScale * 0.5 + noseHeight + 4 }

    /// Depth at a face-frame point (0 outside the head).
    @inline(__always)
    func depth(_ u: Float, _ v: Float) -> Float {
        let nu = u / (headRX * 1.12), nv = v / (headRY * 1.12)
        let r2 = nu * nu + nv * nv
        guard r2 < 1 else { return 0 }
        let base = depthScale * (1 - r2).squareRoot()
        var z: Float = 0
        // Features fade out towards the head's edge.
        let inner = min(1, (1 - r2) * 3)
        // Nose: a ridge from the bridge to the tip, then a quick fall to the lip.
        let span = noseY - bridgeY
        let t = min(1, max(0, (v - bridgeY) / span))
        let du = u - noseX
        if v > bridgeY - 6 && v < noseY + 10 {
            let h: Float = v <= noseY ? 1.5 + (noseHeight - 1.5) * t * t : noseHeight * Foundation.exp(-(v - noseY) * (v - noseY) / 9)
            let w = 2.2 + (noseWidth * 0.75) * t
            let start = v < bridgeY ? max(0, 1 + (v - bridgeY) / 6) : 1
            z += h * start * Foundation.exp(-du * du / (w * w))
        }
        let au = abs(u)
        // Brow ridge above the eyes, eye sockets, cheek bones.
        let bv = v - (eyeY - 7)
        z += brow * Foundation.exp(-bv * bv / 14) * max(0, 1 - au * au / 1100)
        let ex = au - eyeX, ev = v - eyeY + 1
        z -= socket * Foundation.exp(-(ex * ex / 55 + ev * ev / 22))
        let cx = au - 19, cv = v - 5
        z += cheek * Foundation.exp(-(cx * cx + cv * cv) / 70)
        // Lips and chin.
        let mv = v - mouthY
        z += lips * Foundation.exp(-(u * u / 160 + mv * mv / 12))
        let kv = v - (mouthY + 15)
        z += chin * Foundation.exp(-(u * u / 90 + kv * kv / 30))
        return base + z * inner
    }

    /// The unit surface normal at a face-frame point (z towards the camera).
    @inline(__always)
    func normal(_ u: Float, _ v: Float) -> (Float, Float, Float) {
        let h: Float = 0.75
        let gu = (depth(u + h, v) - depth(u - h, v)) / (2 * h)
        let gv = (depth(u, v + h) - depth(u, v - h)) / (2 * h)
        let n = (gu * gu + gv * gv + 1).squareRoot()
        return (-gu / n, -gv / n, 1 / n)
    }
}

/// A face's relief sampled on a grid in the face frame, read back bilinearly: one depth
/// evaluation per grid point instead of several per pixel.
struct DepthMap {
    let u0: Float, v0: Float, step: Float
    let columns: Int, rows: Int
    private var z: [Float]

    /// Samples `relief` over its head (with a margin) every `step` face units.
    init(_ relief: FaceRelief, step: Float) {
        self.step = max(0.25, step)
        let halfU = relief.headRX * 1.12 + 2, halfV = relief.headRY * 1.12 + 2
        u0 = -halfU; v0 = -halfV
        columns = Int((2 * halfU / self.step).rounded(.up)) + 2
        rows = Int((2 * halfV / self.step).rounded(.up)) + 2
        z = [Float](repeating: 0, count: columns * rows)
        for i in 0..<rows {
            for j in 0..<columns { z[i * columns + j] = relief.depth(u0 + Float(j) * self.step, v0 + Float(i) * self.step) }
        }
    }

    /// The depth at a face-frame point (0 off the grid).
    func depth(_ u: Float, _ v: Float) -> Float {
        withSampler { $0.depth(u, v) }
    }

    /// Runs `body` with a sampler that reads the grid without copying it (for per-pixel loops).
    func withSampler<R>(_ body: (Sampler) -> R) -> R {
        z.withUnsafeBufferPointer { p in
            body(Sampler(z: p, u0: u0, v0: v0, inverseStep: 1 / step, step: step, columns: columns, rows: rows))
        }
    }

    /// Bilinear reads of a depth grid.
    struct Sampler {
        let z: UnsafeBufferPointer<Float>
        let u0: Float, v0: Float, inverseStep: Float, step: Float
        let columns: Int, rows: Int

        /// The depth at a face-frame point (0 off the grid).
        @inline(__always)
        func depth(_ u: Float, _ v: Float) -> Float {
            let x = (u - u0) * inverseStep, y = (v - v0) * inverseStep
            guard x >= 0, y >= 0, x < Float(columns - 1), y < Float(rows - 1) else { return 0 }
            let j = Int(x), i = Int(y)
            let tx = x - Float(j), ty = y - Float(i)
            let k = i * columns + j
            let a = z[k] + (z[k + 1] - z[k]) * tx
            let b = z[k + columns] + (z[k + columns + 1] - z[k + columns]) * tx
            return a + (b - a) * ty
        }

        /// The unit surface normal at a face-frame point (z towards the camera).
        @inline(__always)
        func normal(_ u: Float, _ v: Float) -> (Float, Float, Float) {
            let h = step
            let gu = (depth(u + h, v) - depth(u - h, v)) / (2 * h)
            let gv = (depth(u, v + h) - depth(u, v - h)) / (2 * h)
            let n = (gu * gu + gv * gv + 1).squareRoot()
            return (-gu / n, -gv / n, 1 / n)
        }
    }
}
