/// Calls of top-level functions with one to three arguments, specialized by the kinds of their
/// arguments (every recursion, every helper called in a loop).
///
/// `ArgumentRead` decides what an argument is (a local, a local plus a constant, any
/// expression...) when the call runs: each argument of each call copies the read onto the
/// native stack and jumps through a table on its kind, and the one call closure serves every
/// call site. Here the kinds are types: a call site is compiled into a `PinnedCall` whose
/// argument list type spells them, so the read of each argument is straight-line code (`n - 1`
/// is a load, a test, an add and a store) and each shape of call site has code of its own.
/// Anything the specialized kinds do not cover reads through `ArgumentRead` as before.
extension Compiler {
    /// How one argument is read; each kind gives exactly what `ArgumentRead` gives for it.
    protocol ArgumentKind {
        func read(_ rt: Runtime) throws -> Value
    }

    /// A local variable (kind 0 of `ArgumentRead`).
    struct LocalArgument: ArgumentKind {
        let slot: Int
        let eval: Eval
        @inline(__always)
        func read(_ rt: Runtime) throws -> Value {
            if case .some(.number(let d)) = rt.bp[slot] { return .number(d) }
            if let v = rt.bp[slot] { return v }
            return try eval(rt)
        }
    }

    /// A local variable plus a constant (`n - 1`, `x + 1`: kind 7 of `ArgumentRead` on a local).
    struct StepArgument: ArgumentKind {
        let slot: Int
        let step: Double
        let eval: Eval
        @inline(__always)
        func read(_ rt: Runtime) throws -> Value {
            if case .some(.number(let d)) = rt.bp[slot] { return .number(d + step) }
            return try eval(rt)
        }
    }

    /// Any expression (kind 2): its closure.
    struct ExpressionArgument: ArgumentKind {
        let eval: Eval
        @inline(__always)
        func read(_ rt: Runtime) throws -> Value { try eval(rt) }
    }

    /// Every other read (constants, globals, number expressions, items), as `ArgumentRead` does it.
    struct OtherArgument: ArgumentKind {
        let other: ArgumentRead
        @inline(__always)
        func read(_ rt: Runtime) throws -> Value { try other(rt) }
    }

    /// The arguments of a call site, put into the callee's frame in order.
    protocol ArgumentList {
        var count: Int { get }
        func fill(_ frame: UnsafeMutablePointer<Value?>, _ rt: Runtime) throws
    }

    struct OneArgument<A: ArgumentKind>: ArgumentList {
        let a: A
        var count: Int { 1 }
        @inline(__always)
        func fill(_ frame: UnsafeMutablePointer<Value?>, _ rt: Runtime) throws {
            // Slots above `rt.sp` hold nil: arguments are initialized, not assigned.
            frame.initialize(to: try a.read(rt))
        }
    }

    struct TwoArguments<A: ArgumentKind, B: ArgumentKind>: ArgumentList {
        let a: A, b: B
        var count: Int { 2 }
        @inline(__always)
        func fill(_ frame: UnsafeMutablePointer<Value?>, _ rt: Runtime) throws {
            frame.initialize(to: try a.read(rt))
            (frame + 1).initialize(to: try b.read(rt))
        }
    }

    struct ThreeArguments<A: ArgumentKind, B: ArgumentKind, C: ArgumentKind>: ArgumentList {
        let a: A, b: B, c: C
        var count: Int { 3 }
        @inline(__always)
        func fill(_ frame: UnsafeMutablePointer<Value?>, _ rt: Runtime) throws {
            frame.initialize(to: try a.read(rt))
            (frame + 1).initialize(to: try b.read(rt))
            (frame + 2).initialize(to: try c.read(rt))
        }
    }

    /// No arguments, or more than three: the site's reads, one after the other.
    struct SiteArguments: ArgumentList {
        let site: CallReads
        var count: Int { site.argc }
        @inline(__always)
        func fill(_ frame: UnsafeMutablePointer<Value?>, _ rt: Runtime) throws {
            let argc = site.argc
            if argc > 0 { frame.initialize(to: try site.a0(rt)) }
            if argc > 1 { (frame + 1).initialize(to: try site.a1(rt)) }
            if argc > 2 { (frame + 2).initialize(to: try site.a2(rt)) }
            if argc > 3 { (frame + 3).initialize(to: try site.a3(rt)) }
            var i = 4
            while i < argc {
                (frame + i).initialize(to: try site.positional[i].eval(rt))
                i += 1
            }
        }
    }

    /// Takes the type of an argument's kind.
    protocol ArgumentVisitor {
        associatedtype Result
        func visit<A: ArgumentKind>(_ a: A) -> Result
    }

    /// Gives `read` to `visitor` as the kind it is.
    static func specialize<V: ArgumentVisitor>(_ read: ArgumentRead, _ visitor: V) -> V.Result {
        switch read.kind {
        case 0: return visitor.visit(LocalArgument(slot: read.slot, eval: read.eval))
        case 2: return visitor.visit(ExpressionArgument(eval: read.eval))
        case 7 where read.slot >= 0:
            guard case .number(let c) = read.constant else { break }
            return visitor.visit(StepArgument(slot: read.slot, step: c, eval: read.eval))
        default: break
        }
        return visitor.visit(OtherArgument(other: read))
    }

    /// The closure of a pinned call, specialized by the kinds of its arguments.
    static func pinnedCall(_ pinned: PinnedCall) -> Eval {
        let r = pinned.reads
        switch r.argc {
        case 1: return specialize(r.a0, One(pinned: pinned)).eval
        case 2: return specialize(r.a0, Two(pinned: pinned, b: r.a1)).eval
        case 3: return specialize(r.a0, Three(pinned: pinned, b: r.a1, c: r.a2)).eval
        default: return closure(pinned, SiteArguments(site: r)).eval
        }
    }

    /// The call's closure, in a struct: a closure returned through a generic result (the
    /// visitors') is called through two conversion thunks.
    private static func closure<L: ArgumentList>(_ pinned: PinnedCall, _ arguments: L) -> CompiledArgument {
        CompiledArgument(eval: { rt in try pinned.call(arguments, rt) })
    }

    private struct One: ArgumentVisitor {
        let pinned: PinnedCall
        func visit<A: ArgumentKind>(_ a: A) -> CompiledArgument { closure(pinned, OneArgument(a: a)) }
    }

    private struct Two: ArgumentVisitor {
        let pinned: PinnedCall, b: ArgumentRead
        func visit<A: ArgumentKind>(_ a: A) -> CompiledArgument { specialize(b, Second(pinned: pinned, a: a)) }
        struct Second<A: ArgumentKind>: ArgumentVisitor {
            let pinned: PinnedCall, a: A
            func visit<B: ArgumentKind>(_ b: B) -> CompiledArgument { closure(pinned, TwoArguments(a: a, b: b)) }
        }
    }

    private struct Three: ArgumentVisitor {
        let pinned: PinnedCall, b: ArgumentRead, c: ArgumentRead
        func visit<A: ArgumentKind>(_ a: A) -> CompiledArgument { specialize(b, Second(pinned: pinned, a: a, c: c)) }
        struct Second<A: ArgumentKind>: ArgumentVisitor {
            let pinned: PinnedCall, a: A, c: ArgumentRead
            func visit<B: ArgumentKind>(_ b: B) -> CompiledArgument { specialize(c, Third(pinned: pinned, a: a, b: b)) }
        }
        struct Third<A: ArgumentKind, B: ArgumentKind>: ArgumentVisitor {
            let pinned: PinnedCall, a: A, b: B
            func visit<C: ArgumentKind>(_ c: C) -> CompiledArgument { closure(pinned, ThreeArguments(a: a, b: b, c: c)) }
        }
    }

    /// Calls a user function with `arguments`, evaluated straight into the callee's frame.
    @inline(__always)
    static func enter<L: ArgumentList>(_ uf: UserFunction, _ arguments: L, _ rt: Runtime) throws -> Value {
        let argc = arguments.count
        let frame = try uf.reserveFrame(argc: argc, rt)
        defer { UserFunction.freeFrame(frame, rt) }
        try arguments.fill(frame, rt)
        return try uf.enter(frame: frame, argc: argc, rt)
    }
}
