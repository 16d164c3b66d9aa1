import Foundation
import Tensor

/// Camera and file effects for synthetic faces, and image-space painting.
extension ImageFilters {
    /// Smooth random values in about -1...1: a `cells` × `cells` lattice of normal values,
    /// interpolated with a smoothstep.
    static func valueNoise(width: Int, height: Int, cells: Int, rng: inout RandomGenerator) -> [Float] {
        let n = max(1, cells)
        let lattice = (0..<((n + 1) * (n + 1))).map { _ in rng.nextNormal() * 0.6 }
        var out = [Float](repeating: 0, count: width * height)
        let sx = Float(n) / Float(width), sy = Float(n) / Float(height)
        for i in 0..<height {
            let y = (Float(i) + 0.5) * sy
            let y0 = min(n - 1, Int(y)), ty = y - Float(y0)
            let wy = ty * ty * (3 - 2 * ty)
            for j in 0..<width {
                let x = (Float(j) + 0.5) * sx
                let x0 = min(n - 1, Int(x)), tx = x - Float(x0)
                let wx = tx * tx * (3 - 2 * tx)
                let a = lattice[y0 * (n + 1) + x0], b = lattice[y0 * (n + 1) + x0 + 1]
                let c = lattice[(y0 + 1) * (n + 1) + x0], d = lattice[(y0 + 1) * (n + 1) + x0 + 1]
                out[i * width + j] = (a + (b - a) * wx) + ((c + (d - c) * wx) - (a + (b - a) * wx)) * wy
            }
        }
        return out
    }

    /// Paints a shape given by its signed distance in pixels (negative inside) at pixel centres.
    static func paintImage(_ pixels: inout [Float], width: Int, height: Int, tone: Float, soft: Float,
                           sdf: (Float, Float) -> Float) {
        let edge = max(1, soft)
        for i in 0..<height {
            for j in 0..<width {
                let d = sdf(Float(j) + 0.5, Float(i) + 0.5)
                let cover = min(1, max(0, 0.5 - d / edge))
                if cover > 0 { pixels[i * width + j] += (tone - pixels[i * width + j]) * cover }
            }
        }
    }

    /// A picture taken at 1/`factor` of the resolution and enlarged again (box down, bilinear up).
    static func loseResolution(_ pixels: inout [Float], width: Int, height: Int, factor: Float) {
        let w = max(2, Int(Float(width) / factor)), h = max(2, Int(Float(height) / factor))
        var small = [Float](repeating: 0, count: w * h)
        for i in 0..<h {
            let r0 = i * height / h, r1 = max(r0 + 1, (i + 1) * height / h)
            for j in 0..<w {
                let c0 = j * width / w, c1 = max(c0 + 1, (j + 1) * width / w)
                var sum: Float = 0
                for r in r0..<r1 { for c in c0..<c1 { sum += pixels[r * width + c] } }
                small[i * w + j] = sum / Float((r1 - r0) * (c1 - c0))
            }
        }
        let sy = Float(h) / Float(height), sx = Float(w) / Float(width)
        for i in 0..<height {
            let y = max(0, min(Float(h - 1), (Float(i) + 0.5) * sy - 0.5))
            let y0 = min(h - 2, Int(y)), ty = y - Float(y0)
            for j in 0..<width {
                let x = max(0, min(Float(w - 1), (Float(j) + 0.5) * sx - 0.5))
                let x0 = min(w - 2, Int(x)), tx = x - Float(x0)
                let a = small[y0 * w + x0], b = small[y0 * w + x0 + 1]
                let c = small[(y0 + 1) * w + x0], d = small[(y0 + 1) * w + x0 + 1]
                pixels[i * width + j] = (a + (b - a) * tx) * (1 - ty) + (c + (d - c) * tx) * ty
            }
        }
    }

    /// Stretches the levels towards the full 0–255 range (as equalised photographs are), by `amount`.
    static func stretchLevels(_ pixels: inout [Float], amount: Float) {
        guard let lo = pixels.min(), let hi = pixels.max(), hi - lo > 1 else { return }
        let k = 255 / (hi - lo)
        for i in pixels.indices { pixels[i] += ((pixels[i] - lo) * k - pixels[i]) * amount }
    }

    /// The JPEG luminance quantisation table (ITU T.81, Annex K).
    static let jpegTable: [Float] = [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ]

    /// The 8-point DCT-II basis, row k = frequency.
    static let dctBasis: [Float] = (0..<64).map { idx in
        let k = idx / 8, n = idx % 8
        let scale: Float = k == 0 ? (1.0 / 8).squareRoot() : (2.0 / 8).squareRoot()
        return scale * Foundation.cos(Float.pi * (Float(n) + 0.5) * Float(k) / 8)
    }

    /// JPEG-like artefacts: each 8×8 block's DCT coefficients quantised with the standard table
    /// at `quality` (1–100), as a JPEG encoder does; pixels 0–255.
    static func jpegArtefacts(_ pixels: inout [Float], width: Int, height: Int, quality: Float) {
        let q = max(1, min(100, quality))
        let s: Float = q < 50 ? 5000 / q : 200 - 2 * q
        let table = jpegTable.map { max(1, (($0 * s + 50) / 100).rounded(.down)) }
        let basis = dctBasis
        var block = [Float](repeating: 0, count: 64), tmp = block, coef = block
        for by in stride(from: 0, to: height, by: 8) {
            for bx in stride(from: 0, to: width, by: 8) {
                for i in 0..<8 {
                    for j in 0..<8 {
                        block[i * 8 + j] = pixels[min(height - 1, by + i) * width + min(width - 1, bx + j)] - 128
                    }
                }
                // coef = B · block · Bᵀ, quantised, then back: block = Bᵀ · coef · B.
                for k in 0..<8 { for j in 0..<8 { var a: Float = 0; for n in 0..<8 { a += basis[k * 8 + n] * block[n * 8 + j] }; tmp[k * 8 + j] = a } }
                for k in 0..<8 { for l in 0..<8 { var a: Float = 0; for n in 0..<8 { a += tmp[k * 8 + n] * basis[l * 8 + n] }; coef[k * 8 + l] = (a / table[k * 8 + l]).rounded() * table[k * 8 + l] } }
                for n in 0..<8 { for l in 0..<8 { var a: Float = 0; for k in 0..<8 { a += basis[k * 8 + n] * coef[k * 8 + l] }; tmp[n * 8 + l] = a } }
                for n in 0..<8 { for m in 0..<8 { var a: Float = 0; for l in 0..<8 { a += tmp[n * 8 + l] * basis[l * 8 + m] }; block[n * 8 + m] = a } }
                for i in 0..<8 where by + i < height {
                    for j in 0..<8 where bx + j < width { pixels[(by + i) * width + bx + j] = block[i * 8 + j] + 128 }
                }
            }
        }
    }
}
