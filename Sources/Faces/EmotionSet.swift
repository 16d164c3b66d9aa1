import Tensor

/// Face images with an emotion label each: the emotion data set of the course (FER2013 layout).
public struct EmotionSet {
    /// The images, [N, 1, H, W] (48 × 48 for FER2013), values 0–255 or 0–1 (see `pixelMax`).
    public internal(set) var images: Tensor
    /// The class of each image, in 0..<classCount.
    public internal(set) var labels: [Int]
    /// The class names, indexed by label.
    public internal(set) var classNames: [String]
    /// FER2013's `Usage` of each row (Training / PublicTest / PrivateTest), when the file has it.
    public internal(set) var usage: [String]?
    /// The brightest pixel value: 255 for raw pixels, 1 when normalised.
    public internal(set) var pixelMax: Float

    /// The course's 5 classes: 0 anger, 1 disgust, 2 sad, 3 happiness, 4 surprise.
    public static let courseClassNames = ["anger", "disgust", "sad", "happiness", "surprise"]
    /// FER2013's 7 classes: 0 Angry, 1 Disgust, 2 Fear, 3 Happy, 4 Sad, 5 Surprise, 6 Neutral.
    public static let ferClassNames = ["Angry", "Disgust", "Fear", "Happy", "Sad", "Surprise", "Neutral"]

    /// The class names for 5 (course) or 7 (FER2013) classes; numbered names otherwise.
    public static func classNames(count: Int) -> [String] {
        switch count {
        case 5: return courseClassNames
        case 7: return ferClassNames
        default: return (0..<count).map { "class\($0)" }
        }
    }

    /// A set from its parts; labels must be in 0..<classNames.count, one per image.
    public init(images: Tensor, labels: [Int], classNames: [String], usage: [String]? = nil, pixelMax: Float = 255) throws {
        guard images.rank == 4, images.shape[1] == 1 else {
            throw FacesArgumentError("emotion images must have shape [N, 1, H, W], got \(images.shape)")
        }
        guard labels.count == images.shape[0] else {
            throw FacesArgumentError("\(labels.count) labels for \(images.shape[0]) images")
        }
        for l in labels where l < 0 || l >= classNames.count {
            throw FacesArgumentError("label \(l) is outside 0..<\(classNames.count)")
        }
        if let usage, usage.count != labels.count {
            throw FacesArgumentError("\(usage.count) usage values for \(labels.count) images")
        }
        self.images = images.detached
        self.labels = labels
        self.classNames = classNames
        self.usage = usage
        self.pixelMax = pixelMax
    }

    /// The number of samples.
    public var count: Int { labels.count }
    /// The number of classes.
    public var classCount: Int { classNames.count }
    /// Image height in pixels.
    public var height: Int { images.shape[2] }
    /// Image width in pixels.
    public var width: Int { images.shape[3] }

    /// How many samples each class has, indexed by label.
    public var classCounts: [Int] {
        var c = [Int](repeating: 0, count: classCount)
        for l in labels { c[l] += 1 }
        return c
    }

    /// The labels as one-hot rows, [N, classCount] (for categorical cross-entropy).
    public func oneHot() throws -> Tensor {
        var s = [Float](repeating: 0, count: count * classCount)
        for (i, l) in labels.enumerated() { s[i * classCount + l] = 1 }
        return try makeTensor([count, classCount], s)
    }

    /// The samples at `indices`, in that order (repeats allowed).
    public func selecting(_ indices: [Int]) throws -> EmotionSet {
        try checkIndices(indices, count: count)
        var s = self
        s.images = try makeTensor([indices.count, 1, height, width], gatherRows(images.scalars, rowSize: height * width, indices))
        s.labels = indices.map { labels[$0] }
        s.usage = usage.map { u in indices.map { u[$0] } }
        return s
    }

    /// The samples in `range` (clamped to the set).
    public func slice(_ range: Range<Int>) throws -> EmotionSet {
        let lo = max(0, min(range.lowerBound, count)), hi = max(lo, min(range.upperBound, count))
        return try selecting(Array(lo..<hi))
    }

    /// The sample at `index` as a one-sample set.
    public subscript(index: Int) -> EmotionSet? { try? selecting([index]) }

    /// The samples whose `Usage` is `value` (e.g. "Training"); empty if the file had no Usage.
    public func withUsage(_ value: String) throws -> EmotionSet {
        guard let usage else { return try selecting([]) }
        return try selecting(usage.indices.filter { usage[$0] == value })
    }

    /// The sets one after another; image sizes, classes and pixel scales must agree.
    public static func concatenated(_ sets: [EmotionSet]) throws -> EmotionSet {
        guard let first = sets.first else { throw FacesArgumentError("cannot concatenate an empty list of emotion sets") }
        for s in sets where s.height != first.height || s.width != first.width || s.classNames != first.classNames || s.pixelMax != first.pixelMax {
            throw FacesArgumentError("cannot concatenate emotion sets with different image sizes, classes or pixel scales")
        }
        let usage: [String]? = sets.allSatisfy({ $0.usage != nil }) ? sets.flatMap { $0.usage ?? [] } : nil
        return try EmotionSet(images: Tensor.concatenate(sets.map(\.images), axis: 0), labels: sets.flatMap(\.labels),
                              classNames: first.classNames, usage: usage, pixelMax: first.pixelMax)
    }

    /// Both sets one after another.
    public static func + (lhs: EmotionSet, rhs: EmotionSet) throws -> EmotionSet { try concatenated([lhs, rhs]) }

    /// The same set with pixels divided by 255 (0–1); unchanged if already normalised.
    public func normalized() throws -> EmotionSet {
        guard pixelMax != 1 else { return self }
        var s = self
        let k = 1 / pixelMax
        s.images = try makeTensor(images.shape, images.scalars.map { $0 * k })
        s.pixelMax = 1
        return s
    }
}
