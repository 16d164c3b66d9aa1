import Foundation
import Tensor

/// The built-in face data: seeded, deterministic synthetic faces drawn with exact keypoints
/// or an expression of known class and intensity.
///
/// Sample i is drawn from its own generator seeded by (seed, i), so a set is the same
/// whatever the thread count, and the first k samples of a larger set equal a set of k.
public enum SyntheticFaces {
    /// The course's 5-class counts (anger, disgust, sad, happiness, surprise).
    public static let courseClassCounts = [4953, 547, 6077, 8989, 4002]
    /// FER2013's 7-class counts (Angry, Disgust, Fear, Happy, Sad, Surprise, Neutral).
    public static let ferClassCounts = [4953, 547, 5121, 8989, 6077, 4002, 6198]

    /// `count` keypoint faces, 96 × 96, pixels 0–255 (integers), with all 15 points.
    ///
    /// Faces vary in shape, feature sizes, in-plane rotation (up to ±15°), scale, shift,
    /// lighting direction, contrast, noise, blur, background and a mild random expression.
    public static func keypoints(count: Int, seed: UInt64) throws -> KeypointSet {
        guard count >= 0 else { throw FacesArgumentError("count must be >= 0, got \(count)") }
        let side = 96, pixels = side * side
        var images = [Float](repeating: 0, count: count * pixels)
        var points = [Float](repeating: 0, count: count * 30)
        images.withUnsafeMutableBufferPointer { img in
            points.withUnsafeMutableBufferPointer { pts in
                Parallel.forEach(count) { i in
                    var rng = RandomGenerator(seed: sampleSeed(seed, i, salt: 1))
                    var model = FaceModel.random(&rng, size: side, maxAngle: 15)
                    if rng.nextFloat() < 0.6 {
                        let name = EmotionSet.ferClassNames[rng.nextInt(below: 7)]
                        model.apply(Expression.named(name).scaled(rng.nextFloat(in: 0, 0.7)))
                    }
                    let (face, canvas) = FaceRenderer.render(model, size: side, rng: &rng)
                    for k in 0..<pixels { img[i * pixels + k] = face[k] }
                    let p = model.imagePoints(canvas)
                    for k in 0..<30 { pts[i * 30 + k] = p[k] }
                }
            }
        }
        return try KeypointSet(images: makeTensor([count, 1, side, side], images), keypoints: makeTensor([count, 30], points))
    }

    /// How many samples of each class a set of `total` has: in the course's (5) or FER2013's (7)
    /// proportions, or equal shares when `balanced` (remainders go to the first classes).
    public static func classCounts(total: Int, classes: Int, balanced: Bool) throws -> [Int] {
        guard classes == 5 || classes == 7 else { throw FacesArgumentError("classes must be 5 or 7, got \(classes)") }
        guard total >= 0 else { throw FacesArgumentError("count must be >= 0, got \(total)") }
        if balanced { return (0..<classes).map { total / classes + ($0 < total % classes ? 1 : 0) } }
        let weights = classes == 5 ? courseClassCounts : ferClassCounts
        let sum = weights.reduce(0, +)
        var counts = weights.map { total * $0 / sum }
        // Largest remainders get the leftover samples.
        let order = weights.indices.sorted { (total * weights[$0]) % sum > (total * weights[$1]) % sum }
        var left = total - counts.reduce(0, +)
        for k in order where left > 0 { counts[k] += 1; left -= 1 }
        return counts
    }

    /// `count` emotion faces, 48 × 48, pixels 0–255 (integers), of 5 (course) or 7 (FER2013) classes.
    ///
    /// Each face shows its class's expression (brows, eyes, mouth) at an intensity: most are
    /// clear, a quarter are weak and close to neutral, and one in five shows only the brows
    /// and eyes or only the mouth, so classes overlap and no model is always right.
    /// Class shares follow the course's (or FER2013's) counts unless `balanced`. Each row gets
    /// a FER2013 `Usage` (80% Training, 10% PublicTest, 10% PrivateTest).
    public static func emotions(count: Int, classes: Int = 5, seed: UInt64, balanced: Bool = false) throws -> EmotionSet {
        let perClass = try classCounts(total: count, classes: classes, balanced: balanced)
        var labels: [Int] = []
        for (c, n) in perClass.enumerated() { labels += [Int](repeating: c, count: n) }
        var order = RandomGenerator(seed: sampleSeed(seed, -1, salt: 2))
        let perm = order.permutation(count)
        labels = perm.map { labels[$0] }
        let names = EmotionSet.classNames(count: classes)
        let side = 48, pixels = side * side
        var images = [Float](repeating: 0, count: count * pixels)
        var usage = [String](repeating: "Training", count: count)
        for i in 0..<count {
            let r = order.nextFloat()
            usage[i] = r < 0.8 ? "Training" : (r < 0.9 ? "PublicTest" : "PrivateTest")
        }
        images.withUnsafeMutableBufferPointer { img in
            Parallel.forEach(count) { i in
                var rng = RandomGenerator(seed: sampleSeed(seed, i, salt: 3))
                let face = emotionFace(name: names[labels[i]], rng: &rng)
                for k in 0..<pixels { img[i * pixels + k] = face[k] }
            }
        }
        return try EmotionSet(images: makeTensor([count, 1, side, side], images), labels: labels,
                              classNames: names, usage: usage)
    }

    /// One 48 × 48 face showing the named emotion at a random intensity.
    static func emotionFace(name: String, rng: inout RandomGenerator) -> [Float] {
        var model = FaceModel.random(&rng, size: 48, maxAngle: 12, poseScale: 0.7)
        // Faces in FER2013 are tight crops: features a little larger.
        model.scale *= 1.08
        model.noise *= 1.2
        // A quarter of the faces show a weak expression, close to neutral and to each other.
        let intensity: Float = rng.nextFloat() < 0.25 ? rng.nextFloat(in: 0.05, 0.35) : rng.nextFloat(in: 0.35, 1.0)
        var expression = Expression.named(name).scaled(intensity)
        // Some faces show only part of the expression: the brows and eyes, or only the mouth.
        let part = rng.nextFloat()
        if part < 0.1 { expression = expression.withoutMouth } else if part < 0.2 { expression = expression.withoutBrows }
        model.apply(expression)
        return FaceRenderer.render(model, size: 48, rng: &rng).pixels
    }
}
