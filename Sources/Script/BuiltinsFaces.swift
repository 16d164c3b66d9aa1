import Faces
import Foundation
import Graphics
import Tensor

/// A face dataset: keypoint faces or emotion faces.
final class DatasetObject: HostObject {
    enum Data {
        case keypoints(KeypointSet)
        case emotions(EmotionSet)
    }
    let data: Data
    init(_ data: Data) { self.data = data }

    var count: Int {
        switch data {
        case .keypoints(let k): return k.images.shape.first ?? 0
        case .emotions(let e): return e.labels.count
        }
    }
    var images: Tensor {
        switch data {
        case .keypoints(let k): return k.images
        case .emotions(let e): return e.images
        }
    }
    var typeName: String { "dataset" }
    var summary: String {
        switch data {
        case .keypoints(let k): return "keypoint dataset: \(count) images \(Shape.describe(Array(k.images.shape.dropFirst()))), 15 keypoints"
        case .emotions(let e): return "emotion dataset: \(count) images \(Shape.describe(Array(e.images.shape.dropFirst()))), classes \(e.classNames.joined(separator: ", "))"
        }
    }
    var memberNames: [String] {
        switch data {
        case .keypoints: return ["images", "keypoints", "count"]
        case .emotions: return ["images", "labels", "classes", "count"]
        }
    }
    func member(_ name: String) throws -> Value? {
        switch (name, data) {
        case ("images", _): return .tensor(images)
        case ("count", _): return .number(Double(count))
        case ("keypoints", .keypoints(let k)): return .tensor(k.keypoints)
        case ("labels", .emotions(let e)): return .list(e.labels.map { .number(Double($0)) })
        case ("classes", .emotions(let e)): return .list(e.classNames.map { .string($0) })
        default: return nil
        }
    }
    func select(_ indices: [Int]) throws -> DatasetObject {
        switch data {
        case .keypoints(let k): return DatasetObject(.keypoints(try k.selecting(indices)))
        case .emotions(let e): return DatasetObject(.emotions(try e.selecting(indices)))
        }
    }
    func index(_ index: Value) throws -> Value? {
        if case .list(let items) = index {
            return .host(try select(try items.map { try Ops.position($0, count: count) }))
        }
        return .host(try select([try Ops.position(index, count: count)]))
    }
    func binary(_ op: String, _ other: Value, reversed: Bool) throws -> Value? {
        guard op == "+", case .host(let h) = other, let o = h as? DatasetObject else { return nil }
        let (l, r) = reversed ? (o, self) : (self, o)
        switch (l.data, r.data) {
        case (.keypoints(let a), .keypoints(let b)): return .host(DatasetObject(.keypoints(try a + b)))
        case (.emotions(let a), .emotions(let b)): return .host(DatasetObject(.emotions(try a + b)))
        default: throw ScriptError("cannot join a keypoint dataset and an emotion dataset")
        }
    }
    func elements() throws -> [Value]? { try (0..<count).map { .host(try select([$0])) } }
    func display() -> [DisplayItem] {
        var items: [DisplayItem] = [.text(summary)]
        if let figure = try? Registry.gridFigure(self, limit: 16, columns: 8) {
            items.append(.image(png: figure.pngData(), caption: summary))
        }
        return items
    }
}

extension Registry {
    static func dataset(_ a: Arguments, _ name: String) throws -> DatasetObject {
        guard case .host(let h) = try a.value(name), let d = h as? DatasetObject else {
            throw ScriptError("argument '\(name)' of \(a.doc.name) must be a dataset, got \(Format.article(try a.value(name)))")
        }
        return d
    }

    static func range(_ a: Arguments, _ name: String) throws -> ClosedRange<Float> {
        let (lo, hi) = try a.interval(name)
        guard lo <= hi, lo.isFinite, hi.isFinite else { throw ScriptError("argument '\(name)' of \(a.doc.name) must be an interval low..high") }
        return Float(lo)...Float(hi)
    }

    static func registerFaces(_ r: Registry) {
        r.add("keypoint_faces", "faces", [.optional("file", "string (a Kaggle keypoints CSV)", .null), .optional("n", "number", .number(2000)),
                                          .optional("seed", "number", .number(0))],
              returns: "dataset", summary: "Faces with 15 keypoints: synthetic (n faces from a seed), or loaded from a Kaggle CSV file.",
              example: "faces = keypoint_faces(n: 16, seed: 7)\nlen(faces)") { a in
            if try !a.isNil("file") {
                return .host(DatasetObject(.keypoints(try FaceDataLoader.loadKeypoints(path: (try a.string("file") as NSString).expandingTildeInPath))))
            }
            let n = try a.int("n")
            guard (1...1_000_000).contains(n) else { throw ScriptError("argument 'n' of keypoint_faces must be between 1 and 1000000") }
            try Limits.checkShape([n, 1, 96, 96])
            return .host(DatasetObject(.keypoints(try SyntheticFaces.keypoints(count: n, seed: try a.seed("seed")))))
        }
        r.add("emotion_faces", "faces", [.optional("file", "string (a FER2013-style CSV)", .null), .optional("n", "number", .number(2000)),
                                         .optional("classes", "number", .number(5)), .optional("seed", "number", .number(0)),
                                         .optional("balanced", "bool", .bool(false))],
              returns: "dataset", summary: "Faces labelled with an emotion: synthetic (in the course's class proportions, or equal shares when balanced), or loaded from a FER2013 / course CSV file.",
              example: "faces = emotion_faces(n: 10, classes: 5, seed: 3)\nfaces.classes") { a in
            if try !a.isNil("file") {
                return .host(DatasetObject(.emotions(try FaceDataLoader.loadEmotions(path: (try a.string("file") as NSString).expandingTildeInPath))))
            }
            let n = try a.int("n")
            guard (1...1_000_000).contains(n) else { throw ScriptError("argument 'n' of emotion_faces must be between 1 and 1000000") }
            try Limits.checkShape([n, 1, 48, 48])
            return .host(DatasetObject(.emotions(try SyntheticFaces.emotions(count: n, classes: try a.int("classes"), seed: try a.seed("seed"),
                                                                                balanced: try a.bool("balanced")))))
        }
        r.add("split", "faces", [.required("data", "dataset"), .optional("test", "number", .number(0.2)), .optional("seed", "number", .number(0))],
              returns: "list", summary: "A seeded split into [train, test] (emotion sets keep class proportions).",
              example: "train, test = split(keypoint_faces(n: 10, seed: 1), test: 0.2, seed: 42)\n[len(train), len(test)]") { a in
            let d = try dataset(a, "data")
            let t = try a.number("test")
            guard t > 0 && t < 1 else { throw ScriptError("argument 'test' of split must be between 0 and 1, got \(Format.number(t))") }
            switch d.data {
            case .keypoints(let k):
                let (x, y) = try k.split(test: t, seed: try a.seed("seed"))
                return .list([.host(DatasetObject(.keypoints(x))), .host(DatasetObject(.keypoints(y)))])
            case .emotions(let e):
                let (x, y) = try e.split(test: t, seed: try a.seed("seed"))
                return .list([.host(DatasetObject(.emotions(x))), .host(DatasetObject(.emotions(y)))])
            }
        }
        r.add("flip_h", "faces", [.required("data", "dataset")], returns: "dataset",
              summary: "Every image mirrored left to right; keypoints move and left/right names swap.",
              example: "faces = keypoint_faces(n: 4, seed: 1)\nmore = faces + flip_h(faces)\nlen(more)") { a in
            switch try dataset(a, "data").data {
            case .keypoints(let k): return .host(DatasetObject(.keypoints(try Augment.flipHorizontal(k))))
            case .emotions(let e): return .host(DatasetObject(.emotions(try Augment.flipHorizontal(e))))
            }
        }
        r.add("brighten", "faces", [.required("data", "dataset"), .optional("factor", "interval", .range(RangeValue(start: 1.5, end: 2))),
                                    .optional("seed", "number", .number(0))],
              returns: "dataset", summary: "Every image's brightness multiplied by a factor drawn from an interval, clipped to the pixel range.",
              example: "brighten(keypoint_faces(n: 4, seed: 1), 1.5..2, seed: 3)") { a in
            let f = try range(a, "factor"), seed = try a.seed("seed")
            switch try dataset(a, "data").data {
            case .keypoints(let k): return .host(DatasetObject(.keypoints(try Augment.brighten(k, factor: f, seed: seed))))
            case .emotions(let e): return .host(DatasetObject(.emotions(try Augment.brighten(e, factor: f, seed: seed))))
            }
        }
        r.add("resize", "faces", [.required("data", "dataset"), .required("size", "number or [height, width]")], returns: "dataset",
              summary: "Every image resized (bilinear); keypoints scale with it. The course resizes 48×48 emotion faces to 96×96.",
              example: "resize(emotion_faces(n: 2, seed: 1), 96).images.shape   # [2, 1, 96, 96]") { a in
            let dims = try a.shape("size")
            guard (dims.count == 1 || dims.count == 2), dims.allSatisfy({ $0 > 0 && $0 <= 4096 }) else {
                throw ScriptError("argument 'size' of resize must be a size or [height, width] between 1 and 4096")
            }
            let (h, w) = (dims[0], dims.count == 2 ? dims[1] : dims[0])
            let d = try dataset(a, "data")
            try Limits.checkShape([d.count, d.images.shape.count > 1 ? d.images.shape[1] : 1, h, w])
            switch d.data {
            case .keypoints(let k): return .host(DatasetObject(.keypoints(try Augment.resize(k, height: h, width: w))))
            case .emotions(let e): return .host(DatasetObject(.emotions(try Augment.resize(e, height: h, width: w))))
            }
        }
        r.add("rotate", "faces", [.required("data", "dataset"), .optional("degrees", "interval", .range(RangeValue(start: -15, end: 15))),
                                  .optional("seed", "number", .number(0))],
              returns: "dataset", summary: "Every image rotated by an angle drawn from an interval (degrees); keypoints rotate with it.",
              example: "rotate(keypoint_faces(n: 4, seed: 1), -15..15, seed: 3)") { a in
            let d = try range(a, "degrees"), seed = try a.seed("seed")
            switch try dataset(a, "data").data {
            case .keypoints(let k): return .host(DatasetObject(.keypoints(try Augment.rotate(k, degrees: d, seed: seed))))
            case .emotions(let e): return .host(DatasetObject(.emotions(try Augment.rotate(e, degrees: d, seed: seed))))
            }
        }
            r.add("flip_v", "faces", [.required("data", "dataset")], returns: "dataset",
              summary: "Every image mirrored top to bottom; keypoints move and the top/bottom lip points swap.",
              details: "Upside-down faces never occur in the course's data: the course uses this augmentation, we show it and say why it hurts.",
              example: "len(flip_v(keypoint_faces(n: 4, seed: 1)))   # 4") { a in
            switch try dataset(a, "data").data {
            case .keypoints(let k): return .host(DatasetObject(.keypoints(try Augment.flipVertical(k))))
            case .emotions(let e): return .host(DatasetObject(.emotions(try Augment.flipVertical(e))))
            }
        }
        r.add("complete", "faces", [.required("data", "dataset")], returns: "dataset",
              summary: "Only the faces with all 15 keypoints (pandas' dropna on the keypoint columns).",
              details: "The Kaggle file has 7,049 rows, of which 2,140 have every point; synthetic faces are always complete. Emotion sets are returned unchanged.",
              example: "len(complete(keypoint_faces(n: 8, seed: 1)))   # 8") { a in
            let d = try dataset(a, "data")
            switch d.data {
            case .keypoints(let k): return .host(DatasetObject(.keypoints(try k.completeRows())))
            case .emotions: return .host(d)
            }
        }
        r.add("normalize", "faces", [.required("data", "dataset")], returns: "dataset",
              summary: "Pixels divided by the pixel maximum (255), so images lie in 0–1; keypoints stay in pixels.",
              example: "max(normalize(keypoint_faces(n: 2, seed: 1)).images)") { a in
            let d = try dataset(a, "data")
            switch d.data {
            case .keypoints(let k): return .host(DatasetObject(.keypoints(try k.normalized())))
            case .emotions(let e): return .host(DatasetObject(.emotions(try e.normalized())))
            }
        }
}
}
