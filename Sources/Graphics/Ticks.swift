#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libm's base-10 logarithm, named apart from `Ticks.log`.
@inline(__always) func libmLog10(_ x: Double) -> Double { log10(x) }
/// libm's power function.
@inline(__always) func libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }

/// How an axis maps data to position.
public enum AxisScale: String, Equatable, Hashable, Sendable {
    /// Equal steps for equal differences.
    case linear
    /// Equal steps for equal ratios (base 10); values ≤ 0 cannot be shown and are skipped.
    case log
}

/// One tick on an axis: its value, its label (empty for minor ticks) and whether it is major.
public struct Tick: Equatable, Sendable {
    public var value: Double
    public var label: String
    public var isMajor: Bool
}

/// Chooses axis limits and tick positions with round values, and formats tick labels.
public enum Ticks {
    /// Round steps: 1, 2, 2.5, 5 times a power of ten.
    static let mantissas: [Double] = [1, 2, 2.5, 5, 10]

    /// A round step near `raw` (at least `raw`).
    static func niceStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let exponent = (log10(raw)).rounded(.down)
        let base = pow10(Int(exponent))
        for m in mantissas where m * base >= raw * (1 - 1e-9) { return m * base }
        return 10 * base
    }

    /// The round step whose tick count inside `lo...hi` is closest to `target + 1` (ties: the larger step;
    /// steps of 2.5 need to be clearly closer).
    static func bestStep(from lo: Double, to hi: Double, target: Int) -> Double {
        let raw = (hi - lo) / Double(max(1, target))
        let around = niceStep(raw)
        guard around.isFinite, around > 0 else { return around }
        let e = Int(log10(around).rounded(.down))
        var best = around, bestScore = Double.infinity
        for power in [e - 1, e, e + 1] {
            for m in mantissas.dropLast() {
                let step = m * pow10(power)
                let count = (hi / step + 1e-9).rounded(.down) - (lo / step - 1e-9).rounded(.up) + 1
                // Steps of 2.5 give busier labels (0.25, 0.75): take them only when clearly better.
                let score = abs(count - Double(target + 1)) + (m == 2.5 ? 1.5 : 0)
                if score < bestScore || (score == bestScore && step > best) { best = step; bestScore = score }
            }
        }
        return best
    }

    /// 10 to an integer power, exactly where Double can represent it.
    static func pow10(_ e: Int) -> Double {
        var v = 1.0
        if e >= 0 { for _ in 0..<e { v *= 10 } } else { for _ in 0..<(-e) { v /= 10 } }
        return v
    }

    static func log10(_ x: Double) -> Double { x > 0 ? libmLog10(x) : .nan }

    /// Ticks with round values covering `lo...hi`, about `target` of them.
    public static func linear(from lo: Double, to hi: Double, target: Int) -> [Tick] {
        guard lo.isFinite, hi.isFinite, hi > lo else { return [] }
        let step = bestStep(from: lo, to: hi, target: target)
        let first = (lo / step - 1e-9).rounded(.up)
        let last = (hi / step + 1e-9).rounded(.down)
        guard last >= first, last - first < 1000 else { return [] }
        let values = stride(from: first, through: last, by: 1).map { k -> Double in
            let v = k * step
            return abs(v) < step * 1e-9 ? 0 : v
        }
        let labels = formatLinear(values, step: step)
        return zip(values, labels).map { Tick(value: $0, label: $1, isMajor: true) }
    }

    /// Labels for evenly spaced values: just enough decimals for the step; exponent form for very large or small numbers.
    static func formatLinear(_ values: [Double], step: Double) -> [String] {
        let biggest = values.map { abs($0) }.max() ?? 0
        if biggest >= 1e6 || (step < 1e-4 && biggest < 1e-3) {
            return values.map { formatCompact($0, significant: 3) }
        }
        var decimals = max(0, -Int(log10(step).rounded(.down)))
        // A step like 2.5 or 0.25 needs one more digit than its power of ten.
        let scaled = step / pow10(-decimals)
        if abs(scaled - scaled.rounded()) > 1e-6 { decimals += 1 }
        return values.map { format($0, decimals: decimals) }
    }

    /// Fixed-point text with `decimals` digits after the point, no exponent, "-0" shown as "0".
    public static func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let d = max(0, min(12, decimals))
        let scale = pow10(d)
        let scaled = (abs(value) * scale).rounded()
        if scaled >= 9e15 { return formatCompact(value, significant: 6) }
        let n = UInt64(scaled)
        let negative = value < 0 && n != 0
        var digits = String(n)
        if d > 0 {
            if digits.count <= d { digits = String(repeating: "0", count: d - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -d))
        }
        return (negative ? "-" : "") + digits
    }

    /// Short text for any number: integers as integers, otherwise `significant` digits, exponent form ("1.5e-05" → "1.5e-5") when far from 1.
    public static func formatCompact(_ value: Double, significant: Int = 3) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == 0 { return "0" }
        let a = abs(value)
        if a == a.rounded(), a < 1e6 { return format(value, decimals: 0) }
        let e = Int(log10(a).rounded(.down))
        if e >= 6 || e <= -4 {
            var m = value / pow10(e)
            var exp = e
            if abs(m) >= 10 { m /= 10; exp += 1 }
            let mantissa = trimZeros(format(m, decimals: max(0, significant - 1)))
            return mantissa + "e" + String(exp)
        }
        let decimals = max(0, significant - 1 - e)
        return trimZeros(format(value, decimals: decimals))
    }

    static func trimZeros(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// Ticks for a log axis over `lo...hi` (both > 0): powers of ten (labelled), with minor ticks at 2…9
    /// times them when few decades show (2× and 5× labelled when at most three powers show);
    /// within one decade, 1-2-5 values are labelled instead.
    public static func log(from lo: Double, to hi: Double, target: Int) -> [Tick] {
        guard lo.isFinite, hi.isFinite, lo > 0, hi > lo else { return [] }
        let a = log10(lo), b = log10(hi)
        let firstPower = Int((a - 1e-9).rounded(.up)), lastPower = Int((b + 1e-9).rounded(.down))
        var ticks: [Tick] = []
        let decades = lastPower - firstPower + 1
        if decades >= 2 {
            let every = max(1, Int((Double(decades) / Double(max(1, target))).rounded(.up)))
            // One style for all labels: plain decimals when every power is near 1, "1e-5" otherwise.
            let plain = firstPower >= -3 && lastPower <= 4
            for e in firstPower...lastPower where (e - firstPower) % every == 0 {
                let label = plain ? format(pow10(e), decimals: max(0, -e)) : "1e" + String(e)
                ticks.append(Tick(value: pow10(e), label: label, isMajor: true))
            }
            if every == 1 && decades <= 8 {
                for e in (firstPower - 1)...lastPower {
                    for m in 2...9 {
                        let v = Double(m) * pow10(e)
                        if v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12) {
                            // With only two or three powers in view, 2× and 5× get labels too, for reading values.
                            let label = decades <= 3 && (m == 2 || m == 5) ? formatCompact(v, significant: 2) : ""
                            ticks.append(Tick(value: v, label: label, isMajor: false))
                        }
                    }
                }
            }
        } else {
            // Less than two powers of ten in view: label 1, 2, 5 times powers of ten.
            for e in (firstPower - 2)...(lastPower + 1) {
                for m in [1.0, 2, 5] {
                    let v = m * pow10(e)
                    if v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12) {
                        ticks.append(Tick(value: v, label: formatCompact(v, significant: 2), isMajor: true))
                    }
                }
            }
            if ticks.count < 2 { return linear(from: lo, to: hi, target: target) }
        }
        return ticks.sorted { $0.value < $1.value }
    }

    /// Data limits padded by `margin` of their span (in log space for log axes); a single value gets a unit-wide range.
    public static func limits(_ values: [Double], scale: AxisScale, margin: Double = 0.05) -> ClosedRange<Double> {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite && (scale == .linear || v > 0) {
            lo = min(lo, v); hi = max(hi, v)
        }
        switch scale {
        case .linear:
            if lo > hi { return 0...1 }
            if lo == hi {
                let pad = lo == 0 ? 1 : abs(lo) * 0.1
                return (lo - pad)...(hi + pad)
            }
            let pad = (hi - lo) * margin
            return (lo - pad)...(hi + pad)
        case .log:
            if lo > hi { return 1...10 }
            var la = log10(lo), lb = log10(hi)
            if la == lb { la -= 0.5; lb += 0.5 }
            let pad = (lb - la) * margin
            return expTen(la - pad)...expTen(lb + pad)
        }
    }

    static func expTen(_ x: Double) -> Double { libmPow(10, x) }
}

