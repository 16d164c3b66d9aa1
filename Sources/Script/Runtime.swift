import Foundation
import Tensor

/// A cancellation request shared between the thread that asks and the interpreter thread
/// that obeys: every read and write goes through a lock, so no request is ever lost.
final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    /// Asks the running (or the next) statement to stop.
    func request() {
        lock.lock(); requested = true; lock.unlock()
    }

    /// True while a request is pending.
    var isRequested: Bool {
        lock.lock(); defer { lock.unlock() }
        return requested
    }

    /// Clears a pending request; returns whether there was one.
    @discardableResult
    func clear() -> Bool {
        lock.lock(); defer { lock.unlock() }
        let was = requested
        requested = false
        return was
    }
}

/// How a statement ended: normally, or by `break`, `continue` or `return`.
enum Flow {
    case normal, breakLoop, continueLoop, returned
}

/// `break`, `continue` or `return` leaving an `if` used as a value.
struct ControlSignal: Error {
    let flow: Flow
}

/// A compiled expression.
typealias Eval = (Runtime) throws -> Value
/// A compiled statement.
typealias Exec = (Runtime) throws -> Flow

/// The global variables of a session: a name table and a growable slot array.
final class Globals {
    private(set) var storage: UnsafeMutablePointer<Value?>
    /// For each slot, an unretained pointer to the function it holds when that function is
    /// pinned (kept alive by the runtime for the session): calls skip reference counting.
    private(set) var pinned: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    private(set) var capacity: Int
    private(set) var names: [String] = []
    private(set) var index: [String: Int] = [:]
    /// Tells the runtime where the slots moved.
    var onResize: ((UnsafeMutablePointer<Value?>, UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Void)?

    init() {
        capacity = 1024
        storage = .allocate(capacity: capacity)
        storage.initialize(repeating: nil, count: capacity)
        pinned = .allocate(capacity: capacity)
        pinned.initialize(repeating: nil, count: capacity)
    }

    deinit {
        storage.deinitialize(count: capacity)
        storage.deallocate()
        pinned.deallocate()
    }

    /// The slot of `name`, made on first use.
    func slot(_ name: String) -> Int {
        if let i = index[name] { return i }
        let i = names.count
        if i == capacity {
            let bigger = UnsafeMutablePointer<Value?>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: storage, count: capacity)
            (bigger + capacity).initialize(repeating: nil, count: capacity)
            storage.deallocate()
            storage = bigger
            let biggerPinned = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: capacity * 2)
            biggerPinned.moveInitialize(from: pinned, count: capacity)
            (biggerPinned + capacity).initialize(repeating: nil, count: capacity)
            pinned.deallocate()
            pinned = biggerPinned
            capacity *= 2
            onResize?(bigger, biggerPinned)
        }
        names.append(name)
        index[name] = i
        return i
    }

    func get(_ name: String) -> Value? { index[name].flatMap { storage[$0] } }
    func set(_ name: String, _ value: Value?) {
        let i = slot(name)
        storage[i] = value
        pinned[i] = nil
    }

    /// Stores a function that stays alive as long as the globals (builtins, top-level `fn`).
    func setPinned(_ name: String, _ function: Function, keepAlive: inout [Function]) {
        let i = slot(name)
        storage[i] = .function(function)
        keepAlive.append(function)
        pinned[i] = Unmanaged.passUnretained(function).toOpaque()
    }

    /// Every name that currently holds a value, in the order first defined.
    var defined: [(String, Value)] {
        names.enumerated().compactMap { i, n in storage[i].map { (n, $0) } }
    }
}

/// The machine state while a program runs: the value stack of frames, the
/// current function's cells and captured variables, and limits.
final class Runtime {
    let stackBase: UnsafeMutablePointer<Value?>
    let stackEnd: UnsafeMutablePointer<Value?>
    /// The current frame's first slot.
    var bp: UnsafeMutablePointer<Value?>
    /// The first free slot.
    var sp: UnsafeMutablePointer<Value?>
    var cells = ContiguousArray<Cell>()
    /// The captured variables of the running function (`UserFunction.upvalueBase`): entering
    /// and leaving a closure swaps a pointer, with no reference counting.
    var upvalues = UserFunction.noUpvalues
    var returnValue: Value = .null
    /// Which long strings read by index are one byte per character (`s[i]` in O(1)).
    let plainStrings = PlainStrings()
    /// Set by a number expression compiled to doubles when one of its variables holds
    /// something else (see `Compiler.numberExpression`); the expression then runs the general way.
    var notNumber = false
    var depth = 0
    /// The deepest nesting of user-function calls allowed.
    var maxDepth = 5000
    /// Steps left in the current chunk (loop iterations and calls). Only the interpreter
    /// thread touches it; when it runs out, `interrupted()` checks the shared cancel flag and
    /// the step limit and hands out the next chunk, so the hot path stays one decrement.
    var budget = 0
    /// Steps of the run's limit not yet handed out in a chunk.
    var stepsLeft = Int.max
    /// The budget a run starts with (Int.max unless a fuzzer limits it).
    var stepLimit = Int.max
    /// The session's memory limits (in force as `Limits.current` while it runs).
    var limits = Limits()

    /// The runtime whose program runs on this thread (set by `Session.run`), for code with
    /// no runtime at hand: operators on values read its limits and its grad seed.
    static let running = ThreadLocal<Runtime>()

    /// How many forward-mode `grad` runs are under way (nested grads).
    var forwardDepth = 0
    /// Their seeds, outermost first, up to the innermost one that made one. A run's seed (the
    /// zero its derivative is read against, see `Ops.lift`) is made only when a number
    /// carrying a derivative first meets a tensor, so runs that stay on numbers make no tensor.
    var forwardSeeds: [Tensor?] = []

    /// The innermost forward-mode run's seed, made on first use; nil outside such a run.
    func forwardSeed() -> Tensor? {
        guard forwardDepth > 0 else { return nil }
        while forwardSeeds.count < forwardDepth { forwardSeeds.append(nil) }
        if let s = forwardSeeds[forwardDepth - 1] { return s }
        let s = Tensor(Float(0)).requiringGrad()
        forwardSeeds[forwardDepth - 1] = s
        return s
    }

    /// Ends the innermost forward-mode run; returns its seed if it made one.
    func endForwardRun() -> Tensor? {
        defer { forwardDepth -= 1 }
        return forwardSeeds.count == forwardDepth ? forwardSeeds.removeLast() : nil
    }
    /// Steps between two looks at the cancel flag.
    static let chunk = 1024
    /// Set from any thread by `Session.cancel()`.
    let cancellation: CancelFlag
    /// True while a cancellation is pending.
    var cancelRequested: Bool { cancellation.isRequested }
    /// The value of the last top-level expression statement.
    var lastValue: Value?
    let globals: Globals
    /// The globals' slots (kept in step with `globals` when it grows).
    var gp: UnsafeMutablePointer<Value?>
    /// The globals' pinned-function pointers.
    var gfn: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Functions kept alive for the session so calls through `gfn` need no reference counting.
    var keepAlive: [Function] = []
    /// Where `print` and friends send output.
    var output: (DisplayItem) -> Void = { _ in }
    /// Records a metric.
    var recordMetric: (String, Double) -> Void = { _, _ in }
    /// Finds the text of a source line, for errors.
    var sourceLine: (String, Int) -> String? = { _, _ in nil }
    /// Names for "did you mean" suggestions.
    var knownNames: () -> [String] = { [] }
    /// Default directory for files builtins write.
    var outputDirectory: String?
    /// Sees every builtin call with its arguments before it runs (the cell cache records the files read and written).
    var callObserver: ((Arguments) -> Void)?
    let stackSize: Int

    init(globals: Globals, cancellation: CancelFlag = CancelFlag(), stackSize: Int = 1 << 18) {
        self.globals = globals
        self.cancellation = cancellation
        self.gp = globals.storage
        self.gfn = globals.pinned
        self.stackSize = stackSize
        stackBase = .allocate(capacity: stackSize)
        stackBase.initialize(repeating: nil, count: stackSize)
        stackEnd = stackBase + stackSize
        bp = stackBase
        sp = stackBase
        globals.onResize = { [unowned self] p, f in self.gp = p; self.gfn = f }
    }

    deinit {
        // Slots at and above `sp` hold nil (frames are emptied when freed, `unwindAll` empties
        // the rest): destroying all of them one by one took longer than most cells run.
        stackBase.deinitialize(count: sp - stackBase)
        stackBase.deallocate()
    }

    /// The most functions kept alive for fast global calls (bounds memory when a loop keeps assigning closures).
    static let maxPinned = 10_000

    /// Marks global `slot` as holding `fn`, kept alive for the session, so calls skip reference counting.
    func pin(_ fn: Function, slot: Int) {
        let raw = Unmanaged.passUnretained(fn).toOpaque()
        if gfn[slot] == raw { return }
        guard keepAlive.count < Runtime.maxPinned else { gfn[slot] = nil; return }
        keepAlive.append(fn)
        gfn[slot] = raw
    }

    /// Stores `v` in global `slot`, as an assignment does, keeping `gfn` true: a function
    /// stored there is pinned, anything else unpins the slot.
    @inline(__always)
    func setGlobal(_ slot: Int, _ v: Value) {
        Compiler.assign(gp + slot, v)
        if case .function(let fn) = v { pin(fn, slot: slot) } else { gfn[slot] = nil }
    }

    /// Prepares the step counting for a new run (the first step looks at the cancel flag).
    func startRun() {
        budget = 0
        stepsLeft = stepLimit
    }

    /// Called when the chunk of steps runs out (the step that called it is counted here):
    /// throws on cancellation or when the step limit is used up, else hands out the next chunk.
    @inline(never)
    func interrupted() throws {
        if cancellation.isRequested {
            budget = 0
            throw ScriptError(ScriptError.cancelledMessage)
        }
        if stepsLeft <= 0 {
            budget = 0
            throw ScriptError("step budget of \(stepLimit) steps exhausted")
        }
        let next = min(stepsLeft, Runtime.chunk)
        stepsLeft -= next
        budget = next - 1
    }

    /// Counts one step; throws when cancelled or out of budget.
    @inline(__always)
    func tick() throws {
        budget &-= 1
        if budget < 0 { try interrupted() }
    }

    /// Throws if cancellation was requested: for long-running builtins.
    public func checkCancelled() throws {
        if cancellation.isRequested { throw ScriptError(ScriptError.cancelledMessage) }
    }

    /// Clears the stack after an error left frames behind.
    func unwindAll() {
        var p = stackBase
        while p < sp { p.pointee = nil; p += 1 }
        bp = stackBase
        sp = stackBase
        depth = 0
        cells = []
        upvalues = UserFunction.noUpvalues
    }

    /// Calls any function value with evaluated arguments.
    func call(_ callee: Value, _ args: [Value], named: [(String, Value)] = [], at pos: Pos) throws -> Value {
        guard case .function(let f) = callee else {
            throw ScriptError("a \(callee.typeName) cannot be called")
        }
        return try f.call(args, named: named, self, at: pos)
    }
}

/// A function value called once per item, as `map`, `filter`, `reduce` and `sort`'s key call
/// theirs: the value is looked at once, and each call puts the item straight into a user
/// function's frame, with no argument array and no reference counting of the function
/// (looking at the value on every call retained and released it twice: a third of a short
/// call's work).
struct ItemCall {
    /// The value called; it keeps the function alive, so calls use `function` unretained.
    private let callee: Value
    private let function: Unmanaged<Function>?

    init(_ callee: Value) {
        self.callee = callee
        if case .function(let f) = callee { function = .passUnretained(f) } else { function = nil }
    }

    func callAsFunction(_ x: Value, _ rt: Runtime) throws -> Value {
        guard let function else { return try rt.call(callee, [x], at: Pos(line: 0, column: 0)) }
        return try function._withUnsafeGuaranteedRef { f in
            guard f.isUser else { return try f.call([x], named: [], rt, at: Pos(line: 0, column: 0)) }
            return try unsafeDowncast(f, to: UserFunction.self).invoke(argc: 1, rt, at: Pos(line: 0, column: 0)) { frame in
                frame.initialize(to: x)
            }
        }
    }

    /// With two positional arguments (`reduce`'s function).
    func callAsFunction(_ x: Value, _ y: Value, _ rt: Runtime) throws -> Value {
        guard let function else { return try rt.call(callee, [x, y], at: Pos(line: 0, column: 0)) }
        return try function._withUnsafeGuaranteedRef { f in
            guard f.isUser else { return try f.call([x, y], named: [], rt, at: Pos(line: 0, column: 0)) }
            return try unsafeDowncast(f, to: UserFunction.self).invoke(argc: 2, rt, at: Pos(line: 0, column: 0)) { frame in
                frame.initialize(to: x)
                (frame + 1).initialize(to: y)
            }
        }
    }
}

/// What a user function is, independent of the closure's captured variables.
/// Every field is a constant so calls read them without retaining.
final class Prototype {
    let name: String
    let paramNames: [String]
    let paramCount: Int
    let defaults: [Eval?]
    let frameSize: Int
    let cellSlots: [Int]
    let hasCells: Bool
    let body: Eval
    let file: String

    init(name: String, paramNames: [String], defaults: [Eval?], frameSize: Int, cellSlots: [Int], body: @escaping Eval, file: String) {
        self.name = name
        self.paramNames = paramNames
        self.paramCount = paramNames.count
        self.defaults = defaults
        self.frameSize = frameSize
        self.cellSlots = cellSlots
        self.hasCells = !cellSlots.isEmpty
        self.body = body
        self.file = file
    }
}

/// A function written in ainb: its prototype and the variables it captured.
final class UserFunction: Function {
    let proto: Prototype
    /// The captured variables, in memory of their own, which `rt.upvalues` points at while
    /// the function runs.
    let upvalueBase: UnsafeMutablePointer<Cell>
    let capturedCount: Int
    /// Where functions that capture nothing point `rt.upvalues` (never read).
    static let noUpvalues = UnsafeMutablePointer<Cell>.allocate(capacity: 1)
    /// Whether closures capture some of its variables (cells to make on entry).
    let hasCells: Bool
    /// The prototype's frame size, parameter count and body, kept here so that a call reads
    /// them with one load less.
    let frameSize: Int
    let paramCount: Int
    let body: Eval

    init(proto: Prototype, captured: ContiguousArray<Cell>) {
        self.proto = proto
        capturedCount = captured.count
        if captured.isEmpty {
            upvalueBase = UserFunction.noUpvalues
        } else {
            let base = UnsafeMutablePointer<Cell>.allocate(capacity: captured.count)
            captured.withUnsafeBufferPointer { base.initialize(from: $0.baseAddress!, count: $0.count) }
            upvalueBase = base
        }
        self.hasCells = proto.hasCells
        self.frameSize = proto.frameSize
        self.paramCount = proto.paramCount
        self.body = proto.body
        super.init(name: proto.name, isUser: true)
    }

    deinit {
        if capturedCount > 0 {
            upvalueBase.deinitialize(count: capturedCount)
            upvalueBase.deallocate()
        }
    }

    /// Runs the body in a frame whose argument slots (`argc` of them, from `rt.sp`) are already filled.
    /// The caller has reserved the frame (rt.sp moved past it).
    @inline(__always)
    func enter(frame: UnsafeMutablePointer<Value?>, argc: Int, _ rt: Runtime) throws -> Value {
        // Most functions take all their arguments and have no variables captured by closures:
        // they only switch frames and captured variables (a pointer). The rest go through
        // `enterFull`.
        guard !hasCells, argc == paramCount else { return try enterFull(frame: frame, argc: argc, rt) }
        let savedBp = rt.bp, savedUpvalues = rt.upvalues
        rt.bp = frame
        rt.upvalues = upvalueBase
        rt.depth += 1
        defer {
            rt.bp = savedBp
            rt.upvalues = savedUpvalues
            rt.depth -= 1
        }
        do {
            return try body(rt)
        } catch let signal as ControlSignal where signal.flow == .returned {
            return rt.returnValue
        }
    }

    /// `enter` for a function with defaults to fill, cells to make or captured variables.
    @inline(never)
    private func enterFull(frame: UnsafeMutablePointer<Value?>, argc: Int, _ rt: Runtime) throws -> Value {
        let proto = self.proto
        let savedBp = rt.bp
        rt.bp = frame
        rt.depth += 1
        var savedCells: ContiguousArray<Cell>?
        let savedUpvalues = rt.upvalues
        rt.upvalues = upvalueBase
        defer {
            rt.bp = savedBp
            rt.depth -= 1
            if let savedCells { rt.cells = savedCells }
            rt.upvalues = savedUpvalues
        }
        if argc < proto.paramCount {
            for i in argc..<proto.paramCount {
                guard let d = proto.defaults[i] else {
                    throw ScriptError("\(name)() is missing the argument '\(proto.paramNames[i])'")
                }
                frame[i] = try d(rt)
            }
        }
        if hasCells {
            savedCells = rt.cells
            var cells = ContiguousArray<Cell>()
            cells.reserveCapacity(proto.cellSlots.count)
            for slot in proto.cellSlots { cells.append(Cell(frame[slot])) }
            rt.cells = cells
        }
        do {
            return try proto.body(rt)
        } catch let signal as ControlSignal where signal.flow == .returned {
            return rt.returnValue
        }
    }

    /// Reserves a frame, runs `fill` to put the arguments in, runs the body and frees the frame.
    @inline(__always)
    func invoke(argc: Int, _ rt: Runtime, at pos: Pos, _ fill: (UnsafeMutablePointer<Value?>) throws -> Void) throws -> Value {
        let frame = try reserveFrame(argc: argc, rt)
        defer { UserFunction.freeFrame(frame, rt) }
        try fill(frame)
        return try enter(frame: frame, argc: argc, rt)
    }

    /// Checks the argument count and the depth, counts a step and reserves the callee's
    /// frame at `rt.sp`; the caller puts the arguments in, calls `enter`, then `freeFrame`.
    @inline(__always)
    func reserveFrame(argc: Int, _ rt: Runtime) throws -> UnsafeMutablePointer<Value?> {
        let frame = rt.sp
        let size = frameSize
        guard argc <= paramCount else { throw tooManyArguments(argc) }
        guard rt.depth < rt.maxDepth, frame + size <= rt.stackEnd else { throw tooDeep(rt) }
        try rt.tick()
        rt.sp = frame + size
        return frame
    }

    /// The errors of `reserveFrame`, made out of line: built where it is inlined (every call
    /// site), their messages took registers and stack from every call.
    @inline(never)
    private func tooManyArguments(_ argc: Int) -> ScriptError {
        ScriptError("\(name)() takes \(proto.paramNames.count) argument\(proto.paramNames.count == 1 ? "" : "s") but \(argc) were given")
    }

    @inline(never)
    private func tooDeep(_ rt: Runtime) -> ScriptError {
        ScriptError("recursion too deep: more than \(rt.maxDepth) nested calls (in \(name))")
    }

    /// Empties a frame made by `reserveFrame` and pops it.
    @inline(__always)
    static func freeFrame(_ frame: UnsafeMutablePointer<Value?>, _ rt: Runtime) {
        var p = frame
        let end = rt.sp
        while p < end {
            Compiler.assign(p, nil)
            p += 1
        }
        rt.sp = frame
    }

    override func call(_ args: [Value], named: [(String, Value)], _ rt: Runtime, at pos: Pos) throws -> Value {
        var argc = args.count
        if !named.isEmpty {
            // Named arguments fill the parameters they name; the rest take their defaults.
            var slots = [Value?](repeating: nil, count: proto.paramNames.count)
            guard args.count <= slots.count else {
                throw ScriptError("\(name)() takes \(slots.count) arguments but \(args.count) were given")
            }
            for (i, a) in args.enumerated() { slots[i] = a }
            for (n, v) in named {
                guard let i = proto.paramNames.firstIndex(of: n) else {
                    throw ScriptError("\(name)() has no parameter '\(n)'" + Suggest.didYouMean(n, proto.paramNames))
                }
                if slots[i] != nil { throw ScriptError("\(name)() got two values for '\(n)'") }
                slots[i] = v
            }
            argc = slots.count
            return try invokeSparse(slots, rt, at: pos)
        }
        return try invoke(argc: argc, rt, at: pos) { frame in
            for (i, a) in args.enumerated() { (frame + i).initialize(to: a) }
        }
    }

    /// Calls with some parameters missing in the middle (named arguments): defaults fill the holes in order.
    private func invokeSparse(_ slots: [Value?], _ rt: Runtime, at pos: Pos) throws -> Value {
        // Evaluate defaults in the callee frame, left to right, after the given values are in place.
        let frame = rt.sp
        let size = proto.frameSize
        guard rt.depth < rt.maxDepth, rt.stackEnd - frame >= size else {
            throw ScriptError("recursion too deep: more than \(rt.maxDepth) nested calls (in \(name))")
        }
        try rt.tick()
        rt.sp = frame + size
        defer {
            var p = frame
            while p < rt.sp { p.pointee = nil; p += 1 }
            rt.sp = frame
        }
        for (i, v) in slots.enumerated() { frame[i] = v }
        let savedBp = rt.bp
        rt.bp = frame
        let savedUp = rt.upvalues
        rt.upvalues = upvalueBase
        do {
            defer { rt.bp = savedBp; rt.upvalues = savedUp }
            for i in 0..<slots.count where slots[i] == nil {
                guard let d = proto.defaults[i] else {
                    throw ScriptError("\(name)() is missing the argument '\(proto.paramNames[i])'")
                }
                frame[i] = try d(rt)
            }
        }
        return try enter(frame: frame, argc: slots.count, rt)
    }
}
