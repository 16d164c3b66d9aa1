import Tensor

/// Limits that keep a program from exhausting memory.
public enum Limits {
    /// The most elements a tensor built by a program may have (4 GB of floats).
    public static var maxElements = 1 << 30

    /// The most items a list may hold, and characters a string.
    public static var maxListItems = 1 << 26

    /// Throws unless a list or string of `count` items may be built.
    static func checkLength(_ count: Int, _ what: String) throws {
        if count > maxListItems {
            throw ScriptError("a \(what) of \(count) items is too big for memory (the limit is \(maxListItems))")
        }
    }

    /// Throws unless a tensor of `shape` may be allocated.
    public static func checkShape(_ shape: [Int]) throws {
        var total = 1
        for n in shape {
            guard n >= 0 else { throw ScriptError("shape \(Shape.describe(shape)) has a negative size") }
            let (p, overflow) = total.multipliedReportingOverflow(by: n)
            if overflow || p > maxElements {
                throw ScriptError("a tensor of shape \(Shape.describe(shape)) is too big for memory (the limit is \(maxElements) elements)")
            }
            total = p
        }
    }
}
