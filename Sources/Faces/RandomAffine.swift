import Foundation
import Tensor

/// On-the-fly augmentation of image batches for training (Keras' `ImageDataGenerator`):
/// random rotation, shifts, shear, zoom, flips and brightness, one draw per image; and, for
/// training on synthetic images that must read photographs (domain randomisation), random
/// gamma, blur, noise and an erased patch (an occluder).
///
/// Apply it to each training batch [N, C, H, W] with a generator that the training loop
/// carries, so every epoch sees new variants and the run stays reproducible.
public struct RandomAffine: Sendable {
    /// Largest rotation in degrees (uniform in ±rotation; positive is counter-clockwise).
    public var rotation: Float
    /// Largest horizontal shift as a fraction of the width (uniform in ±widthShift).
    public var widthShift: Float
    /// Largest vertical shift as a fraction of the height.
    public var heightShift: Float
    /// Largest shear factor (x += shear · y, uniform in ±shear).
    public var shear: Float
    /// Zoom range: each axis is magnified by a factor uniform in 1 ± zoom.
    public var zoom: Float
    /// Mirror left-right with probability 1/2.
    public var horizontalFlip: Bool
    /// Mirror top-bottom with probability 1/2.
    public var verticalFlip: Bool
    /// Multiply by a factor uniform in this range, clipped to 0...maxValue (nil: unchanged).
    public var brightness: ClosedRange<Float>?
    /// The brightest pixel value (255 for raw pixels, 1 for normalised ones).
    public var maxValue: Float
    /// Largest log-gamma: levels become (x / maxValue)^g · maxValue with ln g uniform in ±gamma (0: off).
    public var gamma: Float = 0
    /// Largest Gaussian blur, σ in pixels uniform in 0...blur (0: off).
    public var blur: Float = 0
    /// Largest noise: Gaussian with σ uniform in 0...noise · maxValue (0: off).
    public var noise: Float = 0
    /// The probability of erasing one rectangle (2–20% of the image, aspect 1:3 to 3:1) with a
    /// random flat tone, as a hand or an object in front of a face would (0: off).
    public var erase: Float = 0

    /// The course's emotion augmentation: rotation 15°, shifts 0.1, shear 0.1, zoom 0.1, horizontal flip.
    public init(rotation: Float = 15, widthShift: Float = 0.1, heightShift: Float = 0.1, shear: Float = 0.1,
                zoom: Float = 0.1, horizontalFlip: Bool = true, verticalFlip: Bool = false,
                brightness: ClosedRange<Float>? = nil, maxValue: Float = 1) {
        self.rotation = rotation; self.widthShift = widthShift; self.heightShift = heightShift
        self.shear = shear; self.zoom = zoom; self.horizontalFlip = horizontalFlip
        self.verticalFlip = verticalFlip; self.brightness = brightness; self.maxValue = maxValue
    }

    /// A randomly transformed copy of the batch [N, C, H, W] (channels share each image's draw).
    public func callAsFunction(_ batch: Tensor, rng: inout RandomGenerator) throws -> Tensor {
        guard batch.rank == 4 else { throw FacesArgumentError("augmentation needs a batch [N, C, H, W], got \(batch.shape)") }
        let n = batch.shape[0], c = batch.shape[1], h = batch.shape[2], w = batch.shape[3]
        let cx = Float(w) / 2, cy = Float(h) / 2
        var maps: [ImageWarp.Affine] = []
        var gains: [Float] = []
        for _ in 0..<n {
            let angle = rng.nextFloat(in: -rotation, rotation) * .pi / 180
            let tx = rng.nextFloat(in: -widthShift, widthShift) * Float(w)
            let ty = rng.nextFloat(in: -heightShift, heightShift) * Float(h)
            let sh = rng.nextFloat(in: -shear, shear)
            let zx = rng.nextFloat(in: 1 - zoom, 1 + zoom), zy = rng.nextFloat(in: 1 - zoom, 1 + zoom)
            let fx: Float = horizontalFlip && rng.nextFloat() < 0.5 ? -1 : 1
            let fy: Float = verticalFlip && rng.nextFloat() < 0.5 ? -1 : 1
            gains.append(brightness.map { rng.nextFloat(in: $0.lowerBound, $0.upperBound) } ?? 1)
            // Forward map about the centre: p' = c + t + R · Shear · Zoom · Flip · (p − c).
            let cs = Foundation.cos(angle), sn = Foundation.sin(angle)
            // M = R · S · Z · F with R = [[cs, sn], [−sn, cs]], S = [[1, sh], [0, 1]].
            let a0 = zx * fx, e0 = zy * fy
            let m00 = cs * a0, m01 = (cs * sh + sn) * e0
            let m10 = -sn * a0, m11 = (-sn * sh + cs) * e0
            let forward = ImageWarp.Affine(a: m00, b: m01, c: cx + tx - m00 * cx - m01 * cy,
                                           d: m10, e: m11, f: cy + ty - m10 * cx - m11 * cy)
            maps.append(forward.inverse ?? ImageWarp.Affine(a: 1, b: 0, c: 0, d: 0, e: 1, f: 0))
        }
        // The photometric draws come from a generator of their own, seeded after the geometric
        // draws and only when switched on: the warps are those of the same transform without
        // them, and a transform without them draws exactly what it always did.
        var looks = [Look](repeating: Look(), count: n)
        if gamma > 0 || blur > 0 || noise > 0 || erase > 0 {
            var lookRng = RandomGenerator(seed: rng.next())
            for i in 0..<n { looks[i] = drawLook(&lookRng, height: h, width: w) }
        }
        let maxValue = maxValue
        let out = ImageWarp.mapImages(batch.scalars, count: n * c, pixels: h * w) { s, d, k in
            let i = k / c
            ImageWarp.warp(s, d, height: h, width: w, inverse: maps[i])
            if gains[i] != 1 {
                for p in 0..<(h * w) { d[p] = min(maxValue, max(0, d[p] * gains[i])) }
            }
            looks[i].apply(d, height: h, width: w, maxValue: maxValue, channel: k % c)
        }
        return try makeTensor(batch.shape, out)
    }

    /// One image's photometric draw.
    struct Look {
        var gamma: Float = 1, blur: Float = 0, noise: Float = 0, noiseSeed: UInt64 = 0
        var erase: (x0: Int, y0: Int, x1: Int, y1: Int, tone: Float)?

        /// Applies the draw to one channel of an image in place.
        func apply(_ d: UnsafeMutablePointer<Float>, height h: Int, width w: Int, maxValue: Float, channel: Int) {
            guard gamma != 1 || blur > 0 || noise > 0 || erase != nil else { return }
            var img = Array(UnsafeBufferPointer(start: d, count: h * w))
            if gamma != 1 {
                for p in img.indices { img[p] = Foundation.pow(min(1, max(0, img[p] / maxValue)), gamma) * maxValue }
            }
            if blur > 0 { ImageFilters.gaussianBlur(&img, width: w, height: h, sigma: blur) }
            if noise > 0 {
                var rng = RandomGenerator(seed: noiseSeed &+ UInt64(channel))
                for p in img.indices { img[p] += noise * rng.nextNormal() }
            }
            if let e = erase {
                for y in e.y0..<e.y1 { for x in e.x0..<e.x1 { img[y * w + x] = e.tone } }
            }
            for p in img.indices { d[p] = min(maxValue, max(0, img[p])) }
        }
    }

    func drawLook(_ rng: inout RandomGenerator, height h: Int, width w: Int) -> Look {
        var look = Look()
        if gamma > 0 { look.gamma = Foundation.exp(rng.nextFloat(in: -gamma, gamma)) }
        if blur > 0 { look.blur = rng.nextFloat(in: 0, blur) }
        if noise > 0 { look.noise = rng.nextFloat(in: 0, noise) * maxValue; look.noiseSeed = rng.next() }
        if erase > 0, rng.nextFloat() < erase {
            let area = rng.nextFloat(in: 0.02, 0.2) * Float(h * w)
            let aspect = Foundation.exp(rng.nextFloat(in: Foundation.log(Float(1) / 3), Foundation.log(Float(3))))
            let eh = max(1, min(h, Int((area * aspect).squareRoot()))), ew = max(1, min(w, Int((area / aspect).squareRoot())))
            let y0 = rng.nextInt(below: h - eh + 1), x0 = rng.nextInt(below: w - ew + 1)
            look.erase = (x0, y0, x0 + ew, y0 + eh, rng.nextFloat(in: 0, maxValue))
        }
        return look
    }

    /// A randomly transformed copy of the batch, drawn from a generator seeded by `seed`.
    public func callAsFunction(_ batch: Tensor, seed: UInt64) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return try self(batch, rng: &rng)
    }
}
