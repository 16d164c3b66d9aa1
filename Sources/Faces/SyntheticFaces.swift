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
    /// Faces vary as photographs do (domain randomisation): head pose (yaw, pitch, roll) with
    /// the points projected from a face with relief, scale and shift as in the Kaggle crops,
    /// shape and feature sizes, light from any side, skin and hair texture, facial hair,
    /// glasses, fringes and hands in front of the face, cluttered backgrounds, blur, lost
    /// resolution, gamma, noise and JPEG-like blocks, and a random expression.
    public static func keypoints(count: Int, seed: UInt64) throws -> KeypointSet {
        guard count >= 0 else { throw FacesArgumentError("count must be >= 0, got \(count)") }
        let side = 96, pixels = side * side
        var images = [Float](repeating: 0, count: count * pixels)
        var points = [Float](repeating: 0, count: count * 30)
        images.withUnsafeMutableBufferPointer { img in
            points.withUnsafeMutableBufferPointer { pts in
                Parallel.forEach(count) { i in
                    var rng = RandomGenerator(seed: sampleSeed(seed, i, salt: 1))
                    var model = FaceGeometry.random(&rng, size: side)
                    if rng.nextFloat() < 0.7 {
                        let name = EmotionSet.ferClassNames[rng.nextInt(below: 7)]
                        model.apply(ActionUnits.sample(name, &rng).scaled(rng.nextFloat(in: 0, 1)).expression)
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
    /// Each face shows its class's expression as facial action units (brow raise or lower, lid
    /// raise or tightening, nose wrinkle, lip corner pull or depress, jaw drop...), each present
    /// with a probability and at a varied intensity; a fifth are weak. Classes overlap as in
    /// photographs. Faces are rendered as the keypoint faces are (pose, light, texture,
    /// occluders, camera effects), framed tight as FER2013's crops.
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

    /// One 48 × 48 face showing the named emotion, framed as FER2013's crops (tight, centred).
    static func emotionFace(name: String, rng: inout RandomGenerator) -> [Float] {
        var model = FaceGeometry.random(&rng, size: 48, spread: 1, degrade: 0.45)
        model.scale *= rng.nextFloat(in: 1.15, 1.45)
        model.cy -= 0.5
        // A fifth of the faces show a weak expression, close to neutral and to each other.
        let intensity: Float = rng.nextFloat() < 0.2 ? rng.nextFloat(in: 0.15, 0.5) : rng.nextFloat(in: 0.5, 1.0)
        // FER2013's faces are mostly posed or strong expressions: larger than everyday ones.
        model.apply(ActionUnits.sample(name, &rng, posed: true).scaled(intensity).expression.amplified(2.2))
        return FaceRenderer.render(model, size: 48, rng: &rng).pixels
    }
}
