import Foundation
import Tensor

/// Draws a `FaceGeometry` into a gray image: a cluttered background, shoulders, head, hair,
/// ears, eyes, brows, nose, mouth, facial hair, glasses and occluders; then lighting on the
/// face's relief, skin texture, blur, lost resolution, gamma, contrast, noise, equalised
/// levels, JPEG-like blocks and 8-bit quantisation.
enum FaceRenderer {
    /// The face as pixel values (integers 0–255, row-major) and its canvas (for keypoints).
    static func render(_ f: FaceGeometry, size: Int, rng: inout RandomGenerator) -> (pixels: [Float], canvas: FaceCanvas) {
        var c = FaceCanvas(width: size, height: size, cx: f.cx, cy: f.cy, scale: f.scale, angle: f.angle,
                           yaw: f.yaw, pitch: f.pitch, relief: f.relief)
        background(f, &c, rng: &rng)
        head(f, &c)
        eyes(f, &c)
        brows(f, &c)
        nose(f, &c)
        mouth(f, &c)
        facialHair(f, &c)
        lines(f, &c)
        bangs(f, &c)
        glasses(f, &c)
        occluders(f, &c, rng: &rng)
        var img = shade(f, c, rng: &rng)
        ImageFilters.gaussianBlur(&img, width: size, height: size, sigma: f.blur)
        if f.lowRes > 1.05 { ImageFilters.loseResolution(&img, width: size, height: size, factor: f.lowRes) }
        for k in img.indices {
            let v = max(0, img[k] * f.brightness)
            img[k] = Foundation.pow(min(v, 4), f.gamma)
        }
        var mean: Float = 0
        for v in img { mean += v }
        mean /= Float(max(1, img.count))
        for k in img.indices { img[k] = (mean + (img[k] - mean) * f.contrast) * 255 + f.noise * rng.nextNormal() }
        if f.equalize > 0 { ImageFilters.stretchLevels(&img, amount: f.equalize) }
        for k in img.indices { img[k] = min(255, max(0, img[k])) }
        if f.jpegQuality > 0 { ImageFilters.jpegArtefacts(&img, width: size, height: size, quality: f.jpegQuality) }
        for k in img.indices { img[k] = min(255, max(0, img[k].rounded())) }
        return (img, c)
    }

    /// A gradient with blotches and random shapes behind the person, then shoulders and neck.
    static func background(_ f: FaceGeometry, _ c: inout FaceCanvas, rng: inout RandomGenerator) {
        let w = Float(c.width), h = Float(c.height)
        let dx = Foundation.cos(f.bgAngle), dy = Foundation.sin(f.bgAngle)
        let blotches = ImageFilters.valueNoise(width: c.width, height: c.height, cells: 3 + rng.nextInt(below: 6), rng: &rng)
        let amount = rng.nextFloat(in: 0, 0.3)
        for i in 0..<c.height {
            for j in 0..<c.width {
                let t = 0.5 + ((Float(j) + 0.5) / w - 0.5) * dx + ((Float(i) + 0.5) / h - 0.5) * dy
                let k = i * c.width + j
                c.pixels[k] = min(1, max(0, f.bgA + (f.bgB - f.bgA) * min(1, max(0, t)) + amount * blotches[k]))
            }
        }
        for _ in 0..<f.clutter {
            let kind = rng.nextInt(below: 3)
            let x = rng.nextFloat(in: 0, w), y = rng.nextFloat(in: 0, h)
            let a = rng.nextFloat(in: 2, w * 0.4), b = rng.nextFloat(in: 1, h * 0.4)
            let angle = rng.nextFloat(in: 0, .pi), tone = rng.nextFloat(in: 0, 1)
            let soft = rng.nextFloat(in: 0.5, 3)
            let ca = Foundation.cos(angle), sa = Foundation.sin(angle)
            ImageFilters.paintImage(&c.pixels, width: c.width, height: c.height, tone: tone, soft: soft) { px, py in
                let u = ca * (px - x) + sa * (py - y), v = -sa * (px - x) + ca * (py - y)
                switch kind {
                case 0: return max(abs(u) - a, abs(v) - b)
                case 1: return ((u * u) / (a * a) + (v * v) / (b * b)).squareRoot() * min(a, b) - min(a, b)
                default: return abs(v) - b * 0.1 - 0.5
                }
            }
        }
        // Shoulders and neck.
        let clothTone = f.cloth
        c.paint(-75, 40, 75, 120, soft: 1, albedo: { u, v in
            clothTone * (1 + 0.15 * Foundation.sin(u * 0.3 + v * 0.1))
        }) { u, v in
            SDF.ellipse(u, v, 0, 95, 66, 32)
        }
        c.paint(-22, 20, 22, 95, soft: 0.8, tone: f.skin * 0.8) { u, v in
            max(abs(u) - f.headRX * 0.5, -(v - 20))
        }
    }

    static func headSDF(_ f: FaceGeometry, _ u: Float, _ v: Float) -> Float {
        let narrow = 1 - f.jaw * max(0, v / f.headRY) * max(0, v / f.headRY)
        return SDF.ellipse(u / narrow, v, 0, 0, f.headRX, f.headRY)
    }

    static func head(_ f: FaceGeometry, _ c: inout FaceCanvas) {
        // Hair behind the head (volume), ending with a rounded edge near the ears.
        let hairRX = f.headRX + f.hairVolume, hairRY = f.headRY + f.hairVolume * 0.6
        let hairCV = -f.hairVolume * 0.8
        let backEnd = f.earY + f.hairLength
        c.paint(-hairRX, hairCV - hairRY, hairRX, backEnd + 4, soft: 1.5, albedo: { u, v in
            f.hair * (1.1 - 0.25 * max(0, min(1, (v + f.headRY) / f.headRY))) * hairStreaks(f, u, v)
        }) { u, v in
            max(SDF.ellipse(u, v, 0, hairCV, hairRX, hairRY), SDF.ellipse(u, v, 0, backEnd - 60, hairRX * 1.3, 60))
        }
        for side: Float in [-1, 1] {
            let eu = side * (f.headRX - 1.5)
            c.paint(eu - 6, f.earY - 10, eu + 6, f.earY + 10, soft: 0.5, albedo: { u, v in
                f.skin * (0.85 + 0.1 * min(1, abs(u - eu) / 4))
            }) { u, v in SDF.ellipse(u, v, eu, f.earY, 4.2, 8.5) }
        }
        c.paint(-f.headRX, -f.headRY, f.headRX, f.headRY, soft: 0.5, albedo: { u, v in
            f.skin * (1 + 0.3 * f.skinTexture * (Foundation.sin(u * 0.9 + 2 * Foundation.sin(v * 0.7)) * Foundation.sin(v * 1.1 + u * 0.3)))
        }) { u, v in headSDF(f, u, v) }
        // Hair over the forehead: inside the hair ellipse and above the hairline.
        c.paint(-hairRX, hairCV - hairRY, hairRX, f.eyeY + 4, soft: 0.8, albedo: { u, v in
            f.hair * (1.15 - 0.3 * max(0, min(1, (v + f.headRY) / (f.headRY + f.hairline)))) * hairStreaks(f, u, v)
        }) { u, v in
            let x = u / f.headRX
            let part = f.hairPart * x
            let line = f.hairline + f.hairSide * x * x + part * max(0, 1 - abs(x) * 1.5) * 4
            return max(SDF.ellipse(u, v, 0, hairCV, hairRX, hairRY), v - line)
        }
    }

    /// Strands: albedo factor along the hair's direction.
    @inline(__always)
    static func hairStreaks(_ f: FaceGeometry, _ u: Float, _ v: Float) -> Float {
        let a = u * Foundation.cos(f.hairAngle) + v * Foundation.sin(f.hairAngle)
        return 1 + f.hairTexture * Foundation.sin(a * 1.7 + 1.3 * Foundation.sin(a * 0.31 + v * 0.05)) * Foundation.sin(a * 0.53)
    }

    /// A fringe over the forehead, down to the brows or over them.
    static func bangs(_ f: FaceGeometry, _ c: inout FaceCanvas) {
        guard f.bangs > 0 else { return }
        let bottom = f.eyeY + f.browInnerY - 2 + f.bangsLength * 7
        let hairRX = f.headRX + f.hairVolume
        let top = -f.headRY - f.hairVolume
        c.paint(-hairRX, top, hairRX, bottom + 3, opacity: f.bangs, soft: 0.8, albedo: { u, v in
            f.hair * 1.05 * hairStreaks(f, u, v)
        }) { u, v in
            let x = u / f.headRX
            let jag = 1.5 * Foundation.sin(u * 0.9) + f.hairSide * 0.3 * x * x * 4
            return max(SDF.ellipse(u, v, 0, -f.hairVolume * 0.8, hairRX, f.headRY + f.hairVolume * 0.6), v - (bottom - jag))
        }
    }

    /// Mustache and beard, with strands.
    static func facialHair(_ f: FaceGeometry, _ c: inout FaceCanvas) {
        let tone = min(f.skin * 0.7, f.hair + 0.1)
        let w = f.mouthHalfWidth
        if f.mustache > 0 {
            let top = f.noseY + 3, low = f.mouthY - f.mouthOpen / 2 - f.upperLip + 0.8
            c.paint(-w - 3, top - 1, w + 3, low + 2, opacity: f.mustache * 0.9, soft: 1, albedo: { u, v in
                tone * (1 + 0.3 * Foundation.sin(u * 2.1 + v))
            }) { u, v in
                let half = w * (0.55 + 0.45 * min(1, max(0, (v - top) / max(1, low - top))))
                return max(abs(u) - half, top - v, v - low)
            }
        }
        if f.beard > 0 {
            let lipLow = f.mouthY + f.mouthOpen / 2 + f.lowerLip + 1
            c.paint(-f.headRX, f.mouthY - 6, f.headRX, f.headRY + 2, opacity: f.beard * 0.85, soft: 2, albedo: { u, v in
                tone * (1 + 0.35 * Foundation.sin(u * 1.9 + v * 0.4) * Foundation.sin(v * 1.3))
            }) { u, v in
                let inside = headSDF(f, u, v)
                let mouthHole = SDF.ellipse(u, v, 0, f.mouthY, w + 2, (lipLow - f.mouthY) + 0.5)
                return max(inside, -(v - (f.mouthY - 4)) - abs(u) * 0.15 + 0 * u, -mouthHole, -(abs(u) - w * 0.4) - (v - lipLow))
            }
        }
    }

    /// Forehead lines, crow's feet and under-eye shadows, stronger with age.
    static func lines(_ f: FaceGeometry, _ c: inout FaceCanvas) {
        guard f.age > 0.15 else { return }
        let top = f.eyeY + min(f.browInnerY, f.browOuterY)
        for k in 0..<3 {
            let y = top - 6 - Float(k) * 3.5
            let pts = SDF.quadratic((-16, y + 1), (0, y - 1 - f.browArch * 0.3), (16, y + 1), count: 6)
            c.paint(-18, y - 3, 18, y + 3, opacity: 0.3 * f.age, soft: 0.6, tone: f.skin * 0.6) { u, v in
                SDF.stroke(u, v, pts, 0.7, 0.7)
            }
        }
        for side: Float in [-1, 1] {
            let ex = side * f.eyeX
            c.paint(ex - 9, f.eyeY + 2, ex + 9, f.eyeY + 8, opacity: 0.35 * f.age, soft: 2, tone: f.skin * 0.6) { u, v in
                SDF.ellipse(u, v, ex, f.eyeY + 4.8 + f.eyeHalfHeight * 0.3, f.eyeHalfLength * 1.05, 1.4)
            }
        }
    }

    /// Glasses: two frames with lenses, a bridge and the temples towards the ears.
    static func glasses(_ f: FaceGeometry, _ c: inout FaceCanvas) {
        guard f.glasses else { return }
        let hw = f.eyeHalfLength * 1.45 * f.glassesSize, hh = (f.eyeHalfHeight + 4.2) * f.glassesSize
        let cy = f.eyeY + 0.8
        let round = 1 + f.glassesShape * 3
        for side: Float in [-1, 1] {
            let ex = side * f.eyeX
            let frame: (Float, Float) -> Float = { u, v in
                let du = abs(u - ex) - (hw - round), dv = abs(v - cy) - (hh - round)
                return (max(du, 0) * max(du, 0) + max(dv, 0) * max(dv, 0)).squareRoot() + min(max(du, dv), 0) - round
            }
            c.paint(ex - hw - 1, cy - hh - 1, ex + hw + 1, cy + hh + 1, opacity: f.lensOpacity, soft: 0.5, tone: f.lensTone, sdf: frame)
            c.paint(ex - hw - 1, cy - hh - 1, ex + hw + 1, cy + hh + 1, soft: 0.3, tone: f.glassesTone) { u, v in
                abs(frame(u, v)) - 0.7
            }
            let temple: [(Float, Float)] = [(side * (f.eyeX + hw), cy - hh * 0.4), (side * (f.headRX + 1), f.earY - 3)]
            c.paint(min(temple[0].0, temple[1].0) - 1, cy - hh - 1, max(temple[0].0, temple[1].0) + 1, f.earY, soft: 0.3, tone: f.glassesTone) { u, v in
                SDF.stroke(u, v, temple, 1.2, 1.0)
            }
        }
        let bridge = SDF.quadratic((f.eyeX - hw, cy - 1), (0, cy - 3), (-f.eyeX + hw, cy - 1), count: 4)
        c.paint(-f.eyeX, cy - 5, f.eyeX, cy + 2, soft: 0.3, tone: f.glassesTone) { u, v in SDF.stroke(u, v, bridge, 1.2, 1.2) }
    }

    /// Things in front of the face: a hand, a microphone or a dark object, from an image edge.
    static func occluders(_ f: FaceGeometry, _ c: inout FaceCanvas, rng: inout RandomGenerator) {
        guard f.occluder > 0 else { return }
        let w = Float(c.width), h = Float(c.height)
        let tone: Float = f.occluder == 1 ? f.skin * rng.nextFloat(in: 0.8, 1.1) : rng.nextFloat(in: 0.02, 0.9)
        let side = rng.nextInt(below: 3)
        let x = side == 0 ? rng.nextFloat(in: 0.2, 0.8) * w : (side == 1 ? rng.nextFloat(in: -0.1, 0.12) * w : rng.nextFloat(in: 0.88, 1.1) * w)
        let y = side == 0 ? rng.nextFloat(in: 0.85, 1.1) * h : rng.nextFloat(in: 0.5, 1) * h
        let rx = rng.nextFloat(in: 0.08, 0.2) * w, ry = rng.nextFloat(in: 0.15, 0.35) * h
        let angle = rng.nextFloat(in: -0.6, 0.6)
        let ca = Foundation.cos(angle), sa = Foundation.sin(angle)
        ImageFilters.paintImage(&c.pixels, width: c.width, height: c.height, tone: tone, soft: 1) { px, py in
            let u = ca * (px - x) + sa * (py - y), v = -sa * (px - x) + ca * (py - y)
            return ((u * u) / (rx * rx) + (v * v) / (ry * ry)).squareRoot() * min(rx, ry) - min(rx, ry)
        }
    }

    static func eyes(_ f: FaceGeometry, _ c: inout FaceCanvas) {
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

    static func brows(_ f: FaceGeometry, _ c: inout FaceCanvas) {
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

    static func nose(_ f: FaceGeometry, _ c: inout FaceCanvas) {
        let nx = f.noseX, ny = f.noseY, w = f.noseW
        // Bridge shading on the side away from the light.
        let side: Float = f.lightX > 0 ? -1 : 1
        let bridge: [(Float, Float)] = [(side * 2.5, f.eyeY + 4), (nx + side * 3.5, ny - 3)]
        c.paint(-8, f.eyeY, 8, ny, opacity: 0.12, soft: 2, tone: f.skin * 0.6) { u, v in
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

    static func mouth(_ f: FaceGeometry, _ c: inout FaceCanvas) {
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
                // Bared teeth (a broad smile, a snarl) fill more of the opening than a glimpse does.
                let band = min(open * (0.35 + 0.3 * f.teeth), 2 + 3 * f.teeth)
                c.paint(-w, top, w, bottom, opacity: min(1, f.teeth), soft: 0.3, tone: 0.9) { u, v in
                    let m = mid(u), p = prof(u) * open / 2
                    return max(cavity(u, v), v - (m - p + band), abs(u) - w * 0.75)
                }
            }
            if f.lowerTeeth > 0.3 {
                c.paint(-w, top, w, bottom, opacity: min(1, f.lowerTeeth), soft: 0.3, tone: 0.82) { u, v in
                    let m = mid(u), p = prof(u) * open / 2
                    return max(cavity(u, v), (m + p - min(open * 0.3, 3)) - v, abs(u) - w * 0.65)
                }
            }
        }
        // The line between the lips.
        c.paint(-w - 1, top, w + 1, bottom, opacity: open > 0.4 ? 0.5 : 0.9, soft: 0.3, tone: 0.1) { u, v in
            max(abs(v - mid(u)) - max(0.45, open / 2 * prof(u)), abs(u) - w)
        }
    }

    /// Lighting: Lambert shading with a highlight on the face's relief, turned with the head;
    /// the rest (background, hair outside the head) lit flat. Skin gets fine blotches.
    static func shade(_ f: FaceGeometry, _ c: FaceCanvas, rng: inout RandomGenerator) -> [Float] {
        var out = c.pixels
        let len = (f.lightX * f.lightX + f.lightY * f.lightY + f.lightZ * f.lightZ).squareRoot()
        let lx = f.lightX / len, ly = f.lightY / len, lz = f.lightZ / len
        let flat = f.ambient + (1 - f.ambient) * (0.35 + 0.4 * lz)
        // Half vector between the light and the camera (0, 0, 1), for the highlight.
        let hl = (lx * lx + ly * ly + (lz + 1) * (lz + 1)).squareRoot()
        let hx = lx / hl, hy = ly / hl, hz = (lz + 1) / hl
        let blotches = ImageFilters.valueNoise(width: c.width, height: c.height, cells: 9, rng: &rng)
        c.depthMap.withSampler { relief in
        for k in out.indices {
            let (u, v) = c.toFace(pixel: k)
            let nu = u / (f.headRX * 1.12), nv = v / (f.headRY * 1.12)
            let r2 = nu * nu + nv * nv
            var light = flat
            if r2 < 1 {
                // The surface normal, turned by pitch and yaw as the head is.
                let (n0, n1, n2) = relief.normal(u, v)
                let a0 = c.cosYaw * n0 + c.sinYaw * n2, a2 = -c.sinYaw * n0 + c.cosYaw * n2
                let b1 = c.cosPitch * n1 - c.sinPitch * a2, b2 = c.sinPitch * n1 + c.cosPitch * a2
                let diffuse = max(0, a0 * lx + b1 * ly + b2 * lz)
                let spec = max(0, a0 * hx + b1 * hy + b2 * hz)
                let s2 = spec * spec, s4 = s2 * s2, s8 = s4 * s4
                let lit = f.ambient + (1 - f.ambient) * diffuse + f.specular * s8 * s8
                let w = min(1, (1 - r2) * 5)
                light = flat + (lit - flat) * w
                out[k] *= 1 + f.skinTexture * blotches[k] * w
            }
            out[k] *= light
        }
        }
        return out
    }
}
