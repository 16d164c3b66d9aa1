/// The list or record inside a `Value` where it lies, for the typed paths' nested stores
/// (`bodies[i].vx = v`, `rows[i][j] = v`).
///
/// Taking a record or row out of a list item the Swift way (`items[k].takeRecord()`) copies
/// the payload and destroys the moved value: a retain and a release of each of its buffers
/// (calls into the runtime) on every store. A `Value` keeps the payload of each
/// case at its start (the cases' payloads share that storage and the case is told by a byte
/// after it: a `Double` payload leaves no spare bits for it), so the list or record can be
/// seen and changed in place through a pointer to it, with no reference counting. This is
/// checked once (`payloadsLieFirst`); if a compiler ever laid values out differently, the
/// callers move values out and back as before.
extension Compiler {
    /// Whether a list's and a record's payloads lie at the start of a `Value` and a `Value?`.
    static let payloadsLieFirst: Bool = {
        guard MemoryLayout<[Value]>.size == 8, MemoryLayout<Record>.size == 16,
              MemoryLayout<Value>.size == 17, MemoryLayout<Value?>.size == 17 else { return false }
        let items: [Value] = [.number(1), .number(2)]
        let record = Record(keys: ["k"], values: [.null])
        var list: Value? = .list(items)
        var boxed: Value = .record(record)
        // Compared as bits: nothing is read through a pointer of a type the memory may not hold.
        let listWord = withUnsafeBytes(of: &list) { $0.load(as: UInt.self) }
        let keysWord = withUnsafeBytes(of: &boxed) { $0.load(as: UInt.self) }
        let valuesWord = withUnsafeBytes(of: &boxed) { $0.load(fromByteOffset: 8, as: UInt.self) }
        return withExtendedLifetime((items, record)) {
            listWord == unsafeBitCast(items, to: UInt.self)
                && keysWord == unsafeBitCast(record.keys, to: UInt.self)
                && valuesWord == unsafeBitCast(record.values, to: UInt.self)
        }
    }()

    /// `payloadsLieFirst`, read by the paths that run: a static variable with a constant
    /// initial value is read with one load, where a lazily computed `static let` calls into the
    /// runtime to check it was computed (on every store). Set when a compiler is made, before
    /// any code it makes runs.
    nonisolated(unsafe) static var inPlace = false

    /// `body` on the list in `slot`, which holds one (the caller checked), in place.
    @inline(__always)
    static func inPlaceList<R>(_ slot: UnsafeMutablePointer<Value?>, _ body: (UnsafeMutablePointer<[Value]>) throws -> R) rethrows -> R {
        try UnsafeMutableRawPointer(slot).withMemoryRebound(to: [Value].self, capacity: 1, body)
    }

    /// `body` on the record in `slot`, which holds one (the caller checked), in place.
    @inline(__always)
    static func inPlaceRecord<R>(_ slot: UnsafeMutablePointer<Value?>, _ body: (UnsafeMutablePointer<Record>) throws -> R) rethrows -> R {
        try UnsafeMutableRawPointer(slot).withMemoryRebound(to: Record.self, capacity: 1, body)
    }

    /// `body` on the list that is the value at `item`, which is one (the caller checked), in place.
    @inline(__always)
    static func inPlaceList<R>(item: UnsafeMutablePointer<Value>, _ body: (UnsafeMutablePointer<[Value]>) throws -> R) rethrows -> R {
        try UnsafeMutableRawPointer(item).withMemoryRebound(to: [Value].self, capacity: 1, body)
    }

    /// `body` on the record that is the value at `item`, which is one (the caller checked), in place.
    @inline(__always)
    static func inPlaceRecord<R>(item: UnsafeMutablePointer<Value>, _ body: (UnsafeMutablePointer<Record>) throws -> R) rethrows -> R {
        try UnsafeMutableRawPointer(item).withMemoryRebound(to: Record.self, capacity: 1, body)
    }
}
