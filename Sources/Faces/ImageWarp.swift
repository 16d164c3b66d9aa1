import Foundation
import Tensor

/// Pixel resampling for augmentation: affine warps (bilinear) and bicubic resizing.
///
/// Coordinates are continuous with pixel (i, j) centred at (j + 0.5, i + 0.5). Samples that
/// fall outside the image take the nearest edge pixel (Keras' `fill_mode="nearest"`).
enum ImageWarp {
    /// An affine map x' = a·x + b·y + c, y' = d·x + e·y + f.
    struct Affine {
        var a: Float, b: Float, c: Float, d: Float, e: Float, f: Float

        /// Applies the map to a point.
        @inline(__always)
        func apply(_ x: Float, _ y: Float) -> (Float, Float) { (a * x + b * y + c, d * x + e * y + f) }

        /// The inverse map (nil if singular).
        var inverse: Affine? {
            let det = a * e - b * d
            guard abs(det) > 1e-12 else { return nil }
            let ia = e / det, ib = -b / det, id = -d / det, ie = a / det
            return Affine(a: ia, b: ib, c: -(ia * c + ib * f), d: id, e: ie, f: -(id * c + ie * f))
        }

        /// A rotation by `degrees` counter-clockwise on screen (y down) about (cx, cy).
        static func rotation(degrees: Float, cx: Float, cy: Float) -> Affine {
            let t = degrees * .pi / 180
            let cs = Foundation.cos(t), sn = Foundation.sin(t)
            // x' = cx + cos·dx + sin·dy ; y' = cy − sin·dx + cos·dy
            return Affine(a: cs, b: sn, c: cx - cs * cx - sn * cy, d: -sn, e: cs, f: cy + sn * cx - cs * cy)
        }
    }

    /// Warps one H×W image: output pixel p samples the input at `inverse(p)`, bilinearly.
    static func warp(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, height: Int, width: Int, inverse m: Affine) {
        let wMax = Float(width - 1), hMax = Float(height - 1)
        for i in 0..<height {
            for j in 0..<width {
                let (sx, sy) = m.apply(Float(j) + 0.5, Float(i) + 0.5)
                let fx = min(wMax, max(0, sx - 0.5)), fy = min(hMax, max(0, sy - 0.5))
                let x0 = Int(fx), y0 = Int(fy)
                let x1 = min(width - 1, x0 + 1), y1 = min(height - 1, y0 + 1)
                let tx = fx - Float(x0), ty = fy - Float(y0)
                let top = src[y0 * width + x0] * (1 - tx) + src[y0 * width + x1] * tx
                let bottom = src[y1 * width + x0] * (1 - tx) + src[y1 * width + x1] * tx
                dst[i * width + j] = top * (1 - ty) + bottom * ty
            }
        }
    }

    /// Mirrors an image left-right (`vertical: false`) or top-bottom (`vertical: true`).
    static func flip(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, height: Int, width: Int, vertical: Bool) {
        for i in 0..<height {
            for j in 0..<width {
                dst[i * width + j] = vertical ? src[(height - 1 - i) * width + j] : src[i * width + width - 1 - j]
            }
        }
    }

    /// The cubic convolution kernel with a = −0.75 (as OpenCV's INTER_CUBIC).
    @inline(__always)
    static func cubic(_ x: Float) -> Float {
        let a: Float = -0.75
        let t = abs(x)
        if t <= 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
        if t < 2 { return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a }
        return 0
    }

    /// Bicubic resampling weights: for each output index, 4 source indices (clamped) and weights.
    static func cubicTaps(from n: Int, to m: Int) -> [(index: [Int], weight: [Float])] {
        let scale = Float(n) / Float(m)
        return (0..<m).map { o in
            let s = (Float(o) + 0.5) * scale - 0.5
            let base = Int(s.rounded(.down))
            let t = s - Float(base)
            let idx = (-1...2).map { min(n - 1, max(0, base + $0)) }
            let w = (-1...2).map { cubic(t - Float($0)) }
            return (idx, w)
        }
    }

    /// Resizes images [N, C, H, W] to [N, C, height, width] by bicubic interpolation,
    /// clipping to 0...maxValue when one is given.
    static func resizeBicubic(_ images: Tensor, height: Int, width: Int, maxValue: Float?) throws -> Tensor {
        let low: Float = maxValue == nil ? -.infinity : 0, high = maxValue ?? .infinity
        guard images.rank == 4 else { throw FacesArgumentError("resize needs images [N, C, H, W], got \(images.shape)") }
        guard height > 0, width > 0 else { throw FacesArgumentError("resize needs a positive size, got \(height)x\(width)") }
        let n = images.shape[0] * images.shape[1], h = images.shape[2], w = images.shape[3]
        guard h > 0, w > 0 else { throw FacesArgumentError("cannot resize empty images \(images.shape)") }
        let rows = cubicTaps(from: h, to: height), cols = cubicTaps(from: w, to: width)
        var out = [Float](repeating: 0, count: n * height * width)
        images.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                Parallel.forEach(n) { k in
                    var tmp = [Float](repeating: 0, count: h * width)
                    let img = s + k * h * w
                    for i in 0..<h {
                        for j in 0..<width {
                            let c = cols[j]
                            var acc: Float = 0
                            for t in 0..<4 { acc += c.weight[t] * img[i * w + c.index[t]] }
                            tmp[i * width + j] = acc
                        }
                    }
                    let o = d + k * height * width
                    for i in 0..<height {
                        let r = rows[i]
                        for j in 0..<width {
                            var acc: Float = 0
                            for t in 0..<4 { acc += r.weight[t] * tmp[r.index[t] * width + j] }
                            o[i * width + j] = min(high, max(low, acc))
                        }
                    }
                }
            }
        }
        return try makeTensor([images.shape[0], images.shape[1], height, width], out)
    }

    /// Applies `body(src, dst, sample)` to each image of [N, 1, H, W] scalars in parallel.
    static func mapImages(_ scalars: [Float], count: Int, pixels: Int,
                          _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> [Float] {
        var out = [Float](repeating: 0, count: scalars.count)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                Parallel.forEach(count) { i in body(s + i * pixels, d + i * pixels, i) }
            }
        }
        return out
    }
}
