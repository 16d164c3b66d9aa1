import Tensor

/// Limits that keep a program from exhausting memory: each `Session` has its own
/// (`Session.limits`), in force on the thread that runs its code.
public struct Limits: Sendable, Equatable {
    /// The most elements a tensor built by a program may have (4 GB of floats).
    public var maxElements = 1 << 30

    /// The most items a list may hold, and characters a string.
    public var maxListItems = 1 << 26

    public init(maxElements: Int = 1 << 30, maxListItems: Int = 1 << 26) {
        self.maxElements = maxElements
        self.maxListItems = maxListItems
    }

    /// The small limits the fuzzer runs under, so random programs stay quick.
    public static let fuzzing = Limits(maxElements: 1 << 16, maxListItems: 1 << 20)

    /// Throws unless a list or string of `count` items may be built.
    func checkLength(_ count: Int, _ what: String) throws {
        if count > maxListItems {
            throw ScriptError("a \(what) of \(count) items is too big for memory (the limit is \(maxListItems))")
        }
    }

    /// Throws unless a tensor of `shape` may be allocated.
    func checkShape(_ shape: [Int]) throws {
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

    // MARK: the limits in force

    /// The limits of the session whose code runs on this thread (the defaults outside a run).
    static var current: Limits { Runtime.running.value?.limits ?? Limits() }

    /// `current.checkLength`: for code that has no runtime at hand (operators on values).
    static func checkLength(_ count: Int, _ what: String) throws { try current.checkLength(count, what) }
    /// `current.checkShape`.
    static func checkShape(_ shape: [Int]) throws { try current.checkShape(shape) }
}
