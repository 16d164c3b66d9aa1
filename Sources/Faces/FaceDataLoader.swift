import Foundation
import Tensor

/// The layouts of face data files that ainb reads, recognised from the header.
public enum FaceDataKind: String, Sendable, CaseIterable {
    /// Kaggle `training.csv` or the course's `data.csv`: 30 keypoint columns and `Image` (96×96).
    case keypoints
    /// Kaggle `test.csv`: `ImageId, Image`.
    case keypointsTest = "keypoints_test"
    /// FER2013 `fer2013.csv`: `emotion,pixels,Usage` (48×48).
    case fer2013
    /// The course's `icml_face_data.csv`: `emotion, Usage, pixels` (48×48).
    case icmlFaceData = "icml_face_data"
    /// A 5-class `emotion, pixels` file (48×48).
    case emotionPixels = "emotion_pixels"

    /// True for the emotion layouts.
    public var isEmotion: Bool { self == .fer2013 || self == .icmlFaceData || self == .emotionPixels }

    /// The layout a header describes (column names trimmed), or nil.
    public static func detect(header: [String]) -> FaceDataKind? {
        if header.contains("Image") {
            if KeypointNames.columns.allSatisfy(header.contains) { return .keypoints }
            if header.contains("ImageId") { return .keypointsTest }
            return nil
        }
        if let e = header.firstIndex(of: "emotion"), let p = header.firstIndex(of: "pixels"), e >= 0 {
            if let u = header.firstIndex(of: "Usage") { return u < p ? .icmlFaceData : .fer2013 }
            return .emotionPixels
        }
        return nil
    }
}

/// A loaded face data file: keypoints or emotions.
public enum FaceData {
    case keypoints(KeypointSet, FaceDataKind)
    case emotions(EmotionSet, FaceDataKind)
}

/// Loaders for the Kaggle keypoint files and the FER2013 emotion files, driven by the header.
///
/// Columns are found by name (surrounding spaces ignored), so extra columns such as a leading
/// unnamed index are skipped. Empty keypoint fields are missing values (masked); keypoint values
/// are rounded to the 1/65536-pixel grid (see `KeypointSet`). Every bad row
/// throws a `FacesError` naming the file, the row and the column.
public enum FaceDataLoader {
    /// Pixels per keypoint image (96 × 96).
    public static let keypointImageSide = 96
    /// Pixels per emotion image (48 × 48).
    public static let emotionImageSide = 48

    /// Loads any supported file.
    public static func load(path: String) throws -> FaceData {
        try load(table: CSVTable.read(path: path))
    }

    /// Loads any supported layout from bytes; `file` names the data in errors.
    public static func load(bytes: [UInt8], file: String) throws -> FaceData {
        try load(table: CSVTable(bytes: bytes, file: file))
    }

    static func load(table: CSVTable) throws -> FaceData {
        let kind = try kindOf(table)
        if kind.isEmotion { return .emotions(try emotions(table: table, kind: kind, classes: nil, normalize: false), kind) }
        return .keypoints(try keypoints(table: table, kind: kind, dropIncomplete: false, normalize: false), kind)
    }

    /// Loads a keypoint file (`training.csv`, `data.csv` or `test.csv`).
    /// - Parameters:
    ///   - dropIncomplete: keep only rows with all 30 values (the course's `dropna()`).
    ///   - normalize: divide pixels by 255.
    public static func loadKeypoints(path: String, dropIncomplete: Bool = false, normalize: Bool = false) throws -> KeypointSet {
        let table = try CSVTable.read(path: path)
        return try keypoints(table: table, kind: kindOf(table), dropIncomplete: dropIncomplete, normalize: normalize)
    }

    /// Loads keypoints from bytes; `file` names the data in errors.
    public static func loadKeypoints(bytes: [UInt8], file: String, dropIncomplete: Bool = false, normalize: Bool = false) throws -> KeypointSet {
        let table = try CSVTable(bytes: bytes, file: file)
        return try keypoints(table: table, kind: kindOf(table), dropIncomplete: dropIncomplete, normalize: normalize)
    }

    /// Loads an emotion file (`fer2013.csv`, `icml_face_data.csv` or `emotion, pixels`).
    /// - Parameters:
    ///   - classes: 5 (course names) or 7 (FER2013 names); nil infers it: 7 for `fer2013.csv`'s
    ///     layout or when a label is 5 or more, else 5.
    ///   - normalize: divide pixels by 255.
    public static func loadEmotions(path: String, classes: Int? = nil, normalize: Bool = false) throws -> EmotionSet {
        let table = try CSVTable.read(path: path)
        return try emotions(table: table, kind: kindOf(table), classes: classes, normalize: normalize)
    }

    /// Loads emotions from bytes; `file` names the data in errors.
    public static func loadEmotions(bytes: [UInt8], file: String, classes: Int? = nil, normalize: Bool = false) throws -> EmotionSet {
        let table = try CSVTable(bytes: bytes, file: file)
        return try emotions(table: table, kind: kindOf(table), classes: classes, normalize: normalize)
    }

    static func kindOf(_ table: CSVTable) throws -> FaceDataKind {
        guard let kind = FaceDataKind.detect(header: table.header) else {
            let shown = table.header.prefix(6).joined(separator: ",") + (table.header.count > 6 ? ",…" : "")
            throw FacesError(file: table.file, "header \"\(shown)\" is not a known layout, expected the 30 keypoint columns and Image, ImageId and Image, or emotion and pixels")
        }
        return kind
    }

    /// Runs `parseRow(lineIndex)` over all lines in parallel chunks; throws the first error by row.
    static func forEachLine(_ table: CSVTable, _ parseRow: (Int) -> FacesError?) throws {
        let n = table.lines.count
        let chunks = min(n, 64)
        guard chunks > 0 else { return }
        var errors = [FacesError?](repeating: nil, count: chunks)
        errors.withUnsafeMutableBufferPointer { errs in
            Parallel.forEach(chunks) { c in
                let lo = n * c / chunks, hi = n * (c + 1) / chunks
                for i in lo..<hi {
                    if let e = parseRow(i) { errs[c] = e; return }
                }
            }
        }
        if let first = errors.compactMap({ $0 }).first { throw first }
    }

    static func keypoints(table: CSVTable, kind: FaceDataKind, dropIncomplete: Bool, normalize: Bool) throws -> KeypointSet {
        guard kind == .keypoints || kind == .keypointsTest else {
            throw FacesError(file: table.file, "holds emotions (\(kind.rawValue) layout), expected keypoints")
        }
        let side = keypointImageSide, pixels = side * side
        let n = table.lines.count
        let imageColumn = table.column("Image") ?? 0
        let pointColumns = kind == .keypoints ? KeypointNames.columns.map { table.column($0) ?? 0 } : []
        let idColumn = table.column("ImageId")
        let fieldCount = table.header.count
        let scale: Float = normalize ? 1 / 255 : 1
        var images = [Float](repeating: 0, count: n * pixels)
        var points = [Float](repeating: 0, count: n * 30)
        var mask = [Float](repeating: 0, count: n * 30)
        var ids = [Int](repeating: 0, count: idColumn == nil ? 0 : n)
        let file = table.file
        try table.bytes.withUnsafeBufferPointer { p in
            try images.withUnsafeMutableBufferPointer { img in
            try points.withUnsafeMutableBufferPointer { pts in
            try mask.withUnsafeMutableBufferPointer { msk in
            try ids.withUnsafeMutableBufferPointer { idp in
                guard let imgBase = img.baseAddress else { return }
                try forEachLine(table) { i in
                    let line = table.lines[i]
                    let fields = CSVTable.fieldRanges(p, line.start, line.end)
                    guard fields.count == fieldCount else {
                        return FacesError(file: file, row: line.row, "has \(fields.count) fields, expected \(fieldCount)")
                    }
                    for (j, col) in pointColumns.enumerated() {
                        let r = CSVTable.trimmed(p, fields[col])
                        if r.isEmpty { continue }
                        guard let v = CSVTable.parseDouble(p, r) else {
                            return FacesError(file: file, row: line.row, "\(KeypointNames.columns[j]) is \(CSVTable.quote(p, r)), expected a number or an empty field")
                        }
                        pts[i * 30 + j] = KeypointSet.snap(v)
                        msk[i * 30 + j] = 1
                    }
                    if let idColumn {
                        guard let id = CSVTable.parseInt(p, fields[idColumn]) else {
                            return FacesError(file: file, row: line.row, "ImageId is \(CSVTable.quote(p, fields[idColumn])), expected an integer")
                        }
                        idp[i] = id
                    }
                    let result = parsePixels(p, fields[imageColumn], into: imgBase + i * pixels, expected: pixels, scale: scale)
                    if case .ok = result { return nil }
                    return FacesError(file: file, row: line.row, result.message(column: "Image", expected: pixels))
                }
            }}}}
        }
        var set = try KeypointSet(images: makeTensor([n, 1, side, side], images), keypoints: makeTensor([n, 30], points),
                                  mask: makeTensor([n, 30], mask), imageIds: idColumn == nil ? nil : ids,
                                  pixelMax: normalize ? 1 : 255)
        if dropIncomplete { set = try set.completeRows() }
        return set
    }

    static func emotions(table: CSVTable, kind: FaceDataKind, classes: Int?, normalize: Bool) throws -> EmotionSet {
        guard kind.isEmotion else {
            throw FacesError(file: table.file, "holds keypoints (\(kind.rawValue) layout), expected emotions")
        }
        if let classes, classes < 2 { throw FacesArgumentError("an emotion set needs at least 2 classes, got \(classes)") }
        let side = emotionImageSide, pixels = side * side
        let n = table.lines.count
        let emotionColumn = table.column("emotion") ?? 0
        let pixelColumn = table.column("pixels") ?? 0
        let usageColumn = table.column("Usage")
        let fieldCount = table.header.count
        let scale: Float = normalize ? 1 / 255 : 1
        var images = [Float](repeating: 0, count: n * pixels)
        var labels = [Int](repeating: 0, count: n)
        var usageRanges = [Range<Int>](repeating: 0..<0, count: usageColumn == nil ? 0 : n)
        let file = table.file
        try table.bytes.withUnsafeBufferPointer { p in
            try images.withUnsafeMutableBufferPointer { img in
            try labels.withUnsafeMutableBufferPointer { lab in
            try usageRanges.withUnsafeMutableBufferPointer { use in
                guard let imgBase = img.baseAddress else { return }
                try forEachLine(table) { i in
                    let line = table.lines[i]
                    let fields = CSVTable.fieldRanges(p, line.start, line.end)
                    guard fields.count == fieldCount else {
                        return FacesError(file: file, row: line.row, "has \(fields.count) fields, expected \(fieldCount)")
                    }
                    guard let label = CSVTable.parseInt(p, fields[emotionColumn]), label >= 0, label < (classes ?? 7) else {
                        return FacesError(file: file, row: line.row, "emotion is \(CSVTable.quote(p, fields[emotionColumn])), expected an integer class 0-\((classes ?? 7) - 1)")
                    }
                    lab[i] = label
                    if let usageColumn { use[i] = CSVTable.trimmed(p, fields[usageColumn]) }
                    let result = parsePixels(p, fields[pixelColumn], into: imgBase + i * pixels, expected: pixels, scale: scale)
                    if case .ok = result { return nil }
                    return FacesError(file: file, row: line.row, result.message(column: "pixels", expected: pixels))
                }
            }}}
        }
        let classCount = classes ?? (kind == .fer2013 || (labels.max() ?? 0) >= 5 ? 7 : 5)
        var usage: [String]? = nil
        if usageColumn != nil {
            // Few distinct values: decode each once.
            var cache: [ArraySlice<UInt8>: String] = [:]
            usage = usageRanges.map { r in
                let key = table.bytes[r]
                if let s = cache[key] { return s }
                let s = String(decoding: key, as: UTF8.self)
                cache[key] = s
                return s
            }
        }
        return try EmotionSet(images: makeTensor([n, 1, side, side], images), labels: labels,
                              classNames: EmotionSet.classNames(count: classCount), usage: usage,
                              pixelMax: normalize ? 1 : 255)
    }
}
