import Faces
import Foundation
import Graphics
import Tensor

/// A figure: shown as a PNG in reports.
final class FigureObject: HostObject {
    let figure: Figure
    let caption: String
    init(_ figure: Figure, caption: String) { self.figure = figure; self.caption = caption }
    var typeName: String { "figure" }
    var summary: String { "figure: \(caption) (\(figure.size.width)×\(figure.size.height))" }
    var memberNames: [String] { ["width", "height"] }
    func member(_ name: String) throws -> Value? {
        switch name {
        case "width": return .number(Double(figure.size.width))
        case "height": return .number(Double(figure.size.height))
        default: return nil
        }
    }
    func display() -> [DisplayItem] { [.image(png: figure.pngData(), caption: caption)] }
}

extension Registry {
    /// A grid of a dataset's first images, with keypoints when it has them and class names as titles.
    static func gridFigure(_ d: DatasetObject, limit: Int, columns: Int) throws -> Figure {
        let images = d.images
        guard images.rank == 4 else { throw ScriptError("images must be [N, C, H, W], got \(Shape.describe(images.shape))") }
        let (h, w) = (images.shape[2], images.shape[3])
        let n = min(limit, d.count)
        let plane = h * w
        let stride = images.shape[1] * plane
        var cells: [GridCell] = []
        for i in 0..<n {
            let pixels = Array(images.scalars[(i * stride)..<(i * stride + plane)])
            switch d.data {
            case .keypoints(let k):
                let row = Array(k.keypoints.scalars[(i * 30)..<(i * 30 + 30)])
                let maskRow = Array(k.mask.scalars[(i * 30)..<(i * 30 + 30)])
                let points = zip(row, maskRow).map { $1 == 0 ? Float.nan : $0 }
                cells.append(try GridCell(width: w, height: h, values: pixels, range: 0...k.pixelMax, keypoints: points))
            case .emotions(let e):
                cells.append(try GridCell(width: w, height: h, values: pixels, range: 0...e.pixelMax, title: e.classNames[e.labels[i]]))
            }
        }
        return Figure.grid(ImageGrid(cells, columns: min(columns, max(1, n))))
    }

    /// Numbers from a list or a one-dimensional tensor.
    static func numbers(_ v: Value, _ what: String) throws -> [Double] {
        switch v {
        case .list(let xs):
            return try xs.map { x in
                guard let d = Ops.number(x) else { throw ScriptError("\(what) must hold numbers, got \(Format.article(x))") }
                return d
            }
        case .tensor(let t): return t.tensor.scalars.map(Double.init)
        case .range: return try Ops.elements(v).map { $0.numberValue }
        default: throw ScriptError("\(what) must be a list of numbers or a tensor, got \(Format.article(v))")
        }
    }

    static func optionalString(_ a: Arguments, _ name: String) throws -> String? { try a.isNil(name) ? nil : try a.string(name) }

    static func registerGraphics(_ r: Registry) {
        registerPredictionGrid(r)
        r.add("show", "graphics", [.required("images", "dataset or tensor [N, 1, H, W]"), .optional("grid", "number", .number(8)),
                                   .optional("title", "string", .null)],
              returns: "figure", summary: "A picture of images in a grid; keypoints are drawn on faces that have them.",
              example: "show(keypoint_faces(n: 4, seed: 7), grid: 2)") { a in
            let columns = try a.int("grid")
            guard columns > 0 else { throw ScriptError("argument 'grid' of show must be at least 1") }
            var figure: Figure
            if case .host(let h) = try a.value("images"), let d = h as? DatasetObject {
                figure = try gridFigure(d, limit: 256, columns: columns)
            } else {
                let t = try a.tensor("images")
                let images = t.rank == 2 ? try t.reshaped([1, 1] + t.shape) : (t.rank == 3 ? try t.reshaped([t.shape[0], 1, t.shape[1], t.shape[2]]) : t)
                guard images.rank == 4 else { throw ScriptError("argument 'images' of show must be a dataset or images [N, 1, H, W], got shape \(Shape.describe(t.shape))") }
                let (n, h, w) = (min(images.shape[0], 256), images.shape[2], images.shape[3])
                let stride = images.count / max(1, images.shape[0])
                let cells = try (0..<n).map { i in
                    try GridCell(width: w, height: h, values: Array(images.scalars[(i * stride)..<(i * stride + h * w)]))
                }
                figure = Figure.grid(ImageGrid(cells, columns: min(columns, max(1, n))))
            }
            let title = try optionalString(a, "title")
            figure.title = title
            return .host(FigureObject(figure, caption: title ?? "images"))
        }
        r.add("plot", "graphics", [.required("y", "history, list of numbers, or list of lists"), .optional("title", "string", .null),
                                   .optional("xlabel", "string", .null), .optional("ylabel", "string", .null),
                                   .optional("labels", "list of strings", .null)],
              returns: "figure", summary: "A line chart: of a training history (loss and validation loss per epoch) or of numbers.",
              details: "`labels` names the lines of a list of lists in the legend (default 1, 2, ...). Lines of a list of lists start at x = 1.",
              example: "plot([3, 1, 0.5, 0.25], title: \"loss\")") { a in
            var series: [Series] = []
            var xLabel = try optionalString(a, "xlabel"), yLabel = try optionalString(a, "ylabel")
            if case .host(let h) = try a.value("y"), let history = h as? HistoryObject {
                for name in history.seriesNames where name.hasSuffix("loss") {
                    series.append(.line(history.history.series(name).map(Double.init), start: 1, label: name))
                }
                xLabel = xLabel ?? "epoch"
                yLabel = yLabel ?? "loss"
            } else if case .list(let items) = try a.value("y"), items.contains(where: { if case .list = $0 { return true }; return false }) {
                let names = try a.isNil("labels") ? nil : try a.list("labels").map(Format.str)
                if let names, names.count != items.count { throw ScriptError("plot: \(items.count) lines but \(names.count) labels") }
                series = try items.enumerated().map { i, item in .line(try numbers(item, "each line"), start: 1, label: names?[i] ?? "\(i + 1)") }
            } else {
                series = [.line(try numbers(try a.value("y"), "argument 'y' of plot"))]
            }
            let title = try optionalString(a, "title")
            return .host(FigureObject(Figure.lines(series, title: title, xLabel: xLabel, yLabel: yLabel), caption: title ?? "plot"))
        }
        r.add("bar", "graphics", [.required("values", "list of numbers"), .optional("labels", "list of strings", .null),
                                  .optional("title", "string", .null)],
              returns: "figure", summary: "A bar chart, one bar per value.",
              example: "bar([3, 5, 2], labels: [\"a\", \"b\", \"c\"])") { a in
            let values = try numbers(try a.value("values"), "argument 'values' of bar")
            let labels = try a.isNil("labels") ? nil : try a.list("labels").map(Format.str)
            if let labels, labels.count != values.count {
                throw ScriptError("bar: \(values.count) values but \(labels.count) labels")
            }
            let title = try optionalString(a, "title")
            return .host(FigureObject(Figure.bars(values, categories: labels, title: title, valueLabels: true), caption: title ?? "bar chart"))
        }
        r.add("heatmap", "graphics", [.required("matrix", "tensor [rows, columns] or list of lists"), .optional("title", "string", .null),
                                      .optional("labels", "list of strings", .null)],
              returns: "figure", summary: "A heatmap of a matrix (a confusion matrix when labels are given), values written in the cells.",
              example: "heatmap([[5, 1], [2, 7]], labels: [\"cat\", \"dog\"])") { a in
            let t = try a.tensor("matrix")
            guard t.rank == 2, t.count > 0, t.shape[0] <= 200, t.shape[1] <= 200 else {
                throw ScriptError("argument 'matrix' of heatmap must be a 2-D matrix of at most 200×200, got shape \(Shape.describe(t.shape))")
            }
            let rows = (0..<t.shape[0]).map { i in (0..<t.shape[1]).map { Double(t.scalars[i * t.shape[1] + $0]) } }
            let labels = try a.isNil("labels") ? nil : try a.list("labels").map(Format.str)
            let map = labels.map { Heatmap.confusionMatrix(rows, classes: $0) } ?? Heatmap(rows)
            let title = try optionalString(a, "title")
            return .host(FigureObject(Figure.heatmap(map, title: title), caption: title ?? "heatmap"))
        }
        r.add("grid", "graphics", [.required("figures", "list of figures"), .optional("columns", "number", .number(2)),
                                   .optional("title", "string", .null)],
              returns: "figure", summary: "Figures side by side, in rows of `columns`.",
              example: "grid([plot([1, 2]), bar([3, 4])], columns: 2)") { a in
            let figures = try a.list("figures").map { v -> Figure in
                guard case .host(let h) = v, let f = h as? FigureObject else { throw ScriptError("argument 'figures' of grid must be a list of figures, got \(Format.article(v))") }
                return f.figure
            }
            let columns = try a.int("columns")
            guard columns > 0, !figures.isEmpty else { throw ScriptError("grid needs at least one figure and columns >= 1") }
            let title = try optionalString(a, "title")
            return .host(FigureObject(Figure.panels(figures, columns: columns, title: title), caption: title ?? "figures"))
        }
    }

    /// Faces with a model's predictions on them: points beside the true points, predicted labels beside the true ones.
    static func predictionGrid(_ d: DatasetObject, _ predicted: Value, limit: Int, columns: Int, classes: [String]?) throws -> Figure {
        let images = d.images
        guard images.rank == 4 else { throw ScriptError("images must be [N, C, H, W], got \(Shape.describe(images.shape))") }
        let (h, w) = (images.shape[2], images.shape[3])
        var points: Tensor?
        var labels: [Int]?
        switch predicted {
        case .tensor(let t): points = t.tensor
        case .list(let xs): labels = try xs.map { try Ops.integer($0, "a predicted label") }
        case .record(let r):
            if case .tensor(let t)? = r["keypoints"] { points = t.tensor }
            if case .list(let xs)? = r["labels"] { labels = try xs.map { try Ops.integer($0, "a predicted label") } }
        default: break
        }
        guard points != nil || labels != nil else {
            throw ScriptError("argument 'predicted' of show_predictions must be keypoints [N, 30], a list of labels, or a record from predict on a fused model, got \(Format.article(predicted))")
        }
        let n = min(limit, d.count)
        if let p = points, p.rank != 2 || p.shape[0] < n || p.shape[1] != 30 {
            throw ScriptError("show_predictions: predicted keypoints must be [N, 30] with N >= \(n), got \(Shape.describe(p.shape))")
        }
        if let l = labels, l.count < n { throw ScriptError("show_predictions: \(l.count) predicted labels for \(n) images") }
        var names = classes
        var truth: [Int]?
        var pixelMax: Float = 255
        var truePoints: Tensor?, mask: Tensor?
        switch d.data {
        case .emotions(let e):
            names = names ?? e.classNames; truth = e.labels; pixelMax = e.pixelMax
        case .keypoints(let k):
            pixelMax = k.pixelMax; truePoints = k.keypoints; mask = k.mask
        }
        let plane = h * w, stride = images.shape[1] * plane
        var cells: [GridCell] = []
        for i in 0..<n {
            let pixels = Array(images.scalars[(i * stride)..<(i * stride + plane)])
            var trueRow: [Float] = [], predRow: [Float] = []
            if let t = truePoints, let m = mask {
                trueRow = zip(t.scalars[(i * 30)..<(i * 30 + 30)], m.scalars[(i * 30)..<(i * 30 + 30)]).map { $1 == 0 ? Float.nan : $0 }
            }
            if let p = points { predRow = Array(p.scalars[(i * 30)..<(i * 30 + 30)]) }
            var title: String?
            var color: Color?
            if let l = labels {
                let name: (Int) -> String = { c in names.flatMap { c >= 0 && c < $0.count ? $0[c] : nil } ?? "class \(c)" }
                if let t = truth {
                    title = l[i] == t[i] ? name(l[i]) : "\(name(l[i])) (\(name(t[i])))"
                    if l[i] != t[i] { color = Color(hex: 0xd62728) }
                } else { title = name(l[i]) }
            }
            var cell = try GridCell(width: w, height: h, values: pixels, range: 0...pixelMax, title: title, keypoints: trueRow, predicted: predRow)
            cell.titleColor = color
            if trueRow.isEmpty && !predRow.isEmpty {
                // Only predictions: draw them in the usual keypoint style.
                cell.points = cell.predicted; cell.predicted = []
            }
            cells.append(cell)
        }
        return Figure.grid(ImageGrid(cells, columns: min(columns, max(1, n)), scale: max(h, w) <= 128 ? 2 : 1))
    }

    static func registerPredictionGrid(_ r: Registry) {
        r.add("show_predictions", "graphics", [.required("data", "dataset"), .required("predicted", "keypoints [N, 30], list of labels, or record"),
                                               .optional("grid", "number", .number(4)), .optional("n", "number", .number(16)),
                                               .optional("title", "string", .null), .optional("classes", "list of strings", .null)],
              returns: "figure", summary: "Faces with a model's predictions: true points as red crosses and predicted ones as cyan plus signs; predicted labels as titles, with the true label in parentheses (in red) when wrong.",
              details: "`predicted` is what predict gives: keypoints [N, 30], a list of labels (predict_labels), or the record of a fused model (points and labels). Image i is labelled with prediction i.",
              example: "faces = keypoint_faces(n: 4, seed: 7)\nshow_predictions(faces, faces.keypoints + 2, grid: 2)") { a in
            let d = try dataset(a, "data")
            let columns = try a.int("grid"), n = try a.int("n")
            guard columns > 0, n > 0, n <= 256 else { throw ScriptError("show_predictions needs grid >= 1 and 1 <= n <= 256") }
            let classes = try a.isNil("classes") ? nil : try a.list("classes").map(Format.str)
            var figure = try predictionGrid(d, try a.value("predicted"), limit: n, columns: columns, classes: classes)
            let title = try optionalString(a, "title")
            figure.title = title
            return .host(FigureObject(figure, caption: title ?? "predictions"))
        }
    }
}
