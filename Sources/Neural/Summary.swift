import Tensor

/// A Keras-like model summary: one row per layer with its output shape and
/// parameter count, then the totals (trainable and non-trainable).
public func summary(_ model: Layer, input: [Int]) throws -> String {
    let (rows, _) = try model.summaryRows(prefix: "", input: [1] + input)
    func shape(_ s: [Int]) -> String { "(None, " + s.dropFirst().map(String.init).joined(separator: ", ") + ")" }
    let table = rows.map { ("\($0.name) (\($0.kind))", shape($0.outputShape), grouped($0.parameters)) }
    let w0 = max(22, table.map(\.0.count).max() ?? 0), w1 = max(20, table.map(\.1.count).max() ?? 0)
    func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
    let width = w0 + w1 + 14
    var lines = [String(repeating: "_", count: width),
                 pad("Layer (type)", w0) + "  " + pad("Output Shape", w1) + "  Param #",
                 String(repeating: "=", count: width)]
    for (a, b, c) in table { lines.append(pad(a, w0) + "  " + pad(b, w1) + "  " + c) }
    lines.append(String(repeating: "=", count: width))
    lines.append("Total params: \(grouped(model.parameterCount))")
    lines.append("Trainable params: \(grouped(model.trainableParameterCount))")
    lines.append("Non-trainable params: \(grouped(model.parameterCount - model.trainableParameterCount))")
    lines.append(String(repeating: "_", count: width))
    return lines.joined(separator: "\n")
}

/// 18016286 → "18,016,286".
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return n < 0 ? "-" + out : out
}
