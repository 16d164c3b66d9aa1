import Foundation
import Tensor

/// On-the-fly augmentation of image batches for training (Keras' `ImageDataGenerator`):
/// random rotation, shifts, shear, zoom, flips and brightness, one draw per image.
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
        let maxValue = maxValue
        let out = ImageWarp.mapImages(batch.scalars, count: n * c, pixels: h * w) { s, d, k in
            let i = k / c
            ImageWarp.warp(s, d, height: h, width: w, inverse: maps[i])
            if gains[i] != 1 {
                for p in 0..<(h * w) { d[p] = min(maxValue, max(0, d[p] * gains[i])) }
            }
        }
        return try makeTensor(batch.shape, out)
    }

    /// A randomly transformed copy of the batch, drawn from a generator seeded by `seed`.
    public func callAsFunction(_ batch: Tensor, seed: UInt64) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return try self(batch, rng: &rng)
    }
}
