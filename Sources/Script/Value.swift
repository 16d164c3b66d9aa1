import Tensor

/// A value of the ainb language.
///
/// Numbers are unboxed doubles; everything larger sits behind one reference so
/// the enum stays small and copying a value is cheap.
public enum Value {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([Value])
    case record(Record)
    case range(RangeValue)
    case function(Function)
    case tensor(TensorBox)
    case host(any HostObject)
    /// A number carrying a derivative: how `grad` differentiates functions of numbers exactly.
    case dual(Double, Double)

    /// Wraps a tensor.
    public static func tensor(_ t: Tensor) -> Value { .tensor(TensorBox(t)) }

    /// The name of this value's type as users see it.
    public var typeName: String {
        switch self {
        case .null: return "nil"
        case .bool: return "bool"
        case .number, .dual: return "number"
        case .string: return "string"
        case .list: return "list"
        case .record: return "record"
        case .range: return "range"
        case .function: return "function"
        case .tensor: return "tensor"
        case .host(let h): return h.typeName
        }
    }

    /// Whether a condition holds: false for `false`, `nil`, and a one-element tensor equal to 0.
    @inline(__always)
    func truthy() throws -> Bool {
        if case .bool(let b) = self { return b }
        return try slowTruth()
    }

    private func slowTruth() throws -> Bool {
        switch self {
        case .null: return false
        case .tensor(let t):
            guard t.tensor.count == 1 else {
                throw ScriptError("a tensor of shape \(Shape.describe(t.tensor.shape)) is ambiguous as a condition; use any() or all()")
            }
            return t.tensor.scalars[0] != 0
        default: return true
        }
    }
}

/// A tensor held by reference inside a `Value`.
public final class TensorBox {
    public let tensor: Tensor
    public init(_ tensor: Tensor) { self.tensor = tensor }
}

/// Named fields in the order they were written: `{name: "x", lr: 0.1}`.
public struct Record {
    public var keys: [String]
    public var values: [Value]

    public init(_ fields: [(String, Value)] = []) {
        keys = fields.map(\.0)
        values = fields.map(\.1)
    }

    /// A record from its key list (shared by every record a literal makes) and its values.
    init(keys: [String], values: [Value]) {
        self.keys = keys
        self.values = values
    }

    /// Where a field is, if present.
    ///
    /// String's `==` compares two unequal strings the slow way (it allows for Unicode
    /// canonical equivalence), and a record's keys are mostly unequal to the one looked
    /// for. Two strings whose first bytes are different ASCII characters are never equal:
    /// an ASCII character is its own canonical decomposition, and starts it. So those are
    /// told apart by one byte, and only the rest go to `==`.
    ///
    /// Most lookups find a key made from the same string (the variable that stored a count
    /// looks it up again, a literal's key is read by the same literal): such a key has the
    /// same two words as the one looked for, which is what String's `==` checks first, so one
    /// pass compares words before any string is compared.
    @inline(__always)
    public func index(of key: String) -> Int? {
        let words = Record.words(key)
        if let i = keys.firstIndex(where: { Record.words($0) == words }) { return i }
        guard !key.isEmpty, case let first = Record.firstByte(key), first < 0x80 else { return keys.firstIndex(of: key) }
        return keys.firstIndex { k in
            if !k.isEmpty, case let b = Record.firstByte(k), b != first, b < 0x80 { return false }
            return k == key
        }
    }

    /// The two words a String is made of: equal words are equal strings (a small string is its
    /// bytes; a large one shares its storage).
    @inline(__always)
    private static func words(_ s: String) -> (UInt64, UInt64) { unsafeBitCast(s, to: (UInt64, UInt64).self) }

    /// The first UTF-8 byte of a string that is not empty.
    @inline(__always)
    private static func firstByte(_ s: String) -> UInt8 { s.utf8[s.utf8.startIndex] }

    /// The value of a field, if present.
    public subscript(key: String) -> Value? {
        get { index(of: key).map { values[$0] } }
        set {
            if let i = index(of: key) {
                if let newValue { values[i] = newValue } else { keys.remove(at: i); values.remove(at: i) }
            } else if let newValue {
                keys.append(key); values.append(newValue)
            }
        }
    }
}

/// `start..end`: integers from start up to (not including) end when iterated or
/// indexed, and the interval [start, end) when a builtin draws a random number from it.
public final class RangeValue {
    public let start: Double
    public let end: Double
    public let step: Double

    public init(start: Double, end: Double, step: Double = 1) {
        self.start = start; self.end = end; self.step = step
    }

    /// How many values iteration yields.
    public var count: Int { RangeValue.count(start: start, end: end, step: step) }

    /// How many values iteration of `start..end` by `step` yields (loops over a range written
    /// in place count without making the range).
    @inline(__always)
    public static func count(start: Double, end: Double, step: Double) -> Int {
        guard step != 0, start.isFinite, end.isFinite else { return 0 }
        let n = ((end - start) / step).rounded(.up)
        return n > 0 ? Int(min(n, Double(Int32.max))) : 0
    }

    /// The i-th value (no bounds check).
    public func value(at i: Int) -> Double { start + Double(i) * step }
}

/// A variable captured by a closure: shared between the frame that owns it and the closures.
final class Cell {
    var value: Value?
    init(_ value: Value? = nil) { self.value = value }
}

/// An object provided by a builtin (a model, a dataset, a figure, a history).
///
/// Members, indexing, operators, iteration and display are optional: the defaults
/// say the object does not support them.
public protocol HostObject: AnyObject {
    /// The type name shown in messages and summaries, e.g. "model".
    var typeName: String { get }
    /// A member `x.name`, or nil if there is none.
    func member(_ name: String) throws -> Value?
    /// The members completions offer after `x.`.
    var memberNames: [String] { get }
    /// How the value shows in the REPL and in reports.
    func display() -> [DisplayItem]
    /// A one-line summary for `:vars`.
    var summary: String { get }
    /// `x[index]`, or nil when the object cannot be indexed.
    func index(_ index: Value) throws -> Value?
    /// `x op other` (or `other op x` when `reversed`), or nil when not supported.
    func binary(_ op: String, _ other: Value, reversed: Bool) throws -> Value?
    /// The items `for` walks over and `len` counts, or nil when not iterable.
    func elements() throws -> [Value]?
}

extension HostObject {
    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public func display() -> [DisplayItem] { [.text(summary)] }
    public var summary: String { "<\(typeName)>" }
    public func index(_ index: Value) throws -> Value? { nil }
    public func binary(_ op: String, _ other: Value, reversed: Bool) throws -> Value? { nil }
    public func elements() throws -> [Value]? { nil }
}

/// Anything that can be called: user functions, builtins, and functions builtins return.
public class Function {
    /// The name shown in messages and stack traces.
    public let name: String
    /// True for functions written in ainb (the call fast path checks this instead of casting).
    let isUser: Bool
    /// True for derivatives made by `grad` (they have a fast path for one number).
    let isGrad: Bool
    /// Direct entries for one and two positional arguments (builtins set them, see
    /// `Registry.direct`): they take the values as they are and return nil for anything they
    /// do not handle, which then goes through `call`.
    var direct1: ((Value) throws -> Value?)?
    var direct2: ((Value, Value) throws -> Value?)?
    /// What the builtin does to one plain number (`sqrt`, `abs`, `sin`...), when it is a
    /// function of that number alone: number expressions call it on doubles.
    var number1: ((Double) -> Double)?
    init(name: String, isUser: Bool = false, isGrad: Bool = false) { self.name = name; self.isUser = isUser; self.isGrad = isGrad }

    /// Calls with evaluated arguments.
    func call(_ args: [Value], named: [(String, Value)], _ rt: Runtime, at pos: Pos) throws -> Value {
        throw ScriptError("'\(name)' cannot be called")
    }
}
