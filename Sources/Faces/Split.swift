import Tensor

/// Seeded train/test splits, made before augmenting so that no copy of a test face is trained on.
enum SplitIndices {
    /// Train and test indices of `count` samples; with `labels`, each class is split in proportion.
    ///
    /// Each group (a class, or all samples) puts `round(n × test)` of its samples, chosen by a
    /// seeded permutation, into the test part. Both parts are returned in ascending order.
    static func make(count: Int, test: Double, seed: UInt64, labels: [Int]?) throws -> (train: [Int], test: [Int]) {
        guard test >= 0 && test <= 1 else { throw FacesArgumentError("test fraction \(test) is outside 0...1") }
        var rng = RandomGenerator(seed: seed)
        var groups: [[Int]]
        if let labels {
            let classes = (labels.max() ?? -1) + 1
            groups = [[Int]](repeating: [], count: classes)
            for (i, l) in labels.enumerated() { groups[l].append(i) }
        } else {
            groups = [Array(0..<count)]
        }
        var trainIdx: [Int] = [], testIdx: [Int] = []
        for g in groups where !g.isEmpty {
            let perm = rng.permutation(g.count)
            let k = Int((Double(g.count) * test).rounded())
            for (j, p) in perm.enumerated() {
                if j < k { testIdx.append(g[p]) } else { trainIdx.append(g[p]) }
            }
        }
        return (trainIdx.sorted(), testIdx.sorted())
    }
}

extension KeypointSet {
    /// A seeded split into train and test parts (`test` is the test fraction, e.g. 0.2).
    ///
    /// Keypoint samples have no classes, so `stratified` has no effect; it is accepted so that
    /// both kinds of set split alike.
    public func split(test: Double, seed: UInt64, stratified: Bool = true) throws -> (train: KeypointSet, test: KeypointSet) {
        let (a, b) = try SplitIndices.make(count: count, test: test, seed: seed, labels: nil)
        return (try selecting(a), try selecting(b))
    }

    /// A seeded permutation of the samples.
    public func shuffled(seed: UInt64) throws -> KeypointSet {
        var rng = RandomGenerator(seed: seed)
        return try selecting(rng.permutation(count))
    }
}

extension EmotionSet {
    /// A seeded split into train and test parts; `stratified` keeps each class's share in both.
    public func split(test: Double, seed: UInt64, stratified: Bool = true) throws -> (train: EmotionSet, test: EmotionSet) {
        let (a, b) = try SplitIndices.make(count: count, test: test, seed: seed, labels: stratified ? labels : nil)
        return (try selecting(a), try selecting(b))
    }

    /// A seeded permutation of the samples.
    public func shuffled(seed: UInt64) throws -> EmotionSet {
        var rng = RandomGenerator(seed: seed)
        return try selecting(rng.permutation(count))
    }
}
