import Foundation
import Tensor

/// Draws a `FaceModel` into a gray image: background, shoulders, head, hair, ears, eyes,
/// brows, nose and mouth, then lighting, contrast, blur, noise and 8-bit quantisation.
enum FaceRenderer {
    /// The face as pixel values (integers 0–255, row-major) and its canvas (for keypoints).
    static func render(_ f: FaceModel, size: Int, rng: inout RandomGenerator) -> (pixels: [Float], canvas: FaceCanvas) {
        var c = FaceCanvas(width: size, height: size, cx: f.cx, cy: f.cy, scale: f.scale, angle: f.angle)
        background(f, &c)
        head(f, &c)
        eyes(f, &c)
        brows(f, &c)
        nose(f, &c)
        mouth(f, &c)
        var img = shade(f, c, rng: &rng)
        ImageFilters.gaussianBlur(&img, width: size, height: size, sigma: f.blur)
        for k in img.indices {
            let v = img[k] * 255 + f.noise * rng.nextNormal()
            img[k] = min(255, max(0, v.rounded()))
        }
        return (img, c)
    }

    static func background(_ f: FaceModel, _ c: inout FaceCanvas) {
        let w = Float(c.width), h = Float(c.height)
        let dx = Foundation.cos(f.bgAngle), dy = Foundation.sin(f.bgAngle)
        for i in 0..<c.height {
            for j in 0..<c.width {
                let t = 0.5 + ((Float(j) + 0.5) / w - 0.5) * dx + ((Float(i) + 0.5) / h - 0.5) * dy
                c.pixels[i * c.width + j] = f.bgA + (f.bgB - f.bgA) * min(1, max(0, t))
            }
        }
        // Shoulders and neck.
        c.paint(-70, 40, 70, 110, soft: 1, tone: f.cloth) { u, v in
            SDF.ellipse(u, v, 0, 92, 64, 30)
        }
        c.paint(-20, 20, 20, 90, soft: 0.8, tone: f.skin * 0.82) { u, v in
            max(abs(u) - f.headRX * 0.5, -(v - 20)) + 0 * v
        }
    }

    static func headSDF(_ f: FaceModel, _ u: Float, _ v: Float) -> Float {
        let narrow = 1 - f.jaw * max(0, v / f.headRY) * max(0, v / f.headRY)
        return SDF.ellipse(u / narrow, v, 0, 0, f.headRX, f.headRY)
    }

    static func head(_ f: FaceModel, _ c: inout FaceCanvas) {
        // Hair behind the head (volume), ending with a rounded edge near the ears.
        let hairRX = f.headRX + f.hairVolume, hairRY = f.headRY + f.hairVolume * 0.6
        let hairCV = -f.hairVolume * 0.8
        let backEnd = f.earY + f.hairLength
        c.paint(-hairRX, hairCV - hairRY, hairRX, backEnd + 4, soft: 1.5, albedo: { _, v in
            f.hair * (1.1 - 0.25 * max(0, min(1, (v + f.headRY) / f.headRY)))
        }) { u, v in
            max(SDF.ellipse(u, v, 0, hairCV, hairRX, hairRY), SDF.ellipse(u, v, 0, backEnd - 60, hairRX * 1.3, 60))
        }
        for side: Float in [-1, 1] {
            let eu = side * (f.headRX - 1.5)
            c.paint(eu - 6, f.earY - 10, eu + 6, f.earY + 10, soft: 0.5, albedo: { u, v in
                f.skin * (0.85 + 0.1 * min(1, abs(u - eu) / 4))
            }) { u, v in SDF.ellipse(u, v, eu, f.earY, 4.2, 8.5) }
        }
        c.paint(-f.headRX, -f.headRY, f.headRX, f.headRY, soft: 0.5, tone: f.skin) { u, v in headSDF(f, u, v) }
        // Hair over the forehead: inside the hair ellipse and above the hairline.
        c.paint(-hairRX, hairCV - hairRY, hairRX, f.eyeY + 4, soft: 0.8, albedo: { u, v in
            f.hair * (1.15 - 0.3 * max(0, min(1, (v + f.headRY) / (f.headRY + f.hairline))))
        }) { u, v in
            let x = u / f.headRX
            let part = f.hairPart * x
            let line = f.hairline + f.hairSide * x * x + part * max(0, 1 - abs(x) * 1.5) * 4
            return max(SDF.ellipse(u, v, 0, hairCV, hairRX, hairRY), v - line)
        }
    }

    static func eyes(_ f: FaceModel, _ c: inout FaceCanvas) {
        let L = f.eyeHalfLength, H = f.eyeHalfHeight
        for side: Float in [1, -1] {
            let ex = side * f.eyeX, ey = f.eyeY
            // Direction from inner to outer corner: (side·cos t, −sin t).
            let ca = Foundation.cos(f.eyeTilt), sa = -side * Foundation.sin(f.eyeTilt)
            let pad = L + 4
            // Socket shadow.
            c.paint(ex - pad - 3, ey - pad, ex + pad + 3, ey + pad, opacity: 0.25, soft: 3, tone: f.skin * 0.7) { u, v in
                SDF.ellipse(u, v, ex, ey - 1, L * 1.25, H * 1.8 + 1.5)
            }
            let sclera: (Float, Float) -> Float = { u, v in
                SDF.ellipse(u, v, ex, ey, L, H, cos: ca, sin: sa)
            }
            c.paint(ex - pad, ey - pad, ex + pad, ey + pad, soft: 0.3, tone: min(0.95, f.skin + 0.25), sdf: sclera)
            let ix = ex + f.gazeX, iy = ey + f.gazeY
            c.paint(ix - f.irisR, iy - f.irisR, ix + f.irisR, iy + f.irisR, soft: 0.3, tone: f.irisTone) { u, v in
                max(SDF.circle(u, v, ix, iy, f.irisR), sclera(u, v))
            }
            let pr = f.irisR * 0.5
            c.paint(ix - pr, iy - pr, ix + pr, iy + pr, soft: 0.3, tone: 0.02) { u, v in
                max(SDF.circle(u, v, ix, iy, pr), sclera(u, v))
            }
            // Upper lid and lash line (upper half of the eye outline), lower lid softer.
            c.paint(ex - pad, ey - pad, ex + pad, ey + 1, soft: 0.3, tone: 0.06) { u, v in
                let du = u - ex, dv = v - ey
                let y = -sa * du + ca * dv
                return max(abs(sclera(u, v)) - 0.75, y)
            }
            c.paint(ex - pad, ey - 1, ex + pad, ey + pad, opacity: 0.35, soft: 0.4, tone: 0.15) { u, v in
                let du = u - ex, dv = v - ey
                let y = -sa * du + ca * dv
                return max(abs(sclera(u, v)) - 0.4, -y)
            }
            // Lid crease above the eye.
            c.paint(ex - pad, ey - pad - 2, ex + pad, ey, opacity: 0.3, soft: 0.8, tone: f.skin * 0.55) { u, v in
                let d = SDF.ellipse(u, v, ex, ey + 0.5, L * 1.05, H + 2.2, cos: ca, sin: sa)
                let du = u - ex, dv = v - ey
                return max(abs(d) - 0.35, -sa * du + ca * dv + 1)
            }
        }
    }

    static func brows(_ f: FaceModel, _ c: inout FaceCanvas) {
        for side: Float in [1, -1] {
            let a = (side * f.browInnerX, f.eyeY + f.browInnerY)
            let b = (side * f.browOuterX, f.eyeY + f.browOuterY)
            let ctrl = ((a.0 + b.0) / 2, (a.1 + b.1) / 2 - f.browArch)
            let pts = SDF.quadratic(a, ctrl, b, count: 10)
            let box = SDF.bounds(pts, pad: f.browThick)
            let t0 = f.browThick * 1.1, t1 = f.browThick * 0.55
            c.paint(box.0, box.1, box.2, box.3, opacity: 0.92, soft: 0.5, tone: f.browTone) { u, v in
                SDF.stroke(u, v, pts, t0, t1)
            }
        }
    }

    static func nose(_ f: FaceModel, _ c: inout FaceCanvas) {
        let nx = f.noseX, ny = f.noseY, w = f.noseW
        // Bridge shading on the side away from the light.
        let side: Float = f.lightX > 0 ? -1 : 1
        let bridge: [(Float, Float)] = [(side * 2.5, f.eyeY + 4), (nx + side * 3.5, ny - 3)]
        c.paint(-8, f.eyeY, 8, ny, opacity: 0.22, soft: 2, tone: f.skin * 0.6) { u, v in
            SDF.stroke(u, v, bridge, 2, 3)
        }
        if f.wrinkle > 0.05 {
            for k in 0..<3 {
                let y = f.eyeY + 3 + Float(k) * 1.8
                let pts: [(Float, Float)] = [(-2.8, y + 0.4), (0, y), (2.8, y + 0.4)]
                c.paint(-4, y - 2, 4, y + 2, opacity: min(1, 0.6 * f.wrinkle), soft: 0.3, tone: f.skin * 0.5) { u, v in
                    SDF.stroke(u, v, pts, 0.8, 0.8)
                }
            }
        }
        c.paint(nx - 5, ny - 5, nx + 5, ny + 4, opacity: 0.45, soft: 2, tone: min(1, f.skin * 1.12)) { u, v in
            SDF.ellipse(u, v, nx, ny, 3.2, 2.8)
        }
        for s: Float in [-1, 1] {
            c.paint(nx + s * w - 4, ny - 3, nx + s * w + 4, ny + 5, opacity: 0.5, soft: 1.2, tone: f.skin * 0.82) { u, v in
                SDF.ellipse(u, v, nx + s * w, ny + 1.5, 2.4, 2.2)
            }
            c.paint(nx + s * w * 0.55 - 3, ny, nx + s * w * 0.55 + 3, ny + 5, opacity: 0.85, soft: 0.4, tone: 0.12) { u, v in
                SDF.ellipse(u, v, nx + s * w * 0.55, ny + 2.9, 1.6, 0.95)
            }
        }
        let base = SDF.quadratic((nx - w, ny + 2.4), (nx, ny + 5.2), (nx + w, ny + 2.4), count: 6)
        c.paint(nx - w - 2, ny, nx + w + 2, ny + 6, opacity: 0.35, soft: 0.8, tone: f.skin * 0.55) { u, v in
            SDF.stroke(u, v, base, 1, 1)
        }
        // Folds from the nose wings to the mouth corners.
        if f.fold > 0.05 {
            for s: Float in [-1, 1] {
                let corner = (s * (f.mouthHalfWidth + 2.5), f.mouthY - (s > 0 ? f.liftLeft : f.liftRight) + 1)
                let pts = SDF.quadratic((nx + s * (w + 2), ny + 0.5), (s * (f.mouthHalfWidth + 5), (ny + f.mouthY) / 2), corner, count: 6)
                let box = SDF.bounds(pts, pad: 3)
                c.paint(box.0, box.1, box.2, box.3, opacity: min(0.8, 0.55 * f.fold), soft: 1.2, tone: f.skin * 0.55) { u, v in
                    SDF.stroke(u, v, pts, 1.2, 0.8)
                }
            }
        }
    }

    static func mouth(_ f: FaceModel, _ c: inout FaceCanvas) {
        let w = f.mouthHalfWidth, my = f.mouthY
        let q = 1 - 0.5 * f.roundness
        let open = f.mouthOpen
        func mid(_ u: Float) -> Float {
            let t = u / w
            return my - (u > 0 ? f.liftLeft : f.liftRight) * t * t
        }
        func prof(_ u: Float) -> Float {
            let t = min(1, abs(u) / w)
            return Foundation.pow(max(0, 1 - t * t), q)
        }
        let top = my - max(f.liftLeft, f.liftRight, 0) - open / 2 - f.upperLip - 1
        let bottom = my + max(-f.liftLeft, -f.liftRight, 0) + open / 2 + f.lowerLip + 1
        let lips: (Float, Float) -> Float = { u, v in
            let m = mid(u), p = prof(u)
            return max(m - (open / 2 + f.upperLip) * p - v, v - m - (open / 2 + f.lowerLip) * p, abs(u) - w)
        }
        c.paint(-w - 1, top, w + 1, bottom, soft: 0.5, albedo: { u, v in
            f.skin * (v < mid(u) ? f.lipTone * 0.93 : f.lipTone)
        }, sdf: lips)
        // Lower lip shadow below the mouth.
        c.paint(-w * 0.6, bottom - 1, w * 0.6, bottom + 3, opacity: 0.2, soft: 1.5, tone: f.skin * 0.6) { u, v in
            SDF.ellipse(u, v, 0, my + open / 2 + f.lowerLip + 1.2, w * 0.45, 1.2)
        }
        if open > 0.4 {
            let cavity: (Float, Float) -> Float = { u, v in
                let m = mid(u), p = prof(u) * open / 2
                return max(m - p - v, v - m - p, abs(u) - w)
            }
            c.paint(-w, top, w, bottom, soft: 0.3, tone: 0.07, sdf: cavity)
            if f.teeth > 0.3 {
                c.paint(-w, top, w, bottom, opacity: min(1, f.teeth), soft: 0.3, tone: 0.88) { u, v in
                    let m = mid(u), p = prof(u) * open / 2
                    return max(cavity(u, v), v - (m - p + min(open * 0.55, 3.5)), abs(u) - w * 0.75)
                }
            }
        }
        // The line between the lips.
        c.paint(-w - 1, top, w + 1, bottom, opacity: open > 0.4 ? 0.5 : 0.9, soft: 0.3, tone: 0.1) { u, v in
            max(abs(v - mid(u)) - max(0.45, open / 2 * prof(u)), abs(u) - w)
        }
    }

    /// Lighting: the head as an ellipsoid lit from (lightX, lightY); the rest lit flat.
    static func shade(_ f: FaceModel, _ c: FaceCanvas, rng: inout RandomGenerator) -> [Float] {
        var out = c.pixels
        let lz = (max(0.05, 1 - f.lightX * f.lightX - f.lightY * f.lightY)).squareRoot()
        let flat = f.ambient + (1 - f.ambient) * lz
        var mean: Float = 0
        for i in 0..<c.height {
            for j in 0..<c.width {
                let (u, v) = c.toFace(Float(j) + 0.5, Float(i) + 0.5)
                let nu = u / (f.headRX * 1.15), nv = v / (f.headRY * 1.15)
                let r2 = nu * nu + nv * nv
                var light = flat
                if r2 < 1 {
                    let nz = (1 - r2).squareRoot()
                    let lit = f.ambient + (1 - f.ambient) * max(0, nu * f.lightX + nv * f.lightY + nz * lz)
                    let w = min(1, (1 - r2) * 4)
                    light = flat + (lit - flat) * w
                }
                let k = i * c.width + j
                out[k] *= light * f.brightness
                mean += out[k]
            }
        }
        mean /= Float(out.count)
        for k in out.indices { out[k] = mean + (out[k] - mean) * f.contrast }
        return out
    }
}
