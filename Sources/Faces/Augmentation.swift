import Foundation
import Tensor

/// Augmentations that keep labels right: flips swap left/right (or top/bottom) point names,
/// rotation moves the points with the image, brightness clips to the pixel range.
///
/// Conventions: coordinates are continuous with pixel (i, j) centred at (j + 0.5, i + 0.5), so
/// a horizontal flip maps x to W − x exactly and is its own inverse. Positive angles rotate
/// counter-clockwise on screen, about the image centre (W/2, H/2). Random choices are seeded:
/// sample i draws from its own generator seeded by (seed, i).
public enum Augment {
    // MARK: Keypoints

    /// Mirrors images left-right: x → W − x, and left/right point names swap
    /// (left_eye_center ↔ right_eye_center, mouth_left_corner ↔ mouth_right_corner, …).
    public static func flipHorizontal(_ set: KeypointSet) throws -> KeypointSet {
        try flip(set, vertical: false)
    }

    /// Mirrors images top-bottom: y → H − y, and mouth_center_top_lip ↔ mouth_center_bottom_lip.
    public static func flipVertical(_ set: KeypointSet) throws -> KeypointSet {
        try flip(set, vertical: true)
    }

    static func flip(_ set: KeypointSet, vertical: Bool) throws -> KeypointSet {
        let h = set.height, w = set.width
        let images = ImageWarp.mapImages(set.images.scalars, count: set.count, pixels: h * w) { s, d, _ in
            ImageWarp.flip(s, d, height: h, width: w, vertical: vertical)
        }
        let mirror = vertical ? KeypointNames.verticalMirror : KeypointNames.horizontalMirror
        let k = set.keypoints.scalars, m = set.mask.scalars
        var pts = [Float](repeating: 0, count: k.count), msk = [Float](repeating: 0, count: m.count)
        for i in 0..<set.count {
            for p in 0..<15 {
                let q = mirror[p]  // point p of the flipped image is point q of the original
                for axis in 0..<2 {
                    let src = i * 30 + 2 * q + axis, dst = i * 30 + 2 * p + axis
                    msk[dst] = m[src]
                    guard m[src] != 0 else { continue }
                    let flips = vertical ? axis == 1 : axis == 0
                    pts[dst] = flips ? Float(vertical ? h : w) - k[src] : k[src]
                }
            }
        }
        var out = set
        out.images = try makeTensor(set.images.shape, images)
        out.keypoints = try makeTensor(set.keypoints.shape, pts)
        out.mask = try makeTensor(set.mask.shape, msk)
        return out
    }

    /// Multiplies each image by a random factor in `factor` (e.g. 1.5...2), clipped to the pixel range.
    public static func brighten(_ set: KeypointSet, factor: ClosedRange<Float>, seed: UInt64) throws -> KeypointSet {
        var out = set
        out.images = try brighten(set.images, factor: factor, seed: seed, maxValue: set.pixelMax)
        return out
    }

    /// Rotates each image by a random angle in `degrees` (e.g. -15...15), bilinearly, with its
    /// points. When `dropOutside`, samples with a present point outside the frame are dropped.
    public static func rotate(_ set: KeypointSet, degrees: ClosedRange<Float>, seed: UInt64, dropOutside: Bool = true) throws -> KeypointSet {
        let angles = randomValues(set.count, range: degrees, seed: seed)
        return try rotate(set, angles: angles, dropOutside: dropOutside)
    }

    /// Rotates image i by `angles[i]` degrees with its points (see `rotate(_:degrees:seed:dropOutside:)`).
    public static func rotate(_ set: KeypointSet, angles: [Float], dropOutside: Bool = true) throws -> KeypointSet {
        guard angles.count == set.count else { throw FacesArgumentError("\(angles.count) angles for \(set.count) images") }
        let h = set.height, w = set.width
        let cx = Float(w) / 2, cy = Float(h) / 2
        let images = ImageWarp.mapImages(set.images.scalars, count: set.count, pixels: h * w) { s, d, i in
            let forward = ImageWarp.Affine.rotation(degrees: angles[i], cx: cx, cy: cy)
            if let inv = forward.inverse { ImageWarp.warp(s, d, height: h, width: w, inverse: inv) }
        }
        var pts = set.keypoints.scalars
        let m = set.mask.scalars
        var keep: [Int] = []
        for i in 0..<set.count {
            let forward = ImageWarp.Affine.rotation(degrees: angles[i], cx: cx, cy: cy)
            var inside = true
            for p in 0..<15 {
                let b = i * 30 + 2 * p
                guard m[b] != 0 && m[b + 1] != 0 else { continue }
                let (x, y) = forward.apply(pts[b], pts[b + 1])
                pts[b] = KeypointSet.snap(x); pts[b + 1] = KeypointSet.snap(y)
                if x < 0 || x >= Float(w) || y < 0 || y >= Float(h) { inside = false }
            }
            if inside || !dropOutside { keep.append(i) }
        }
        var out = set
        out.images = try makeTensor(set.images.shape, images)
        out.keypoints = try makeTensor(set.keypoints.shape, pts)
        return keep.count == set.count ? out : try out.selecting(keep)
    }

    /// Resizes images by bicubic interpolation and scales the points (x · W'/W, y · H'/H).
    public static func resize(_ set: KeypointSet, height: Int, width: Int) throws -> KeypointSet {
        var out = set
        out.images = try ImageWarp.resizeBicubic(set.images, height: height, width: width, maxValue: set.pixelMax)
        let sx = Float(width) / Float(set.width), sy = Float(height) / Float(set.height)
        let m = set.mask.scalars
        out.keypoints = try makeTensor(set.keypoints.shape, set.keypoints.scalars.enumerated().map { k, v in
            m[k] == 0 ? v : KeypointSet.snap(Double(v) * Double(k % 2 == 0 ? sx : sy))
        })
        return out
    }

    // MARK: Emotions

    /// Mirrors images left-right (labels unchanged).
    public static func flipHorizontal(_ set: EmotionSet) throws -> EmotionSet {
        var out = set
        out.images = try flipImages(set.images, vertical: false)
        return out
    }

    /// Mirrors images top-bottom (labels unchanged).
    public static func flipVertical(_ set: EmotionSet) throws -> EmotionSet {
        var out = set
        out.images = try flipImages(set.images, vertical: true)
        return out
    }

    /// Multiplies each image by a random factor in `factor`, clipped to the pixel range.
    public static func brighten(_ set: EmotionSet, factor: ClosedRange<Float>, seed: UInt64) throws -> EmotionSet {
        var out = set
        out.images = try brighten(set.images, factor: factor, seed: seed, maxValue: set.pixelMax)
        return out
    }

    /// Rotates each image by a random angle in `degrees`, bilinearly (labels unchanged).
    public static func rotate(_ set: EmotionSet, degrees: ClosedRange<Float>, seed: UInt64) throws -> EmotionSet {
        var out = set
        let angles = randomValues(set.count, range: degrees, seed: seed)
        let h = set.height, w = set.width
        let images = ImageWarp.mapImages(set.images.scalars, count: set.count, pixels: h * w) { s, d, i in
            let forward = ImageWarp.Affine.rotation(degrees: angles[i], cx: Float(w) / 2, cy: Float(h) / 2)
            if let inv = forward.inverse { ImageWarp.warp(s, d, height: h, width: w, inverse: inv) }
        }
        out.images = try makeTensor(set.images.shape, images)
        return out
    }

    /// Resizes images by bicubic interpolation (the course resizes 48 → 96), clipped to the pixel range.
    public static func resize(_ set: EmotionSet, height: Int, width: Int) throws -> EmotionSet {
        var out = set
        out.images = try ImageWarp.resizeBicubic(set.images, height: height, width: width, maxValue: set.pixelMax)
        return out
    }

    // MARK: Tensors

    /// Resizes images [N, C, H, W] to [N, C, height, width] by bicubic interpolation (a = −0.75 and
    /// half-pixel centres, as OpenCV's INTER_CUBIC and PyTorch's bicubic), clipped to
    /// 0...maxValue when one is given (cubic kernels overshoot near edges).
    public static func resize(_ images: Tensor, height: Int, width: Int, maxValue: Float? = nil) throws -> Tensor {
        try ImageWarp.resizeBicubic(images, height: height, width: width, maxValue: maxValue)
    }

    /// Mirrors images [N, C, H, W] left-right or top-bottom.
    public static func flipImages(_ images: Tensor, vertical: Bool) throws -> Tensor {
        guard images.rank == 4 else { throw FacesArgumentError("flip needs images [N, C, H, W], got \(images.shape)") }
        let h = images.shape[2], w = images.shape[3]
        let n = images.shape[0] * images.shape[1]
        let out = ImageWarp.mapImages(images.scalars, count: n, pixels: h * w) { s, d, _ in
            ImageWarp.flip(s, d, height: h, width: w, vertical: vertical)
        }
        return try makeTensor(images.shape, out)
    }

    static func brighten(_ images: Tensor, factor: ClosedRange<Float>, seed: UInt64, maxValue: Float) throws -> Tensor {
        guard images.rank == 4 else { throw FacesArgumentError("brighten needs images [N, C, H, W], got \(images.shape)") }
        let n = images.shape[0], per = images.count / max(1, n)
        let factors = randomValues(n, range: factor, seed: seed)
        let out = ImageWarp.mapImages(images.scalars, count: n, pixels: per) { s, d, i in
            for k in 0..<per { d[k] = min(maxValue, max(0, s[k] * factors[i])) }
        }
        return try makeTensor(images.shape, out)
    }

    /// One uniform value in `range` per sample, sample i drawn from a generator seeded by (seed, i).
    static func randomValues(_ n: Int, range: ClosedRange<Float>, seed: UInt64) -> [Float] {
        (0..<n).map { i in
            var rng = RandomGenerator(seed: sampleSeed(seed, i, salt: 11))
            return rng.nextFloat(in: range.lowerBound, range.upperBound)
        }
    }
}
