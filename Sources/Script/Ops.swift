import Foundation
import Tensor

/// The operators and the generic (slow-path) semantics of values, by concern:
/// `OpsConversions`, `OpsArithmetic`, `OpsIndexing` and `OpsMembers`.
enum Ops {}

extension Value {
    /// Moves the list out, leaving nil in its place, so the caller holds the only reference
    /// to its buffer (unless another value shares it).
    @inline(__always)
    mutating func takeList() -> [Value]? {
        guard case .list(let items) = self else { return nil }
        self = .null
        return items
    }

    /// Moves the record out, leaving nil in its place.
    @inline(__always)
    mutating func takeRecord() -> Record? {
        guard case .record(let r) = self else { return nil }
        self = .null
        return r
    }

    /// Moves the string out, leaving nil in its place.
    @inline(__always)
    mutating func takeString() -> String? {
        guard case .string(let s) = self else { return nil }
        self = .null
        return s
    }

    /// The number, or NaN (for internal use where a number is known).
    var numberValue: Double { if case .number(let n) = self { return n }; return .nan }
}
