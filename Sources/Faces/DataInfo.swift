import Foundation

/// A summary of a face data file: its layout, row counts and class counts.
public struct DataInfo: Equatable, Sendable {
    /// The layout's name (`keypoints`, `keypoints_test`, `fer2013`, `icml_face_data`, `emotion_pixels`).
    public var kind: String
    /// The number of data rows.
    public var rows: Int
    /// Rows with every value present (all 30 keypoints; every emotion row).
    public var completeRows: Int
    /// Samples per class, in label order (empty for keypoints).
    public var classes: [(name: String, count: Int)]

    public static func == (a: DataInfo, b: DataInfo) -> Bool {
        a.kind == b.kind && a.rows == b.rows && a.completeRows == b.completeRows
            && a.classes.map(\.name) == b.classes.map(\.name) && a.classes.map(\.count) == b.classes.map(\.count)
    }

    /// Loads the file at `path` and summarises it.
    public init(path: String) throws {
        self.init(try FaceDataLoader.load(path: path))
    }

    /// Summarises loaded data.
    public init(_ data: FaceData) {
        switch data {
        case let .keypoints(set, kind):
            self.kind = kind.rawValue
            rows = set.count
            completeRows = kind == .keypointsTest ? 0 : set.completeCount
            classes = []
        case let .emotions(set, kind):
            self.kind = kind.rawValue
            rows = set.count
            completeRows = set.count
            classes = zip(set.classNames, set.classCounts).map { ($0, $1) }
        }
    }

    /// The JSON form: `{"kind": ..., "rows": ..., "complete_rows": ..., "classes": {...}}`.
    public var json: String {
        let cls = classes.map { "\"\(Self.escape($0.name))\": \($0.count)" }.joined(separator: ", ")
        return "{\"kind\": \"\(Self.escape(kind))\", \"rows\": \(rows), \"complete_rows\": \(completeRows), \"classes\": {\(cls)}}"
    }

    /// A few lines for people.
    public var text: String {
        var s = "kind: \(kind)\nrows: \(rows)\ncomplete rows: \(completeRows)"
        if !classes.isEmpty {
            s += "\nclasses:"
            let width = classes.map(\.name.count).max() ?? 0
            for (i, c) in classes.enumerated() {
                let pct = rows > 0 ? String(format: "%5.1f%%", 100 * Double(c.count) / Double(rows)) : ""
                s += "\n  \(i) \(c.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(c.count)  \(pct)"
            }
        }
        return s
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
