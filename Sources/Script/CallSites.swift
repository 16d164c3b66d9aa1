/// Calls of functions named by variables with one to three arguments, specialized by the kinds
/// of their arguments (every recursion, every helper called in a loop, every callback).
///
/// `ArgumentRead` decides what an argument is (a local, a local plus a constant, any
/// expression...) when the call runs: each argument of each call copies the read onto the
/// native stack and jumps through a table on its kind, and the one call closure serves every
/// call site. Here the kinds are types: a call's closure is specialized by its argument
/// list's type, so the read of each argument is straight-line code (`n - 1`
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

    /// Makes a call's closure once its arguments' kinds are types.
    protocol CallMaker {
        func make<L: ArgumentList>(_ arguments: L) -> CompiledArgument
    }

    /// The call of a pinned function.
    struct PinnedMaker: CallMaker {
        let pinned: PinnedCall
        func make<L: ArgumentList>(_ arguments: L) -> CompiledArgument { pinnedClosure(pinned, arguments) }
    }

    private static func pinnedClosure<L: ArgumentList>(_ pinned: PinnedCall, _ arguments: L) -> CompiledArgument {
        CompiledArgument(eval: { rt in try pinned.call(arguments, rt) })
    }

    /// The call of a function in a local, captured variable or cell.
    struct VariableMaker: CallMaker {
        let site: VariableCall
        func make<L: ArgumentList>(_ arguments: L) -> CompiledArgument { variableClosure(site, arguments) }
    }

    private static func variableClosure<L: ArgumentList>(_ site: VariableCall, _ arguments: L) -> CompiledArgument {
        CompiledArgument(eval: { rt in try site.call(arguments, rt) })
    }

    /// The closure of a call, specialized by the kinds of its arguments. (Closures travel in a
    /// struct: a closure returned through a generic result is called through two conversion
    /// thunks.)
    static func specializedCall<M: CallMaker>(_ r: CallReads, _ maker: M) -> Eval {
        switch r.argc {
        case 1: return specialize(r.a0, One(maker: maker)).eval
        case 2: return specialize(r.a0, Two(maker: maker, b: r.a1)).eval
        case 3: return specialize(r.a0, Three(maker: maker, b: r.a1, c: r.a2)).eval
        default: return maker.make(SiteArguments(site: r)).eval
        }
    }

    private struct One<M: CallMaker>: ArgumentVisitor {
        let maker: M
        func visit<A: ArgumentKind>(_ a: A) -> CompiledArgument { maker.make(OneArgument(a: a)) }
    }

    private struct Two<M: CallMaker>: ArgumentVisitor {
        let maker: M, b: ArgumentRead
        func visit<A: ArgumentKind>(_ a: A) -> CompiledArgument { specialize(b, Second(maker: maker, a: a)) }
        struct Second<A: ArgumentKind>: ArgumentVisitor {
            let maker: M, a: A
            func visit<B: ArgumentKind>(_ b: B) -> CompiledArgument { maker.make(TwoArguments(a: a, b: b)) }
        }
    }

    private struct Three<M: CallMaker>: ArgumentVisitor {
        let maker: M, b: ArgumentRead, c: ArgumentRead
        func visit<A: ArgumentKind>(_ a: A) -> CompiledArgument { specialize(b, Second(maker: maker, a: a, c: c)) }
        struct Second<A: ArgumentKind>: ArgumentVisitor {
            let maker: M, a: A, c: ArgumentRead
            func visit<B: ArgumentKind>(_ b: B) -> CompiledArgument { specialize(c, Third(maker: maker, a: a, b: b)) }
        }
        struct Third<A: ArgumentKind, B: ArgumentKind>: ArgumentVisitor {
            let maker: M, a: A, b: B
            func visit<C: ArgumentKind>(_ c: C) -> CompiledArgument { maker.make(ThreeArguments(a: a, b: b, c: c)) }
        }
    }

    /// A call of a function in a local, a captured variable or a cell (a callback passed as a
    /// parameter, `f(g(x))` inside `compose`): the function's reference is taken straight from
    /// the variable (a retain) instead of copying the value through the variable's read, and
    /// is held for the call, whatever the call does to the variable. Anything but a user
    /// function takes `other`.
    final class VariableCall {
        enum Place { case local, upvalue, cell }
        let place: Place
        let index: Int
        let anyCallee: Eval
        let other: (Function, Runtime) throws -> Value
        let location: SourceLocation

        init(_ place: Place, _ index: Int, anyCallee: @escaping Eval, other: @escaping (Function, Runtime) throws -> Value, location: SourceLocation) {
            self.place = place; self.index = index
            self.anyCallee = anyCallee; self.other = other; self.location = location
        }

        @inline(__always)
        func call<L: ArgumentList>(_ arguments: L, _ rt: Runtime) throws -> Value {
            let fn: Function
            switch place {
            case .local:
                guard case .some(.function(let f)) = rt.bp[index] else { return try anyCallee(rt) }
                fn = f
            case .upvalue:
                guard case .some(.function(let f)) = rt.upvalues[index].value else { return try anyCallee(rt) }
                fn = f
            case .cell:
                guard case .some(.function(let f)) = rt.cells[index].value else { return try anyCallee(rt) }
                fn = f
            }
            guard fn.isUser else { return try other(fn, rt) }
            do {
                return try Compiler.enter(unsafeDowncast(fn, to: UserFunction.self), arguments, rt)
            } catch { throw Compiler.trace(error, fn, location) }
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
