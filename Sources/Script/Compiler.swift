import Tensor

/// Turns the syntax tree into Swift closures over resolved slots: each expression
/// becomes one `(Runtime) throws -> Value`, each statement a `(Runtime) throws -> Flow`.
/// Names are looked up once, here; running code indexes slots.
final class Compiler {
    let file: String
    let globals: Globals
    let scopes: [Int: FunctionScope]
    private var scope: FunctionScope
    private var inDefaults = false
    /// False while compiling the general fallback of a number expression.
    var numberTrees = true
    /// Set while compiling a number expression that may read a record used as a dictionary
    /// (`counts[w] + 1`): its item reads at a variable's key then try the record's entry.
    var entryReads = false
    /// Locals of the function being compiled kept field by field (SplitRecords.swift).
    var splits: [String: SplitRecord] = [:]

    /// Whether the typed fast paths of FastPaths.swift are compiled in. Only the test that
    /// checks they change no result turns them off.
    nonisolated(unsafe) static var fastPaths = true

    init(file: String, globals: Globals, resolver: Resolver) {
        self.file = file
        self.globals = globals
        self.scopes = resolver.scopes
        self.scope = resolver.top
        if !Compiler.inPlace && Compiler.payloadsLieFirst { Compiler.inPlace = true }
    }

    /// A slot of the current function's frame that no name reaches (for values the compiler
    /// keeps on the side, such as the fields of a split local).
    func declareHidden(_ name: String) -> Int {
        scope.declare(name)
        if case .local(let s) = scope.resolve(name) { return s }
        return scope.frameSize - 1
    }

    func loc(_ p: Pos) -> SourceLocation { SourceLocation(file: file, line: p.line, column: p.column) }

    /// Wraps an error without a position with `pos`; engine errors become script errors.
    static func located(_ error: Error, _ location: SourceLocation) -> Error {
        switch error {
        case var e as ScriptError:
            if e.location == nil { e.location = location }
            return e
        case let e as TensorError:
            return ScriptError(e.description, at: location)
        case is ControlSignal:
            return error
        default:
            return ScriptError("\(error)", at: location)
        }
    }

    // MARK: top level

    /// The top level: each expression statement's value becomes `rt.lastValue`.
    func compileTop(_ stmts: [Stmt]) -> Exec {
        let execs: [Exec] = stmts.map { s in
            if case .expression(let e) = s {
                let ev = expr(e)
                return { rt in rt.lastValue = try ev(rt); return .normal }
            }
            let ex = stmt(s)
            return { rt in rt.lastValue = nil; return try ex(rt) }
        }
        return sequence(execs)
    }

    // MARK: statements

    /// Statements in order, compiled without an array for short blocks (closures kept
    /// in arrays are called through an extra thunk).
    private func block(_ stmts: [Stmt]) -> Exec {
        chain(statements(stmts))
    }

    /// A compiled statement kept in an array: a struct field keeps the closure's own calling
    /// convention (an array of bare closures would call each through a thunk).
    struct CompiledStatement {
        let exec: Exec
    }

    /// The statements of a block compiled in order, a swap of two items of a list
    /// (`t = xs[i]`, `xs[i] = xs[j]`, `xs[j] = t`, ItemSwaps.swift) and a run of number stores
    /// into fields of one item (`bodies[i].vx = ...`, `bodies[i].vy = ...`,
    /// FieldStoreRuns.swift) as one.
    private func statements(_ stmts: [Stmt]) -> [CompiledStatement] {
        var out: [CompiledStatement] = []
        var i = 0
        while i < stmts.count {
            if Compiler.fastPaths, i + 2 < stmts.count, let swap = swapStatements(stmts[i], stmts[i + 1], stmts[i + 2]) {
                out.append(CompiledStatement(exec: swap))
                i += 3
                continue
            }
            if let (run, count) = fieldStoreRun(stmts, from: i) {
                out.append(CompiledStatement(exec: run))
                i += count
                continue
            }
            out.append(CompiledStatement(exec: stmt(stmts[i])))
            i += 1
        }
        return out
    }

    /// Compiled statements run in order, without an array for short blocks.
    func chain(_ execs: [CompiledStatement]) -> Exec {
        switch execs.count {
        case 0: return { _ in .normal }
        case 1: return execs[0].exec
        case 2:
            let a = execs[0].exec, b = execs[1].exec
            return { rt in
                let f = try a(rt)
                if f != .normal { return f }
                return try b(rt)
            }
        case 3:
            let a = execs[0].exec, b = execs[1].exec, c = execs[2].exec
            return { rt in
                var f = try a(rt)
                if f != .normal { return f }
                f = try b(rt)
                if f != .normal { return f }
                return try c(rt)
            }
        case 4:
            let a = execs[0].exec, b = execs[1].exec, c = execs[2].exec, d = execs[3].exec
            return { rt in
                var f = try a(rt)
                if f != .normal { return f }
                f = try b(rt)
                if f != .normal { return f }
                f = try c(rt)
                if f != .normal { return f }
                return try d(rt)
            }
        default:
            // Four statements and the rest per closure (a rest of one is that statement, so
            // five run from one closure): each closure in the chain costs a call, and loop
            // bodies are long.
            let a = execs[0].exec, b = execs[1].exec, c = execs[2].exec, d = execs[3].exec, rest = chain(Array(execs[4...]))
            return { rt in
                var f = try a(rt)
                if f != .normal { return f }
                f = try b(rt)
                if f != .normal { return f }
                f = try c(rt)
                if f != .normal { return f }
                f = try d(rt)
                if f != .normal { return f }
                return try rest(rt)
            }
        }
    }

    private func sequence(_ execs: [Exec]) -> Exec {
        switch execs.count {
        case 0: return { _ in .normal }
        case 1: return execs[0]
        case 2:
            let (a, b) = (execs[0], execs[1])
            return { rt in
                let f = try a(rt)
                if f != .normal { return f }
                return try b(rt)
            }
        default:
            return { rt in
                for e in execs {
                    let f = try e(rt)
                    if f != .normal { return f }
                }
                return .normal
            }
        }
    }


    /// A block used as a value: its last expression statement's value (nil otherwise).
    private func valueBlock(_ stmts: [Stmt]) -> Eval {
        guard let last = stmts.last else { return { _ in .null } }
        let head = block(Array(stmts.dropLast()))
        let tail: Eval
        if case .expression(let e) = last {
            tail = expr(e)
        } else {
            let ex = stmt(last)
            tail = { rt in
                let f = try ex(rt)
                if f != .normal { throw ControlSignal(flow: f) }
                return .null
            }
        }
        if stmts.count == 1 { return tail }
        return { rt in
            let f = try head(rt)
            if f != .normal { throw ControlSignal(flow: f) }
            return try tail(rt)
        }
    }

    /// A condition: true or false, with errors (an ambiguous tensor) placed at the condition
    /// (or at `location`: the right side of `and` and `or` is read where the whole is).
    func condition(_ e: Expr, at location: SourceLocation? = nil) -> (Runtime) throws -> Bool {
        let location = location ?? loc(Self.start(e))
        if Compiler.fastPaths, let logic = logicalCondition(e, at: location) { return logic }
        let truth: (Value) throws -> Bool = { v in
            if case .bool(let b) = v { return b }
            do { return try v.truthy() } catch { throw Compiler.located(error, location) }
        }
        if Compiler.fastPaths, case .binary(let op, let a, let b, let pos) = e,
           let fast = numericCondition(op, a, b, slow: binarySlow(op, pos), truth: truth) {
            return fast
        }
        let ev = expr(e)
        return { rt in try truth(try ev(rt)) }
    }

    /// A function body: `return` ends it through flows (no signals), and a final
    /// expression (or a final `if` whose branches end in expressions) is its value.
    private func tailBlock(_ stmts: [Stmt]) -> Eval {
        // `if c { return v }` first: a guard that returns directly, without flows.
        if stmts.count >= 2, case .expression(.ifExpr(let c, let then, nil, _)) = stmts[0],
           then.count == 1, case .returnValue(let e, _) = then[0] {
            // The rest is read like a branch of a final `if`: a rest of one `return z` reads
            // `z` without a closure call.
            let cond = condition(c), rest = tailRead(Array(stmts.dropFirst()))
            // The base case of a recursion mostly returns a variable or a constant: read
            // without a closure call (`argumentRead` is the general `expr` without fast paths).
            let result = argumentRead(e)
            if let inline = inlineTest(c, TailIfUse(cond: cond, then: result, other: rest))?.body { return inline }
            return { rt in try cond(rt) ? try result(rt) : try rest(rt) }
        }
        guard let last = stmts.last else { return { _ in .null } }
        let head = block(Array(stmts.dropLast()))
        let tail: Eval
        switch last {
        case .expression(.ifExpr(let c, let a, let b, _)):
            let cond = condition(c), then = tailRead(a)
            if let inline = inlineTest(c, TailIfUse(cond: cond, then: then, other: b.map(tailRead)))?.body {
                tail = inline
            } else if let b {
                let other = tailRead(b)
                tail = { rt in try cond(rt) ? try then(rt) : try other(rt) }
            } else { tail = { rt in try cond(rt) ? try then(rt) : .null } }
        case .expression(let e):
            tail = expr(e)
        case .returnValue(let e, _):
            if let e { tail = expr(e) } else { tail = { _ in .null } }
        default:
            let ex = stmt(last)
            tail = { rt in
                let f = try ex(rt)
                if f == .returned { return rt.returnValue }
                if f != .normal { throw ControlSignal(flow: f) }
                return .null
            }
        }
        if stmts.count == 1 { return tail }
        return { rt in
            let f = try head(rt)
            if f == .returned { return rt.returnValue }
            if f != .normal { throw ControlSignal(flow: f) }
            return try tail(rt)
        }
    }

    /// A branch of a function's final `if` as a read: a branch that only gives a variable or
    /// a constant (`return n`, `1`) is read without a closure call.
    private func tailRead(_ stmts: [Stmt]) -> ArgumentRead {
        if stmts.count == 1 {
            switch stmts[0] {
            case .returnValue(let e, _): return argumentRead(e)
            case .expression(let e):
                if case .ifExpr = e { break }
                return argumentRead(e)
            default: break
            }
        }
        return .general(tailBlock(stmts))
    }

    func stmt(_ s: Stmt) -> Exec {
        switch s {
        case .expression(let e):
            if case .ifExpr(let c, let a, let b, _) = e {
                // An `if` as a statement: flows pass through without signals.
                let cond = condition(c), then = block(a)
                if let inline = inlineTest(c, IfUse(cond: cond, then: then, other: b.map(block)))?.statement { return inline }
                if let b {
                    let other = block(b)
                    return { rt in try cond(rt) ? try then(rt) : try other(rt) }
                }
                return { rt in try cond(rt) ? try then(rt) : .normal }
            }
            let ev = expr(e)
            return { rt in _ = try ev(rt); return .normal }
        case .assign(let targets, let value, let pos):
            if targets.count == 1, case .name(let n, _) = targets[0], let split = splits[n] {
                return splitStore(split, value)
            }
            if targets.count == 1, Compiler.fastPaths {
                if let update = accumulation(targets[0], value) { return update }
                // Not `??`: a closure passed through a generic function comes back wrapped in
                // conversion thunks, two extra calls on every run of the statement.
                if let store = localStore(targets[0], value) { return store }
                if let store = globalStore(targets[0], value) { return store }
                if let store = localItemStore(targets[0], value) { return store }
                if let store = localFieldStore(targets[0], value) { return store }
                if let store = localNestedStore(targets[0], value) { return store }
            }
            let v = expr(value)
            if targets.count == 1 {
                let set = setter(targets[0])
                return { rt in try set(rt, try v(rt)); return .normal }
            }
            let sets = targets.map(setter)
            let location = loc(pos)
            let n = targets.count
            let unpack: Exec = { rt in
                let value = try v(rt)
                let items: [Value]
                do { items = try Ops.unpack(value, count: n) } catch { throw Compiler.located(error, location) }
                for (set, item) in zip(sets, items) { try set(rt, item) }
                return .normal
            }
            if Compiler.fastPaths, let swap = swapAssignment(targets, value, general: unpack) { return swap }
            return unpack
        case .function(let f):
            let make = function(f)
            if case .global(let n) = resolve(f.name) {
                // Top-level declarations are pinned: calls to them skip reference counting.
                let g = globals.slot(n)
                return { rt in
                    rt.setGlobal(g, try make(rt))
                    return .normal
                }
            }
            let set = setter(.name(f.name, f.pos))
            return { rt in try set(rt, try make(rt)); return .normal }
        case .forLoop(let names, let iterable, let body, let pos):
            return forLoop(names, iterable, body, pos)
        case .whileLoop(let c, let body, _):
            let cond = condition(c), run = block(body)
            if let inline = inlineTest(c, WhileUse(cond: cond, run: run))?.statement { return inline }
            return { rt in
                while try cond(rt) {
                    try rt.tick()
                    let f: Flow
                    do { f = try run(rt) } catch let s as ControlSignal { f = s.flow }
                    if f == .breakLoop { break }
                    if f == .returned { return .returned }
                }
                return .normal
            }
        case .breakLoop: return { _ in .breakLoop }
        case .continueLoop: return { _ in .continueLoop }
        case .returnValue(let e, _):
            guard let e else { return { rt in rt.returnValue = .null; return .returned } }
            let ev = argumentRead(e)
            return { rt in rt.returnValue = try ev(rt); return .returned }
        }
    }

    private func forLoop(_ names: [String], _ iterable: Expr, _ body: [Stmt], _ pos: Pos) -> Exec {
        let source = expr(iterable)
        let run = block(body)
        let location = loc(iterable.pos)
        let store: (Runtime, Value) throws -> Void
        if names.count == 1 {
            store = setter(.name(names[0], pos))
        } else {
            let sets = names.map { setter(.name($0, pos)) }
            let n = names.count
            store = { rt, v in
                let items: [Value]
                do { items = try Ops.unpack(v, count: n) } catch { throw Compiler.located(error, location) }
                for (s, item) in zip(sets, items) { try s(rt, item) }
            }
        }
        // Fast path: a local number counter over a range.
        var localSlot: Int?
        var globalSlot: Int?
        if names.count == 1 {
            switch resolve(names[0]) {
            case .local(let s): localSlot = s
            case .global(let n): globalSlot = globals.slot(n)
            default: break
            }
        }
        /// The loop over the numbers `start..end` by `step`, as a range value iterates them.
        @inline(__always) func numbers(_ start: Double, _ end: Double, _ step: Double, _ rt: Runtime) throws -> Flow {
            let n = RangeValue.count(start: start, end: end, step: step)
            var i = 0
            while i < n {
                try rt.tick()
                let v = Value.number(start + Double(i) * step)
                if let s = localSlot { Compiler.assign(rt.bp + s, v) }
                else if let g = globalSlot { Compiler.assign(rt.gp + g, v); rt.gfn[g] = nil }
                else { try store(rt, v) }
                let f: Flow
                do { f = try run(rt) } catch let s as ControlSignal { f = s.flow }
                if f == .breakLoop { break }
                if f == .returned { return .returned }
                i += 1
            }
            return .normal
        }
        // `for j in i + 1..n`: a range written in place is iterated from its bounds, without
        // making the range (an allocation per loop: inner loops start often).
        if Compiler.fastPaths, case .range(let a, let b, let rangePos) = iterable {
            let x = argumentRead(a), y = argumentRead(b), rangeLocation = loc(rangePos)
            return { rt in
                let l = try x(rt), r = try y(rt)
                if case .number(let s) = l, case .number(let t) = r { return try numbers(s, t, 1, rt) }
                guard let s = Ops.number(l), let t = Ops.number(r) else {
                    throw ScriptError("a range needs numbers on both sides of '..', got \(l.typeName) and \(r.typeName)", at: rangeLocation)
                }
                return try numbers(s, t, 1, rt)
            }
        }
        return { rt in
            let it = try source(rt)
            if case .range(let r) = it { return try numbers(r.start, r.end, r.step, rt) }
            let items: [Value]
            do { items = try Ops.elements(it) } catch { throw Compiler.located(error, location) }
            for item in items {
                try rt.tick()
                try store(rt, item)
                let f: Flow
                do { f = try run(rt) } catch let s as ControlSignal { f = s.flow }
                if f == .breakLoop { break }
                if f == .returned { return .returned }
            }
            return .normal
        }
    }

    // MARK: names

    func resolve(_ name: String) -> Resolved {
        let r = scope.resolve(name)
        if inDefaults, case .cell(let c) = r { return .local(scope.cellSlots[c]) }
        return r
    }

    private func read(_ name: String, _ pos: Pos) -> Eval {
        let location = loc(pos)
        switch resolve(name) {
        case .local(let s):
            return { rt in
                if case .some(.number(let d)) = rt.bp[s] { return .number(d) }
                guard let v = rt.bp[s] else { throw ScriptError("'\(name)' is used before it is given a value", at: location) }
                return v
            }
        case .cell(let c):
            return { rt in
                guard let v = rt.cells[c].value else { throw ScriptError("'\(name)' is used before it is given a value", at: location) }
                return v
            }
        case .upvalue(let u):
            return { rt in
                guard let v = rt.upvalues[u].value else { throw ScriptError("'\(name)' is used before it is given a value", at: location) }
                return v
            }
        case .global(let n):
            let g = globals.slot(n)
            return { rt in
                guard let v = rt.gp[g] else {
                    throw ScriptError("unknown name '\(name)'" + Suggest.didYouMean(name, rt.knownNames()), at: location)
                }
                return v
            }
        }
    }

    /// A variable as a place: read, peeked at, taken out of (leaving it empty) and written.
    struct Variable {
        enum Kind { case local, cell, upvalue, global }
        let kind: Kind
        let index: Int
        let name: String
        let location: SourceLocation

        /// The value, or nil when the variable has none yet.
        @inline(__always)
        func peek(_ rt: Runtime) -> Value? {
            switch kind {
            case .local: return rt.bp[index]
            case .cell: return rt.cells[index].value
            case .upvalue: return rt.upvalues[index].value
            case .global: return rt.gp[index]
            }
        }

        /// The value, or the error of reading a variable that has none.
        @inline(__always)
        func read(_ rt: Runtime) throws -> Value {
            if let v = peek(rt) { return v }
            throw unset(rt)
        }

        func unset(_ rt: Runtime) -> ScriptError {
            if kind == .global {
                return ScriptError("unknown name '\(name)'" + Suggest.didYouMean(name, rt.knownNames()), at: location)
            }
            return ScriptError("'\(name)' is used before it is given a value", at: location)
        }

        /// Moves the value out, leaving the variable empty: the caller then holds the only reference.
        @inline(__always)
        func take(_ rt: Runtime) -> Value? {
            switch kind {
            case .local: let v = rt.bp[index]; rt.bp[index] = nil; return v
            case .cell: let c = rt.cells[index]; let v = c.value; c.value = nil; return v
            case .upvalue: let c = rt.upvalues[index]; let v = c.value; c.value = nil; return v
            case .global: let v = rt.gp[index]; rt.gp[index] = nil; return v
            }
        }

        @inline(__always)
        func write(_ rt: Runtime, _ v: Value) {
            switch kind {
            case .local: rt.bp[index] = v
            case .cell: rt.cells[index].value = v
            case .upvalue: rt.upvalues[index].value = v
            case .global: rt.setGlobal(index, v)
            }
        }

        /// Puts back a value taken out (no function can be in it: the updates that take
        /// values change lists, records and strings).
        @inline(__always)
        func restore(_ rt: Runtime, _ v: Value?) {
            switch kind {
            case .local: rt.bp[index] = v
            case .cell: rt.cells[index].value = v
            case .upvalue: rt.upvalues[index].value = v
            case .global: rt.gp[index] = v
            }
        }
    }

    func variable(_ name: String, _ pos: Pos) -> Variable {
        let location = loc(pos)
        switch resolve(name) {
        case .local(let s): return Variable(kind: .local, index: s, name: name, location: location)
        case .cell(let c): return Variable(kind: .cell, index: c, name: name, location: location)
        case .upvalue(let u): return Variable(kind: .upvalue, index: u, name: name, location: location)
        case .global(let n): return Variable(kind: .global, index: globals.slot(n), name: name, location: location)
        }
    }

    /// A change made in place to the value at a target.
    typealias Update = (inout Value) throws -> Void
    /// Runs an update on the value at a target (`xs`, `xs[i]`, `r.f`, `rows[i][j]`...).
    typealias Modify = (Runtime, Update) throws -> Void

    /// The place an assignment changes part of: the variable's value is taken out of its
    /// slot while it changes, so lists and records are updated in place (a value held
    /// nowhere else is never copied), and put back afterwards, errors included.
    private func modifier(_ target: Expr) -> Modify {
        switch target {
        case .name(let name, let pos):
            let v = variable(name, pos)
            return { rt, update in
                guard var value = v.take(rt) else { throw v.unset(rt) }
                defer { v.restore(rt, value) }
                try update(&value)
            }
        case .index(let base, let comps, let pos):
            let inner = modifier(base)
            if Compiler.fastPaths, let fast = fastModifier(target, inner: inner) { return fast }
            let index = components(comps), location = loc(pos)
            return { rt, update in
                let idx = try index(rt)
                try inner(rt) { container in
                    do { try Ops.modifyIndex(&container, idx, update) } catch { throw Compiler.located(error, location) }
                }
            }
        case .member(let base, let field, let pos):
            let inner = modifier(base)
            if Compiler.fastPaths, let fast = fastModifier(target, inner: inner) { return fast }
            let location = loc(pos)
            return { rt, update in
                try inner(rt) { record in
                    do { try Ops.modifyMember(&record, field, update) } catch { throw Compiler.located(error, location) }
                }
            }
        default:
            let get = expr(target), location = loc(target.pos)
            return { rt, _ in
                _ = try get(rt)
                throw ScriptError("cannot assign to this expression", at: location)
            }
        }
    }

    /// A store into an assignment target.
    private func setter(_ target: Expr) -> (Runtime, Value) throws -> Void {
        switch target {
        case .name(let name, let pos):
            let v = variable(name, pos)
            return { rt, value in v.write(rt, value) }
        case .member(let base, let field, let pos):
            // r.f = v: the field changes inside the record, in its variable.
            let place = modifier(base), location = loc(pos)
            if Compiler.fastPaths, let fast = fastSetter(target, place: place) { return fast }
            return { rt, v in
                try place(rt) { r in
                    do { try Ops.setMember(&r, field, v) } catch { throw Compiler.located(error, location) }
                }
            }
        case .index(let base, let comps, let pos):
            let place = modifier(base), location = loc(pos)
            if Compiler.fastPaths, let fast = fastSetter(target, place: place) { return fast }
            let index = components(comps)
            return { rt, v in
                let idx = try index(rt)
                try place(rt) { container in
                    do { try Ops.setIndex(&container, idx, v) } catch { throw Compiler.located(error, location) }
                }
            }
        default:
            let location = loc(target.pos)
            return { _, _ in throw ScriptError("cannot assign to this expression", at: location) }
        }
    }

    // MARK: expressions

    func expr(_ e: Expr) -> Eval {
        switch e {
        case .number(let v, _): let value = Value.number(v); return { _ in value }
        case .bool(let b, _): let value = Value.bool(b); return { _ in value }
        case .nilLiteral: return { _ in .null }
        case .string(let segments, _):
            if segments.count == 1, case .text(let s) = segments[0] { let value = Value.string(s); return { _ in value } }
            let parts = ContiguousArray(segments.map { seg -> CompiledArgument in
                switch seg {
                case .text(let s): let v = Value.string(s); return CompiledArgument(eval: { _ in v })
                case .code(let c): return CompiledArgument(eval: expr(c))
                }
            })
            return { rt in
                var out = ""
                for p in parts { out += Format.str(try p.eval(rt)) }
                return .string(out)
            }
        case .name(let n, let pos): return read(n, pos)
        case .list(let items, _), .tuple(let items, _):
            let evals = compiledArguments(items)
            return { rt in .list(try Compiler.values(evals, rt)) }
        case .record(let fields, _):
            // Every record this literal makes shares one key list (the field caches compare it).
            let keys = fields.map(\.0), evals = compiledArguments(fields.map(\.1))
            return { rt in .record(Record(keys: keys, values: try Compiler.values(evals, rt))) }
        case .unary(let op, let a, let pos):
            if op == "not" {
                let cond = condition(a)
                return { rt in .bool(!(try cond(rt))) }
            }
            let x = expr(a), location = loc(pos)
            return { rt in
                let v = try x(rt)
                if case .number(let n) = v { return .number(-n) }
                do { return try Ops.negate(v) } catch { throw Compiler.located(error, location) }
            }
        case .binary(let op, let a, let b, let pos): return binary(op, a, b, pos)
        case .logical(let op, let a, let b, _):
            let x = expr(a), y = expr(b), location = loc(Self.start(a))
            @inline(__always) func truth(_ v: Value) throws -> Bool {
                do { return try v.truthy() } catch { throw Compiler.located(error, location) }
            }
            if op == "and" { return { rt in let l = try x(rt); return try truth(l) ? try y(rt) : l } }
            return { rt in let l = try x(rt); return try truth(l) ? l : try y(rt) }
        case .range(let a, let b, let pos):
            let x = expr(a), y = expr(b), location = loc(pos)
            return { rt in
                let (l, r) = (try x(rt), try y(rt))
                guard let s = Ops.number(l), let t = Ops.number(r) else {
                    throw ScriptError("a range needs numbers on both sides of '..', got \(l.typeName) and \(r.typeName)", at: location)
                }
                return .range(RangeValue(start: s, end: t))
            }
        case .call(let callee, let args, _): return call(callee, args, Self.start(e))
        case .index(let base, let comps, let pos):
            if Compiler.fastPaths, comps.count == 1, case .index(let i) = comps[0] { return singleIndex(base, i, loc(pos)) }
            let b = expr(base), index = components(comps), location = loc(pos)
            return { rt in
                let v = try b(rt)
                let idx = try index(rt)
                do { return try Ops.index(v, idx) } catch { throw Compiler.located(error, location) }
            }
        case .member(let base, let name, let pos):
            if Compiler.fastPaths { return cachedMember(base, name, loc(pos)) }
            let b = expr(base), location = loc(pos)
            return { rt in
                let v = try b(rt)
                do { return try Ops.member(v, name) } catch { throw Compiler.located(error, location) }
            }
        case .function(let f): return function(f)
        case .ifExpr(let c, let a, let b, _):
            let cond = condition(c), then = valueBlock(a)
            guard let b else { return { rt in try cond(rt) ? try then(rt) : .null } }
            let other = valueBlock(b)
            return { rt in try cond(rt) ? try then(rt) : try other(rt) }
        }
    }

    /// The leftmost position of an expression: where a call "is".
    static func start(_ e: Expr) -> Pos {
        switch e {
        case .call(let c, _, _): return start(c)
        case .index(let b, _, _), .member(let b, _, _): return start(b)
        case .binary(_, let a, _, _), .logical(_, let a, _, _), .range(let a, _, _): return start(a)
        default: return e.pos
        }
    }

    private func components(_ comps: [IndexComponent]) -> (Runtime) throws -> [IndexArg] {
        let parts: [(Runtime) throws -> IndexArg] = comps.map { c in
            switch c {
            case .index(let e):
                let ev = expr(e)
                return { rt in .value(try ev(rt)) }
            case .slice(let a, let b, let s):
                let ea = a.map(expr), eb = b.map(expr), es = s.map(expr)
                return { rt in
                    .slice(try ea.map { try $0(rt) }, try eb.map { try $0(rt) }, try es.map { try $0(rt) })
                }
            }
        }
        if parts.count == 1 { let p = parts[0]; return { rt in [try p(rt)] } }
        return { rt in try parts.map { try $0(rt) } }
    }

    /// The general semantics of `op`, with errors placed at the operator.
    func binarySlow(_ op: String, _ pos: Pos) -> (Value, Value) throws -> Value {
        let location = loc(pos)
        return { l, r in
            do { return try Ops.binary(op, l, r) } catch { throw Compiler.located(error, location) }
        }
    }

    private func binary(_ op: String, _ a: Expr, _ b: Expr, _ pos: Pos) -> Eval {
        let slow = binarySlow(op, pos)
        if let (compute, general) = numberExpressionParts(.binary(op, a, b, pos)) {
            return numberExpression(compute, dual: numberTree(.binary(op, a, b, pos)).flatMap(dualEval), general: general)
        }
        if Compiler.fastPaths, let fast = numericBinary(op, a, b, slow: slow) { return fast }
        let x = expr(a), y = expr(b)
        return { rt in try slow(try x(rt), try y(rt)) }
    }

    // MARK: calls

    /// A compiled argument kept in an array: a struct field keeps the closure's own calling
    /// convention (an array of bare closures would call each through a thunk).
    struct CompiledArgument {
        let eval: Eval
    }

    /// A call. Arguments of user functions are evaluated straight into the callee's frame
    /// (any number of them, no array); builtins with a direct entry take them as they are;
    /// everything else (named arguments, other builtins) goes through `Function.call`.
    private func call(_ callee: Expr, _ args: [Argument], _ pos: Pos) -> Eval {
        let f = expr(callee)
        let location = loc(pos)
        let reads = args.filter { $0.name == nil }.map { argumentRead($0.value) }
        let positional = ContiguousArray(reads.map { CompiledArgument(eval: $0.eval) })
        let named = args.compactMap { a in a.name.map { ($0, expr(a.value)) } }
        let argc = positional.count
        let site = CallReads(reads, none: argumentRead(nil), positional: positional)
        let a0 = site.a0, a1 = site.a1
        let direct = Compiler.fastPaths
        @inline(__always) func fail(_ v: Value) -> Error {
            ScriptError("a \(v.typeName) cannot be called", at: location)
        }
        @inline(__always) func general(_ fn: Function, _ values: [Value], _ rt: Runtime) throws -> Value {
            let nv = try named.map { ($0.0, try $0.1(rt)) }
            do { return try fn.call(values, named: nv, rt, at: pos) } catch {
                throw Compiler.trace(error, fn, location)
            }
        }
        /// Any callee but a user function called without named arguments.
        @inline(__always) func other(_ fn: Function, _ rt: Runtime) throws -> Value {
            if direct && named.isEmpty {
                if argc == 1, fn.isGrad { return try Compiler.gradCall(fn, try a0(rt), rt, pos, location) }
                if let b = Compiler.direct(fn, argc) {
                    if argc == 1 {
                        let x = try a0(rt)
                        do { if let r = try b.direct1?(x) { return r } } catch { throw Compiler.trace(error, fn, location) }
                        return try general(fn, [x], rt)
                    }
                    let x = try a0(rt), y = try a1(rt)
                    do { if let r = try b.direct2?(x, y) { return r } } catch { throw Compiler.trace(error, fn, location) }
                    return try general(fn, [x, y], rt)
                }
            }
            var values: [Value] = []
            values.reserveCapacity(argc)
            for a in positional { values.append(try a.eval(rt)) }
            return try general(fn, values, rt)
        }
        @inline(__always) func enter(_ fn: Function, _ rt: Runtime) throws -> Value {
            guard fn.isUser, named.isEmpty else { return try other(fn, rt) }
            let uf = unsafeDowncast(fn, to: UserFunction.self)
            do {
                return try Compiler.enter(uf, SiteArguments(site: site), rt)
            } catch { throw Compiler.trace(error, fn, location) }
        }
        let anyCallee: Eval = { rt in
            let v = try f(rt)
            guard case .function(let fn) = v else { throw fail(v) }
            return try enter(fn, rt)
        }
        guard case .name(let n, _) = callee, named.isEmpty else { return anyCallee }
        // A function in a local or a captured variable (`f(g(x))` inside `compose`, a callback
        // passed as a parameter): see `VariableCall`.
        func variable(_ place: VariableCall.Place, _ index: Int) -> Eval {
            guard direct else { return anyCallee }
            let call = VariableCall(place, index, anyCallee: anyCallee, other: other, location: location)
            return Compiler.specializedCall(site, VariableMaker(site: call))
        }
        switch resolve(n) {
        case .local(let s): return variable(.local, s)
        case .upvalue(let u): return variable(.upvalue, u)
        case .cell(let c): return variable(.cell, c)
        case .global(let gn):
            let pinned = PinnedCall(slot: globals.slot(gn), reads: site, pos: pos, location: location, direct: direct, anyCallee: anyCallee)
            return Compiler.specializedCall(site, PinnedMaker(pinned: pinned))
        }
    }

    /// Expressions kept in an array as structs (an array of bare closures, or `map` over
    /// them, calls each through conversion thunks).
    func compiledArguments(_ items: [Expr]) -> ContiguousArray<CompiledArgument> {
        ContiguousArray(items.map { CompiledArgument(eval: expr($0)) })
    }

    /// The values of `evals`, in order.
    @inline(__always)
    static func values(_ evals: ContiguousArray<CompiledArgument>, _ rt: Runtime) throws -> [Value] {
        // Short literals (records of a few fields, pairs, points: most of them) as array
        // literals, longer ones reserved and appended to: both allocate with code specialized
        // for `Value`. (`Array(unsafeUninitializedCapacity:)` is the standard library's
        // generic code, which looks up the storage type's metadata on every call.)
        // Every item is evaluated before the literal: a literal allocates its array first and
        // evaluates into it, so an item evaluated before it was copied in (a retain) and its
        // local destroyed (a release), to be safe from a later item that throws.
        switch evals.count {
        case 0: return []
        case 1: return [try evals[0].eval(rt)]
        case 2:
            let a = try evals[0].eval(rt), b = try evals[1].eval(rt)
            return [a, b]
        case 3:
            let a = try evals[0].eval(rt), b = try evals[1].eval(rt), c = try evals[2].eval(rt)
            return [a, b, c]
        case 4:
            let a = try evals[0].eval(rt), b = try evals[1].eval(rt), c = try evals[2].eval(rt), d = try evals[3].eval(rt)
            return [a, b, c, d]
        default: break
        }
        var out: [Value] = []
        out.reserveCapacity(evals.count)
        for e in evals { out.append(try e.eval(rt)) }
        return out
    }

    /// The positional arguments of a call site, in one object: the first four have reads of
    /// their own (calling a closure kept in an array retains its context), the rest come from
    /// the array. Calls read them where they lie: passed as four structs, each call copied a
    /// quarter of a kilobyte onto the native stack first.
    final class CallReads {
        let argc: Int
        let a0: ArgumentRead, a1: ArgumentRead, a2: ArgumentRead, a3: ArgumentRead
        let positional: ContiguousArray<CompiledArgument>

        init(_ reads: [ArgumentRead], none: ArgumentRead, positional: ContiguousArray<CompiledArgument>) {
            argc = reads.count
            a0 = argc > 0 ? reads[0] : none; a1 = argc > 1 ? reads[1] : none
            a2 = argc > 2 ? reads[2] : none; a3 = argc > 3 ? reads[3] : none
            self.positional = positional
        }
    }

    /// A call of a global holding a pinned function (a top-level `fn`, a builtin): what the
    /// call needs besides its arguments, in one object (a closure that captures many values
    /// unpacks them all on every call). The call's closure captures it and the arguments, their
    /// kinds spelled by their type (CallSites.swift). A user function is called without
    /// retaining it, a builtin with a direct entry gets its argument values as they are, and
    /// anything else takes the general path.
    final class PinnedCall {
        let slot: Int
        let reads: CallReads
        let pos: Pos
        let location: SourceLocation
        let direct: Bool
        let anyCallee: Eval

        init(slot: Int, reads: CallReads, pos: Pos, location: SourceLocation, direct: Bool, anyCallee: @escaping Eval) {
            self.slot = slot; self.reads = reads
            self.pos = pos; self.location = location
            self.direct = direct; self.anyCallee = anyCallee
        }

        @inline(__always)
        func call<Arguments: ArgumentList>(_ arguments: Arguments, _ rt: Runtime) throws -> Value {
            guard let raw = rt.gfn[slot] else { return try anyCallee(rt) }
            return try Unmanaged<Function>.fromOpaque(raw)._withUnsafeGuaranteedRef { fn in
                guard fn.isUser else { return try builtin(fn, rt) }
                let uf = unsafeDowncast(fn, to: UserFunction.self)
                do {
                    return try Compiler.enter(uf, arguments, rt)
                } catch { throw Compiler.trace(error, fn, location) }
            }
        }

        private func builtin(_ fn: Function, _ rt: Runtime) throws -> Value {
            if direct, reads.argc == 1, fn.isGrad { return try Compiler.gradCall(fn, try reads.a0(rt), rt, pos, location) }
            // A variable as the first argument is lent to the direct entry where it lies
            // (`len(xs)`, `contains(counts, w)`, `str(name)`): no copy of a list, record or
            // string per call. Direct entries run no user code. The second argument only reads,
            // so reading it first changes nothing.
            if direct, reads.argc == 1, let d = fn.direct1, let p = reads.a0.place(rt), case .some = p.pointee {
                do {
                    if let r = try ArgumentRead.lend(p, d) { return r }
                    return try fn.call([p.pointee.unsafelyUnwrapped], named: [], rt, at: pos)
                } catch { throw Compiler.trace(error, fn, location) }
            }
            if direct, reads.argc == 2, let d = fn.direct2, reads.a1.onlyReads, let p = reads.a0.place(rt), case .some = p.pointee {
                if let q = reads.a1.place(rt), q != p, case .some = q.pointee {
                    // Two variables (`contains(names, name)`): both lent.
                    do {
                        if let r = try ArgumentRead.lend(p, { x in try ArgumentRead.lend(q) { y in try d(x, y) } }) { return r }
                        return try fn.call([p.pointee.unsafelyUnwrapped, q.pointee.unsafelyUnwrapped], named: [], rt, at: pos)
                    } catch { throw Compiler.trace(error, fn, location) }
                }
                let y = try reads.a1(rt)
                do {
                    if let r = try ArgumentRead.lend(p, { x in try d(x, y) }) { return r }
                    return try fn.call([p.pointee.unsafelyUnwrapped, y], named: [], rt, at: pos)
                } catch { throw Compiler.trace(error, fn, location) }
            }
            if direct, reads.argc == 1, let d = fn.direct1 {
                let x = try reads.a0(rt)
                do {
                    if let r = try d(x) { return r }
                    return try fn.call([x], named: [], rt, at: pos)
                } catch { throw Compiler.trace(error, fn, location) }
            }
            if direct, reads.argc == 2, let d = fn.direct2 {
                let x = try reads.a0(rt), y = try reads.a1(rt)
                do {
                    if let r = try d(x, y) { return r }
                    return try fn.call([x, y], named: [], rt, at: pos)
                } catch { throw Compiler.trace(error, fn, location) }
            }
            return try anyCallee(rt)
        }
    }

    /// `df(x)` of `df = grad(f)` with one argument: at a number, straight to the derivative
    /// (gradient descent, Newton's method), else the general call.
    static func gradCall(_ fn: Function, _ x: Value, _ rt: Runtime, _ pos: Pos, _ location: SourceLocation) throws -> Value {
        let g = unsafeDowncast(fn, to: GradFunction.self)
        do {
            if case .number(let n) = x { return try g.derivative(at: n, rt, at: pos) }
            return try g.call([x], named: [], rt, at: pos)
        } catch { throw Compiler.trace(error, fn, location) }
    }

    /// Adds a stack line when an error leaves a user function; positions errors from builtins at the call.
    static func trace(_ error: Error, _ fn: Function, _ location: SourceLocation) -> Error {
        guard var e = located(error, location) as? ScriptError else { return error }
        guard fn.isUser else { return e }
        let entry = "in \(fn.name)(), called at \(location)"
        // Deep recursion repeats one frame: count it instead of listing it thousands of times.
        if let last = e.stack.last, last.hasPrefix(entry) {
            let count = last == entry ? 1 : Int(last.dropFirst(entry.count + 2).prefix { $0.isNumber }) ?? 1
            e.stack[e.stack.count - 1] = entry + " (\(count + 1) times)"
        } else if e.stack.count < 100 {
            e.stack.append(entry)
        }
        return e
    }

    // MARK: functions

    private func function(_ f: FunctionNode) -> Eval {
        guard let fscope = scopes[f.id] else {
            // The resolver gives every function a scope: a missing one is a bug here, not in the program.
            let location = loc(f.pos)
            return { _ in throw ScriptError("internal error: function '\(f.name)' has no resolved scope", at: location) }
        }
        let saved = scope, savedSplits = splits
        scope = fscope
        splits = [:]
        defer { scope = saved; splits = savedSplits }
        inDefaults = true
        let defaults = f.params.map { p in p.defaultValue.map(expr) }
        inDefaults = false
        let body: Eval
        switch f.body {
        case .expression(let e): body = expr(e)
        case .block(let stmts):
            if Compiler.fastPaths { splits = planSplits(stmts) }
            body = tailBlock(stmts)
        }
        let proto = Prototype(name: f.name, paramNames: f.params.map(\.name), defaults: defaults,
                              frameSize: fscope.frameSize, cellSlots: fscope.cellSlots, body: body, file: file)
        // Where each captured variable comes from in the defining function.
        let sources = fscope.upvalues.map { ($0.fromParentCell, $0.index) }
        if sources.isEmpty {
            return { _ in .function(UserFunction(proto: proto, captured: [])) }
        }
        return { rt in
            var captured = ContiguousArray<Cell>()
            captured.reserveCapacity(sources.count)
            for (fromCell, i) in sources { captured.append(fromCell ? rt.cells[i] : rt.upvalues[i]) }
            return .function(UserFunction(proto: proto, captured: captured))
        }
    }
}
