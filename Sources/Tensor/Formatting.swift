import Foundation

/// The text form of tensors: NumPy's array printing (array2string with precision 4).
///
/// - Integral tensors print as integers: `[[1, 2], [3, 4]]`.
/// - Others print with at most 4 digits after the point, trailing zeros dropped and
///   columns aligned on the point: `[0.5 , 1.25]`; scientific notation when the
///   largest magnitude is 1e8 or more, the smallest non-zero one under 1e-4, or
///   their ratio over 1000: `[1.e-05, 1.e+00]`.
/// - Rows go on separate lines, blocks of higher axes are separated by blank lines,
///   lines wrap at 75 characters, and tensors of more than 1000 elements show 3
///   items at each end of every long axis with `...` between.
extension Tensor: CustomStringConvertible {
    public var description: String { TensorFormatter(self).text }

    /// One line naming the tensor's shape, e.g. `Tensor [2, 3]`.
    public var summary: String { "Tensor \(Shape.describe(shape))" }
}

/// Lays out a tensor as NumPy's `array2string(a, separator=", ", precision=4)` does.
struct TensorFormatter {
    static let precision = 4
    static let threshold = 1000
    static let edgeItems = 3
    static let lineWidth = 75

    let tensor: Tensor
    let summarise: Bool
    let format: (Float) -> String

    init(_ tensor: Tensor) {
        self.tensor = tensor
        let summarise = tensor.count > Self.threshold
        self.summarise = summarise
        let strides = Shape.strides(tensor.shape)
        var shown: [Float] = []
        if tensor.count > 0 {
            // The values that will be printed decide the number format.
            let positions = tensor.shape.map { n -> [Int] in
                summarise && n > 2 * Self.edgeItems ? Array(0..<Self.edgeItems) + Array((n - Self.edgeItems)..<n) : Array(0..<n)
            }
            var offsets = [0]
            for (axis, indices) in positions.enumerated() {
                offsets = offsets.flatMap { base in indices.map { base + $0 * strides[axis] } }
            }
            shown = offsets.map { tensor.scalars[$0] }
        }
        format = Self.makeFormat(shown)
    }

    var text: String {
        if tensor.count == 0 { return "[]" }
        if tensor.rank == 0 { return format(tensor.scalars[0]) }
        return recurse([], hangingIndent: " ", width: Self.lineWidth)
    }

    // MARK: Layout

    private func element(_ index: [Int]) -> String {
        var offset = 0
        for (axis, i) in index.enumerated() { offset = offset * tensor.shape[axis] + i }
        return format(tensor.scalars[offset])
    }

    private func recurse(_ index: [Int], hangingIndent: String, width: Int) -> String {
        let axis = index.count
        let axesLeft = tensor.rank - axis
        if axesLeft == 0 { return element(index) }
        let nextIndent = hangingIndent + " "
        let nextWidth = width - 1
        let n = tensor.shape[axis]
        let showSummary = summarise && 2 * Self.edgeItems < n
        let leading = showSummary ? Self.edgeItems : 0
        let trailing = showSummary ? Self.edgeItems : n
        var s = ""
        if axesLeft == 1 {
            let elementWidth = width - 1
            var line = hangingIndent
            func extend(_ word: String) {
                var wrap = line.count + word.count > elementWidth
                if line.count <= hangingIndent.count { wrap = false }
                if wrap {
                    s += line.trailingSpacesRemoved + "\n"
                    line = hangingIndent
                }
                line += word
            }
            for i in 0..<leading {
                extend(recurse(index + [i], hangingIndent: nextIndent, width: nextWidth))
                line += ", "
            }
            if showSummary {
                extend("...")
                line += ", "
            }
            for i in stride(from: trailing, to: 1, by: -1) {
                extend(recurse(index + [n - i], hangingIndent: nextIndent, width: nextWidth))
                line += ", "
            }
            extend(recurse(index + [n - 1], hangingIndent: nextIndent, width: nextWidth))
            s += line
        } else {
            let separator = "," + String(repeating: "\n", count: axesLeft - 1)
            for i in 0..<leading {
                s += hangingIndent + recurse(index + [i], hangingIndent: nextIndent, width: nextWidth) + separator
            }
            if showSummary { s += hangingIndent + "..." + separator }
            for i in stride(from: trailing, to: 1, by: -1) {
                s += hangingIndent + recurse(index + [n - i], hangingIndent: nextIndent, width: nextWidth) + separator
            }
            s += hangingIndent + recurse(index + [n - 1], hangingIndent: nextIndent, width: nextWidth)
        }
        return "[" + s.dropFirst(hangingIndent.count) + "]"
    }

    // MARK: Numbers

    /// The formatter for a set of values: integers, positional or scientific, with shared padding.
    static func makeFormat(_ values: [Float]) -> (Float) -> String {
        let finite = values.filter(\.isFinite)
        if !values.isEmpty, finite.count == values.count,
           finite.allSatisfy({ $0 == $0.rounded() && Swift.abs($0) < 1e16 }) {
            let width = finite.map { String(Int64($0)).count }.max() ?? 0
            return { v in padLeft(String(Int64(v)), width) }
        }
        let magnitudes = finite.filter { $0 != 0 }.map { Swift.abs($0) }
        var scientific = false
        if let largest = magnitudes.max(), let smallest = magnitudes.min() {
            scientific = largest >= 1e8 || smallest < 0.0001 || largest / smallest > 1000
        }
        var leftWidth = 0, rightWidth = 0
        let body: (Float) -> String
        if finite.isEmpty {
            body = { _ in "" }
        } else if scientific {
            let parts = finite.map(scientificParts)
            let digits = parts.map(\.fraction.count).max() ?? 0
            let exponentDigits = Swift.max(2, parts.map { String(Swift.abs($0.exponent)).count }.max() ?? 2)
            leftWidth = parts.map(\.integer.count).max() ?? 0
            rightWidth = exponentDigits + 2 + digits
            let left = leftWidth
            body = { v in
                let p = scientificParts(v)
                let fraction = p.fraction + String(repeating: "0", count: digits - p.fraction.count)
                let exponent = String(Swift.abs(p.exponent))
                let sign = p.exponent < 0 ? "-" : "+"
                return padLeft(p.integer, left) + "." + fraction + "e" + sign
                    + String(repeating: "0", count: Swift.max(0, exponentDigits - exponent.count)) + exponent
            }
        } else {
            let parts = finite.map(positionalParts)
            leftWidth = parts.map(\.integer.count).max() ?? 0
            rightWidth = parts.map(\.fraction.count).max() ?? 0
            let (left, right) = (leftWidth, rightWidth)
            body = { v in
                let p = positionalParts(v)
                return padLeft(p.integer, left) + "." + p.fraction + String(repeating: " ", count: right - p.fraction.count)
            }
        }
        if finite.count != values.count {
            let negativeInfinity = values.contains { $0.isInfinite && $0 < 0 } ? 1 : 0
            let offset = rightWidth + 1
            leftWidth = Swift.max(leftWidth, 3 - offset, 3 + negativeInfinity - offset)
        }
        let total = leftWidth + rightWidth + 1
        return { v in
            if v.isNaN { return padLeft("nan", total) }
            if v.isInfinite { return padLeft(v < 0 ? "-inf" : "inf", total) }
            return body(v)
        }
    }

    private static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    /// The shortest decimal digits that identify a float32 (no leading or trailing zeros;
    /// empty for zero) and the position of the point: value = 0.d₁d₂… × 10^point.
    private static func shortestDigits(_ v: Float) -> (negative: Bool, digits: [Character], point: Int) {
        let text = Swift.abs(v).description
        let pieces = text.split(separator: "e", maxSplits: 1)
        let mantissa = pieces[0]
        let exponent = pieces.count > 1 ? Int(pieces[1]) ?? 0 : 0
        let halves = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var digits = Array(halves[0]) + (halves.count > 1 ? Array(halves[1]) : [])
        var point = halves[0].count + exponent
        while let first = digits.first, first == "0" { digits.removeFirst(); point -= 1 }
        while let last = digits.last, last == "0" { digits.removeLast() }
        if digits.isEmpty { point = 1 }
        return (v.sign == .minus, digits, point)
    }

    /// Integer and fraction parts with at most `precision` fraction digits, trailing zeros dropped.
    static func positionalParts(_ v: Float) -> (integer: String, fraction: String) {
        let (negative, digits, point) = shortestDigits(v)
        let sign = negative ? "-" : ""
        if digits.count - point > precision {
            // More digits than shown: round the exact value (to nearest, ties to even).
            let text = String(format: "%.\(precision)f", Double(v))
            let halves = text.split(separator: ".", maxSplits: 1)
            var fraction = halves.count > 1 ? String(halves[1]) : ""
            while fraction.last == "0" { fraction.removeLast() }
            return (String(halves[0]), fraction)
        }
        if digits.isEmpty { return (sign + "0", "") }
        let integer: String
        if point <= 0 {
            integer = "0"
        } else if point >= digits.count {
            integer = String(digits) + String(repeating: "0", count: point - digits.count)
        } else {
            integer = String(digits[..<point])
        }
        let fraction = point >= digits.count ? "" :
            (point < 0 ? String(repeating: "0", count: -point) + String(digits) : String(digits[point...]))
        return (sign + integer, fraction)
    }

    /// Mantissa integer digit (with sign), fraction digits (at most `precision`, trailing
    /// zeros dropped) and decimal exponent.
    static func scientificParts(_ v: Float) -> (integer: String, fraction: String, exponent: Int) {
        let (negative, digits, point) = shortestDigits(v)
        let sign = negative ? "-" : ""
        if digits.isEmpty { return (sign + "0", "", 0) }
        if digits.count - 1 > precision {
            let text = String(format: "%.\(precision)e", Double(v))
            let pieces = text.split(separator: "e", maxSplits: 1)
            let halves = pieces[0].split(separator: ".", maxSplits: 1)
            var fraction = halves.count > 1 ? String(halves[1]) : ""
            while fraction.last == "0" { fraction.removeLast() }
            return (String(halves[0]), fraction, pieces.count > 1 ? Int(pieces[1]) ?? 0 : 0)
        }
        return (sign + String(digits[0]), String(digits.dropFirst()), point - 1)
    }
}

fileprivate extension String {
    /// The string without trailing spaces.
    var trailingSpacesRemoved: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
