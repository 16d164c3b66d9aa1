import Foundation
import Neural
import Tensor

/// A model (any Neural layer) and the input shape its summary uses.
final class ModelObject: HostObject {
    let layer: Layer
    let input: [Int]
    init(_ layer: Layer, input: [Int]) { self.layer = layer; self.input = input }
    var typeName: String { "model" }
    var summary: String { "model (\(layer.parameterCount) parameters)" }
    var memberNames: [String] { ["parameters", "summary", "input"] }
    func member(_ name: String) throws -> Value? {
        switch name {
        case "parameters": return .number(Double(layer.parameterCount))
        case "summary": return .string(try summaryText())
        case "input": return .list(input.map { .number(Double($0)) })
        default: return nil
        }
    }
    func display() -> [DisplayItem] { [.text((try? summaryText()) ?? summary)] }
    /// The Keras-style table of layers (`input` holds a batch of one; the summary wants one example's shape).
    func summaryText() throws -> String { try Neural.summary(layer, input: Array(input.dropFirst())) }
}

/// An optimizer with its state.
final class OptimizerObject: HostObject {
    let optimizer: Optimizer
    let name: String
    init(_ optimizer: Optimizer, name: String) { self.optimizer = optimizer; self.name = name }
    var typeName: String { "optimizer" }
    var summary: String { "\(name)(lr: \(Format.number(Double(optimizer.learningRate))))" }
    var memberNames: [String] { ["lr"] }
    func member(_ name: String) throws -> Value? { name == "lr" ? .number(Double(optimizer.learningRate)) : nil }
}

/// The record of a training run: one row per epoch.
final class HistoryObject: HostObject {
    let history: History
    init(_ history: History) { self.history = history }
    var typeName: String { "history" }
    var summary: String { "history (\(history.epochs.count) epochs)" }
    var seriesNames: [String] {
        var names = ["loss"]
        if history.epochs.contains(where: { $0.validationLoss != nil }) { names.append("val_loss") }
        let metrics = Set(history.epochs.flatMap { $0.metrics.keys }).sorted()
        names += metrics
        names += Set(history.epochs.flatMap { $0.validationMetrics.keys }).sorted().map { "val_" + $0 }
        return names
    }
    var memberNames: [String] { seriesNames + ["epochs", "lr"] }
    func member(_ name: String) throws -> Value? {
        if name == "epochs" { return .number(Double(history.epochs.count)) }
        guard memberNames.contains(name) else { return nil }
        return .list(history.series(name).map { .number(Ops.double($0)) })
    }
    func elements() throws -> [Value]? { try member("loss").map { if case .list(let xs) = $0 { return xs }; return [] } }
    func display() -> [DisplayItem] {
        let names = seriesNames
        let columns = names.map { history.series($0) }
        let rows = history.epochs.indices.map { i in
            ["\(i + 1)"] + columns.map { i < $0.count ? String(format: "%.4f", Double($0[i])) : "" }
        }
        return [.table(headers: ["epoch"] + names, rows: rows)]
    }
}

/// A classification report: per-class precision, recall, F1 and support, shown as a table.
final class ReportObject: HostObject {
    let report: ClassificationReport
    let classes: [String]
    init(_ report: ClassificationReport, classes: [String]) { self.report = report; self.classes = classes }
    var typeName: String { "report" }
    var summary: String { "classification report (accuracy \(String(format: "%.4f", Double(report.accuracy))), macro F1 \(String(format: "%.4f", Double(report.macroF1))))" }
    var memberNames: [String] { ["accuracy", "macro_f1", "precision", "recall", "f1", "support", "confusion", "classes"] }
    func member(_ name: String) throws -> Value? {
        let floats: ([Float]) -> Value = { .list($0.map { .number(Ops.double($0)) }) }
        switch name {
        case "accuracy": return .number(Ops.double(report.accuracy))
        case "macro_f1": return .number(Ops.double(report.macroF1))
        case "precision": return floats(report.precision)
        case "recall": return floats(report.recall)
        case "f1": return floats(report.f1)
        case "support": return .list(report.support.map { .number(Double($0)) })
        case "confusion": return .tensor(Registry.confusionTensor(report.confusion))
        case "classes": return .list(classes.map { .string($0) })
        default: return nil
        }
    }
    func display() -> [DisplayItem] {
        let f: (Float) -> String = { String(format: "%.3f", Double($0)) }
        var rows = classes.indices.map { i in [classes[i], f(report.precision[i]), f(report.recall[i]), f(report.f1[i]), "\(report.support[i])"] }
        let total = report.support.reduce(0, +)
        let mean: ([Float]) -> Float = { $0.isEmpty ? 0 : $0.reduce(0, +) / Float($0.count) }
        rows.append(["macro avg", f(mean(report.precision)), f(mean(report.recall)), f(report.macroF1), "\(total)"])
        rows.append(["accuracy", "", "", f(report.accuracy), "\(total)"])
        return [.table(headers: ["class", "precision", "recall", "f1", "support"], rows: rows)]
    }
}
