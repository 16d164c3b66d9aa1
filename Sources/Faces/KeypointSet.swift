import Tensor

/// Face images with the 15 Kaggle keypoints: the keypoint data set of the course.
///
/// Coordinates are in pixels of the image, continuous, with pixel (row i, column j) covering
/// [j, j+1) × [i, i+1): its centre is at (j + 0.5, i + 0.5). With this convention a horizontal
/// flip maps x to W − x exactly (as the course writes it).
///
/// Coordinates are kept on a grid of 1/65536 pixel (`snap`): every value below 128 on that grid
/// is a Float, and so is W − x, so flipping twice gives back the very same bits. The grid is far
/// finer than any label (Kaggle's are given to 1e-10 px but are accurate to about a pixel).
public struct KeypointSet {
    /// The images, [N, 1, H, W] (96 × 96 for Kaggle), values 0–255 or 0–1 (see `pixelMax`).
    public internal(set) var images: Tensor
    /// The keypoints, [N, 30]: `x, y` of each point in `names` order; 0 where missing.
    public internal(set) var keypoints: Tensor
    /// 1 where the keypoint value is present, 0 where it is missing, [N, 30].
    public internal(set) var mask: Tensor
    /// Kaggle's `ImageId` for test files (no keypoints), otherwise nil.
    public internal(set) var imageIds: [Int]?
    /// The brightest pixel value: 255 for raw pixels, 1 when normalised.
    public internal(set) var pixelMax: Float

    /// The 15 point names, in column order.
    public static let names = KeypointNames.points
    /// The 30 coordinate column names.
    public static let columns = KeypointNames.columns

    /// A set from its parts; shapes must agree ([N,1,H,W], [N,30], [N,30]).
    public init(images: Tensor, keypoints: Tensor, mask: Tensor? = nil, imageIds: [Int]? = nil, pixelMax: Float = 255) throws {
        guard images.rank == 4, images.shape[1] == 1 else {
            throw FacesArgumentError("keypoint images must have shape [N, 1, H, W], got \(images.shape)")
        }
        let n = images.shape[0]
        guard keypoints.shape == [n, 30] else {
            throw FacesArgumentError("keypoints must have shape [\(n), 30], got \(keypoints.shape)")
        }
        let m = try mask ?? makeTensor([n, 30], [Float](repeating: 1, count: n * 30))
        guard m.shape == [n, 30] else { throw FacesArgumentError("mask must have shape [\(n), 30], got \(m.shape)") }
        if let imageIds, imageIds.count != n {
            throw FacesArgumentError("\(imageIds.count) image ids for \(n) images")
        }
        self.images = images.detached
        self.keypoints = try makeTensor(keypoints.shape, keypoints.scalars.map(KeypointSet.snap))
        self.mask = m.detached
        self.imageIds = imageIds
        self.pixelMax = pixelMax
    }

    /// The grid step of keypoint coordinates: 1/65536 pixel.
    public static let gridStep: Double = 1.0 / 65536

    /// A coordinate rounded to the nearest multiple of 1/65536 pixel.
    @inline(__always)
    public static func snap(_ v: Double) -> Float { Float((v * 65536).rounded() / 65536) }

    /// A coordinate rounded to the nearest multiple of 1/65536 pixel.
    @inline(__always)
    public static func snap(_ v: Float) -> Float { snap(Double(v)) }

    /// The number of samples.
    public var count: Int { images.shape[0] }
    /// Image height in pixels.
    public var height: Int { images.shape[2] }
    /// Image width in pixels.
    public var width: Int { images.shape[3] }

    /// The number of samples with all 30 values present.
    public var completeCount: Int { completeIndices.count }

    /// The indices of samples with all 30 values present.
    public var completeIndices: [Int] {
        let m = mask.scalars
        return (0..<count).filter { i in
            var all = true
            for j in 0..<30 where m[i * 30 + j] == 0 { all = false; break }
            return all
        }
    }

    /// The samples with all 30 keypoint values present (the course's `dropna()`).
    public func completeRows() throws -> KeypointSet { try selecting(completeIndices) }

    /// The samples at `indices`, in that order (repeats allowed).
    public func selecting(_ indices: [Int]) throws -> KeypointSet {
        try checkIndices(indices, count: count)
        let pixels = height * width
        var s = self
        s.images = try makeTensor([indices.count, 1, height, width], gatherRows(images.scalars, rowSize: pixels, indices))
        s.keypoints = try makeTensor([indices.count, 30], gatherRows(keypoints.scalars, rowSize: 30, indices))
        s.mask = try makeTensor([indices.count, 30], gatherRows(mask.scalars, rowSize: 30, indices))
        s.imageIds = imageIds.map { ids in indices.map { ids[$0] } }
        return s
    }

    /// The samples in `range` (clamped to the set).
    public func slice(_ range: Range<Int>) throws -> KeypointSet {
        let lo = max(0, min(range.lowerBound, count)), hi = max(lo, min(range.upperBound, count))
        return try selecting(Array(lo..<hi))
    }

    /// The sample at `index` as a one-sample set.
    public subscript(index: Int) -> KeypointSet? { try? selecting([index]) }

    /// The sets one after another; image sizes and pixel scales must agree.
    public static func concatenated(_ sets: [KeypointSet]) throws -> KeypointSet {
        guard let first = sets.first else { throw FacesArgumentError("cannot concatenate an empty list of keypoint sets") }
        for s in sets where s.height != first.height || s.width != first.width || s.pixelMax != first.pixelMax {
            throw FacesArgumentError("cannot concatenate keypoint sets of \(first.height)x\(first.width) (max \(first.pixelMax)) and \(s.height)x\(s.width) (max \(s.pixelMax))")
        }
        let ids: [Int]? = sets.allSatisfy({ $0.imageIds != nil }) ? sets.flatMap { $0.imageIds ?? [] } : nil
        return try KeypointSet(
            images: Tensor.concatenate(sets.map(\.images), axis: 0),
            keypoints: Tensor.concatenate(sets.map(\.keypoints), axis: 0),
            mask: Tensor.concatenate(sets.map(\.mask), axis: 0),
            imageIds: ids, pixelMax: first.pixelMax)
    }

    /// Both sets one after another (`train + flipHorizontal(train)`).
    public static func + (lhs: KeypointSet, rhs: KeypointSet) throws -> KeypointSet {
        try concatenated([lhs, rhs])
    }

    /// The same set with pixels divided by 255 (0–1); unchanged if already normalised.
    public func normalized() throws -> KeypointSet {
        guard pixelMax != 1 else { return self }
        var s = self
        let k = 1 / pixelMax
        s.images = try makeTensor(images.shape, images.scalars.map { $0 * k })
        s.pixelMax = 1
        return s
    }

    /// The keypoints of sample `i` as 15 (x, y) pairs; nil for a missing point.
    public func points(of i: Int) -> [(x: Float, y: Float)?] {
        guard i >= 0 && i < count else { return [] }
        let k = keypoints.scalars, m = mask.scalars
        return (0..<15).map { p in
            let b = i * 30 + 2 * p
            return m[b] != 0 && m[b + 1] != 0 ? (k[b], k[b + 1]) : nil
        }
    }
}
